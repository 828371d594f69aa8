/* raw_envelope.h - envelopes built with protobuf-c directly, for the codec's tests:
 * bytes our own encoder would never send (a missing id, a string too long, a field
 * that is not UTF-8) are exactly what the decoder must refuse. Shared by test_codec.c
 * and test_hostile.c; static, so each test binary has its own copy. */
#ifndef YB_TEST_RAW_ENVELOPE_H
#define YB_TEST_RAW_ENVELOPE_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "codec.h"
#include "yuebao.pb-c.h"

static uint8_t raw_id[MSG_ID_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* An envelope with the schema version and a message id, and no body yet. */
static inline void raw_envelope_init(Yuebao__Envelope *e) {
    yuebao__envelope__init(e);
    e->has_schema_version = 1;
    e->schema_version = SCHEMA_VERSION;
    e->has_message_id = 1;
    e->message_id.len = MSG_ID_LEN;
    e->message_id.data = raw_id;
}

/* Packs e into a malloc'd buffer of *len bytes. */
static inline uint8_t *raw_pack(const Yuebao__Envelope *e, size_t *len) {
    uint8_t *buf;
    *len = yuebao__envelope__get_packed_size(e);
    buf = malloc(*len ? *len : 1);
    cr_assert_not_null(buf);
    cr_assert_eq(yuebao__envelope__pack(e, buf), *len);
    return buf;
}

#endif
