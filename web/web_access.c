/* web_access.c - who may see what (web.h): the one rule every handler asks, so that a
 * county's account never reads another county's figures, whatever URL it types. */
#include <string.h>

#include "web.h"

bool web_may_see_county(const account_t *u, const char *county) {
    if (!u || u->disabled) return false;
    switch (u->role) {
    case ACCOUNT_CENTRAL:
    case ACCOUNT_VIEWER: return true;
    case ACCOUNT_COUNTY: return county && u->county[0] && !strcmp(u->county, county);
    default: return false;
    }
}

bool web_may_see_revisions(const account_t *u) {
    return u && !u->disabled && (u->role == ACCOUNT_CENTRAL || u->role == ACCOUNT_COUNTY);
}
