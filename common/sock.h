/* sock.h - every ZeroMQ socket of yuebao is made here, so options and security are set
 * in one place: MAXMSGSIZE, LINGER, HWMs, heartbeats, reconnect backoff, IMMEDIATE on
 * clients, ROUTER_MANDATORY on servers. (CURVE slots in here.)
 */
#ifndef YB_SOCK_H
#define YB_SOCK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    bool insecure; /* plain ZeroMQ: local development only */
} sock_security_t;

/* A ROUTER bound to endpoint (collectors' reports, snapshots). NULL with err set. */
void *sock_router(void *ctx, const char *endpoint, const sock_security_t *sec, char *err, size_t errsz);

/* A DEALER connected to endpoint (collector to aggregator), with routing_id (NULL for
 * a random one). NULL with err set. */
void *sock_dealer(void *ctx, const char *endpoint, const char *routing_id, const sock_security_t *sec,
                  char *err, size_t errsz);

/* A PUB bound to endpoint. NULL with err set. */
void *sock_pub(void *ctx, const char *endpoint, const sock_security_t *sec, char *err, size_t errsz);

/* A SUB connected to endpoint, subscribed to prefix ("" = everything). NULL with err. */
void *sock_sub(void *ctx, const char *endpoint, const char *prefix, const sock_security_t *sec, char *err,
               size_t errsz);

/* True for endpoints that never leave this host: ipc://, inproc:// and loopback TCP.
 * Plain (non-CURVE) sockets are allowed only there. */
bool sock_endpoint_is_local(const char *endpoint);

/* Closes *sock and sets it to NULL; NULL-safe. */
void sock_close(void **sock);

/* Sends frames[0..n) as one multipart message without blocking. 0, or -1 with errno
 * (EAGAIN: not now; EHOSTUNREACH: the ROUTER peer is gone). */
int sock_send_frames(void *sock, const void *const *frames, const size_t *lens, size_t n);

/* Receives one whole multipart message without blocking into at most max frames
 * (each a malloc'd copy, caller frees); extra frames are discarded. Returns the
 * number of frames kept, or -1 with errno (EAGAIN when none waits). */
int sock_recv_frames(void *sock, void **frames, size_t *lens, size_t max);

#endif
