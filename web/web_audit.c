/* web_audit.c - the audit log: one JSON line per login, lock-out, logout, download and
 * refusal, appended (O_APPEND: whole lines even from several threads), and the same line
 * in the journal. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "util.h"
#include "web_server.h"

struct web_audit {
    int fd; /* -1: the journal only */
    pthread_mutex_t mu;
};

web_audit_t *web_audit_open(const char *path, char *err, size_t errsz) {
    web_audit_t *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(err, errsz, "%s", _("out of memory"));
        return NULL;
    }
    a->fd = -1;
    pthread_mutex_init(&a->mu, NULL);
    if (path[0]) {
        if (util_mkdir_parent(path) < 0 ||
            (a->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) < 0) {
            snprintf(err, errsz, _("audit log %s: %s"), path, strerror(errno));
            pthread_mutex_destroy(&a->mu);
            free(a);
            return NULL;
        }
    }
    return a;
}

void web_audit_close(web_audit_t **a) {
    if (!a || !*a) return;
    if ((*a)->fd >= 0) close((*a)->fd);
    pthread_mutex_destroy(&(*a)->mu);
    free(*a);
    *a = NULL;
}

static void field(strbuf_t *b, const char *key, const char *value) {
    if (!value) return;
    strbuf_printf(b, ",\"%s\":", key);
    strbuf_json_string(b, value);
}

void web_audit(web_audit_t *a, const char *event, const char *user, const char *client, const char *detail) {
    strbuf_t b = STRBUF_INIT;
    char at[32];
    time_t t = (time_t)(clock_now_ms() / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strbuf_printf(&b, "{\"at\":\"%s\"", at);
    field(&b, "event", event);
    field(&b, "user", user);
    field(&b, "client", client);
    field(&b, "detail", detail);
    strbuf_puts(&b, "}");
    log_info("audit %s", b.data); /* escaped JSON: no control byte reaches the journal */
    strbuf_puts(&b, "\n");
    if (a && a->fd >= 0) {
        pthread_mutex_lock(&a->mu);
        if (write(a->fd, b.data, b.len) != (ssize_t)b.len) log_error(_("audit log: %s"), strerror(errno));
        pthread_mutex_unlock(&a->mu);
    }
    strbuf_free(&b);
}
