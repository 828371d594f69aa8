/* web_limit.h - the login rate limiter: wrong passwords counted per account name and
 * per client address, and the lock-outs they earn.
 *
 * A name is locked after `attempts` wrong passwords within lockout_ms, a client address
 * after attempts*4 (one client guessing many names), each for lockout_ms from the
 * failure that locked it; while locked, every login of that name or from that client is
 * refused, even with the right password. Failures older than lockout_ms are forgotten.
 *
 * Pure (no clock of its own: every call is given now_ms) and thread-safe (one mutex);
 * a fixed table, so a flood of made-up names cannot grow memory: when it is full the
 * entry used longest ago (an unlocked one before any locked one) makes room.
 */
#ifndef YB_WEB_LIMIT_H
#define YB_WEB_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct web_limit web_limit_t;

/* How many names and clients the table remembers at once. */
#define WEB_LIMIT_ENTRIES 4096

/* A limiter locking a name after attempts failures (1..100, clamped) within
 * lockout_ms (> 0), a client after attempts*4. NULL out of memory. */
web_limit_t *web_limit_new(int attempts, int64_t lockout_ms);

/* Frees *l and sets it to NULL; NULL-safe. */
void web_limit_free(web_limit_t **l);

/* True if name (case-folded; NULL: not checked) or client (NULL: not checked) is locked
 * at now_ms; *until_ms (may be NULL) is then when the later of the two locks ends. */
bool web_limit_locked(web_limit_t *l, const char *name, const char *client, int64_t now_ms, int64_t *until_ms);

/* Counts a wrong password for name and client (either may be NULL) at now_ms. True when
 * this failure locks the name or the client (the lock then starts now, and the
 * failures that earned it are forgotten); false otherwise, also when already locked. */
bool web_limit_failed(web_limit_t *l, const char *name, const char *client, int64_t now_ms);

/* A login of name succeeded: its failures are forgotten. The client's are kept, so
 * that one account's right password cannot be used to reset a client guessing others'
 * (client is accepted for symmetry and ignored). */
void web_limit_succeeded(web_limit_t *l, const char *name, const char *client);

#endif
