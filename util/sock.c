/* sock.c - every ZeroMQ socket of yuebao, with its options, made in one place.
 *
 * Choices, each deliberate:
 *  - MAXMSGSIZE on every socket: the peer cannot make us buffer more than a message.
 *  - LINGER 1 s: shutdown never hangs on an unreachable peer; unsent data that matters
 *    (reports) lives in the collector's outbox anyway, not in a socket queue.
 *  - ROUTER_MANDATORY: an ack to a vanished collector fails loudly (EHOSTUNREACH) and
 *    the collector's retry brings a DUPLICATE ack later, instead of a silent drop.
 *  - IMMEDIATE on DEALER: no queueing to a peer that is not connected; the collector
 *    keeps the report pending in its outbox and resends.
 *  - ZMTP heartbeats (5 s / 15 s timeout): dead TCP peers are noticed without traffic.
 *    A handshake not done in 30 s is given up. Both can be shortened for tests through
 *    YUEBAO_ZMQ_HEARTBEAT_MS (the interval; the timeout is three of them) and
 *    YUEBAO_ZMQ_HANDSHAKE_MS; the defaults are what production runs.
 *  - ROUTER_HANDOVER on every ROUTER: a client that connects again with the routing id
 *    of a connection the ROUTER still holds (its heartbeat gave up on a frozen server,
 *    its TCP link was reset) takes the id over. Without it libzmq keeps the old, dead
 *    pipe and never reads the new one: the collector would resend for ever, unheard.
 *  - Reconnect backoff 100 ms up to 5 s.
 *  - HWMs: ROUTER/DEALER 10 000 messages (far above any window in flight); PUB 100 000
 *    so a slow subscriber loses only what the sequence numbers will tell it about.
 *  - CURVE unless insecure; servers with ZAP_ENFORCE_DOMAIN: no ZAP handler, no client.
 */
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "i18n.h"
#include "log.h"
#include "clock.h"

static int setint(void *s, int opt, int v) {
    return zmq_setsockopt(s, opt, &v, sizeof v);
}

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93 /* libzmq 4.3 has it, but only under the draft API */
#endif

/* CURVE for socket s: the server side (with its ZAP domain) or the client side. */
static int set_curve(void *s, bool server, const sock_security_t *sec, const char *domain, char *err,
                     size_t errsz) {
    if (server) {
        if (!domain || !*domain) {
            snprintf(err, errsz, _("a CURVE server needs a ZAP domain"));
            return -1;
        }
        if (setint(s, ZMQ_CURVE_SERVER, 1) < 0 || setint(s, ZMQ_ZAP_ENFORCE_DOMAIN, 1) < 0 ||
            zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, domain, strlen(domain)) < 0 ||
            zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec->self.secret_z85, KEY_Z85_LEN) < 0) {
            snprintf(err, errsz, _("CURVE server: %s"), zmq_strerror(errno));
            return -1;
        }
        return 0;
    }
    if (!sec->server_key[0]) {
        snprintf(err, errsz, _("CURVE client: the server's public key is not configured"));
        return -1;
    }
    if (zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, sec->server_key, KEY_Z85_LEN) < 0 ||
        zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, sec->self.public_z85, KEY_Z85_LEN) < 0 ||
        zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec->self.secret_z85, KEY_Z85_LEN) < 0) {
        snprintf(err, errsz, _("CURVE client: %s"), zmq_strerror(errno));
        return -1;
    }
    return 0;
}

/* A positive integer from the environment, or def. */
static int env_ms(const char *name, int def) {
    const char *v = getenv(name);
    char *end;
    long n;
    if (!v || !*v) return def;
    n = strtol(v, &end, 10);
    return *end || n <= 0 || n > 3600000 ? def : (int)n;
}

static int heartbeat_ms(void) {
    return env_ms("YUEBAO_ZMQ_HEARTBEAT_MS", 5000);
}

static int handshake_ms(void) {
    return env_ms("YUEBAO_ZMQ_HANDSHAKE_MS", 30000);
}

static void *make(void *ctx, int type, const char *endpoint, bool bind, const char *routing_id,
                  const sock_security_t *sec, const char *domain, char *err, size_t errsz) {
    void *s = zmq_socket(ctx, type);
    int64_t maxsize = SOCK_MAX_MSG_BYTES;
    int hwm = type == ZMQ_PUB || type == ZMQ_SUB ? 100000 : 10000;
    if (!s) {
        snprintf(err, errsz, _("zmq_socket: %s"), zmq_strerror(errno));
        return NULL;
    }
    zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxsize, sizeof maxsize);
    setint(s, ZMQ_LINGER, 1000);
    setint(s, ZMQ_SNDHWM, hwm);
    setint(s, ZMQ_RCVHWM, hwm);
    setint(s, ZMQ_HEARTBEAT_IVL, heartbeat_ms());
    setint(s, ZMQ_HEARTBEAT_TIMEOUT, 3 * heartbeat_ms());
    setint(s, ZMQ_HANDSHAKE_IVL, handshake_ms());
    setint(s, ZMQ_RECONNECT_IVL, 100);
    setint(s, ZMQ_RECONNECT_IVL_MAX, 5000);
    if (type == ZMQ_ROUTER) {
        setint(s, ZMQ_ROUTER_MANDATORY, 1);
        setint(s, ZMQ_ROUTER_HANDOVER, 1);
    }
    if (type == ZMQ_DEALER) setint(s, ZMQ_IMMEDIATE, 1);
    if (routing_id) zmq_setsockopt(s, ZMQ_ROUTING_ID, routing_id, strlen(routing_id));
    if (!sec->insecure && set_curve(s, bind, sec, domain, err, errsz) < 0) {
        zmq_close(s);
        return NULL;
    }
    if ((bind ? zmq_bind(s, endpoint) : zmq_connect(s, endpoint)) < 0) {
        snprintf(err, errsz, bind ? _("bind %s: %s") : _("connect %s: %s"), endpoint, zmq_strerror(errno));
        zmq_close(s);
        return NULL;
    }
    return s;
}

void *sock_router(void *ctx, const char *endpoint, const sock_security_t *sec, const char *domain, char *err,
                  size_t errsz) {
    return make(ctx, ZMQ_ROUTER, endpoint, true, NULL, sec, domain, err, errsz);
}

void *sock_dealer(void *ctx, const char *endpoint, const char *routing_id, const sock_security_t *sec,
                  char *err, size_t errsz) {
    return make(ctx, ZMQ_DEALER, endpoint, false, routing_id, sec, NULL, err, errsz);
}

void *sock_pub(void *ctx, const char *endpoint, const sock_security_t *sec, const char *domain, char *err,
               size_t errsz) {
    return make(ctx, ZMQ_PUB, endpoint, true, NULL, sec, domain, err, errsz);
}

void *sock_sub(void *ctx, const char *endpoint, const char *prefix, const sock_security_t *sec, char *err,
               size_t errsz) {
    void *s = make(ctx, ZMQ_SUB, endpoint, false, NULL, sec, NULL, err, errsz);
    if (s && zmq_setsockopt(s, ZMQ_SUBSCRIBE, prefix, strlen(prefix)) < 0) {
        snprintf(err, errsz, _("subscribe: %s"), zmq_strerror(errno));
        zmq_close(s);
        return NULL;
    }
    return s;
}

bool sock_endpoint_is_local(const char *ep) {
    char host[64];
    const char *h, *colon;
    struct in_addr a4;
    if (strncmp(ep, "ipc://", 6) == 0 || strncmp(ep, "inproc://", 9) == 0) return true;
    if (strncmp(ep, "tcp://", 6) != 0) return false;
    h = ep + 6;
    if (strchr(h, ';')) return false; /* "source;destination": the destination may be anywhere */
    colon = strrchr(h, ':');
    if (!colon || colon == h || (size_t)(colon - h) >= sizeof host) return false;
    memcpy(host, h, (size_t)(colon - h));
    host[colon - h] = '\0';
    if (strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0) return true;
    /* an address in 127.0.0.0/8, not a host name that only starts with "127." (a client
     * would resolve tcp://127.0.0.1.example.com:7301 through DNS to anywhere) */
    return inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

int sock_security_load(sock_security_t *sec, bool insecure, const char *key_file, const char *server_key_file,
                       char *err, size_t errsz) {
    memset(sec, 0, sizeof *sec);
    sec->insecure = insecure;
    if (insecure) return 0;
    if (keys_load_secret(key_file, &sec->self, err, errsz) < 0) return -1;
    if (server_key_file && *server_key_file &&
        keys_load_public(server_key_file, sec->server_key, err, errsz) < 0) {
        explicit_bzero(&sec->self, sizeof sec->self);
        return -1;
    }
    return 0;
}

int sock_watch_start(sock_watch_t *w, void *ctx, void *sock) {
    char ep[64];
    memset(w, 0, sizeof *w);
    snprintf(ep, sizeof ep, "inproc://yuebao-monitor-%p", sock);
    if (zmq_socket_monitor(sock, ep,
                           ZMQ_EVENT_CONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) < 0)
        return -1;
    if (!(w->monitor = zmq_socket(ctx, ZMQ_PAIR))) return -1;
    setint(w->monitor, ZMQ_LINGER, 0);
    if (zmq_connect(w->monitor, ep) < 0) {
        sock_close(&w->monitor);
        return -1;
    }
    return 0;
}

/* One event off the monitor, without blocking ([event (2 bytes) + value], [endpoint]):
 * its sock_event_t (SOCK_EV_NONE for one of no interest), or -1 when none waits.
 * libzmq reports a handshake that timed out and one the server cut (a CURVE server
 * closes on a HELLO it cannot decrypt) alike, as HANDSHAKE_FAILED_NO_DETAIL; what tells
 * them apart is time: a refusal comes at once, a timeout a whole handshake interval
 * after the connection came up (w->connected_ms). */
static int monitor_event(sock_watch_t *w) {
    void *monitor = w->monitor;
    zmq_msg_t part;
    uint16_t event = 0;
    int more = 0, n = 0;
    size_t sz = sizeof more;
    do {
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, monitor, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close(&part);
            return n == 0 ? -1 : SOCK_EV_NONE;
        }
        if (n == 0 && zmq_msg_size(&part) >= 2) memcpy(&event, zmq_msg_data(&part), 2);
        zmq_getsockopt(monitor, ZMQ_RCVMORE, &more, &sz);
        zmq_msg_close(&part);
        n++;
    } while (more);
    switch (event) {
    case ZMQ_EVENT_CONNECTED: w->connected_ms = clock_mono_ms(); return SOCK_EV_NONE;
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: return SOCK_EV_CONNECTED;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: return SOCK_EV_REFUSED;
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: return SOCK_EV_PROTOCOL;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        return w->connected_ms && clock_mono_ms() - w->connected_ms >= handshake_ms() / 2 ? SOCK_EV_NO_ANSWER
                                                                                          : SOCK_EV_PROTOCOL;
    default: return SOCK_EV_NONE;
    }
}

sock_event_t sock_watch_read(sock_watch_t *w, int64_t now_ms, int retry_ms, sock_event_t *was) {
    sock_event_t latest = SOCK_EV_NONE;
    int ev;
    if (!w->monitor) return SOCK_EV_NONE;
    while ((ev = monitor_event(w)) != -1) {
        if (ev == SOCK_EV_NONE) continue;
        if (ev == SOCK_EV_CONNECTED) w->handshakes++;
        if (ev == SOCK_EV_REFUSED && retry_ms > 0) w->retry_at_ms = now_ms + retry_ms;
        latest = (sock_event_t)ev;
    }
    if (latest == SOCK_EV_NONE || latest == w->state) return SOCK_EV_NONE;
    if (was) *was = w->state;
    w->state = latest;
    return latest;
}

int sock_watch_retry(sock_watch_t *w, void *sock, const char *endpoint, int64_t now_ms) {
    if (!w->retry_at_ms || now_ms < w->retry_at_ms) return 0;
    w->retry_at_ms = 0;
    zmq_disconnect(sock, endpoint); /* ENOENT when already forgotten: fine */
    return zmq_connect(sock, endpoint) < 0 ? -1 : 1;
}

void sock_watch_stop(sock_watch_t *w, void *sock) {
    if (!w || !w->monitor) return;
    if (sock) zmq_socket_monitor(sock, NULL, 0); /* no more events from here on */
    while (monitor_event(w) != -1) {}
    sock_close(&w->monitor);
}

void sock_close(void **sock) {
    if (!sock || !*sock) return;
    zmq_close(*sock);
    *sock = NULL;
}

int sock_send_frames(void *sock, const void *const *frames, const size_t *lens, size_t n) {
    for (size_t i = 0; i < n; i++) {
        int flags = ZMQ_DONTWAIT | (i + 1 < n ? ZMQ_SNDMORE : 0);
        if (zmq_send(sock, frames[i], lens[i], flags) < 0) return -1;
    }
    return 0;
}

int sock_recv_frames(void *sock, void **frames, size_t *lens, size_t max) {
    size_t kept = 0;
    int more = 1;
    while (more) {
        zmq_msg_t msg;
        size_t sz = sizeof more;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, sock, kept == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            int e = errno;
            zmq_msg_close(&msg);
            for (size_t i = 0; i < kept; i++)
                free(frames[i]);
            errno = e;
            return -1;
        }
        zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
        if (kept < max) {
            size_t len = zmq_msg_size(&msg);
            frames[kept] = malloc(len ? len : 1);
            if (!frames[kept]) {
                zmq_msg_close(&msg);
                continue; /* drain the rest; the message is lost for want of memory */
            }
            memcpy(frames[kept], zmq_msg_data(&msg), len);
            lens[kept++] = len;
        }
        zmq_msg_close(&msg);
    }
    return (int)kept;
}
