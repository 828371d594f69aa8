/* zap.c - the fail-closed ZAP handler (see zap.h). */
#include "zap.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "i18n.h"
#include "log.h"
#include "clock.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_MAX_DOMAINS 4
#define ZAP_FRAMES 8

typedef struct {
    char name[32];
    key_list_t keys;
} zap_domain_t;

struct zap {
    void *ctx, *rep, *pipe; /* pipe: the owner's end of the stop signal */
    char pipe_endpoint[64];
    pthread_t thread;
    pthread_mutex_t lock; /* guards domains and the counters */
    zap_domain_t domains[ZAP_MAX_DOMAINS];
    size_t n_domains;
    uint64_t accepted, refused;
    /* the handler thread's own: refusals are logged at most once per 10 s */
    int64_t refusal_logged_ms;
    uint64_t refusals_unlogged;
};

/* One request's frames (RFC 27): version, request id, domain, address, routing id,
 * mechanism, credentials… */
typedef struct {
    zmq_msg_t part[ZAP_FRAMES];
    int n;
} zap_request_t;

static const char *frame_str(zap_request_t *r, int i, char *buf, size_t size) {
    size_t len = i < r->n ? zmq_msg_size(&r->part[i]) : 0;
    if (len >= size) len = size - 1;
    if (len) memcpy(buf, zmq_msg_data(&r->part[i]), len);
    buf[len] = '\0';
    for (size_t k = 0; k < len; k++) /* only for logs and comparisons: keep it printable */
        if ((unsigned char)buf[k] < 0x20 || (unsigned char)buf[k] > 0x7e) buf[k] = '?';
    return buf;
}

/* Receives one whole request; extra frames are dropped. 0, or -1 (interrupted). */
static int recv_request(void *rep, zap_request_t *r) {
    int more = 1;
    r->n = 0;
    while (more) {
        zmq_msg_t tmp, *m = r->n < ZAP_FRAMES ? &r->part[r->n] : &tmp;
        size_t sz = sizeof more;
        zmq_msg_init(m);
        if (zmq_msg_recv(m, rep, 0) < 0) {
            zmq_msg_close(m);
            for (int i = 0; i < r->n; i++)
                zmq_msg_close(&r->part[i]);
            r->n = 0;
            return -1;
        }
        zmq_getsockopt(rep, ZMQ_RCVMORE, &more, &sz);
        if (m == &tmp)
            zmq_msg_close(m);
        else
            r->n++;
    }
    return 0;
}

static void send_reply(void *rep, zap_request_t *r, const char *status, const char *text, const char *user,
                       const char *key) {
    uint8_t meta[128];
    size_t meta_len = 0, klen = key ? strlen(key) : 0;
    static const char prop[] = "X-Key";
    if (klen && klen < 64) { /* ZMTP metadata: name length, name, 4-byte value length, value */
        meta[meta_len++] = (uint8_t)(sizeof prop - 1);
        memcpy(meta + meta_len, prop, sizeof prop - 1);
        meta_len += sizeof prop - 1;
        meta[meta_len++] = 0;
        meta[meta_len++] = 0;
        meta[meta_len++] = 0;
        meta[meta_len++] = (uint8_t)klen;
        memcpy(meta + meta_len, key, klen);
        meta_len += klen;
    }
    zmq_send(rep, "1.0", 3, ZMQ_SNDMORE);
    if (r->n > 1)
        zmq_send(rep, zmq_msg_data(&r->part[1]), zmq_msg_size(&r->part[1]), ZMQ_SNDMORE);
    else
        zmq_send(rep, "", 0, ZMQ_SNDMORE);
    zmq_send(rep, status, strlen(status), ZMQ_SNDMORE);
    zmq_send(rep, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(rep, user, strlen(user), ZMQ_SNDMORE);
    zmq_send(rep, meta, meta_len, 0);
}

/* Judges one request: 200 with the key's name, or 400. */
static void handle(zap_t *z, zap_request_t *r) {
    char version[8], domain[32], address[64], mechanism[16], key[KEY_Z85_LEN + 1] = "";
    char name[KEY_NAME_MAX] = "";
    const char *why = NULL;
    frame_str(r, 0, version, sizeof version);
    frame_str(r, 2, domain, sizeof domain);
    frame_str(r, 3, address, sizeof address);
    frame_str(r, 5, mechanism, sizeof mechanism);
    if (r->n < 6 || strcmp(version, "1.0") != 0)
        why = _("malformed ZAP request");
    else if (strcmp(mechanism, "CURVE") != 0)
        why = _("only CURVE clients are accepted");
    else if (r->n < 7 || zmq_msg_size(&r->part[6]) != 32)
        why = _("no CURVE public key");
    if (!why) {
        zmq_z85_encode(key, zmq_msg_data(&r->part[6]), 32);
        pthread_mutex_lock(&z->lock);
        why = _("no such domain");
        for (size_t i = 0; i < z->n_domains; i++) {
            if (strcmp(z->domains[i].name, domain) != 0) continue;
            const key_entry_t *e = keys_list_find(&z->domains[i].keys, key);
            if (e) {
                snprintf(name, sizeof name, "%s", e->name);
                why = NULL;
            } else {
                why = _("key not listed");
            }
            break;
        }
        if (why)
            z->refused++;
        else
            z->accepted++;
        pthread_mutex_unlock(&z->lock);
    } else {
        pthread_mutex_lock(&z->lock);
        z->refused++;
        pthread_mutex_unlock(&z->lock);
    }
    if (why) {
        /* anyone may knock with throwaway keys: a line per refusal would let them drown the
         * journal, so the first is logged, then at most one per 10 s with a count */
        int64_t now = clock_mono_ms();
        if (z->refusal_logged_ms == 0 || now - z->refusal_logged_ms >= 10000) {
            if (z->refusals_unlogged)
                log_warn(_("refused %llu more client(s) since the last such line"),
                         (unsigned long long)z->refusals_unlogged);
            log_warn(_("refused a %s client from %s on %s: %s%s%s"), mechanism[0] ? mechanism : "?", address,
                     domain[0] ? domain : _("(no domain)"), why, key[0] ? _(": key ") : "", key);
            z->refusal_logged_ms = now;
            z->refusals_unlogged = 0;
        } else {
            z->refusals_unlogged++;
        }
        send_reply(z->rep, r, "400", why, "", NULL);
    } else {
        log_debug("accepted key %s as %s from %s on %s", key, name, address, domain);
        send_reply(z->rep, r, "200", "OK", name, key);
    }
}

static void *run(void *arg) {
    zap_t *z = arg;
    void *pipe = zmq_socket(z->ctx, ZMQ_PAIR);
    if (!pipe || zmq_connect(pipe, z->pipe_endpoint) < 0 || zmq_send(pipe, "up", 2, 0) != 2) {
        if (pipe) zmq_close(pipe);
        return NULL; /* zap_start hears no "up" and fails */
    }
    for (;;) {
        zmq_pollitem_t items[2] = {{z->rep, 0, ZMQ_POLLIN, 0}, {pipe, 0, ZMQ_POLLIN, 0}};
        if (zmq_poll(items, 2, -1) < 0) {
            if (errno == EINTR) continue;
            /* no handler from here on: handshakes go unanswered, so clients stay out */
            log_error(_("ZAP handler stopped: %s; no client can connect any more"), zmq_strerror(errno));
            break;
        }
        if (items[1].revents & ZMQ_POLLIN) break;
        if (items[0].revents & ZMQ_POLLIN) {
            zap_request_t r;
            if (recv_request(z->rep, &r) < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                log_error(_("ZAP handler stopped: %s; no client can connect any more"), zmq_strerror(errno));
                break;
            }
            handle(z, &r);
            for (int i = 0; i < r.n; i++)
                zmq_msg_close(&r.part[i]);
        }
    }
    zmq_close(pipe);
    return NULL;
}

zap_t *zap_start(void *ctx, char *err, size_t errsz) {
    zap_t *z = calloc(1, sizeof *z);
    int linger = 0;
    if (!z) {
        snprintf(err, errsz, _("out of memory"));
        return NULL;
    }
    z->ctx = ctx;
    pthread_mutex_init(&z->lock, NULL);
    snprintf(z->pipe_endpoint, sizeof z->pipe_endpoint, "inproc://yuebao-zap-stop-%p", (void *)z);
    z->rep = zmq_socket(ctx, ZMQ_REP);
    z->pipe = zmq_socket(ctx, ZMQ_PAIR);
    if (!z->rep || !z->pipe) {
        snprintf(err, errsz, _("ZAP handler: %s"), zmq_strerror(errno));
        goto fail;
    }
    zmq_setsockopt(z->rep, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(z->pipe, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind(z->rep, ZAP_ENDPOINT) < 0) {
        snprintf(err, errsz, _("cannot bind the ZAP handler (%s): %s"), ZAP_ENDPOINT, zmq_strerror(errno));
        goto fail;
    }
    if (zmq_bind(z->pipe, z->pipe_endpoint) < 0) {
        snprintf(err, errsz, _("ZAP handler stop pipe: %s"), zmq_strerror(errno));
        goto fail;
    }
    if (pthread_create(&z->thread, NULL, run, z) != 0) {
        snprintf(err, errsz, _("cannot start the ZAP handler thread"));
        goto fail;
    }
    { /* the thread says "up" once it can be stopped; without that, it has already ended */
        char up[2];
        int timeout = 10000;
        zmq_setsockopt(z->pipe, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
        if (zmq_recv(z->pipe, up, sizeof up, 0) != 2) {
            snprintf(err, errsz, _("the ZAP handler thread did not start"));
            zmq_send(z->pipe, "stop", 4, ZMQ_DONTWAIT);
            pthread_join(z->thread, NULL);
            goto fail;
        }
    }
    return z;
fail:
    if (z->rep) zmq_close(z->rep);
    if (z->pipe) zmq_close(z->pipe);
    pthread_mutex_destroy(&z->lock);
    free(z);
    return NULL;
}

/* Puts *list in force for domain, taking it over (on error it is cleared). Returns the
 * number of keys, or -1 with err set. */
static int install(zap_t *z, const char *domain, key_list_t *list, char *err, size_t errsz) {
    key_list_t old;
    size_t i;
    int n = (int)list->n;
    pthread_mutex_lock(&z->lock);
    for (i = 0; i < z->n_domains; i++)
        if (strcmp(z->domains[i].name, domain) == 0) break;
    if (i == z->n_domains) {
        if (i == ZAP_MAX_DOMAINS || strlen(domain) >= sizeof z->domains[i].name) {
            pthread_mutex_unlock(&z->lock);
            keys_list_clear(list);
            snprintf(err, errsz, _("ZAP domain %s: too many domains or too long a name"), domain);
            return -1;
        }
        snprintf(z->domains[i].name, sizeof z->domains[i].name, "%s", domain);
        memset(&z->domains[i].keys, 0, sizeof z->domains[i].keys);
        z->n_domains++;
    }
    old = z->domains[i].keys;
    z->domains[i].keys = *list;
    memset(list, 0, sizeof *list);
    pthread_mutex_unlock(&z->lock);
    keys_list_clear(&old);
    return n;
}

int zap_load(zap_t *z, const char *domain, const char *path, char *err, size_t errsz) {
    key_list_t list;
    if (keys_list_load(path, &list, err, errsz) < 0) return -1;
    return install(z, domain, &list, err, errsz);
}

int zap_load_logged(zap_t *z, const char *domain, const char *what, const char *path, bool reload,
                    zap_inspect_fn inspect, void *arg) {
    char err[1024];
    key_list_t list;
    int n = -1;
    if (!path || !*path) {
        log_error(_("%s is not set: no key could connect to the %s"), what, domain);
        return -1;
    }
    if (keys_list_load(path, &list, err, sizeof err) == 0) {
        if (inspect) inspect(path, &list, arg);
        n = install(z, domain, &list, err, sizeof err);
    }
    if (n < 0) {
        log_error("%s: %s%s", what, err, reload ? _("; the previous list stays in force") : "");
        return -1;
    }
    log_info(_("%s: %d key(s) for the %s from %s"), what, n, domain, path);
    return 0;
}

bool zap_listed(zap_t *z, const char *domain, const char *key) {
    bool listed = false;
    if (!z || !domain || !key || !*key) return false;
    pthread_mutex_lock(&z->lock);
    for (size_t i = 0; i < z->n_domains; i++)
        if (strcmp(z->domains[i].name, domain) == 0) {
            listed = keys_list_find(&z->domains[i].keys, key) != NULL;
            break;
        }
    pthread_mutex_unlock(&z->lock);
    return listed;
}

void zap_counts(zap_t *z, uint64_t *accepted, uint64_t *refused) {
    pthread_mutex_lock(&z->lock);
    *accepted = z->accepted;
    *refused = z->refused;
    pthread_mutex_unlock(&z->lock);
}

void zap_stop(zap_t **zp) {
    zap_t *z = zp ? *zp : NULL;
    if (!z) return;
    /* never blocks: if the thread has already left its loop (or never connected the pipe),
     * there is nobody to receive it, and joining is all that is left */
    zmq_send(z->pipe, "stop", 4, ZMQ_DONTWAIT);
    pthread_join(z->thread, NULL);
    zmq_close(z->pipe);
    zmq_close(z->rep);
    for (size_t i = 0; i < z->n_domains; i++)
        keys_list_clear(&z->domains[i].keys);
    pthread_mutex_destroy(&z->lock);
    free(z);
    *zp = NULL;
}
