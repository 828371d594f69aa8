/* codec_check.c - NUL bytes in strings and uint32 varints past 32 bits, in the raw
 * bytes of a message (see codec_check.h).
 *
 * The walk reads only tags, varints and lengths: a report of 14 values costs a few
 * hundred byte reads beside protobuf-c's unpack. Nesting is bounded (our schema is
 * three deep; protobuf-c itself refuses deeper), so a crafted message cannot recurse
 * the stack away. The walk goes on past the first fault, so the raw bytes of a report's
 * zone, period and source are known wherever the fault was: a refused report is recorded
 * under what was sent ("baoshan\\x00evil"), not under the real zone it was cut to.
 */
#include "codec_check.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "yuebao.pb-c.h"

#define MAX_DEPTH 8

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 70 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        if (shift < 64) r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

/* One step of the path to where the walk is: a field, and its occurrence (1-based). */
typedef struct {
    const ProtobufCFieldDescriptor *f;
    unsigned index;
} step_t;

/* The walk's state: where it is, and the first fault (the walk goes on past it, so the
 * spans of a report's zone, period and source are known wherever the fault was). The
 * path is kept as steps and written out only for a fault: a report of 14 values is
 * walked without formatting a path 14 times. */
typedef struct {
    codec_check_t *out;
    step_t steps[MAX_DEPTH + 1];
    unsigned n_steps;
    unsigned top; /* the Envelope field being walked */
    bool faulted;
    char *err;
    size_t errsz;
} walk_t;

/* The path of the steps and then field f at index: "report.values[3].indicator" (a
 * repeated field with its index), into path. */
static void path_of(const walk_t *w, const ProtobufCFieldDescriptor *f, unsigned index, char *path, size_t size) {
    size_t n = 0;
    path[0] = '\0';
    for (unsigned i = 0; i <= w->n_steps && n < size - 1; i++) {
        const step_t s = i < w->n_steps ? w->steps[i] : (step_t){f, index};
        int k = s.f->label == PROTOBUF_C_LABEL_REPEATED
                    ? snprintf(path + n, size - n, "%s%s[%u]", n ? "." : "", s.f->name, s.index)
                    : snprintf(path + n, size - n, "%s%s", n ? "." : "", s.f->name);
        if (k < 0) break;
        n += (size_t)k < size - n ? (size_t)k : size - n - 1;
    }
}

/* Records the first fault, at field f (occurrence index) under the steps: its path,
 * and err from fmt, whose first %s is that path. */
static void fault(walk_t *w, const ProtobufCFieldDescriptor *f, unsigned index, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fault(walk_t *w, const ProtobufCFieldDescriptor *f, unsigned index, const char *fmt, ...) {
    va_list ap;
    if (w->faulted) return;
    w->faulted = true;
    w->out->top_field = w->top;
    path_of(w, f, index, w->out->path, sizeof w->out->path);
    va_start(ap, fmt);
    if (w->err && w->errsz) vsnprintf(w->err, w->errsz, fmt, ap);
    va_end(ap);
}

/* The span of report.zone, .period or .source that f names, or NULL. */
static codec_span_t *report_span(walk_t *w, const ProtobufCMessageDescriptor *d, unsigned depth,
                                 const ProtobufCFieldDescriptor *f) {
    if (depth != 1 || d != &yuebao__report__descriptor || !f || f->type != PROTOBUF_C_TYPE_STRING) return NULL;
    if (strcmp(f->name, "zone") == 0) return &w->out->zone;
    if (strcmp(f->name, "period") == 0) return &w->out->period;
    if (strcmp(f->name, "source") == 0) return &w->out->source;
    return NULL;
}

static void walk(const ProtobufCMessageDescriptor *d, const uint8_t *p, const uint8_t *end, unsigned depth,
                 walk_t *w) {
    unsigned seen[32] = {0}; /* occurrences per field number, for the index in a path */
    while (p < end) {
        const ProtobufCFieldDescriptor *f;
        codec_span_t *span;
        uint64_t tag, v;
        unsigned index;
        if (read_varint(&p, end, &tag) < 0) return; /* protobuf-c took it: not ours to judge */
        f = (tag >> 3) <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(d, (unsigned)(tag >> 3))
                                     : NULL;
        index = (tag >> 3) < 32 ? ++seen[tag >> 3] : 1;
        if (depth == 0) w->top = (unsigned)(tag >> 3);
        switch (tag & 7) {
        case 0:
            if (read_varint(&p, end, &v) < 0) return;
            if (f && f->type == PROTOBUF_C_TYPE_UINT32 && v > UINT32_MAX) {
                char path[sizeof w->out->path];
                path_of(w, f, index, path, sizeof path);
                fault(w, f, index, _("%s: %llu does not fit in 32 bits (at most %u)"), path, (unsigned long long)v,
                      (unsigned)UINT32_MAX);
            }
            break;
        case 1:
            if ((size_t)(end - p) < 8) return;
            p += 8;
            break;
        case 5:
            if ((size_t)(end - p) < 4) return;
            p += 4;
            break;
        case 2: {
            const uint8_t *nul;
            if (read_varint(&p, end, &v) < 0 || v > (uint64_t)(end - p)) return;
            if ((span = report_span(w, d, depth, f))) /* the last occurrence wins, as in protobuf */
                *span = (codec_span_t){p, (size_t)v, true};
            if (f && f->type == PROTOBUF_C_TYPE_STRING && (nul = memchr(p, '\0', (size_t)v))) {
                char path[sizeof w->out->path];
                path_of(w, f, index, path, sizeof path);
                fault(w, f, index,
                      _("%s: a NUL byte inside the text (byte %zu of %llu); text must not "
                      "contain NUL bytes"),
                      path, (size_t)(nul - p) + 1, (unsigned long long)v);
            }
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE && depth < MAX_DEPTH && w->n_steps < MAX_DEPTH) {
                w->steps[w->n_steps++] = (step_t){f, index};
                walk(f->descriptor, p, p + v, depth + 1, w);
                w->n_steps--;
            }
            p += v;
            break;
        }
        default: return; /* groups: protobuf-c refuses them before we get here */
        }
    }
}

int codec_check_raw(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len, codec_check_t *out,
                    char *err, size_t errsz) {
    walk_t w = {.out = out, .err = err, .errsz = errsz};
    memset(out, 0, sizeof *out);
    walk(d, buf, buf + len, 0, &w);
    return w.faulted ? -1 : 0;
}
