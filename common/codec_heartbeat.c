/* codec_heartbeat.c - the Heartbeat message: a publisher's "still here, at sequence N"
 * (the sequence is the envelope's), with its clock.
 */
#include "codec_internal.h"

int codec_heartbeat_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    Yuebao__Heartbeat *hb = codec_scratch_alloc(s, 1, sizeof *hb);
    if (!hb) return -1;
    yuebao__heartbeat__init(hb);
    hb->has_now_ms = 1;
    hb->now_ms = m->hb_now_ms;
    env->heartbeat = hb;
    return 0;
}

int codec_heartbeat_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    return codec_take_ms(&m->hb_now_ms, env->heartbeat->has_now_ms, env->heartbeat->now_ms,
                         "heartbeat now_ms", err, errsz);
}
