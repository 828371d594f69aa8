/* codec.c - domain messages to and from the protobuf Envelope (see codec.h): the
 * envelope itself, the helpers every message kind shares, and the table that sends
 * each kind to its file (codec_internal.h lists them).
 *
 * Encoding points protobuf-c structs at the domain struct's own buffers and packs
 * them; nothing is copied but the row arrays, which a kind's encoder borrows from one
 * scratch freed after packing. Decoding is the only place untrusted bytes meet C
 * structs, so it runs in three fences: a size cap before protobuf-c sees a byte; a
 * byte budget on protobuf-c's allocator, because a 1 MiB message of empty
 * submessages would otherwise cost tens of MiB of structs; then every presence,
 * count, length and UTF-8 check (the kind's decoder, with the helpers below) before a
 * byte is copied into a fixed-size domain buffer. The codec rejects only what the
 * domain cannot hold (an amount that is not there, a string too long for its buffer,
 * a ranking or alert figure that is not a finite number, a timestamp whose date
 * arithmetic would overflow); an empty zone, a malformed period or an amount out of
 * range is representable and is left to validation, which can name the source line.
 */
#include "codec.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "codec_check.h"
#include "codec_internal.h"
#include "i18n.h"
#include "text.h"
#include "yuebao.pb-c.h"

/* Parse budget: 8 × the message size plus a fixed slack. Rows and issues are capped in
 * count, but an empty Issue is 2 wire bytes and ~72 unpacked, so 1000 of them need
 * ~72 KiB whatever the size; 256 KiB covers every count-bounded message, and 8× covers
 * strings and unknown fields. 1 MiB of empty submessages (~50 MiB unpacked) fails. */
#define BUDGET_SLACK_BYTES (256u * 1024u)
_Static_assert(8ull * CODEC_MAX_MSG_BYTES + BUDGET_SLACK_BYTES <= CODEC_MAX_PARSE_BYTES,
               "the parse budget of the largest message is CODEC_MAX_PARSE_BYTES");

/* ---- the kinds ----------------------------------------------------------------- */

typedef int (*encode_fn)(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s);
typedef int (*decode_fn)(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz);

/* One row per message kind: its msg_kind_t, its Envelope body and its file's pair. */
static const struct {
    msg_kind_t kind;
    Yuebao__Envelope__BodyCase body;
    encode_fn encode;
    decode_fn decode;
} kinds[] = {
    {MSG_REPORT, YUEBAO__ENVELOPE__BODY_REPORT, codec_report_encode, codec_report_decode},
    {MSG_ACK, YUEBAO__ENVELOPE__BODY_ACK, codec_ack_encode, codec_ack_decode},
    {MSG_REPORT_ACCEPTED, YUEBAO__ENVELOPE__BODY_REPORT_ACCEPTED, codec_accepted_encode,
     codec_accepted_decode},
    {MSG_HEARTBEAT, YUEBAO__ENVELOPE__BODY_HEARTBEAT, codec_heartbeat_encode, codec_heartbeat_decode},
    {MSG_RANKING, YUEBAO__ENVELOPE__BODY_RANKING, codec_ranking_encode, codec_ranking_decode},
    {MSG_ALERT, YUEBAO__ENVELOPE__BODY_ALERT, codec_alert_encode, codec_alert_decode},
    {MSG_SNAPSHOT_REQUEST, YUEBAO__ENVELOPE__BODY_SNAPSHOT_REQUEST, codec_snapshot_request_encode,
     codec_snapshot_request_decode},
    {MSG_SNAPSHOT_END, YUEBAO__ENVELOPE__BODY_SNAPSHOT_END, codec_snapshot_end_encode,
     codec_snapshot_end_decode},
    {MSG_TOTALS, YUEBAO__ENVELOPE__BODY_TOTALS, codec_totals_encode, codec_totals_decode},
    {MSG_REPORT_REJECTED, YUEBAO__ENVELOPE__BODY_REPORT_REJECTED, codec_rejected_encode,
     codec_rejected_decode},
    {MSG_RECONCILE_REQUEST, YUEBAO__ENVELOPE__BODY_RECONCILE_REQUEST, codec_reconcile_request_encode,
     codec_reconcile_request_decode},
    {MSG_RECONCILE, YUEBAO__ENVELOPE__BODY_RECONCILE, codec_reconcile_encode, codec_reconcile_decode},
    {MSG_PERIOD_REQUEST, YUEBAO__ENVELOPE__BODY_PERIOD_REQUEST, codec_period_request_encode,
     codec_period_request_decode},
    {MSG_PERIOD_REPLY, YUEBAO__ENVELOPE__BODY_PERIOD_REPLY, codec_period_reply_encode, codec_period_reply_decode},
    {MSG_PERIOD_STATE, YUEBAO__ENVELOPE__BODY_PERIOD_STATE, codec_period_state_encode, codec_period_state_decode},
    {MSG_SILENCE_REQUEST, YUEBAO__ENVELOPE__BODY_SILENCE_REQUEST, codec_silence_request_encode,
     codec_silence_request_decode},
    {MSG_SILENCE_REPLY, YUEBAO__ENVELOPE__BODY_SILENCE_REPLY, codec_silence_reply_encode, codec_silence_reply_decode},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

/* ---- encoding ------------------------------------------------------------------- */

void *codec_scratch_alloc(codec_scratch_t *s, size_t n, size_t size) {
    void *p;
    if (s->n == CODEC_SCRATCH_SLOTS || !(p = calloc(n ? n : 1, size))) return NULL;
    s->blocks[s->n++] = p;
    return p;
}

void codec_scratch_free(codec_scratch_t *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++)
        free(s->blocks[i]);
    s->n = 0;
}

void codec_put_double(protobuf_c_boolean *has, double *dst, double v) {
    if (!isfinite(v)) return;
    *has = 1;
    *dst = v;
}

int codec_encode(const msg_t *m, uint8_t **buf, size_t *len) {
    Yuebao__Envelope env = YUEBAO__ENVELOPE__INIT;
    codec_scratch_t s = {0};
    uint8_t *out;
    size_t n, k;
    int rc = -1;

    *buf = NULL;
    *len = 0;
    env.has_schema_version = 1;
    env.schema_version = SCHEMA_VERSION;
    env.has_message_id = 1;
    env.message_id.len = MSG_ID_LEN;
    env.message_id.data = (uint8_t *)m->id;
    if (m->sequence) {
        env.has_sequence = 1;
        env.sequence = m->sequence;
    }
    if (m->has_reply_to) {
        env.has_in_reply_to = 1;
        env.in_reply_to.len = MSG_ID_LEN;
        env.in_reply_to.data = (uint8_t *)m->in_reply_to;
    }
    for (k = 0; k < N_KINDS && kinds[k].kind != m->kind; k++)
        ;
    if (k == N_KINDS || kinds[k].encode(m, &env, &s) < 0) goto out;
    env.body_case = kinds[k].body;

    n = yuebao__envelope__get_packed_size(&env);
    if (n > CODEC_MAX_MSG_BYTES) goto out;
    if (!(out = malloc(n))) goto out;
    yuebao__envelope__pack(&env, out);
    *buf = out;
    *len = n;
    rc = 0;
out:
    codec_scratch_free(&s);
    return rc;
}

/* ---- decoding ------------------------------------------------------------------- */

/* protobuf-c's allocator with a byte budget: each block carries its size in front so
 * frees give the budget back, and a request past the budget fails the whole unpack. */
typedef struct {
    size_t used, budget;
    bool refused, oom;
} budget_t;

typedef union {
    size_t size;
    max_align_t align;
} block_head_t;

static void *budget_alloc(void *data, size_t size) {
    budget_t *b = data;
    block_head_t *h;
    size_t need = sizeof *h + size;
    if (size > b->budget || need > b->budget - b->used) {
        b->refused = true;
        return NULL;
    }
    if (!(h = malloc(need))) {
        b->oom = true;
        return NULL;
    }
    h->size = need;
    b->used += need;
    return h + 1;
}

static void budget_free(void *data, void *p) {
    budget_t *b = data;
    block_head_t *h;
    if (!p) return;
    h = (block_head_t *)p - 1;
    b->used -= h->size;
    free(h);
}

void codec_fail(char *err, size_t errsz, const char *fmt, ...) {
    va_list ap;
    if (!err || !errsz) return;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

int codec_take_str(char *dst, size_t size, const char *s, const char *what, char *err, size_t errsz) {
    size_t n = s ? strlen(s) : 0;
    if (n >= size) {
        codec_fail(err, errsz, _("%s: %zu bytes, longer than %zu"), what, n, size - 1);
        return -1;
    }
    if (!utf8_valid(s ? s : "", n)) {
        codec_fail(err, errsz, _("%s: not valid UTF-8"), what);
        return -1;
    }
    memcpy(dst, s ? s : "", n);
    dst[n] = '\0';
    return 0;
}

int codec_take_ms(int64_t *dst, protobuf_c_boolean has, int64_t v, const char *what, char *err,
                  size_t errsz) {
    if (has && (v > CODEC_MAX_TIME_MS || v < -CODEC_MAX_TIME_MS)) {
        codec_fail(err, errsz, _("%s: %lld is not a time (beyond year 9999)"), what, (long long)v);
        return -1;
    }
    *dst = has ? v : 0;
    return 0;
}

int codec_take_figure(double *dst, protobuf_c_boolean has, double v, const char *what, char *err,
                      size_t errsz) {
    if (has && !isfinite(v)) {
        codec_fail(err, errsz, _("%s: %s is not a finite number"), what, isnan(v) ? "NaN" : "infinity");
        return -1;
    }
    *dst = has ? v : NAN;
    return 0;
}

void codec_row_name(char *out, size_t size, const char *kind, size_t i, bool has_line, uint32_t line) {
    if (has_line)
        snprintf(out, size, "%s %zu (line %u)", kind, i + 1, (unsigned)line);
    else
        snprintf(out, size, "%s %zu", kind, i + 1);
}

int codec_take_row_str(char *dst, size_t size, const char *s, const char *kind, size_t i, bool has_line,
                       uint32_t line, const char *field, char *err, size_t errsz) {
    char row[48], what[96];
    size_t n = s ? strlen(s) : 0;
    if (n < size && utf8_valid(s ? s : "", n)) {
        memcpy(dst, s ? s : "", n);
        dst[n] = '\0';
        return 0;
    }
    codec_row_name(row, sizeof row, kind, i, has_line, line);
    snprintf(what, sizeof what, "%s %s", row, field);
    return codec_take_str(dst, size, s, what, err, errsz);
}

/* Checks the envelope's header (schema version, ids) and fills m's; 0 or -1. */
static int header_from_wire(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    if (!env->has_schema_version) {
        codec_fail(err, errsz, _("no schema version"));
        return -1;
    }
    if (env->schema_version != SCHEMA_VERSION) {
        codec_fail(err, errsz, _("unsupported schema version %u"), (unsigned)env->schema_version);
        return -1;
    }
    if (!env->has_message_id) {
        codec_fail(err, errsz, _("no message id"));
        return -1;
    }
    if (env->message_id.len != MSG_ID_LEN) {
        codec_fail(err, errsz, _("message id of %zu bytes, not %d"), env->message_id.len, MSG_ID_LEN);
        return -1;
    }
    memcpy(m->id, env->message_id.data, MSG_ID_LEN);
    if (env->has_in_reply_to) {
        if (env->in_reply_to.len != MSG_ID_LEN) {
            codec_fail(err, errsz, _("in_reply_to id of %zu bytes, not %d"), env->in_reply_to.len, MSG_ID_LEN);
            return -1;
        }
        m->has_reply_to = true;
        memcpy(m->in_reply_to, env->in_reply_to.data, MSG_ID_LEN);
    }
    m->sequence = env->has_sequence ? env->sequence : 0;
    return 0;
}

/* Checks the body and fills m by its kind's decoder; m is cleared by the caller on
 * failure. */
static int body_from_wire(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    for (size_t k = 0; k < N_KINDS; k++) {
        if (kinds[k].body != env->body_case) continue;
        m->kind = kinds[k].kind;
        return kinds[k].decode(env, m, err, errsz);
    }
    codec_fail(err, errsz, _("no body"));
    return -1;
}

int codec_decode(const void *buf, size_t len, msg_t *out, char *err, size_t errsz) {
    budget_t b = {0};
    ProtobufCAllocator a = {.alloc = budget_alloc, .free = budget_free, .allocator_data = &b};
    Yuebao__Envelope *env;
    codec_check_t chk = {0};
    bool header_ok;
    int rc;

    memset(out, 0, sizeof *out);
    if (err && errsz) err[0] = '\0';
    if (len == 0 || !buf) {
        codec_fail(err, errsz, _("empty message"));
        return -1;
    }
    if (len > CODEC_MAX_MSG_BYTES) {
        codec_fail(err, errsz, _("message of %zu bytes, larger than the limit of %u"), len, CODEC_MAX_MSG_BYTES);
        return -1;
    }
    b.budget = 8 * len + BUDGET_SLACK_BYTES;
    env = yuebao__envelope__unpack(&a, len, buf);
    if (!env) {
        if (b.oom)
            codec_fail(err, errsz, _("out of memory"));
        else if (b.refused)
            codec_fail(err, errsz, _("message of %zu bytes needs more than %zu bytes of memory to parse"), len,
                       b.budget);
        else
            codec_fail(err, errsz, _("not a protobuf Envelope (%zu bytes)"), len);
        return -1;
    }
    header_ok = header_from_wire(env, out, err, errsz) == 0;
    rc = header_ok ? 0 : -1;
    if (rc == 0 && codec_check_raw(&yuebao__envelope__descriptor, buf, len, &chk, err, errsz) < 0)
        rc = -1; /* a NUL in a string, a uint32 past 32 bits: err names the field */
    else if (rc == 0)
        rc = body_from_wire(env, out, err, errsz);
    /* An envelope read whole whose report cannot be taken is answered, not dropped: the
     * sender would resend it for ever. A fault in the header is not (nothing to reply to,
     * or a schema version that wrapped). */
    if (rc < 0 && header_ok && env->body_case == YUEBAO__ENVELOPE__BODY_REPORT &&
        chk.top_field != 1 /* schema_version */) {
        /* header_ok: the walk ran, chk holds the zone, period and source as sent */
        codec_report_salvage(env->report, &chk, &out->report);
        out->kind = MSG_REPORT;
        rc = CODEC_REFUSED;
    }
    yuebao__envelope__free_unpacked(env, &a);
    if (rc == -1) msg_clear(out);
    return rc;
}

void msg_clear(msg_t *m) {
    if (!m) return;
    free(m->stored);
    free(m->silence_reply.items);
    report_clear(&m->report);
    diag_clear(&m->ack.issues);
    if (m->kind == MSG_RANKING) ranking_clear(&m->ranking); /* in the union: others' bytes otherwise */
    scope_totals_clear(&m->totals);
    memset(m, 0, sizeof *m);
}

/* ---- ids and names -------------------------------------------------------------- */

static int read_urandom(uint8_t *p, size_t n) {
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    if (fd < 0) return -1;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fd);
    return got == n ? 0 : -1;
}

void codec_new_id(uint8_t id[MSG_ID_LEN]) {
    size_t got = 0;
    while (got < MSG_ID_LEN) {
        ssize_t k = getrandom(id + got, MSG_ID_LEN - got, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    if (got == MSG_ID_LEN || read_urandom(id, MSG_ID_LEN) == 0) return;
    /* Neither source works (a broken sandbox): ids must still differ, so fall back to
     * time, pid and a counter — unique, though not unpredictable. */
    {
        static uint32_t counter;
        struct timespec ts;
        uint64_t t;
        uint32_t pid = (uint32_t)getpid(), c = ++counter;
        clock_gettime(CLOCK_REALTIME, &ts);
        t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        memcpy(id, &t, 8);
        memcpy(id + 8, &pid, 4);
        memcpy(id + 12, &c, 4);
    }
}

void codec_id_hex(const uint8_t id[MSG_ID_LEN], char out[2 * MSG_ID_LEN + 1]) {
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < MSG_ID_LEN; i++) {
        out[2 * i] = hex[id[i] >> 4];
        out[2 * i + 1] = hex[id[i] & 0x0f];
    }
    out[2 * MSG_ID_LEN] = '\0';
}
