/* codec_check.c - NUL bytes in strings and uint32 varints past 32 bits, in the raw
 * bytes of a message (see codec_check.h).
 *
 * The walk reads only tags, varints and lengths: a report of 14 values costs a few
 * hundred byte reads beside protobuf-c's unpack. Nesting is bounded (our schema is
 * three deep; protobuf-c itself refuses deeper), so a crafted message cannot recurse
 * the stack away.
 */
#include "codec_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

/* Appends ".name" (or "name" at the start) and "[i]" for a repeated field to path. */
static void path_push(char *path, size_t size, const ProtobufCFieldDescriptor *f, unsigned index) {
    size_t n = strlen(path);
    if (n >= size - 1) return;
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        snprintf(path + n, size - n, "%s%s[%u]", n ? "." : "", f->name, index);
    else
        snprintf(path + n, size - n, "%s%s", n ? "." : "", f->name);
}

static int walk(const ProtobufCMessageDescriptor *d, const uint8_t *p, const uint8_t *end, unsigned depth,
                codec_check_t *out, char *err, size_t errsz) {
    unsigned seen[32] = {0}; /* occurrences per field number, for the index in a path */
    size_t path_len = strlen(out->path);
    while (p < end) {
        const ProtobufCFieldDescriptor *f;
        uint64_t tag, v;
        unsigned index;
        if (read_varint(&p, end, &tag) < 0) return 0; /* protobuf-c took it: not ours to judge */
        f = (tag >> 3) <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(d, (unsigned)(tag >> 3))
                                     : NULL;
        index = (tag >> 3) < 32 ? ++seen[tag >> 3] : 1;
        if (depth == 0) out->top_field = (unsigned)(tag >> 3);
        switch (tag & 7) {
        case 0:
            if (read_varint(&p, end, &v) < 0) return 0;
            if (f && f->type == PROTOBUF_C_TYPE_UINT32 && v > UINT32_MAX) {
                path_push(out->path, sizeof out->path, f, index);
                snprintf(err, errsz, "%s: %llu does not fit in 32 bits (at most %u)", out->path,
                         (unsigned long long)v, (unsigned)UINT32_MAX);
                return -1;
            }
            break;
        case 1:
            if ((size_t)(end - p) < 8) return 0;
            p += 8;
            break;
        case 5:
            if ((size_t)(end - p) < 4) return 0;
            p += 4;
            break;
        case 2: {
            const uint8_t *nul;
            if (read_varint(&p, end, &v) < 0 || v > (uint64_t)(end - p)) return 0;
            if (f && f->type == PROTOBUF_C_TYPE_STRING && (nul = memchr(p, '\0', (size_t)v))) {
                path_push(out->path, sizeof out->path, f, index);
                snprintf(err, errsz,
                         "%s: a NUL byte inside the text (byte %zu of %llu); text must not "
                         "contain NUL bytes",
                         out->path, (size_t)(nul - p) + 1, (unsigned long long)v);
                return -1;
            }
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE && depth < MAX_DEPTH) {
                path_push(out->path, sizeof out->path, f, index);
                if (walk(f->descriptor, p, p + v, depth + 1, out, err, errsz) < 0) return -1;
                out->path[path_len] = '\0';
            }
            p += v;
            break;
        }
        default: return 0; /* groups: protobuf-c refuses them before we get here */
        }
    }
    return 0;
}

int codec_check_raw(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len, codec_check_t *out,
                    char *err, size_t errsz) {
    memset(out, 0, sizeof *out);
    if (walk(d, buf, buf + len, 0, out, err, errsz) == 0) {
        out->top_field = 0;
        return 0;
    }
    return -1;
}
