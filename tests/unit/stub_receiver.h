/* stub_receiver.h - what the stub receiver recorded, and its scripted answers. */
#ifndef YB_STUB_RECEIVER_H
#define YB_STUB_RECEIVER_H
#include <stddef.h>
#include "receiver.h"

#define STUB_MAX_CALLS 256
typedef struct {
    char receiver[64], group_key[256];
    notice_kind_t kind;
    size_t n_alerts, n_resolved;
    int64_t at_ms;
    deliver_status_t status;
} stub_call_t;

void stub_reset(void);
/* The next deliveries' answers, in order; OK once the script is used up. */
void stub_script(deliver_status_t s);
size_t stub_calls(void);
const stub_call_t *stub_call(size_t i);
#endif
