/* web_limit.h - the login lock-out: wrong passwords counted per account name and per
 * client address within a window; past the limit, that name (or address) is locked
 * for the window, the right password included. Pure (the caller gives the time) and
 * thread-safe; a fixed table, the oldest entry evicted when it is full, so a flood of
 * made-up names costs bounded memory.
 */
#ifndef YB_WEB_LIMIT_H
#define YB_WEB_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct web_limit web_limit_t;

/* attempts wrong passwords for one name within lockout_ms lock it for lockout_ms; a
 * client address is locked at 4 × attempts (one client trying many names). NULL when
 * out of memory. */
web_limit_t *web_limit_new(int attempts, int64_t lockout_ms);
void web_limit_free(web_limit_t **l);
/* True if name or client is locked at now_ms; *until_ms (if not NULL) then says until
 * when. */
bool web_limit_locked(web_limit_t *l, const char *name, const char *client, int64_t now_ms, int64_t *until_ms);
/* Counts one wrong password; true when this one locks the name or the client. */
bool web_limit_failed(web_limit_t *l, const char *name, const char *client, int64_t now_ms);
/* A right password: the name's count starts again (the client's stays: it may be
 * trying many names and knowing one). */
void web_limit_succeeded(web_limit_t *l, const char *name, const char *client);

#endif
