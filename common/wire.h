/* wire.h - yuebao's messages (codec.h) sent and received on ZeroMQ sockets (sock.h). */
#ifndef YB_WIRE_H
#define YB_WIRE_H

#include "codec.h"

#include <stddef.h>

/* The ZAP domains (sock.h's domain argument): who may report (authorized_keys), who
 * may subscribe (subscriber_keys). */
#define WIRE_DOMAIN_COLLECTORS "collectors"
#define WIRE_DOMAIN_SUBSCRIBERS "subscribers"
/* Who may approve, publish and unlock a period (the aggregator's approver_keys). */
#define WIRE_DOMAIN_APPROVERS "approvers"
/* yuebao-notify's control ROUTER: who may add and expire silences (silence_keys). */
#define WIRE_DOMAIN_SILENCERS "silencers"

/* Gives m a fresh message id, encodes it and sends [identity?][topic?][envelope]
 * (identity NULL: none; topic NULL: none) without blocking. 0, or -1: not encodable
 * (logged, naming what; errno EMSGSIZE) or not sent (errno from sock_send_frames:
 * EAGAIN not now, EHOSTUNREACH the ROUTER peer is gone). */
int wire_send_msg(void *sock, const void *identity, size_t id_len, const char *topic, msg_t *m);

/* A snapshot ROUTER's request, from the peer with that routing identity. */
typedef void (*wire_request_fn)(const void *identity, size_t id_len, const snapshot_request_t *req,
                                void *arg);

/* Reads up to budget waiting messages from a snapshot ROUTER and hands each well-formed
 * [identity, SnapshotRequest] to fn; anything else (untrusted bytes) is logged and
 * dropped. */
void wire_each_snapshot_request(void *router, int budget, wire_request_fn fn, void *arg);

/* Development (--insecure) only, where no ZAP User-Id names a peer: a peer names itself
 * in its routing id "<tag>:<name>[:<anything>]" — tag 'c' a county's collector (name =
 * the county), 'u' a person at the CLI (name = who asks). A name is 1..size-1 bytes of
 * [0-9A-Za-z._-]. */
#define WIRE_TAG_COUNTY 'c'
#define WIRE_TAG_USER 'u'

/* The name in routing id id[0..len) of tag into out[size]. 0, or -1 when id is not of
 * that form (out then ""). */
int wire_insecure_name(const void *id, size_t len, char tag, char *out, size_t size);

/* The routing id "<tag>:<name>:<pid>" into buf[size], keeping of name (NULL: none) only
 * the bytes a name may hold, at most 32; fallback (not NULL) when none is left. */
void wire_insecure_id(char tag, const char *name, const char *fallback, char *buf, size_t size);

#endif
