/* web_session.c - who is logged in: the accounts file (re-read when it changes), the
 * password check behind the lock-out, and the sessions, in memory only (a restart logs
 * everybody out, which is the safe side). Tokens are 32 bytes from libsodium's CSPRNG. */
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "web_limit.h"
#include "web_server.h"

#define MAX_SESSIONS 4096

typedef struct {
    char token[WEB_TOKEN_HEX]; /* "" = free */
    char csrf[WEB_TOKEN_HEX];
    char name[ACCOUNT_NAME_MAX];
    int64_t created_ms, used_ms;
} session_t;

struct web_auth {
    const web_config_t *cfg;
    pthread_mutex_t mu; /* the accounts and the sessions */
    account_list_t accounts;
    struct timespec mtime; /* of the accounts file when read; 0 = missing */
    off_t size;
    int64_t checked_ms;    /* monotonic time of the last look at the file */
    session_t *sessions;
    web_limit_t *limit;
};

void web_token(char out[WEB_TOKEN_HEX]) {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, WEB_TOKEN_HEX, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

bool web_token_equal(const char *a, const char *b) {
    if (!a || !b) return false;
    size_t n = strlen(a);
    if (n != WEB_TOKEN_HEX - 1 || strlen(b) != n) return false;
    return sodium_memcmp(a, b, n) == 0;
}

/* Re-reads the accounts file if its mtime or size changed, looking at most once a
 * second (every request asks: a disabled account ends within a second, and a page's
 * burst of requests costs one stat); a file that no longer parses keeps the accounts
 * read before (said once per change). Called with mu held. */
static void reload(web_auth_t *a) {
    struct stat st;
    int64_t now = clock_mono_ms();
    if (a->checked_ms && now - a->checked_ms < 1000) return;
    a->checked_ms = now;
    struct timespec mt = {0, 0};
    off_t size = 0;
    account_list_t l = {0};
    char err[512];
    if (stat(a->cfg->users, &st) == 0) {
        mt = st.st_mtim;
        size = st.st_size;
    }
    if (mt.tv_sec == a->mtime.tv_sec && mt.tv_nsec == a->mtime.tv_nsec && size == a->size) return;
    a->mtime = mt;
    a->size = size;
    if (account_load(a->cfg->users, &l, err, sizeof err) < 0) {
        log_error(_("accounts: %s; the accounts read before stay in force"), err);
        return;
    }
    account_list_free(&a->accounts);
    a->accounts = l;
    log_info(_("accounts: %zu read from %s"), l.n, a->cfg->users);
}

web_auth_t *web_auth_new(const web_config_t *cfg, char *err, size_t errsz) {
    web_auth_t *a = calloc(1, sizeof *a);
    if (!a || sodium_init() < 0 || !(a->sessions = calloc(MAX_SESSIONS, sizeof *a->sessions)) ||
        !(a->limit = web_limit_new(cfg->login_attempts, (int64_t)cfg->lockout_minutes * 60000))) {
        snprintf(err, errsz, "%s", _("out of memory"));
        if (a) {
            free(a->sessions);
            free(a);
        }
        return NULL;
    }
    a->cfg = cfg;
    pthread_mutex_init(&a->mu, NULL);
    if (account_load(cfg->users, &a->accounts, err, errsz) < 0) {
        web_auth_free(&a);
        return NULL;
    }
    {
        struct stat st;
        if (stat(cfg->users, &st) == 0) {
            a->mtime = st.st_mtim;
            a->size = st.st_size;
        }
    }
    return a;
}

void web_auth_free(web_auth_t **a) {
    if (!a || !*a) return;
    account_list_free(&(*a)->accounts);
    if ((*a)->sessions) sodium_memzero((*a)->sessions, MAX_SESSIONS * sizeof *(*a)->sessions);
    free((*a)->sessions);
    web_limit_free(&(*a)->limit);
    pthread_mutex_destroy(&(*a)->mu);
    free(*a);
    *a = NULL;
}

web_login_t web_auth_login(web_auth_t *a, const char *name, const char *password, const char *client,
                           int64_t now_ms, account_t *out, int64_t *until_ms) {
    char folded[ACCOUNT_NAME_MAX];
    account_t copy;
    bool found = false, ok;
    size_t i;
    for (i = 0; name[i] && i + 1 < sizeof folded; i++) folded[i] = (char)tolower((unsigned char)name[i]);
    folded[i] = '\0';
    if (name[i]) folded[0] = '\0'; /* too long: no such account */

    pthread_mutex_lock(&a->mu);
    reload(a);
    if (web_limit_locked(a->limit, folded, client, now_ms, until_ms)) {
        pthread_mutex_unlock(&a->mu);
        return WEB_LOGIN_LOCKED;
    }
    {
        const account_t *acc = folded[0] ? account_find(&a->accounts, folded) : NULL;
        if (acc) {
            copy = *acc;
            found = true;
        }
    }
    pthread_mutex_unlock(&a->mu);

    /* the hash is checked outside the lock (0.1 s); an unknown name costs the same */
    if (found) {
        ok = account_verify(&copy, password);
    } else {
        account_t dummy = {0};
        snprintf(dummy.hash, sizeof dummy.hash, "%s", account_dummy_hash());
        (void)account_verify(&dummy, password);
        ok = false;
    }

    pthread_mutex_lock(&a->mu);
    if (ok) {
        web_limit_succeeded(a->limit, folded, client);
    } else if (web_limit_failed(a->limit, folded, client, now_ms)) {
        web_limit_locked(a->limit, folded, client, now_ms, until_ms);
        pthread_mutex_unlock(&a->mu);
        return WEB_LOGIN_LOCKED;
    }
    pthread_mutex_unlock(&a->mu);
    if (!ok) return WEB_LOGIN_WRONG;
    *out = copy;
    sodium_memzero(copy.hash, sizeof copy.hash);
    return WEB_LOGIN_OK;
}

static bool live(const web_auth_t *a, const session_t *s, int64_t now_ms) {
    return s->token[0] && now_ms - s->created_ms < (int64_t)a->cfg->session_minutes * 60000 &&
           now_ms - s->used_ms < (int64_t)a->cfg->idle_minutes * 60000;
}

int web_session_new(web_auth_t *a, const account_t *u, int64_t now_ms, char token[WEB_TOKEN_HEX],
                    char csrf[WEB_TOKEN_HEX]) {
    session_t *slot = NULL;
    pthread_mutex_lock(&a->mu);
    for (size_t i = 0; i < MAX_SESSIONS; i++) {
        session_t *s = &a->sessions[i];
        if (!live(a, s, now_ms)) {
            slot = s;
            break;
        }
        if (!slot || s->used_ms < slot->used_ms) slot = s;
    }
    memset(slot, 0, sizeof *slot);
    web_token(slot->token);
    web_token(slot->csrf);
    snprintf(slot->name, sizeof slot->name, "%s", u->name);
    slot->created_ms = slot->used_ms = now_ms;
    memcpy(token, slot->token, WEB_TOKEN_HEX);
    memcpy(csrf, slot->csrf, WEB_TOKEN_HEX);
    pthread_mutex_unlock(&a->mu);
    return 0;
}

bool web_session_find(web_auth_t *a, const char *token, int64_t now_ms, account_t *user, char csrf[WEB_TOKEN_HEX]) {
    bool ok = false;
    if (!token || strlen(token) != WEB_TOKEN_HEX - 1) return false;
    pthread_mutex_lock(&a->mu);
    reload(a);
    for (size_t i = 0; i < MAX_SESSIONS; i++) {
        session_t *s = &a->sessions[i];
        if (!s->token[0] || !web_token_equal(s->token, token)) continue;
        if (live(a, s, now_ms)) {
            const account_t *acc = account_find(&a->accounts, s->name);
            if (acc && !acc->disabled) {
                *user = *acc;
                memset(user->hash, 0, sizeof user->hash);
                memcpy(csrf, s->csrf, WEB_TOKEN_HEX);
                s->used_ms = now_ms;
                ok = true;
            }
        }
        if (!ok) memset(s, 0, sizeof *s);
        break;
    }
    pthread_mutex_unlock(&a->mu);
    return ok;
}

void web_session_end(web_auth_t *a, const char *token) {
    if (!token) return;
    pthread_mutex_lock(&a->mu);
    for (size_t i = 0; i < MAX_SESSIONS; i++)
        if (a->sessions[i].token[0] && web_token_equal(a->sessions[i].token, token))
            memset(&a->sessions[i], 0, sizeof a->sessions[i]);
    pthread_mutex_unlock(&a->mu);
}
