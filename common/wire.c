/* wire.c - yuebao's messages on a ZeroMQ socket: encode and send, receive and decode
 * snapshot requests (see wire.h). util/sock.c moves frames; this file knows what is in them.
 */
#include "wire.h"

#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "sock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(CODEC_MAX_MSG_BYTES + 4096 <= SOCK_MAX_MSG_BYTES, "a whole envelope must pass ZMQ_MAXMSGSIZE");

int wire_send_msg(void *sock, const void *identity, size_t id_len, const char *topic, msg_t *m) {
    uint8_t *buf = NULL;
    size_t len = 0, n = 0, lens[3];
    const void *frames[3];
    int rc;
    codec_new_id(m->id);
    if (codec_encode(m, &buf, &len) < 0) {
        log_error(_("cannot encode a message for %s"), topic ? topic : _("a reply"));
        errno = EMSGSIZE;
        return -1;
    }
    if (identity) {
        frames[n] = identity;
        lens[n++] = id_len;
    }
    if (topic) {
        frames[n] = topic;
        lens[n++] = strlen(topic);
    }
    frames[n] = buf;
    lens[n++] = len;
    rc = sock_send_frames(sock, frames, lens, n);
    free(buf);
    return rc;
}

/* Junk on a snapshot ROUTER is logged as the collectors' endpoint logs it: rate-limited.
 * One process has one snapshot ROUTER, so one limiter. */
static void log_not_a_request(const char *why) {
    static log_limit_t limit;
    unsigned long long skipped = 0;
    if (!log_limit_take(&limit, (long long)clock_mono_ms(), &skipped)) return;
    if (skipped) log_warn(_("snapshot: %llu more message(s) dropped since the last such line"), skipped);
    log_warn(_("snapshot: dropped a message that is not a snapshot request (%s)"), why);
}

void wire_each_snapshot_request(void *router, int budget, wire_request_fn fn, void *arg) {
    for (int i = 0; i < budget; i++) {
        void *frames[2] = {NULL, NULL};
        size_t lens[2] = {0, 0};
        msg_t m;
        char err[256] = "";
        int n = sock_recv_frames(router, frames, lens, 2);
        if (n < 0) return;
        if (n == 2 && codec_decode(frames[1], lens[1], &m, err, sizeof err) == 0) {
            if (m.kind == MSG_SNAPSHOT_REQUEST)
                fn(frames[0], lens[0], &m.snap_req, arg);
            else
                log_not_a_request(_("another kind of message"));
            msg_clear(&m);
        } else {
            char why[300];
            snprintf(why, sizeof why, _("%d frame(s)%s%s"), n, n == 2 ? ": " : "", n == 2 ? err : "");
            log_not_a_request(why);
        }
        free(frames[0]);
        free(frames[1]);
    }
}

static bool name_byte(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_' ||
           c == '.';
}

int wire_insecure_name(const void *id, size_t len, char tag, char *out, size_t size) {
    const uint8_t *b = id, *start, *end;
    if (size) out[0] = '\0';
    if (!id || len < 3 || b[0] != (uint8_t)tag || b[1] != ':') return -1;
    start = b + 2;
    end = memchr(start, ':', len - 2);
    if (!end) end = b + len;
    if (end == start || (size_t)(end - start) >= size) return -1;
    for (const uint8_t *p = start; p < end; p++)
        if (!name_byte(*p)) return -1;
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return 0;
}

void wire_insecure_id(char tag, const char *name, const char *fallback, char *buf, size_t size) {
    char kept[33];
    size_t n = 0;
    for (const char *p = name ? name : ""; *p && n + 1 < sizeof kept; p++)
        if (name_byte((unsigned char)*p)) kept[n++] = *p;
    kept[n] = '\0';
    snprintf(buf, size, "%c:%s:%ld", tag, n || !fallback ? kept : fallback, (long)getpid());
}
