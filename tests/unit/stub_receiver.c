/* stub_receiver.c - a receiver.h stand-in for yuebao-notify's unit tests: no network;
 * each delivery is recorded and answered from a script (stub_receiver.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "receiver.h"
#include "stub_receiver.h"

struct receiver {
    char name[64];
    char type[16];
};

static stub_call_t calls[STUB_MAX_CALLS];
static size_t n_calls;
static deliver_status_t script[64];
static size_t n_script, at_script;

receiver_t *receiver_new(const char *name, char *err, size_t errsz) {
    receiver_t *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    snprintf(r->name, sizeof r->name, "%s", name);
    return r;
}

int receiver_set(receiver_t *r, const char *key, const char *value, char *err, size_t errsz) {
    if (!strcmp(key, "type")) {
        snprintf(r->type, sizeof r->type, "%s", value);
        return 0;
    }
    (void)err;
    (void)errsz;
    return 0; /* any other key: taken, as the shipped ini files have them */
}

receiver_kind_t receiver_kind(const receiver_t *r) {
    (void)r;
    return RECV_WEBHOOK;
}

void receiver_set_master(receiver_t *r, const master_t *m) {
    (void)r;
    (void)m;
}

int receiver_check(const receiver_t *r, char *err, size_t errsz) {
    if (!r->type[0]) {
        snprintf(err, errsz, "receiver %s: no type", r->name);
        return -1;
    }
    return 0;
}

const char *receiver_name(const receiver_t *r) {
    return r->name;
}

int64_t receiver_ready_at(const receiver_t *r, int64_t now_ms) {
    (void)r;
    return now_ms;
}

deliver_result_t receiver_deliver(receiver_t *r, const notice_t *n, int64_t now_ms) {
    deliver_result_t res;
    memset(&res, 0, sizeof res);
    res.status = at_script < n_script ? script[at_script++] : DELIVER_OK;
    if (n_calls < STUB_MAX_CALLS) {
        stub_call_t *c = &calls[n_calls++];
        snprintf(c->receiver, sizeof c->receiver, "%s", r->name);
        snprintf(c->group_key, sizeof c->group_key, "%s", n->group_key);
        c->kind = n->kind;
        c->n_alerts = n->n_alerts;
        c->n_resolved = 0;
        for (size_t i = 0; i < n->n_alerts; i++)
            c->n_resolved += n->alerts[i].status == NOTICE_RESOLVED;
        c->at_ms = now_ms;
        c->status = res.status;
    }
    snprintf(res.detail, sizeof res.detail, "stub");
    return res;
}

void receiver_free(receiver_t **r) {
    if (!r || !*r) return;
    free(*r);
    *r = NULL;
}

void stub_reset(void) {
    n_calls = n_script = at_script = 0;
}
void stub_script(deliver_status_t s) {
    if (n_script < 64) script[n_script++] = s;
}
size_t stub_calls(void) {
    return n_calls;
}
const stub_call_t *stub_call(size_t i) {
    return i < n_calls ? &calls[i] : NULL;
}
