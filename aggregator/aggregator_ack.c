/* aggregator_ack.c - acks back to the collectors; called only after COMMIT. */
#include <errno.h>
#include <string.h>
#include <zmq.h>

#include "aggregator.h"
#include "wire.h"
#include "log.h"

void aggregator_ack_send(aggregator_t *a, const ingest_item_t *item) {
    msg_t m = {0};
    m.kind = MSG_ACK;
    m.has_reply_to = true;
    memcpy(m.in_reply_to, item->msg.id, MSG_ID_LEN);
    m.ack = item->ack; /* shallow: the issues stay owned by item */
    if (wire_send_msg(a->router, item->identity, item->identity_len, NULL, &m) < 0)
        log_debug("ack for %s %s not delivered (%s); the collector will resend and get a DUPLICATE",
                  item->ack.zone, item->ack.period, zmq_strerror(errno));
}
