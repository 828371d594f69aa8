/* codec_check.h - private to the codec (codec.c, codec_report.c): what protobuf-c's
 * unpacking hides, found in the raw bytes.
 *
 * protobuf-c hands a `string` field over as a NUL-terminated char *: a NUL inside it
 * ("baoshan\0evil") silently cuts the string, and its length from the wire is gone by
 * the time the codec sees it. A `uint32` field sent as a varint beyond 32 bits keeps
 * only its low 32 bits (2^32 + 1 reads as revision 1). Neither can be seen in the
 * unpacked struct, so one pass over the serialized message, led by protobuf-c's own
 * descriptors, finds them: every length-delimited field that the schema declares a
 * string is searched for a NUL, every sub-message is walked, every varint of a uint32
 * field is range-checked. The wire types stay as they are; other clients see no change.
 */
#ifndef YB_CODEC_CHECK_H
#define YB_CODEC_CHECK_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Raw bytes of one string field inside the walked buffer (not NUL-terminated). */
typedef struct {
    const uint8_t *p;
    size_t len;
    bool seen;
} codec_span_t;

typedef struct {
    unsigned top_field; /* the Envelope field holding the fault (10 = report), 0 if none */
    char path[128];     /* where: "report.zone", "report.values[3].indicator" (1-based) */
    /* the Envelope's report.zone, .period and .source as sent (their last occurrence, the
     * one protobuf takes), NUL bytes and all; seen false if absent */
    codec_span_t zone, period, source;
} codec_check_t;

/* Walks buf[0..len), a serialized d (call it after protobuf-c unpacked it, so the
 * structure is known to be sound; it is bounds-checked all the same). Returns 0 when
 * no string holds a NUL and no uint32 exceeds 32 bits, or -1 with the first such fault
 * in *out and a one-line reason in err naming its field. Either way out's spans point
 * into buf. */
int codec_check_raw(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len, codec_check_t *out,
                    char *err, size_t errsz);

#endif
