/* web_http.c - the HTTP(S) server: libmicrohttpd with GnuTLS, a thread per connection
 * (a live page's thread waits on its queue; a download's on the CLI). It turns
 * libmicrohttpd's request into a web_request_t, hands it to web_route, and the reply
 * back into a response with the security headers every reply carries. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"
#include "util.h"
#include "web_server.h"

#define FIELD_MAX 512       /* a login form's field */
#define KEEPALIVE_MS 15000  /* a comment on an idle live stream, so proxies keep it open */

struct web_http {
    web_t *w;
    struct MHD_Daemon *d;
    char *cert, *key;
    bool tls;
};

/* One connection's request while it is read. */
typedef struct {
    struct MHD_PostProcessor *pp;
    char name[FIELD_MAX], password[FIELD_MAX], csrf[FIELD_MAX];
    bool has_name, has_password, has_csrf, too_big;
} conn_t;

static void mhd_log(void *cls, const char *fmt, va_list ap) {
    char line[1024];
    (void)cls;
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\r\n")] = '\0';
    log_warn("http: %s", line);
}

static char *read_file(const char *path, char *err, size_t errsz) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < 1 << 20 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
    } else {
        free(buf);
        buf = NULL;
        snprintf(err, errsz, _("%s: cannot be read (a PEM file under 1 MiB)"), path);
    }
    fclose(f);
    return buf;
}

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                const char *content_type, const char *encoding, const char *data, uint64_t off,
                                size_t size) {
    conn_t *cn = cls;
    char *dst = NULL;
    bool *has = NULL;
    (void)kind, (void)filename, (void)content_type, (void)encoding;
    if (strcmp(key, "name") == 0) dst = cn->name, has = &cn->has_name;
    else if (strcmp(key, "password") == 0) dst = cn->password, has = &cn->has_password;
    else if (strcmp(key, "csrf") == 0) dst = cn->csrf, has = &cn->has_csrf;
    if (!dst) return MHD_YES;
    if (off + size >= FIELD_MAX) {
        cn->too_big = true;
        return MHD_YES;
    }
    memcpy(dst + off, data, size);
    dst[off + size] = '\0';
    *has = true;
    return MHD_YES;
}

typedef struct {
    web_request_t *rq;
} args_t;

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    web_request_t *rq = cls;
    (void)kind;
    if (rq->n_args < WEB_ARGS_MAX) {
        rq->args[rq->n_args].key = key;
        rq->args[rq->n_args].value = value ? value : "";
        rq->n_args++;
    }
    return MHD_YES;
}

/* The client's address: the socket's peer, or the last X-Forwarded-For hop when the
 * peer is the trusted proxy. */
static void client_address(web_http_t *h, struct MHD_Connection *c, char *out, size_t size) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, size, "?");
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)size);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)size);
    }
    if (h->w->cfg->trusted_proxy[0] && strcmp(out, h->w->cfg->trusted_proxy) == 0) {
        const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
        if (xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ') last++;
            /* only an address's characters: the value goes into the audit log */
            if (*last && strspn(last, "0123456789abcdefABCDEF.:") == strlen(last) && strlen(last) < size)
                snprintf(out, size, "%s", last);
        }
    }
}

static void security_headers(struct MHD_Response *r, bool tls) {
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    if (tls) MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

/* Content-Disposition for a UTF-8 file name: an ASCII fallback and RFC 5987's form. */
static void disposition(struct MHD_Response *r, const char *name) {
    strbuf_t b = STRBUF_INIT;
    strbuf_puts(&b, "attachment; filename=\"");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        strbuf_add(&b, (*p < 0x80 && *p > 0x20 && *p != '"' && *p != '\\') ? (const char *)p : "_", 1);
    strbuf_puts(&b, "\"; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
            *p == '-' || *p == '_')
            strbuf_add(&b, p, 1);
        else
            strbuf_printf(&b, "%%%02X", *p);
    }
    MHD_add_response_header(r, "Content-Disposition", b.data);
    strbuf_free(&b);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
    static const char keepalive[] = ": keepalive\n\n";
    long n = web_stream_read(cls, buf, max, KEEPALIVE_MS);
    (void)pos;
    if (n < 0) return MHD_CONTENT_READER_END_OF_STREAM;
    if (n == 0) {
        if (max < sizeof keepalive - 1) return 0;
        memcpy(buf, keepalive, sizeof keepalive - 1);
        return (ssize_t)(sizeof keepalive - 1);
    }
    return n;
}

static void stream_free(void *cls) { web_stream_leave(cls); }

static struct MHD_Response *reply_response(web_reply_t *rp) {
    struct MHD_Response *r;
    if (rp->path) {
        struct stat st;
        int fd = open(rp->path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && rp->unlink_after) unlink(rp->path);
        if (fd < 0 || fstat(fd, &st) < 0) {
            if (fd >= 0) close(fd);
            log_error(_("download %s: %s"), rp->path, strerror(errno));
            web_reply_error(rp, 500, _("the file could not be read; try again"));
            rp->filename[0] = '\0';
            rp->path = NULL;
            return reply_response(rp);
        }
        r = MHD_create_response_from_fd((size_t)st.st_size, fd);
    } else {
        size_t len = rp->body.len;
        char *data = strbuf_take(&rp->body);
        r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    }
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
    web_http_t *h = cls;
    conn_t *cn = *con_cls;
    web_request_t rq;
    web_raw_t raw;
    web_reply_t rp;
    strbuf_t cookies = STRBUF_INIT;
    struct MHD_Response *r;
    char client[INET6_ADDRSTRLEN + 1];
    bool stream = false;
    enum MHD_Result ret;
    (void)version;

    if (!cn) { /* the first call: headers only */
        if (!(cn = calloc(1, sizeof *cn))) return MHD_NO;
        *con_cls = cn;
        if (strcmp(method, "POST") == 0) cn->pp = MHD_create_post_processor(c, 4096, on_field, cn);
        return MHD_YES;
    }
    if (*upload_size) {
        if (cn->pp) MHD_post_process(cn->pp, upload, *upload_size);
        else cn->too_big = true; /* a body we do not read (not a form) */
        *upload_size = 0;
        return MHD_YES;
    }

    memset(&rq, 0, sizeof rq);
    memset(&raw, 0, sizeof raw);
    memset(&rp, 0, sizeof rp);
    rp.status = 200;
    rq.method = method;
    rq.path = url;
    client_address(h, c, client, sizeof client);
    rq.client = client;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, on_arg, &rq);
    raw.session_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "yb_session");
    raw.login_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "yb_login");
    raw.csrf_header = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
    raw.form_csrf = cn->has_csrf && !cn->too_big ? cn->csrf : NULL;
    raw.form_name = cn->has_name && !cn->too_big ? cn->name : NULL;
    raw.form_password = cn->has_password && !cn->too_big ? cn->password : NULL;
    raw.tls = h->tls;

    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "POST") != 0)
        web_reply_error(&rp, 405, _("this method is not served"));
    else
        web_route(h->w, &rq, &raw, &rp, &stream, &cookies);

    if (stream) {
        web_viewer_t *v = web_stream_join(h->w->stream, rq.user);
        if (!v) {
            web_reply_error(&rp, 503, _("too many live pages are open; try again in a minute"));
            stream = false;
        } else {
            strbuf_free(&rp.body);
            r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 8192, stream_read, v, stream_free);
            if (!r) {
                web_stream_leave(v);
                strbuf_free(&cookies);
                return MHD_NO;
            }
            MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
            MHD_add_response_header(r, "Cache-Control", "no-store");
            MHD_add_response_header(r, "X-Accel-Buffering", "no");
            security_headers(r, h->tls);
            ret = MHD_queue_response(c, 200, r);
            MHD_destroy_response(r);
            strbuf_free(&cookies);
            return ret;
        }
    }

    r = reply_response(&rp);
    if (!r) {
        strbuf_free(&cookies);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type",
                            rp.content_type ? rp.content_type : "application/json; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", rp.no_store ? "no-store" : "private, max-age=300");
    if (rp.location[0]) MHD_add_response_header(r, "Location", rp.location);
    if (rp.filename[0]) disposition(r, rp.filename);
    security_headers(r, h->tls);
    if (cookies.data) {
        char *line = cookies.data, *nl;
        while (*line) {
            nl = strchr(line, '\n');
            if (nl) *nl = '\0';
            MHD_add_response_header(r, "Set-Cookie", line);
            if (!nl) break;
            line = nl + 1;
        }
    }
    ret = MHD_queue_response(c, (unsigned)rp.status, r);
    MHD_destroy_response(r);
    strbuf_free(&rp.body);
    strbuf_free(&cookies);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
    conn_t *cn = *con_cls;
    (void)cls, (void)c, (void)toe;
    if (!cn) return;
    if (cn->pp) MHD_destroy_post_processor(cn->pp);
    explicit_bzero(cn->password, sizeof cn->password);
    free(cn);
    *con_cls = NULL;
}

/* listen "host:port" or "[v6]:port" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6) {
    char host[128];
    const char *colon;
    long port;
    char *end;
    memset(ss, 0, sizeof *ss);
    if (listen[0] == '[') {
        const char *close_br = strchr(listen, ']');
        if (!close_br || close_br[1] != ':' || (size_t)(close_br - listen) >= sizeof host) return -1;
        snprintf(host, sizeof host, "%.*s", (int)(close_br - listen - 1), listen + 1);
        colon = close_br + 1;
        *v6 = true;
    } else {
        colon = strrchr(listen, ':');
        if (!colon || (size_t)(colon - listen) >= sizeof host) return -1;
        snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
        if (strcmp(host, "localhost") == 0) snprintf(host, sizeof host, "127.0.0.1");
        *v6 = false;
    }
    port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535) return -1;
    if (*v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host, &a->sin6_addr) == 1 ? 0 : -1;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

web_http_t *web_http_start(web_t *w, char *err, size_t errsz) {
    const web_config_t *cfg = w->cfg;
    struct sockaddr_storage ss;
    bool v6;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    web_http_t *h;
    const union MHD_DaemonInfo *info;
    unsigned limit = (unsigned)cfg->max_viewers + 256;

    if (parse_listen(cfg->listen, &ss, &v6) < 0) {
        snprintf(err, errsz, _("listen \"%s\": expected ADDRESS:PORT, e.g. 0.0.0.0:8443 or [::1]:8443"),
                 cfg->listen);
        return NULL;
    }
    if (!(h = calloc(1, sizeof *h))) {
        snprintf(err, errsz, "%s", _("out of memory"));
        return NULL;
    }
    h->w = w;
    h->tls = !cfg->insecure;
    if (v6) flags |= MHD_USE_IPv6;
    if (h->tls) {
        if (!(h->cert = read_file(cfg->tls_cert, err, errsz)) || !(h->key = read_file(cfg->tls_key, err, errsz))) {
            web_http_stop(&h);
            return NULL;
        }
        flags |= MHD_USE_TLS;
        h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                MHD_OPTION_HTTPS_MEM_CERT, h->cert, MHD_OPTION_HTTPS_MEM_KEY, h->key,
                                MHD_OPTION_HTTPS_PRIORITIES, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
                                MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_CONNECTION_LIMIT, limit,
                                MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                                MHD_OPTION_END);
    } else {
        h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_CONNECTION_LIMIT, limit,
                                MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                                MHD_OPTION_END);
    }
    if (!h->d) {
        snprintf(err, errsz,
                 h->tls ? _("cannot serve HTTPS on %s: the address is in use or not this machine's, or the "
                            "certificate and key (%s, %s) do not load or do not match (see the lines above)")
                        : _("cannot serve HTTP on %s: the address is in use or not this machine's"),
                 cfg->listen, cfg->tls_cert, cfg->tls_key);
        web_http_stop(&h);
        return NULL;
    }
    info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    {
        char host[128];
        const char *colon = strrchr(cfg->listen, ':');
        snprintf(host, sizeof host, "%.*s", (int)(colon - cfg->listen), cfg->listen);
        log_info(_("serving %s://%s:%u/"), h->tls ? "https" : "http", host, info ? info->port : 0u);
    }
    return h;
}

void web_http_stop(web_http_t **hp) {
    web_http_t *h = hp ? *hp : NULL;
    if (!h) return;
    if (h->d) MHD_stop_daemon(h->d);
    if (h->key) explicit_bzero(h->key, strlen(h->key));
    free(h->key);
    free(h->cert);
    free(h);
    *hp = NULL;
}
