/* aggregator_ack.c - acks back to the collectors; called only after COMMIT. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "aggregator.h"
#include "log.h"

void aggregator_ack_send(aggregator_t *a, const ingest_item_t *item) {
    msg_t m = {0};
    uint8_t *buf = NULL;
    size_t len = 0;
    m.kind = MSG_ACK;
    codec_new_id(m.id);
    m.has_reply_to = true;
    memcpy(m.in_reply_to, item->msg.id, MSG_ID_LEN);
    m.ack = item->ack; /* shallow: the issues stay owned by item */
    if (codec_encode(&m, &buf, &len) < 0) {
        log_error("cannot encode the ack for %s %s", item->ack.zone, item->ack.period);
        return;
    }
    const void *frames[2] = {item->identity, buf};
    size_t lens[2] = {item->identity_len, len};
    if (sock_send_frames(a->router, frames, lens, 2) < 0)
        log_debug("ack for %s %s not delivered (%s); the collector will resend and get a DUPLICATE",
                  item->ack.zone, item->ack.period, zmq_strerror(errno));
    free(buf);
}
