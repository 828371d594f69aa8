/* fake_receivers.c - the 企业微信/钉钉/webhook HTTP fake and the SMTP sink (see
 * fake_receivers.h).
 *
 * One thread per server, one connection at a time, blocking I/O bounded by poll: tests
 * send a handful of requests, so simplicity beats concurrency here. Everything the
 * thread shares with the test (the records, the scripts, down/up) is under one mutex;
 * down and up are carried out by the thread itself (told through a pipe), so the
 * listening socket is never closed under a poll that waits on it.
 */
#include "fake_receivers.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IO_MS 5000             /* a client that stalls this long is dropped */
#define MAX_REQUEST (1u << 20) /* headers + body */

/* --- shared mechanism: a listener that a thread opens and closes ------------------ */
typedef struct {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int lfd, port, wake[2];
    bool stop, want_down, is_down;
    int changes, applied; /* down/up requests made, carried out */
    int up_rc;
} server_t;

static int64_t wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Listens on 127.0.0.1:port (0: any). The fd, or -1. */
static int listen_on(int port, int *bound) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    socklen_t len = sizeof a;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        fprintf(stderr, "fake_receivers: listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
        close(fd);
        return -1;
    }
    *bound = ntohs(a.sin_port);
    return fd;
}

static int server_init(server_t *s) {
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->wake[0] = s->wake[1] = -1;
    if (pipe2(s->wake, O_CLOEXEC) < 0) return -1;
    s->lfd = listen_on(0, &s->port);
    return s->lfd < 0 ? -1 : 0;
}

static void server_poke(server_t *s) {
    ssize_t rc = write(s->wake[1], "x", 1);
    (void)rc;
}

/* In the thread: carries out a pending down/up. */
static void server_apply(server_t *s) {
    pthread_mutex_lock(&s->mu);
    if (s->applied != s->changes) {
        if (s->want_down && s->lfd >= 0) {
            close(s->lfd);
            s->lfd = -1;
            s->up_rc = 0;
        } else if (!s->want_down && s->lfd < 0) {
            int port;
            s->lfd = listen_on(s->port, &port);
            s->up_rc = s->lfd < 0 ? -1 : 0;
        }
        s->is_down = s->lfd < 0;
        s->applied = s->changes;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
}

/* In the thread: waits for a connection. The client fd, or -1 when asked to stop. */
static int server_accept(server_t *s) {
    for (;;) {
        struct pollfd p[2] = {{.fd = s->wake[0], .events = POLLIN}, {.fd = s->lfd, .events = POLLIN}};
        char c;
        bool stop;
        server_apply(s);
        pthread_mutex_lock(&s->mu);
        stop = s->stop;
        p[1].fd = s->lfd;
        pthread_mutex_unlock(&s->mu);
        if (stop) return -1;
        if (poll(p, p[1].fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) return -1;
        if (p[0].revents & POLLIN) {
            ssize_t rc = read(s->wake[0], &c, 1);
            (void)rc;
            continue;
        }
        if (p[1].fd >= 0 && (p[1].revents & POLLIN)) {
            int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0) return fd;
        }
    }
}

static int server_down(server_t *s, bool down) {
    int rc;
    pthread_mutex_lock(&s->mu);
    s->want_down = down;
    int mine = ++s->changes;
    server_poke(s);
    while (s->applied < mine)
        pthread_cond_wait(&s->cv, &s->mu);
    rc = s->up_rc;
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static void server_stop(server_t *s) {
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    server_poke(s);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    if (s->lfd >= 0) close(s->lfd);
    close(s->wake[0]);
    close(s->wake[1]);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
}

/* Waits (with s->mu held) until *count >= n or timeout_ms. 0 or -1. */
static int server_wait(server_t *s, const size_t *count, size_t n, int timeout_ms) {
    struct timespec until;
    int rc = 0;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
    while (*count < n && rc == 0)
        rc = pthread_cond_timedwait(&s->cv, &s->mu, &until);
    return *count >= n ? 0 : -1;
}

/* Reads what is there into buf (growing it). Bytes read, 0 at end, -1 on error or after
 * IO_MS of silence. */
static ssize_t read_some(int fd, char **buf, size_t *len, size_t *cap) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    ssize_t n;
    if (*cap - *len < 4096 + 1) {
        size_t ncap = *cap ? *cap * 2 : 8192;
        char *nb = realloc(*buf, ncap);
        if (!nb) return -1;
        *buf = nb;
        *cap = ncap;
    }
    if (poll(&p, 1, IO_MS) <= 0) return -1;
    n = read(fd, *buf + *len, *cap - *len - 1);
    if (n > 0) {
        *len += (size_t)n;
        (*buf)[*len] = '\0';
    }
    return n;
}

static void write_all(int fd, const char *s, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
        if (n <= 0) return;
        s += n;
        len -= (size_t)n;
    }
}

static char *dup_n(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* --- HTTP ------------------------------------------------------------------------- */
typedef struct script {
    char *prefix, *body;
    int status;
    struct script *next;
} script_t;

struct fake_http {
    server_t s;
    char *secret;
    script_t *scripts;
    fake_request_t *reqs;
    size_t n_reqs, cap_reqs, bad_sig;
};

static bool has_prefix(const char *target, const char *prefix) {
    return !prefix || strncmp(target, prefix, strlen(prefix)) == 0;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int fake_query_param(const char *target, const char *name, char *out, size_t size) {
    const char *q = strchr(target, '?');
    size_t nl = strlen(name);
    if (!q || size == 0) return -1;
    for (const char *p = q + 1; *p;) {
        const char *end = strchr(p, '&');
        if (!end) end = p + strlen(p);
        if ((size_t)(end - p) > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            size_t n = 0;
            for (const char *v = p + nl + 1; v < end; v++) {
                int c = *v;
                /* a form-encoded query: '+' is a space, so a sign sent without its '+'
                 * encoded does not match, as it would not at 钉钉 */
                if (c == '+')
                    c = ' ';
                else if (c == '%' && v + 2 < end && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
                    c = hexval(v[1]) * 16 + hexval(v[2]);
                    v += 2;
                }
                if (n + 1 >= size) return -1;
                out[n++] = (char)c;
            }
            out[n] = '\0';
            return 0;
        }
        p = *end ? end + 1 : end;
    }
    return -1;
}

/* True if target's timestamp and sign match secret as 钉钉 checks them. */
static bool dingtalk_sign_ok(const char *target, const char *secret) {
    char ts[32], sign[128], want[128], msg[512];
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    char *end;
    long long t;
    if (fake_query_param(target, "timestamp", ts, sizeof ts) < 0 ||
        fake_query_param(target, "sign", sign, sizeof sign) < 0)
        return false;
    t = strtoll(ts, &end, 10);
    if (*end || end == ts || llabs(wall_ms() - t) > 3600 * 1000LL) return false;
    snprintf(msg, sizeof msg, "%s\n%s", ts, secret);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(want, sizeof want, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    return strcmp(want, sign) == 0;
}

/* The default answer to a request at target: status and body into *body (static). */
static int default_answer(fake_http_t *f, const char *target, bool sign_ok, const char **body) {
    char v[256];
    if (has_prefix(target, "/cgi-bin/webhook/send")) {
        if (fake_query_param(target, "key", v, sizeof v) < 0 || !*v) {
            *body = "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}";
            return 200;
        }
        *body = "{\"errcode\":0,\"errmsg\":\"ok\"}";
        return 200;
    }
    if (has_prefix(target, "/robot/send")) {
        if (fake_query_param(target, "access_token", v, sizeof v) < 0 || !*v) {
            *body = "{\"errcode\":300001,\"errmsg\":\"token is not exist\"}";
            return 200;
        }
        if (f->secret && !sign_ok) {
            *body = "{\"errcode\":310000,\"errmsg\":\"sign not match\"}";
            return 200;
        }
        *body = "{\"errcode\":0,\"errmsg\":\"ok\"}";
        return 200;
    }
    *body = "{\"status\":\"ok\"}";
    return 200;
}

static const char *reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

/* Reads one request from fd: 0 with *method, *target, *headers, *body set (malloc'd),
 * or -1. Answers "100 Continue" when asked to. */
static int http_read(int fd, char method[8], char **target, char **headers, char **body) {
    char *buf = NULL, *eoh = NULL;
    size_t len = 0, cap = 0, clen = 0, hlen;
    while (!(eoh = buf ? strstr(buf, "\r\n\r\n") : NULL)) {
        if (len > MAX_REQUEST || read_some(fd, &buf, &len, &cap) <= 0) goto fail;
    }
    hlen = (size_t)(eoh - buf) + 4;
    {
        char *sp1 = strchr(buf, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL, *eol = strstr(buf, "\r\n");
        if (!sp1 || !sp2 || sp2 > eol || sp1 - buf >= 8) goto fail;
        memcpy(method, buf, (size_t)(sp1 - buf));
        method[sp1 - buf] = '\0';
        *target = dup_n(sp1 + 1, (size_t)(sp2 - sp1 - 1));
        *headers = dup_n(eol + 2, hlen - 2 - (size_t)(eol + 2 - buf));
    }
    for (char *h = *headers; h && *h;) {
        char *e = strstr(h, "\r\n");
        if (!e) break;
        if (strncasecmp(h, "Content-Length:", 15) == 0) clen = strtoul(h + 15, NULL, 10);
        if (strncasecmp(h, "Expect:", 7) == 0 && strcasestr(h, "100-continue") &&
            strcasestr(h, "100-continue") < e)
            write_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        h = e + 2;
    }
    if (clen > MAX_REQUEST) goto fail;
    while (len < hlen + clen)
        if (read_some(fd, &buf, &len, &cap) <= 0) goto fail;
    *body = dup_n(buf + hlen, clen);
    free(buf);
    return *target && *headers && *body ? 0 : -1;
fail:
    free(buf);
    return -1;
}

/* Waits until the client closes fd, or the server is stopped. */
static void hang(server_t *s, int fd) {
    for (;;) {
        struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = s->wake[0], .events = POLLIN}};
        char c[256];
        if (poll(p, 2, -1) < 0 && errno != EINTR) return;
        if (p[1].revents & POLLIN) return; /* stop or down/up: give up this client */
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
            if (read(fd, c, sizeof c) <= 0) return;
    }
}

static void http_serve(fake_http_t *f, int fd) {
    fake_request_t r = {{0}};
    script_t *sc = NULL, **pp;
    const char *body;
    char head[512];
    int status;
    bool sign_ok = true;
    if (http_read(fd, r.method, &r.target, &r.headers, &r.body) < 0) {
        fake_request_free(&r);
        return;
    }
    pthread_mutex_lock(&f->s.mu);
    if (has_prefix(r.target, "/robot/send") && f->secret) {
        sign_ok = dingtalk_sign_ok(r.target, f->secret);
        if (!sign_ok) f->bad_sig++;
    }
    for (pp = &f->scripts; *pp; pp = &(*pp)->next)
        if (has_prefix(r.target, (*pp)->prefix)) {
            sc = *pp;
            *pp = sc->next;
            break;
        }
    if (sc) {
        status = sc->status;
        body = sc->body;
    } else {
        status = default_answer(f, r.target, sign_ok, &body);
    }
    if (f->n_reqs == f->cap_reqs) {
        size_t ncap = f->cap_reqs ? f->cap_reqs * 2 : 16;
        fake_request_t *n = realloc(f->reqs, ncap * sizeof *n);
        if (n) f->reqs = n, f->cap_reqs = ncap;
    }
    if (f->n_reqs < f->cap_reqs) {
        f->reqs[f->n_reqs++] = r;
        memset(&r, 0, sizeof r);
    }
    /* the answer is built before the records are visible, so a waiting test sees the
     * request only once its answer is decided; it is sent after the lock is dropped */
    snprintf(head, sizeof head,
             "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: "
             "close\r\n\r\n",
             status, reason(status), strlen(body));
    char *out = malloc(strlen(head) + strlen(body) + 1);
    if (out) strcat(strcpy(out, head), body);
    pthread_cond_broadcast(&f->s.cv);
    pthread_mutex_unlock(&f->s.mu);
    if (status == FAKE_HANG)
        hang(&f->s, fd);
    else if (status != FAKE_RESET && out)
        write_all(fd, out, strlen(out));
    free(out);
    if (sc) {
        free(sc->prefix);
        free(sc->body);
        free(sc);
    }
    fake_request_free(&r);
}

static void *http_thread(void *arg) {
    fake_http_t *f = arg;
    int fd;
    while ((fd = server_accept(&f->s)) >= 0) {
        http_serve(f, fd);
        shutdown(fd, SHUT_WR);
        close(fd);
    }
    return NULL;
}

fake_http_t *fake_http_start(void) {
    fake_http_t *f = calloc(1, sizeof *f);
    if (!f || sodium_init() < 0) {
        free(f);
        return NULL;
    }
    if (server_init(&f->s) < 0 || pthread_create(&f->s.thread, NULL, http_thread, f) != 0) {
        fprintf(stderr, "fake_http_start: %s\n", strerror(errno));
        if (f->s.lfd >= 0) close(f->s.lfd);
        free(f);
        return NULL;
    }
    return f;
}

int fake_http_port(const fake_http_t *f) {
    return f->s.port;
}

void fake_http_dingtalk_secret(fake_http_t *f, const char *secret) {
    pthread_mutex_lock(&f->s.mu);
    free(f->secret);
    f->secret = secret ? strdup(secret) : NULL;
    pthread_mutex_unlock(&f->s.mu);
}

void fake_http_script(fake_http_t *f, const char *path_prefix, int status, const char *body) {
    script_t *sc = calloc(1, sizeof *sc), **pp;
    if (!sc) return;
    sc->prefix = strdup(path_prefix ? path_prefix : "");
    sc->body = strdup(body ? body : "");
    sc->status = status;
    pthread_mutex_lock(&f->s.mu);
    for (pp = &f->scripts; *pp; pp = &(*pp)->next) {}
    *pp = sc;
    pthread_mutex_unlock(&f->s.mu);
}

int fake_http_down(fake_http_t *f, bool down) {
    return server_down(&f->s, down);
}

static size_t count_locked(fake_http_t *f, const char *prefix) {
    size_t n = 0;
    for (size_t i = 0; i < f->n_reqs; i++)
        n += has_prefix(f->reqs[i].target, prefix);
    return n;
}

size_t fake_http_count(fake_http_t *f, const char *path_prefix) {
    size_t n;
    pthread_mutex_lock(&f->s.mu);
    n = count_locked(f, path_prefix);
    pthread_mutex_unlock(&f->s.mu);
    return n;
}

int fake_http_wait(fake_http_t *f, const char *path_prefix, size_t n, int timeout_ms) {
    struct timespec until;
    int rc = 0;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&f->s.mu);
    while (count_locked(f, path_prefix) < n && rc == 0)
        rc = pthread_cond_timedwait(&f->s.cv, &f->s.mu, &until);
    rc = count_locked(f, path_prefix) >= n ? 0 : -1;
    pthread_mutex_unlock(&f->s.mu);
    return rc;
}

size_t fake_http_bad_signatures(fake_http_t *f) {
    size_t n;
    pthread_mutex_lock(&f->s.mu);
    n = f->bad_sig;
    pthread_mutex_unlock(&f->s.mu);
    return n;
}

int fake_http_request(fake_http_t *f, const char *path_prefix, size_t i, fake_request_t *out) {
    int rc = -1;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&f->s.mu);
    for (size_t k = 0; k < f->n_reqs; k++) {
        const fake_request_t *r = &f->reqs[k];
        if (!has_prefix(r->target, path_prefix) || i-- > 0) continue;
        memcpy(out->method, r->method, sizeof out->method);
        out->target = strdup(r->target);
        out->headers = strdup(r->headers);
        out->body = strdup(r->body);
        rc = out->target && out->headers && out->body ? 0 : -1;
        break;
    }
    pthread_mutex_unlock(&f->s.mu);
    if (rc < 0) fake_request_free(out);
    return rc;
}

void fake_request_free(fake_request_t *r) {
    if (!r) return;
    free(r->target);
    free(r->headers);
    free(r->body);
    r->target = r->headers = r->body = NULL;
}

void fake_http_stop(fake_http_t **fp) {
    fake_http_t *f = fp ? *fp : NULL;
    if (!f) return;
    server_stop(&f->s);
    for (size_t i = 0; i < f->n_reqs; i++)
        fake_request_free(&f->reqs[i]);
    free(f->reqs);
    while (f->scripts) {
        script_t *n = f->scripts->next;
        free(f->scripts->prefix);
        free(f->scripts->body);
        free(f->scripts);
        f->scripts = n;
    }
    free(f->secret);
    free(f);
    *fp = NULL;
}

/* --- SMTP ------------------------------------------------------------------------- */
struct fake_smtp {
    server_t s;
    bool starttls;
    int next_code; /* 0: 250 */
    fake_mail_t *mails;
    size_t n_mails, cap_mails;
};

/* Reads one CRLF line from fd (buffered in *buf) into a malloc'd string without the CRLF. */
static char *smtp_line(int fd, char **buf, size_t *len, size_t *cap) {
    char *eol;
    while (!(eol = *buf ? strstr(*buf, "\r\n") : NULL))
        if (*len > MAX_REQUEST || read_some(fd, buf, len, cap) <= 0) return NULL;
    char *line = dup_n(*buf, (size_t)(eol - *buf));
    size_t used = (size_t)(eol - *buf) + 2;
    memmove(*buf, *buf + used, *len - used + 1);
    *len -= used;
    return line;
}

static void say(int fd, const char *s) {
    write_all(fd, s, strlen(s));
}

/* Appends s and "\n" to *acc (malloc'd). */
static void append(char **acc, const char *s, size_t n) {
    size_t old = *acc ? strlen(*acc) : 0;
    char *a = realloc(*acc, old + n + 2);
    if (!a) return;
    memcpy(a + old, s, n);
    a[old + n] = '\n';
    a[old + n + 1] = '\0';
    *acc = a;
}

/* "user\0user\0password" (AUTH PLAIN) or one base64 field into *auth "user\npassword". */
static char *b64_decode(const char *b64, size_t *n) {
    size_t cap = strlen(b64) + 1;
    unsigned char *out = malloc(cap);
    if (!out ||
        sodium_base642bin(out, cap, b64, strlen(b64), NULL, n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(out);
        return NULL;
    }
    out[*n] = '\0';
    return (char *)out;
}

static void smtp_session(fake_smtp_t *f, int fd) {
    char *buf = NULL, *line;
    size_t len = 0, cap = 0;
    fake_mail_t m = {0};
    bool offer;
    say(fd, "220 fake.test ESMTP yuebao-test\r\n");
    while ((line = smtp_line(fd, &buf, &len, &cap))) {
        pthread_mutex_lock(&f->s.mu);
        offer = f->starttls;
        pthread_mutex_unlock(&f->s.mu);
        if (strncasecmp(line, "EHLO", 4) == 0 || strncasecmp(line, "HELO", 4) == 0) {
            free(m.helo);
            m.helo = strdup(line + (line[4] ? 5 : 4));
            if (line[0] == 'H' || line[0] == 'h')
                say(fd, "250 fake.test\r\n");
            else if (offer)
                say(fd, "250-fake.test\r\n250-8BITMIME\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n");
            else
                say(fd, "250-fake.test\r\n250-8BITMIME\r\n250 AUTH PLAIN LOGIN\r\n");
        } else if (strncasecmp(line, "STARTTLS", 8) == 0) {
            say(fd, "454 4.7.0 TLS not available in this sink\r\n");
        } else if (strncasecmp(line, "AUTH PLAIN", 10) == 0) {
            size_t n;
            char *arg = NULL, *raw;
            if (line[10] != ' ') { /* the client waits for an empty challenge */
                say(fd, "334 \r\n");
                arg = smtp_line(fd, &buf, &len, &cap);
            }
            raw = line[10] == ' ' ? b64_decode(line + 11, &n) : arg ? b64_decode(arg, &n) : NULL;
            free(arg);
            if (raw) {
                /* authzid \0 authcid \0 password */
                const char *user = memchr(raw, '\0', n);
                const char *pw = user ? memchr(user + 1, '\0', n - (size_t)(user + 1 - raw)) : NULL;
                free(m.auth);
                m.auth = NULL;
                if (user && pw && (m.auth = malloc(strlen(user + 1) + strlen(pw + 1) + 2)))
                    sprintf(m.auth, "%s\n%s", user + 1, pw + 1);
                free(raw);
                say(fd, "235 2.7.0 Authentication successful\r\n");
            } else {
                say(fd, "501 5.5.2 AUTH PLAIN: not base64\r\n");
            }
        } else if (strncasecmp(line, "AUTH LOGIN", 10) == 0) {
            char *u, *p;
            size_t n;
            say(fd, "334 VXNlcm5hbWU6\r\n");
            u = smtp_line(fd, &buf, &len, &cap);
            say(fd, "334 UGFzc3dvcmQ6\r\n");
            p = smtp_line(fd, &buf, &len, &cap);
            char *ud = u ? b64_decode(u, &n) : NULL, *pd = p ? b64_decode(p, &n) : NULL;
            free(m.auth);
            m.auth = NULL;
            if (ud && pd && (m.auth = malloc(strlen(ud) + strlen(pd) + 2))) sprintf(m.auth, "%s\n%s", ud, pd);
            free(u), free(p), free(ud), free(pd);
            say(fd, "235 2.7.0 Authentication successful\r\n");
        } else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
            free(m.from);
            m.from = strdup(line + 10);
            free(m.rcpt);
            m.rcpt = NULL;
            say(fd, "250 2.1.0 Ok\r\n");
        } else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
            append(&m.rcpt, line + 8, strlen(line + 8));
            say(fd, "250 2.1.5 Ok\r\n");
        } else if (strncasecmp(line, "DATA", 4) == 0) {
            char *data = NULL, *dl;
            size_t dn = 0;
            int code;
            say(fd, "354 End data with <CR><LF>.<CR><LF>\r\n");
            while ((dl = smtp_line(fd, &buf, &len, &cap)) && strcmp(dl, ".") != 0) {
                const char *s = dl[0] == '.' ? dl + 1 : dl; /* dot-stuffing */
                size_t sl = strlen(s);
                char *d = realloc(data, dn + sl + 3);
                if (d) {
                    memcpy(d + dn, s, sl);
                    memcpy(d + dn + sl, "\r\n", 3);
                    dn += sl + 2;
                    data = d;
                }
                free(dl);
            }
            if (!dl) {
                free(data);
                free(line);
                break;
            }
            free(dl);
            pthread_mutex_lock(&f->s.mu);
            code = f->next_code ? f->next_code : 250;
            f->next_code = 0;
            if (code == 250) {
                if (f->n_mails == f->cap_mails) {
                    size_t ncap = f->cap_mails ? f->cap_mails * 2 : 8;
                    fake_mail_t *nm = realloc(f->mails, ncap * sizeof *nm);
                    if (nm) f->mails = nm, f->cap_mails = ncap;
                }
                if (f->n_mails < f->cap_mails) {
                    fake_mail_t *k = &f->mails[f->n_mails++];
                    k->helo = strdup(m.helo ? m.helo : "");
                    k->from = strdup(m.from ? m.from : "");
                    k->rcpt = strdup(m.rcpt ? m.rcpt : "");
                    k->auth = strdup(m.auth ? m.auth : "");
                    k->data = data ? data : strdup("");
                    data = NULL;
                }
                pthread_cond_broadcast(&f->s.cv);
            }
            pthread_mutex_unlock(&f->s.mu);
            free(data);
            char ans[64];
            snprintf(ans, sizeof ans, "%d %s\r\n", code,
                     code == 250 ? "2.0.0 Ok: queued" : "refused by script");
            say(fd, ans);
        } else if (strncasecmp(line, "RSET", 4) == 0 || strncasecmp(line, "NOOP", 4) == 0) {
            say(fd, "250 2.0.0 Ok\r\n");
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            say(fd, "221 2.0.0 Bye\r\n");
            free(line);
            break;
        } else {
            say(fd, "502 5.5.2 Error: command not recognized\r\n");
        }
        free(line);
    }
    fake_mail_free(&m);
    free(buf);
}

static void *smtp_thread(void *arg) {
    fake_smtp_t *f = arg;
    int fd;
    while ((fd = server_accept(&f->s)) >= 0) {
        smtp_session(f, fd);
        close(fd);
    }
    return NULL;
}

fake_smtp_t *fake_smtp_start(void) {
    fake_smtp_t *f = calloc(1, sizeof *f);
    if (!f || sodium_init() < 0) {
        free(f);
        return NULL;
    }
    if (server_init(&f->s) < 0 || pthread_create(&f->s.thread, NULL, smtp_thread, f) != 0) {
        fprintf(stderr, "fake_smtp_start: %s\n", strerror(errno));
        if (f->s.lfd >= 0) close(f->s.lfd);
        free(f);
        return NULL;
    }
    return f;
}

int fake_smtp_port(const fake_smtp_t *f) {
    return f->s.port;
}

void fake_smtp_offer_starttls(fake_smtp_t *f, bool offer) {
    pthread_mutex_lock(&f->s.mu);
    f->starttls = offer;
    pthread_mutex_unlock(&f->s.mu);
}

void fake_smtp_script(fake_smtp_t *f, int code) {
    pthread_mutex_lock(&f->s.mu);
    f->next_code = code;
    pthread_mutex_unlock(&f->s.mu);
}

int fake_smtp_down(fake_smtp_t *f, bool down) {
    return server_down(&f->s, down);
}

size_t fake_smtp_count(fake_smtp_t *f) {
    size_t n;
    pthread_mutex_lock(&f->s.mu);
    n = f->n_mails;
    pthread_mutex_unlock(&f->s.mu);
    return n;
}

int fake_smtp_wait(fake_smtp_t *f, size_t n, int timeout_ms) {
    int rc;
    pthread_mutex_lock(&f->s.mu);
    rc = server_wait(&f->s, &f->n_mails, n, timeout_ms);
    pthread_mutex_unlock(&f->s.mu);
    return rc;
}

int fake_smtp_message(fake_smtp_t *f, size_t i, fake_mail_t *out) {
    int rc = -1;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&f->s.mu);
    if (i < f->n_mails) {
        const fake_mail_t *m = &f->mails[i];
        out->helo = strdup(m->helo);
        out->from = strdup(m->from);
        out->rcpt = strdup(m->rcpt);
        out->data = strdup(m->data);
        out->auth = strdup(m->auth);
        rc = out->helo && out->from && out->rcpt && out->data && out->auth ? 0 : -1;
    }
    pthread_mutex_unlock(&f->s.mu);
    if (rc < 0) fake_mail_free(out);
    return rc;
}

void fake_mail_free(fake_mail_t *m) {
    if (!m) return;
    free(m->helo);
    free(m->from);
    free(m->rcpt);
    free(m->data);
    free(m->auth);
    memset(m, 0, sizeof *m);
}

void fake_smtp_stop(fake_smtp_t **fp) {
    fake_smtp_t *f = fp ? *fp : NULL;
    if (!f) return;
    server_stop(&f->s);
    for (size_t i = 0; i < f->n_mails; i++)
        fake_mail_free(&f->mails[i]);
    free(f->mails);
    free(f);
    *fp = NULL;
}
