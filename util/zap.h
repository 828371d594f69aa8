/* zap.h - the in-process ZAP handler (ZeroMQ RFC 27) that decides which CURVE clients a
 * daemon accepts. It fails closed:
 *   - zap_start binds inproc://zeromq.zap.01 or fails, and the daemon must then abort;
 *   - every CURVE server socket is made with ZAP_ENFORCE_DOMAIN (see sock.c), so should
 *     the handler be missing, libzmq refuses the client instead of letting it in;
 *   - a domain without a key list, an unknown key, or any mechanism but CURVE is refused.
 * An accepted client gets the key list's name as its User-Id (zmq_msg_gets "User-Id"
 * on every message it sends): for the collectors' domain that is the county, the only
 * source of truth for which zones it may report. The key is passed along as the
 * connection property "X-Key".
 *
 * The handler runs in its own thread, so a long SQLite commit never stalls handshakes;
 * key lists are swapped under a mutex, so a reload (SIGHUP) is atomic.
 */
#ifndef YB_ZAP_H
#define YB_ZAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"

typedef struct zap zap_t;

/* Starts the handler for context ctx. NULL with err set when it cannot bind (another
 * handler is already bound in this context) or start its thread. */
zap_t *zap_start(void *ctx, char *err, size_t errsz);

/* Replaces the key list of domain by the one in file path, all or nothing: on error the
 * previous list stays in force. Returns the number of keys, or -1 with err set. */
int zap_load(zap_t *z, const char *domain, const char *path, char *err, size_t errsz);

/* Looks at a list just read, before it is put in force (e.g. to warn of names it
 * does not know). */
typedef void (*zap_inspect_fn)(const char *path, const key_list_t *list, void *arg);

/* The same, logged: "<what>: N key(s) for the <domain> from <path>", or the error
 * (ending "the previous list stays in force" when reload). An empty path is an error
 * too: nobody could connect. inspect (may be NULL) sees the list first, only when it
 * was read without error. 0 or -1. */
int zap_load_logged(zap_t *z, const char *domain, const char *what, const char *path, bool reload,
                    zap_inspect_fn inspect, void *arg);

/* Whether key (Z85) is in domain's list in force now. A handshake is checked once, when
 * the connection is made: a daemon that acts on a request asks this too, so that a key a
 * reload removed stops working on a connection it already has. */
bool zap_listed(zap_t *z, const char *domain, const char *key);

/* Handshakes answered since start: accepted and refused. */
void zap_counts(zap_t *z, uint64_t *accepted, uint64_t *refused);

/* Stops the thread and unbinds. Close the CURVE server sockets first. NULL-safe. */
void zap_stop(zap_t **z);

#endif
