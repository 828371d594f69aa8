/* test_e2e_wire.c - end to end: the wire's answers to what an independent client sends.
 *
 * Every report gets an answer: one the decoder cannot take (a NUL inside a string, a
 * revision beyond 32 bits, invalid UTF-8, a string too long, too many rows, a value
 * without an amount, a period like 2017-06-01) is REJECTED with the reason, replying to
 * its message id, so a sender never resends it forever. A reconnecting collector with the
 * same routing id is heard; a county learns nothing of another county's store; control
 * characters from a county never reach a log or a terminal raw.
 *
 * The hostile envelopes are built by hand: a valid report packed with protobuf-c, with
 * raw field bytes appended that our encoder would never write (protobuf takes the last
 * occurrence of a field, so an appended zone replaces the packed one).
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "e2e_suite.h"
#include "yuebao.pb-c.h"

TestSuite(e2e_wire, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 90);

static void *raw_client(const char *county, const char *suffix) {
    void *d = e2e_dealer(agg.listen, P("c:%s:%s", county, suffix));
    cr_assert_not_null(d, "cannot connect a raw client to %s", agg.listen);
    return d;
}

typedef struct {
    uint8_t id[MSG_ID_LEN];
    uint8_t *bytes;
    size_t len;
} wire_t;

static void load_report(const char *rel, const char *zone, uint32_t revision, report_t *r) {
    cr_assert_eq(e2e_load_report(e2e_sample(rel), NULL, zone, revision, r), 0, "cannot read %s", rel);
}

/* Appends a protobuf varint. */
static size_t put_varint(uint8_t *p, uint64_t v) {
    size_t n = 0;
    do {
        p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

/* A length-delimited field (number, bytes) into p; returns its size. */
static size_t put_field(uint8_t *p, unsigned number, const void *data, size_t len) {
    size_t n = put_varint(p, (uint64_t)number << 3 | 2);
    n += put_varint(p + n, len);
    memcpy(p + n, data, len);
    return n + len;
}

/* The envelope of report r with `extra` (raw Report field bytes) appended to the
 * Report, under a fresh message id. */
static void craft(const report_t *r, const void *extra, size_t extra_len, wire_t *w) {
    uint8_t *plain, *rep, hdr[64];
    size_t plain_len, rep_len, h = 0;
    Yuebao__Envelope *env;
    cr_assert_eq(e2e_encode_report(r, w->id, &plain, &plain_len), 0);
    env = yuebao__envelope__unpack(NULL, plain_len, plain);
    cr_assert_not_null(env);
    rep_len = yuebao__report__get_packed_size(env->report);
    rep = malloc(rep_len + extra_len + 1);
    cr_assert_not_null(rep);
    yuebao__report__pack(env->report, rep);
    if (extra_len) memcpy(rep + rep_len, extra, extra_len);
    rep_len += extra_len;
    hdr[h++] = 0x08; /* schema_version = 1 */
    hdr[h++] = SCHEMA_VERSION;
    h += put_field(hdr + h, 2, w->id, MSG_ID_LEN);
    h += put_varint(hdr + h, 10u << 3 | 2); /* body: report */
    h += put_varint(hdr + h, rep_len);
    w->len = h + rep_len;
    w->bytes = malloc(w->len);
    cr_assert_not_null(w->bytes);
    memcpy(w->bytes, hdr, h);
    memcpy(w->bytes + h, rep, rep_len);
    free(rep);
    free(plain);
    yuebao__envelope__free_unpacked(env, NULL);
}

/* Sends w from dealer and returns its ack, which must reply to w's id. */
static ack_status_t exchange(void *dealer, const wire_t *w, msg_t *ack) {
    int st = e2e_exchange(dealer, w->bytes, w->len, w->id, e2e_scaled_ms(10000), ack);
    cr_assert_geq(st, 0, "no ack for the report; aggregator log:\n%s", e2e_tail(agg.err_log, 2000));
    return (ack_status_t)st;
}

static const char *first_error(const msg_t *m) {
    static char line[1024];
    line[0] = '\0';
    for (size_t i = 0; i < m->ack.issues.n; i++)
        if (m->ack.issues.items[i].severity == DIAG_ERROR) {
            diag_format(&m->ack.issues.items[i], line, sizeof line);
            break;
        }
    return line;
}

static char last_zone[ZONE_CODE_SIZE]; /* the zone of the last REJECTED ack expect_rejected saw */

/* Sends report r with extra appended and asserts a REJECTED ack whose reason contains
 * `reason`; the ack's zone and period are printable and valid UTF-8. */
static void expect_rejected(void *client, const report_t *r, const void *extra, size_t extra_len,
                            const char *reason) {
    wire_t w;
    msg_t ack;
    craft(r, extra, extra_len, &w);
    ack_status_t st = exchange(client, &w, &ack);
    cr_assert_eq(st, ACK_REJECTED, "%s: ack %s, expected REJECTED (%s)", reason, ack_status_name(st),
                 first_error(&ack));
    cr_assert_gt(ack.ack.issues.n_errors, 0, "a REJECTED ack says why");
    cr_assert_not_null(strstr(first_error(&ack), reason), "the reason should say \"%s\": %s", reason,
                       first_error(&ack));
    for (const char *p = ack.ack.zone; *p; p++)
        cr_assert((unsigned char)*p >= 0x20 && *p != 0x7f, "a control byte in the ack's zone");
    snprintf(last_zone, sizeof last_zone, "%s", ack.ack.zone);
    msg_clear(&ack);
    free(w.bytes);
}

/* ---- item 1: a reconnecting collector is heard -------------------------------------- */

/* A collector reconnects with the same routing id while the ROUTER still holds its old
 * connection (a frozen aggregator, a reset TCP link): the new connection takes over. */
Test(e2e_wire, reconnect_with_the_same_routing_id_is_heard) {
    report_t r;
    wire_t w1, w2;
    msg_t ack;
    void *first, *second;
    start_aggregator(NULL, NULL);
    load_report("reports/2017-06/410602.csv", "baoshan", 1, &r);
    first = raw_client("410602", "0123456789abcdef");
    craft(&r, NULL, 0, &w1);
    cr_assert_eq(exchange(first, &w1, &ack), ACK_ACCEPTED);
    msg_clear(&ack);
    /* the old connection stays open: the same collector, reconnected */
    second = raw_client("410602", "0123456789abcdef");
    r.revision = 2;
    r.values[0].amount += 1;
    craft(&r, NULL, 0, &w2);
    cr_assert_eq(exchange(second, &w2, &ack), ACK_ACCEPTED, "the reconnected collector was not heard");
    cr_assert_eq(ack.ack.store_revision, 2);
    msg_clear(&ack);
    cr_assert_eq(sql("SELECT revision FROM reports WHERE zone='baoshan' AND period='2017-06'"), 2);
    free(w1.bytes);
    free(w2.bytes);
    report_clear(&r);
    stop_aggregator();
}

/* A collector whose report goes unanswered says so at warning level: from the 5th
 * attempt, then every 10th, one line each with zone, period, revision and attempts. */
Test(e2e_wire, collector_warns_about_a_report_resent_without_an_ack) {
    char log[512];
    void *ctx = zmq_ctx_new(), *router = zmq_socket(ctx, ZMQ_ROUTER);
    const char *ep = P("ipc://%s/silent.sock", dir);
    int linger = 0;
    pid_t c;
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    cr_assert_eq(zmq_bind(router, ep), 0);
    c = e2e_collector_start(dir, "410602", ep, log, sizeof log);
    cr_assert_gt(c, 0);
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410602.csv"), P("%s/inbox", dir), "410602.csv"), 0);
    /* retries 200..1000 ms: the 5th attempt comes after about 3 s */
    cr_assert_eq(e2e_wait_log(P("%s.err", log), "attempt 5 without an ack", c, e2e_scaled_ms(30000)), 0,
                 "no warning about the unanswered report:\n%s", e2e_tail(P("%s.err", log), 2000));
    cr_assert_not_null(strstr(e2e_tail(P("%s.err", log), 4000), "baoshan 2017-06 rev 1"));
    cr_assert_eq(e2e_count_in_file(P("%s.err", log), "without an ack"), 1, "one line, not one per resend");
    e2e_stop(c, 5000);
    zmq_close(router);
    zmq_ctx_term(ctx);
}

/* ---- items 4, 11, 18d: every bad report gets an answer ------------------------------- */

/* What the decoder refuses is answered REJECTED with the reason, replying to the
 * report's message id; the store holds nothing of it, and the next good report is
 * accepted on the same connection. */
Test(e2e_wire, undecodable_reports_are_rejected_with_the_reason) {
    report_t r;
    uint8_t extra[8192];
    size_t n;
    void *client;
    start_aggregator(NULL, NULL);
    load_report("reports/2017-06/410602.csv", "baoshan", 1, &r);
    client = raw_client("410602", "wire");

    /* item 4: a NUL inside a string is refused, not cut */
    n = put_field(extra, 1, "baoshan\0evil", 12);
    expect_rejected(client, &r, extra, n, "NUL");
    /* recorded under what was sent, escaped, not under the real zone it was cut to */
    cr_assert_str_eq(last_zone, "baoshan\\x00evil", "the ack names the zone sent");
    cr_assert_eq(sql("SELECT count(*) FROM rejections WHERE zone='baoshan\\x00evil'"), 1);
    cr_assert_eq(sql("SELECT count(*) FROM rejections WHERE zone='baoshan'"), 0);
    /* a NUL elsewhere, before the zone in the bytes: the zone sent is still what is kept */
    {
        uint8_t value[64];
        size_t k = put_field(value, 1, "revenue\0", 8);
        value[k++] = 0x11; /* amount, fixed64 */
        memset(value + k, 0, 8);
        k += 8;
        n = put_field(extra, 4, value, k);
        n += put_field(extra + n, 1, "baoshan\0two", 11);
        expect_rejected(client, &r, extra, n, "NUL");
        cr_assert_str_eq(last_zone, "baoshan\\x00two");
    }
    n = put_field(extra, 2, "2017-06\0", 8); /* 8 bytes: fits the period buffer once cut */
    expect_rejected(client, &r, extra, n, "NUL");
    n = put_field(extra, 6, "problem\0hidden", 14);
    expect_rejected(client, &r, extra, n, "NUL");
    n = put_field(extra, 8, "410602.csv\0x", 12);
    expect_rejected(client, &r, extra, n, "NUL");
    {
        uint8_t value[64];
        size_t k = put_field(value, 1, "revenue\0", 8);
        value[k++] = 0x11; /* amount, fixed64 */
        memset(value + k, 0, 8);
        k += 8;
        n = put_field(extra, 4, value, k);
        expect_rejected(client, &r, extra, n, "NUL");
    }
    /* item 18d: a revision beyond 32 bits would wrap to 1 */
    extra[0] = 0x18;
    n = 1 + put_varint(extra + 1, (1ull << 32) + 1);
    expect_rejected(client, &r, extra, n, "revision");

    /* item 11: invalid UTF-8, a string too long, a value without an amount, too many
     * values or projects, a period like 2017-06-01 */
    n = put_field(extra, 1, "\xff\xfe", 2);
    expect_rejected(client, &r, extra, n, "UTF-8");
    {
        char zone[100];
        memset(zone, 'z', sizeof zone);
        n = put_field(extra, 1, zone, sizeof zone);
    }
    expect_rejected(client, &r, extra, n, "longer than");
    n = put_field(extra, 4, "\x0a\x07revenue", 9);
    expect_rejected(client, &r, extra, n, "no amount");
    n = put_field(extra, 2, "2017-06-01", 10);
    expect_rejected(client, &r, extra, n, "period");
    {
        /* 257 values, then 257 projects (each an empty submessage) */
        n = 0;
        for (int i = 0; i < REPORT_MAX_VALUES + 1; i++)
            n += put_field(extra + n, 4, "\x11\0\0\0\0\0\0\0\0", 9);
        expect_rejected(client, &r, extra, n, "values");
        n = 0;
        for (int i = 0; i < REPORT_MAX_PROJECTS + 1; i++)
            n += put_field(extra + n, 5, "", 0);
        expect_rejected(client, &r, extra, n, "projects");
    }
    {
        /* problems over REPORT_MAX_TEXT */
        size_t big = REPORT_MAX_TEXT + 10;
        uint8_t *huge = malloc(big + 16);
        char *text = malloc(big);
        cr_assert(huge && text);
        memset(text, 'x', big);
        n = put_field(huge, 6, text, big);
        expect_rejected(client, &r, huge, n, "problems");
        free(huge);
        free(text);
    }
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 0, "nothing of a refused report is stored");
    cr_assert_geq(sql("SELECT count(*) FROM rejections WHERE county='410602'"), 14,
                  "the central office sees each refusal");
    {
        wire_t w;
        msg_t ack;
        craft(&r, NULL, 0, &w);
        cr_assert_eq(exchange(client, &w, &ack), ACK_ACCEPTED, "%s", first_error(&ack));
        msg_clear(&ack);
        free(w.bytes);
    }
    cr_assert_eq(sql("SELECT count(*) FROM reports WHERE zone='baoshan'"), 1);
    report_clear(&r);
    stop_aggregator();
}

/* ---- item 18a: --insecure and a routing id that names no county ---------------------- */

Test(e2e_wire, insecure_client_without_a_county_routing_id_gets_an_answer) {
    report_t r;
    wire_t w;
    msg_t ack;
    void *anon;
    start_aggregator(NULL, NULL);
    load_report("reports/2017-06/410602.csv", "baoshan", 1, &r);
    anon = e2e_dealer(agg.listen, "baoshan-client");
    cr_assert_not_null(anon);
    craft(&r, NULL, 0, &w);
    cr_assert_eq(exchange(anon, &w, &ack), ACK_REJECTED);
    cr_assert_not_null(strstr(first_error(&ack), "c:<county>:"), "the answer names the routing id: %s",
                       first_error(&ack));
    msg_clear(&ack);
    cr_assert_eq(sql("SELECT count(*) FROM report_history"), 0);
    free(w.bytes);
    report_clear(&r);
    stop_aggregator();
    /* answered and counted rejected: not also counted garbled, nor logged as dropped */
    {
        const char *log = e2e_tail(agg.err_log, 8000);
        cr_assert_not_null(strstr(log, "1 rejected, 0 garbled"), "counted once, as rejected:\n%s", log);
        cr_assert_null(strstr(log, "dropped a message"), "an answered message is not dropped:\n%s", log);
    }
}

/* ---- item 18c: a REJECTED ack reveals nothing of another county ---------------------- */

Test(e2e_wire, rejected_ack_for_another_countys_zone_reveals_nothing) {
    report_t r;
    wire_t w;
    msg_t ack;
    start_aggregator(NULL, NULL);
    load_report("reports/2017-06/410602.csv", "baoshan", 1, &r);
    craft(&r, NULL, 0, &w);
    cr_assert_eq(exchange(raw_client("410602", "owner"), &w, &ack), ACK_ACCEPTED);
    msg_clear(&ack);
    free(w.bytes);
    r.revision = 3;
    craft(&r, NULL, 0, &w);
    cr_assert_eq(exchange(raw_client("410671", "other"), &w, &ack), ACK_REJECTED);
    cr_assert_eq(ack.ack.store_revision, 0, "the ack tells another county baoshan's store is at %u",
                 ack.ack.store_revision);
    cr_assert_eq(ack.ack.stored_at_ms, 0);
    msg_clear(&ack);
    free(w.bytes);
    report_clear(&r);
    stop_aggregator();
}

/* ---- item 18b: garbage on the snapshot ROUTER ---------------------------------------- */

Test(e2e_wire, garbage_on_the_snapshot_router_is_logged_rate_limited) {
    void *junk;
    start_aggregator(NULL, NULL);
    junk = e2e_dealer(agg.snapshot, NULL);
    cr_assert_not_null(junk);
    for (int i = 0; i < 500; i++)
        cr_assert_eq(e2e_send(junk, "\xff\x00junk", 6), 0);
    {
        /* the snapshot ROUTER still answers */
        e2e_snapshot_t snap;
        cr_assert_eq(e2e_snapshot(agg.snapshot, NULL, NULL, e2e_scaled_ms(10000), &snap), 0,
                     "no snapshot after the junk:\n%s", e2e_tail(agg.err_log, 2000));
        e2e_snapshot_clear(&snap);
    }
    stop_aggregator();
    int lines = e2e_count_in_file(agg.err_log, "not a snapshot request");
    cr_assert_leq(lines, 6, "500 junk messages made %d log lines:\n%s", lines, e2e_tail(agg.err_log, 2000));
}

/* A frozen aggregator (SIGSTOP past the heartbeat timeout, made short here through
 * YUEBAO_ZMQ_HEARTBEAT_MS) makes the collector drop its connection and connect again
 * with the same routing id while the aggregator still holds the old one. After SIGCONT
 * every report queued meanwhile is delivered. */
Test(e2e_wire, collector_reconnecting_after_a_frozen_aggregator_is_heard) {
    char log[512];
    const char *months[] = {"2017-02", "2017-03", "2017-04", "2017-05"};
    pid_t c;
    setenv("YUEBAO_ZMQ_HEARTBEAT_MS", "200", 1);
    start_aggregator(P("tcp://127.0.0.1:%d", e2e_free_port()), NULL);
    c = e2e_collector_start(dir, "410602", agg.listen, log, sizeof log);
    cr_assert_gt(c, 0);
    cr_assert_eq(e2e_drop(e2e_sample("reports/2017-06/410602.csv"), P("%s/inbox", dir), "06.csv"), 0);
    cr_assert_eq(e2e_sql_wait(agg.store, 1, e2e_scaled_ms(20000), "SELECT count(*) FROM reports"), 1);
    cr_assert_eq(kill(agg.pid, SIGSTOP), 0);
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(e2e_drop(e2e_sample(P("reports/%s/410602.csv", months[i])), P("%s/inbox", dir),
                              P("%s.csv", months[i])),
                     0);
    /* the collector's heartbeat times out (600 ms) and it reconnects, more than once */
    e2e_sleep_ms(3000);
    cr_assert_eq(kill(agg.pid, SIGCONT), 0);
    unsetenv("YUEBAO_ZMQ_HEARTBEAT_MS");
    cr_assert_eq(e2e_sql_wait(agg.store, 5, e2e_scaled_ms(30000), "SELECT count(*) FROM reports"), 5,
                 "reports queued while the aggregator was frozen were not delivered; collector log:\n%s",
                 e2e_tail(P("%s.err", log), 2000));
    e2e_stop(c, 5000);
    stop_aggregator();
}

/* ---- item 18e: a timeout is not a handshake failure ---------------------------------- */

Test(e2e_wire, a_frozen_aggregator_is_no_answer_not_a_handshake_failure) {
    char log[512];
    pid_t c;
    start_aggregator(NULL, NULL);
    cr_assert_eq(kill(agg.pid, SIGSTOP), 0);
    /* A timeout is told from a refusal by the time since the connection came up, read
     * when the collector's loop reads its monitor: the interval must leave a loaded
     * machine's start-up room (half of it is the line; 500 ms was too tight). */
    setenv("YUEBAO_ZMQ_HANDSHAKE_MS", P("%d", e2e_scaled_ms(3000)), 1);
    c = e2e_collector_start(dir, "410602", agg.listen, log, sizeof log);
    unsetenv("YUEBAO_ZMQ_HANDSHAKE_MS");
    cr_assert_gt(c, 0);
    cr_assert_eq(e2e_wait_log(P("%s.err", log), "no answer", c, e2e_scaled_ms(20000)), 0,
                 "the collector does not say the aggregator gives no answer:\n%s",
                 e2e_tail(P("%s.err", log), 2000));
    cr_assert_eq(e2e_count_in_file(P("%s.err", log), "server_key"), 0,
                 "a timeout is blamed on the keys:\n%s", e2e_tail(P("%s.err", log), 2000));
    cr_assert_eq(kill(agg.pid, SIGCONT), 0);
    e2e_stop(c, 5000);
    stop_aggregator();
}

/* ---- item 12: control characters from a county -------------------------------------- */

static bool has_raw_controls(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == 0x1b) return true;
    return false;
}

Test(e2e_wire, control_characters_are_refused_in_codes_and_escaped_in_text) {
    report_t r;
    wire_t w;
    msg_t ack;
    void *client, *sub;
    char topic[256], *out = NULL, *log;
    msg_t ev;
    int st;
    start_aggregator(NULL, NULL);
    sub = e2e_sub(agg.publish, "rejected.");
    cr_assert_not_null(sub);
    client = raw_client("410602", "ctl");
    load_report("reports/2017-06/410602.csv", "baoshan", 1, &r);

    /* a zone with an ANSI escape and a forged log line: REJECTED, saying why */
    snprintf(r.zone, sizeof r.zone, "baoshan\x1b[31m\nFORGED line");
    craft(&r, NULL, 0, &w);
    cr_assert_eq(exchange(client, &w, &ack), ACK_REJECTED);
    cr_assert_not_null(strstr(first_error(&ack), "control character"), "%s", first_error(&ack));
    cr_assert(!has_raw_controls(ack.ack.zone) && !strchr(ack.ack.zone, '\n'), "the ack echoes the raw zone");
    msg_clear(&ack);
    free(w.bytes);
    /* its rejected event carries it escaped (the slow joiner: it was sent after a
     * round trip, and the subscriber connected before) */
    cr_assert_eq(e2e_recv_pub(sub, e2e_scaled_ms(5000), topic, sizeof topic, &ev), 0, "no rejected event");
    cr_assert_eq(ev.kind, MSG_REPORT_REJECTED);
    cr_assert(!has_raw_controls(ev.rejected.zone) && !strchr(ev.rejected.zone, '\n'), "event zone raw");
    cr_assert(!has_raw_controls(topic) && !strchr(topic, '\n'), "topic raw");
    cr_assert(!has_raw_controls(ev.rejected.reason), "event reason raw");
    msg_clear(&ev);

    /* the same in problems: free text, stored as sent */
    snprintf(r.zone, sizeof r.zone, "baoshan");
    cr_assert_eq(report_set_text(&r.problems, "\x1b[31mred\nFORGED line"), 0);
    craft(&r, NULL, 0, &w);
    cr_assert_eq(exchange(client, &w, &ack), ACK_ACCEPTED, "%s", first_error(&ack));
    msg_clear(&ack);
    free(w.bytes);
    cr_assert_eq(sql("SELECT instr(problems, char(27)) > 0 FROM reports WHERE zone='baoshan'"), 1,
                 "free text is stored as the county wrote it");

    st = e2e_runl(P("%s/watch-once", dir), &out, e2e_scaled_ms(20000), e2e_bin("yuebao"), "watch", "--once",
                  "--period", "2017-06", "--master", e2e_city(), "--pub", agg.publish, "--snapshot",
                  agg.snapshot, NULL);
    cr_assert_eq(st, 0, "%s", e2e_tail(P("%s/watch-once.err", dir), 2000));
    cr_assert(!has_raw_controls(out), "yuebao watch prints a raw escape:\n%s", out);
    cr_assert_null(strstr(out, "\nFORGED"), "yuebao watch prints a forged line:\n%s", out);
    cr_assert_not_null(strstr(out, "\\x1b"), "the escape is shown escaped:\n%s", out);
    free(out);
    stop_aggregator();
    log = e2e_read_file(agg.err_log);
    cr_assert_not_null(log);
    cr_assert(!has_raw_controls(log), "the aggregator's log has a raw escape");
    cr_assert_null(strstr(log, "\nFORGED"), "the aggregator's log has a forged line");
    free(log);
    report_clear(&r);
}
