/* test_codec.c - the wire codec: round trips, content bytes, and hostile input refused. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "raw_envelope.h"
#include "yuebao.pb-c.h"

/* ---- helpers -------------------------------------------------------------------- */

static const char *const indicators[15] = {"gdp",         "gdp_primary", "gdp_secondary", "gdp_tertiary",
                                           "industry_va", "fai",         "fai_industry",  "retail",
                                           "exports",     "imports",     "fiscal_rev",    "tax_rev",
                                           "deposits",    "loans",       "power_use"};

static void fill_report(report_t *r) {
    memset(r, 0, sizeof *r);
    snprintf(r->zone, sizeof r->zone, "%s", "高新区");
    snprintf(r->period, sizeof r->period, "%s", "2017-06");
    snprintf(r->source, sizeof r->source, "%s", "高新区_2017-06.csv");
    r->revision = 3;
    for (int i = 0; i < 15; i++) {
        report_value_t v = {0};
        snprintf(v.indicator, sizeof v.indicator, "%s", indicators[i]);
        v.amount = 1000.25 * (i + 1);
        v.has_growth = i % 3 != 0;
        v.growth_pct = v.has_growth ? -2.5 + i : 0;
        v.line = (unsigned)(i + 2);
        cr_assert_not_null(report_add_value(r, &v));
    }
    report_project_t p1 = {0}, p2 = {0};
    snprintf(p1.code, sizeof p1.code, "%s", "XM-001");
    snprintf(p1.name, sizeof p1.name, "%s", "智能制造产业园一期");
    p1.has_total = true;
    p1.total_investment = 52000;
    p1.has_ytd = true;
    p1.ytd_investment = 8300.5;
    snprintf(p1.status, sizeof p1.status, "%s", "在建");
    p1.line = 20;
    snprintf(p2.code, sizeof p2.code, "%s", "XM-002");
    snprintf(p2.name, sizeof p2.name, "%s", "污水处理厂提标改造");
    p2.has_total = true;
    p2.total_investment = 12000;
    snprintf(p2.status, sizeof p2.status, "%s", "前期");
    p2.line = 21;
    cr_assert_not_null(report_add_project(r, &p1));
    cr_assert_not_null(report_add_project(r, &p2));
    cr_assert_eq(report_set_text(&r->problems, "融资难，用地指标紧张。"), 0);
    cr_assert_eq(report_set_text(&r->next_steps, "加快项目审批；做好要素保障。"), 0);
}

/* An envelope with version, id and heartbeat body: valid until a test breaks it. */
static void base_env(Yuebao__Envelope *e, Yuebao__Heartbeat *hb) {
    raw_envelope_init(e);
    yuebao__heartbeat__init(hb);
    hb->has_now_ms = 1;
    hb->now_ms = 42;
    e->body_case = YUEBAO__ENVELOPE__BODY_HEARTBEAT;
    e->heartbeat = hb;
}

/* Decodes buf, expects refusal with `word` in the reason and a cleared msg. */
static void expect_refused(const void *buf, size_t len, const char *word) {
    msg_t m;
    char err[256] = "untouched";
    memset(&m, 0xab, sizeof m);
    int rc = codec_decode(buf, len, &m, err, sizeof err);
    cr_assert(rc == -1 || rc == CODEC_REFUSED, "accepted; wanted '%s'", word);
    cr_assert_not_null(strstr(err, word), "reason '%s' lacks '%s'", err, word);
    /* a report that cannot be taken is kept only as far as its answer needs */
    cr_assert_eq(m.kind, rc == CODEC_REFUSED ? MSG_REPORT : MSG_NONE);
    cr_assert_null(m.report.values);
    cr_assert_null(m.report.problems);
    cr_assert_null(m.ack.issues.items);
}

static void expect_refused_env(const Yuebao__Envelope *e, const char *word) {
    size_t len;
    uint8_t *buf = raw_pack(e, &len);
    expect_refused(buf, len, word);
    free(buf);
}

static void roundtrip(const msg_t *in, msg_t *out) {
    uint8_t *buf;
    size_t len;
    char err[256] = "";
    cr_assert_eq(codec_encode(in, &buf, &len), 0);
    cr_assert_gt(len, 0);
    cr_assert_eq(codec_decode(buf, len, out, err, sizeof err), 0, "decode: %s", err);
    free(buf);
}

/* ---- round trips ---------------------------------------------------------------- */

Test(codec, report_roundtrip) {
    msg_t in, out;
    memset(&in, 0, sizeof in);
    in.kind = MSG_REPORT;
    codec_new_id(in.id);
    fill_report(&in.report);
    roundtrip(&in, &out);

    cr_assert_eq(out.kind, MSG_REPORT);
    cr_assert_eq(memcmp(out.id, in.id, MSG_ID_LEN), 0);
    cr_assert_not(out.has_reply_to);
    cr_assert_eq(out.sequence, 0);
    const report_t *a = &in.report, *b = &out.report;
    cr_assert_str_eq(b->zone, a->zone);
    cr_assert_str_eq(b->period, a->period);
    cr_assert_str_eq(b->source, a->source);
    cr_assert_eq(b->revision, 3);
    cr_assert_eq(b->n_values, 15);
    for (size_t i = 0; i < 15; i++) {
        cr_assert_str_eq(b->values[i].indicator, a->values[i].indicator);
        cr_assert_eq(b->values[i].amount, a->values[i].amount);
        cr_assert_eq(b->values[i].has_growth, a->values[i].has_growth, "value %zu", i);
        cr_assert_eq(b->values[i].growth_pct, a->values[i].growth_pct);
        cr_assert_eq(b->values[i].line, a->values[i].line);
    }
    cr_assert_not(b->values[0].has_growth);
    cr_assert(b->values[1].has_growth);
    cr_assert_eq(b->n_projects, 2);
    for (size_t i = 0; i < 2; i++) {
        const report_project_t *p = &a->projects[i], *q = &b->projects[i];
        cr_assert_str_eq(q->code, p->code);
        cr_assert_str_eq(q->name, p->name);
        cr_assert_str_eq(q->status, p->status);
        cr_assert_eq(q->has_total, p->has_total);
        cr_assert_eq(q->total_investment, p->total_investment);
        cr_assert_eq(q->has_ytd, p->has_ytd);
        cr_assert_eq(q->ytd_investment, p->ytd_investment);
        cr_assert_eq(q->line, p->line);
    }
    cr_assert_not(b->projects[1].has_ytd);
    cr_assert_str_eq(b->problems, a->problems);
    cr_assert_str_eq(b->next_steps, a->next_steps);
    msg_clear(&in);
    msg_clear(&out);
    cr_assert_null(out.report.values);
}

Test(codec, report_without_texts_stays_without) {
    msg_t in, out;
    memset(&in, 0, sizeof in);
    in.kind = MSG_REPORT;
    fill_report(&in.report);
    report_set_text(&in.report.problems, NULL);
    in.report.source[0] = '\0';
    roundtrip(&in, &out);
    cr_assert_null(out.report.problems);
    cr_assert_str_eq(out.report.next_steps, in.report.next_steps);
    cr_assert_str_eq(out.report.source, "");
    msg_clear(&in);
    msg_clear(&out);
}

Test(codec, ack_roundtrip) {
    msg_t in, out;
    memset(&in, 0, sizeof in);
    in.kind = MSG_ACK;
    codec_new_id(in.id);
    in.has_reply_to = true;
    codec_new_id(in.in_reply_to);
    snprintf(in.ack.zone, sizeof in.ack.zone, "%s", "经开区");
    snprintf(in.ack.period, sizeof in.ack.period, "%s", "2017-06");
    in.ack.revision = 2;
    in.ack.status = ACK_REJECTED;
    in.ack.store_revision = 1;
    in.ack.stored_at_ms = 1497000000000;
    diag_add(&in.ack.issues, DIAG_ERROR, "x.csv", 7, "gdp", "金额不是数字: \"%s\"", "abc");
    diag_add(&in.ack.issues, DIAG_WARNING, "x.csv", 9, "retail", "增速 %d%% 超出常见范围", 85);
    diag_add(&in.ack.issues, DIAG_ERROR, NULL, 0, NULL, "期别 2017-13 无效");
    roundtrip(&in, &out);

    cr_assert_eq(out.kind, MSG_ACK);
    cr_assert(out.has_reply_to);
    cr_assert_eq(memcmp(out.in_reply_to, in.in_reply_to, MSG_ID_LEN), 0);
    cr_assert_str_eq(out.ack.zone, "经开区");
    cr_assert_str_eq(out.ack.period, "2017-06");
    cr_assert_eq(out.ack.revision, 2);
    cr_assert_eq(out.ack.status, ACK_REJECTED);
    cr_assert_eq(out.ack.store_revision, 1);
    cr_assert_eq(out.ack.stored_at_ms, 1497000000000);
    /* errors come back first, then warnings; file is not sent */
    const diag_list_t *dl = &out.ack.issues;
    cr_assert_eq(dl->n, 3);
    cr_assert_eq(dl->n_errors, 2);
    cr_assert_eq(dl->n_warnings, 1);
    cr_assert_eq(dl->items[0].severity, DIAG_ERROR);
    cr_assert_eq(dl->items[0].line, 7);
    cr_assert_str_eq(dl->items[0].field, "gdp");
    cr_assert_str_eq(dl->items[0].message, "金额不是数字: \"abc\"");
    cr_assert_str_eq(dl->items[0].file, "");
    cr_assert_eq(dl->items[1].severity, DIAG_ERROR);
    cr_assert_eq(dl->items[1].line, 0);
    cr_assert_str_eq(dl->items[1].field, "");
    cr_assert_str_eq(dl->items[1].message, "期别 2017-13 无效");
    cr_assert_eq(dl->items[2].severity, DIAG_WARNING);
    cr_assert_eq(dl->items[2].line, 9);
    cr_assert_str_eq(dl->items[2].field, "retail");
    cr_assert_str_eq(dl->items[2].message, "增速 85% 超出常见范围");
    msg_clear(&in);
    msg_clear(&out);
}

Test(codec, event_roundtrip_with_sequence) {
    msg_t in, out;
    memset(&in, 0, sizeof in);
    in.kind = MSG_REPORT_ACCEPTED;
    codec_new_id(in.id);
    in.sequence = 9000000000ull;
    snprintf(in.accepted.county, sizeof in.accepted.county, "%s", "临安县");
    snprintf(in.accepted.zone, sizeof in.accepted.zone, "%s", "青山湖科技城");
    snprintf(in.accepted.period, sizeof in.accepted.period, "%s", "2017-05");
    in.accepted.revision = 4;
    in.accepted.stored_at_ms = 1496000000123;
    in.accepted.n_values = 37;
    roundtrip(&in, &out);
    cr_assert_eq(out.kind, MSG_REPORT_ACCEPTED);
    cr_assert_eq(out.sequence, 9000000000ull);
    cr_assert_eq(memcmp(out.id, in.id, MSG_ID_LEN), 0);
    cr_assert_str_eq(out.accepted.county, "临安县");
    cr_assert_str_eq(out.accepted.zone, "青山湖科技城");
    cr_assert_str_eq(out.accepted.period, "2017-05");
    cr_assert_eq(out.accepted.revision, 4);
    cr_assert_eq(out.accepted.stored_at_ms, 1496000000123);
    cr_assert_eq(out.accepted.n_values, 37);
    msg_clear(&out);
}

Test(codec, heartbeat_roundtrip_with_sequence) {
    msg_t in, out;
    memset(&in, 0, sizeof in);
    in.kind = MSG_HEARTBEAT;
    codec_new_id(in.id);
    in.sequence = 17;
    in.hb_now_ms = 1500000000999;
    roundtrip(&in, &out);
    cr_assert_eq(out.kind, MSG_HEARTBEAT);
    cr_assert_eq(out.sequence, 17);
    cr_assert_eq(out.hb_now_ms, 1500000000999);
    msg_clear(&out);
}

Test(codec, encode_refuses_oversize_and_unknown_kind) {
    msg_t m;
    uint8_t *buf = (uint8_t *)"x";
    size_t len = 5;
    memset(&m, 0, sizeof m);
    m.kind = MSG_REPORT;
    fill_report(&m.report);
    char *big = malloc(CODEC_MAX_MSG_BYTES + 1);
    cr_assert_not_null(big);
    memset(big, 'a', CODEC_MAX_MSG_BYTES);
    big[CODEC_MAX_MSG_BYTES] = '\0';
    cr_assert_eq(report_set_text(&m.report.problems, big), 0);
    free(big);
    cr_assert_eq(codec_encode(&m, &buf, &len), -1);
    cr_assert_null(buf);
    msg_clear(&m);
    m.kind = MSG_NONE;
    cr_assert_eq(codec_encode(&m, &buf, &len), -1);
}

/* ---- content bytes -------------------------------------------------------------- */

static void content_of(const report_t *r, uint8_t **buf, size_t *len) {
    cr_assert_eq(codec_report_content(r, buf, len), 0);
    cr_assert_gt(*len, 0);
}

Test(codec, content_ignores_order_revision_lines_source) {
    report_t a, b;
    uint8_t *ca, *cb;
    size_t la, lb;
    fill_report(&a);
    cr_assert_eq(report_copy(&b, &a), 0);
    /* reverse the rows, and change everything that is not content */
    for (size_t i = 0, j = b.n_values - 1; i < j; i++, j--) {
        report_value_t t = b.values[i];
        b.values[i] = b.values[j];
        b.values[j] = t;
    }
    report_project_t t = b.projects[0];
    b.projects[0] = b.projects[1];
    b.projects[1] = t;
    for (size_t i = 0; i < b.n_values; i++)
        b.values[i].line += 100;
    b.projects[0].line = 0;
    b.revision = 7;
    snprintf(b.source, sizeof b.source, "%s", "resent.csv");
    cr_assert_str_neq(b.values[0].indicator, a.values[0].indicator);

    content_of(&a, &ca, &la);
    content_of(&b, &cb, &lb);
    cr_assert_eq(la, lb);
    cr_assert_eq(memcmp(ca, cb, la), 0);
    free(cb);

    b.values[4].amount += 0.01; /* one changed amount */
    content_of(&b, &cb, &lb);
    cr_assert(la != lb || memcmp(ca, cb, la) != 0);
    free(cb);
    b.values[4].amount -= 0.01;

    report_value_t *v = &b.values[0]; /* growth given or not is content too */
    v->has_growth = !v->has_growth;
    content_of(&b, &cb, &lb);
    cr_assert(la != lb || memcmp(ca, cb, la) != 0);
    free(cb);

    free(ca);
    report_clear(&a);
    report_clear(&b);
}

Test(codec, content_differs_on_zone_period_project_and_text) {
    report_t a, b;
    uint8_t *ca, *cb;
    size_t la, lb;
    fill_report(&a);
    content_of(&a, &ca, &la);

    cr_assert_eq(report_copy(&b, &a), 0);
    snprintf(b.period, sizeof b.period, "%s", "2017-07");
    content_of(&b, &cb, &lb);
    cr_assert(la != lb || memcmp(ca, cb, la) != 0);
    free(cb);
    report_clear(&b);

    cr_assert_eq(report_copy(&b, &a), 0);
    b.projects[1].ytd_investment = 1;
    b.projects[1].has_ytd = true;
    content_of(&b, &cb, &lb);
    cr_assert(la != lb || memcmp(ca, cb, la) != 0);
    free(cb);
    report_clear(&b);

    cr_assert_eq(report_copy(&b, &a), 0);
    report_set_text(&b.next_steps, "另行安排。");
    content_of(&b, &cb, &lb);
    cr_assert(la != lb || memcmp(ca, cb, la) != 0);
    free(cb);
    report_clear(&b);

    free(ca);
    report_clear(&a);
}

/* ---- hostile input -------------------------------------------------------------- */

Test(codec, refuses_empty_buffer) {
    expect_refused("", 0, "empty");
}

Test(codec, refuses_garbage) {
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03};
    expect_refused(junk, sizeof junk, "protobuf");
    expect_refused("\x0a\x05hi", 4, "protobuf"); /* length runs past the end */
}

Test(codec, refuses_truncated_message) {
    msg_t m;
    uint8_t *buf;
    size_t len;
    memset(&m, 0, sizeof m);
    m.kind = MSG_REPORT;
    fill_report(&m.report);
    cr_assert_eq(codec_encode(&m, &buf, &len), 0);
    expect_refused(buf, len / 2, "protobuf");
    expect_refused(buf, len - 1, "protobuf");
    free(buf);
    msg_clear(&m);
}

/* A valid heartbeat padded with an unknown field (number 100) to total bytes. */
static uint8_t *padded_heartbeat(size_t total) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    size_t n, pad, vlen;
    base_env(&e, &hb);
    uint8_t *head = raw_pack(&e, &n);
    uint8_t *buf = malloc(total);
    cr_assert_not_null(buf);
    memcpy(buf, head, n);
    free(head);
    /* tag 100/LEN is 2 bytes; find the payload size whose varint length makes total */
    for (vlen = 1; vlen <= 4; vlen++) {
        pad = total - n - 2 - vlen;
        size_t need = pad < 128 ? 1 : pad < 16384 ? 2 : pad < 2097152 ? 3 : 4;
        if (need == vlen) break;
    }
    cr_assert_leq(vlen, 4);
    uint8_t *p = buf + n;
    *p++ = 0xa2;
    *p++ = 0x06;
    for (size_t v = pad;; v >>= 7) {
        *p++ = (uint8_t)((v & 0x7f) | (v >= 128 ? 0x80 : 0));
        if (v < 128) break;
    }
    memset(p, 'z', pad);
    cr_assert_eq((size_t)(p + pad - buf), total);
    return buf;
}

Test(codec, size_limit_is_exact) {
    msg_t m;
    char err[256] = "";
    uint8_t *buf = padded_heartbeat(CODEC_MAX_MSG_BYTES);
    cr_assert_eq(codec_decode(buf, CODEC_MAX_MSG_BYTES, &m, err, sizeof err), 0, "%s", err);
    cr_assert_eq(m.kind, MSG_HEARTBEAT);
    cr_assert_eq(m.hb_now_ms, 42);
    msg_clear(&m);
    free(buf);

    /* one byte more, otherwise just as valid: refused before parsing */
    buf = padded_heartbeat(CODEC_MAX_MSG_BYTES + 1);
    expect_refused(buf, CODEC_MAX_MSG_BYTES + 1, "larger than the limit");
    free(buf);
}

Test(codec, bounded_allocator_refuses_blowup) {
    /* 1 MiB of empty Value submessages: each 2 wire bytes, ~100 bytes unpacked */
    size_t nvals = (CODEC_MAX_MSG_BYTES - 64) / 2, body = 2 * nvals;
    uint8_t *buf = malloc(CODEC_MAX_MSG_BYTES);
    cr_assert_not_null(buf);
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    size_t n;
    base_env(&e, &hb);
    e.body_case = YUEBAO__ENVELOPE__BODY__NOT_SET;
    uint8_t *head = raw_pack(&e, &n);
    memcpy(buf, head, n);
    free(head);
    uint8_t *p = buf + n;
    *p++ = 0x52; /* field 10 (report), LEN */
    for (size_t v = body;; v >>= 7) {
        *p++ = (uint8_t)((v & 0x7f) | (v >= 128 ? 0x80 : 0));
        if (v < 128) break;
    }
    for (size_t i = 0; i < nvals; i++) {
        *p++ = 0x22; /* field 4 (values), LEN */
        *p++ = 0x00;
    }
    size_t len = (size_t)(p - buf);
    cr_assert_leq(len, CODEC_MAX_MSG_BYTES);
    expect_refused(buf, len, "memory");
    free(buf);
}

Test(codec, refuses_wrong_or_missing_schema_version) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    base_env(&e, &hb);
    e.schema_version = 2;
    expect_refused_env(&e, "unsupported schema version 2");
    e.has_schema_version = 0;
    expect_refused_env(&e, "schema version");
}

Test(codec, refuses_missing_or_short_id) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    base_env(&e, &hb);
    e.has_message_id = 0;
    expect_refused_env(&e, "no message id");
    e.has_message_id = 1;
    e.message_id.len = 15;
    expect_refused_env(&e, "15 bytes");
    e.message_id.len = MSG_ID_LEN;
    e.has_in_reply_to = 1;
    e.in_reply_to.len = 3;
    e.in_reply_to.data = raw_id;
    expect_refused_env(&e, "in_reply_to");
}

Test(codec, refuses_missing_body) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    base_env(&e, &hb);
    e.body_case = YUEBAO__ENVELOPE__BODY__NOT_SET;
    expect_refused_env(&e, "no body");
}

/* An envelope holding report r (zone "A", period "2017-06", no rows). */
static void report_env(Yuebao__Envelope *e, Yuebao__Heartbeat *hb, Yuebao__Report *r) {
    base_env(e, hb);
    yuebao__report__init(r);
    r->zone = "A";
    r->period = "2017-06";
    e->body_case = YUEBAO__ENVELOPE__BODY_REPORT;
    e->report = r;
}

Test(codec, handmade_report_is_accepted) {
    /* the base the refusal tests below change one thing in */
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    Yuebao__Report r;
    Yuebao__Value v = YUEBAO__VALUE__INIT, *vp = &v;
    msg_t m;
    char err[256] = "";
    size_t len;
    report_env(&e, &hb, &r);
    v.indicator = "gdp";
    v.has_amount = 1;
    v.amount = 1.5;
    r.n_values = 1;
    r.values = &vp;
    uint8_t *buf = raw_pack(&e, &len);
    cr_assert_eq(codec_decode(buf, len, &m, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(m.report.zone, "A");
    cr_assert_eq(m.report.n_values, 1);
    cr_assert_eq(m.report.values[0].amount, 1.5);
    cr_assert_null(m.report.problems);
    msg_clear(&m);
    free(buf);
}

Test(codec, refuses_invalid_utf8_zone) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    Yuebao__Report r;
    report_env(&e, &hb, &r);
    r.zone = "\xe9\xab\x98\xff"; /* 高 then a stray byte */
    expect_refused_env(&e, "UTF-8");
    r.zone = "\xc0\xaf"; /* overlong '/' */
    expect_refused_env(&e, "zone");
}

Test(codec, refuses_too_long_strings) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    Yuebao__Report r;
    char zone[ZONE_CODE_SIZE + 1];
    report_env(&e, &hb, &r);
    memset(zone, 'z', ZONE_CODE_SIZE);
    zone[ZONE_CODE_SIZE] = '\0';
    r.zone = zone;
    expect_refused_env(&e, "zone: 64 bytes, longer than 63");
    zone[ZONE_CODE_MAX] = '\0'; /* the longest zone code regions.csv takes fits */
    size_t len;
    msg_t m;
    char err[256] = "";
    uint8_t *buf = raw_pack(&e, &len);
    cr_assert_eq(codec_decode(buf, len, &m, err, sizeof err), 0, "%s", err);
    cr_assert_eq(strlen(m.report.zone), 63);
    msg_clear(&m);
    free(buf);

    r.zone = "A";
    r.period = "2017-06x"; /* 8 bytes: copied as given only if it fits */
    expect_refused_env(&e, "period");
}

Test(codec, refuses_too_many_values) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    Yuebao__Report r;
    static Yuebao__Value vals[REPORT_MAX_VALUES + 1];
    static Yuebao__Value *ptrs[REPORT_MAX_VALUES + 1];
    report_env(&e, &hb, &r);
    for (size_t i = 0; i <= REPORT_MAX_VALUES; i++) {
        yuebao__value__init(&vals[i]);
        vals[i].indicator = "gdp";
        vals[i].has_amount = 1;
        ptrs[i] = &vals[i];
    }
    r.values = ptrs;
    r.n_values = REPORT_MAX_VALUES + 1;
    expect_refused_env(&e, "257 values");
}

Test(codec, refuses_value_without_amount) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    Yuebao__Report r;
    Yuebao__Value v[2] = {YUEBAO__VALUE__INIT, YUEBAO__VALUE__INIT}, *vp[2] = {&v[0], &v[1]};
    report_env(&e, &hb, &r);
    v[0].indicator = "gdp";
    v[0].has_amount = 1;
    v[1].indicator = "retail";
    v[1].has_line = 1;
    v[1].line = 12;
    r.values = vp;
    r.n_values = 2;
    expect_refused_env(&e, "value 2 (line 12): no amount");
}

Test(codec, refuses_ack_with_too_many_issues) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    Yuebao__Ack a = YUEBAO__ACK__INIT;
    static Yuebao__Issue iss[1001];
    static Yuebao__Issue *ptrs[1001];
    base_env(&e, &hb);
    for (size_t i = 0; i < 1001; i++) {
        yuebao__issue__init(&iss[i]); /* empty: 2 wire bytes, the worst ratio */
        ptrs[i] = &iss[i];
    }
    a.errors = ptrs;
    a.n_errors = 600;
    a.warnings = ptrs + 600;
    a.n_warnings = 400; /* exactly 1000: all kept */
    e.body_case = YUEBAO__ENVELOPE__BODY_ACK;
    e.ack = &a;
    size_t len;
    msg_t m;
    char err[256] = "";
    uint8_t *buf = raw_pack(&e, &len);
    cr_assert_eq(codec_decode(buf, len, &m, err, sizeof err), 0, "%s", err);
    cr_assert_eq(m.ack.issues.n, 1000);
    cr_assert_eq(m.ack.status, ACK_UNKNOWN);
    msg_clear(&m);
    free(buf);

    a.n_warnings = 401;
    expect_refused_env(&e, "more than 1000");
}

Test(codec, count_bounded_report_fits_parse_budget) {
    /* the smallest rows possible, as many as allowed: not mistaken for a blow-up */
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    Yuebao__Report r;
    static Yuebao__Value vals[REPORT_MAX_VALUES];
    static Yuebao__Value *vptrs[REPORT_MAX_VALUES];
    static Yuebao__Project projs[REPORT_MAX_PROJECTS];
    static Yuebao__Project *pptrs[REPORT_MAX_PROJECTS];
    report_env(&e, &hb, &r);
    for (size_t i = 0; i < REPORT_MAX_VALUES; i++) {
        yuebao__value__init(&vals[i]);
        vals[i].has_amount = 1;
        vptrs[i] = &vals[i];
    }
    for (size_t i = 0; i < REPORT_MAX_PROJECTS; i++) {
        yuebao__project__init(&projs[i]);
        pptrs[i] = &projs[i];
    }
    r.values = vptrs;
    r.n_values = REPORT_MAX_VALUES;
    r.projects = pptrs;
    r.n_projects = REPORT_MAX_PROJECTS;
    size_t len;
    msg_t m;
    char err[256] = "";
    uint8_t *buf = raw_pack(&e, &len);
    cr_assert_eq(codec_decode(buf, len, &m, err, sizeof err), 0, "%s", err);
    cr_assert_eq(m.report.n_values, REPORT_MAX_VALUES);
    cr_assert_eq(m.report.n_projects, REPORT_MAX_PROJECTS);
    cr_assert_str_eq(m.report.values[0].indicator, "");
    msg_clear(&m);
    free(buf);
}

/* ---- ids and names -------------------------------------------------------------- */

Test(codec, ids_and_names) {
    uint8_t a[MSG_ID_LEN], b[MSG_ID_LEN];
    char hex[2 * MSG_ID_LEN + 1];
    codec_new_id(a);
    codec_new_id(b);
    cr_assert_neq(memcmp(a, b, MSG_ID_LEN), 0);
    codec_id_hex(raw_id, hex);
    cr_assert_str_eq(hex, "0102030405060708090a0b0c0d0e0f10");
    cr_assert_str_eq(ack_status_name(ACK_ACCEPTED), "ACCEPTED");
    cr_assert_str_eq(ack_status_name(ACK_DUPLICATE), "DUPLICATE");
    cr_assert_str_eq(ack_status_name(ACK_STALE), "STALE");
    cr_assert_str_eq(ack_status_name(ACK_REJECTED), "REJECTED");
    cr_assert_str_eq(ack_status_name(ACK_UNKNOWN), "UNKNOWN");
    cr_assert_str_eq(ack_status_name((ack_status_t)99), "UNKNOWN");
}

/* ---- rankings, alerts and snapshots ------------------------------------------- */

static void fill_ranking(ranking_t *r, size_t n_rows) {
    memset(r, 0, sizeof *r);
    snprintf(r->period, sizeof r->period, "2017-06");
    snprintf(r->method, sizeof r->method, "efficacy");
    r->computed_at_ms = 1499184000000;
    r->n_dims = 2;
    snprintf(r->dims[0], sizeof r->dims[0], "经济总量");
    snprintf(r->dims[1], sizeof r->dims[1], "节约集约");
    for (size_t i = 0; i < n_rows; i++) {
        ranking_row_t row = {0};
        snprintf(row.zone, sizeof row.zone, "z%zu", i);
        snprintf(row.county, sizeof row.county, "4106%02zu", i % 100);
        row.rank = (int)i + 1;
        row.prev_rank = i % 2 ? (int)i : 0; /* 0: no previous period */
        row.total = 100.0 - 0.1 * (double)i;
        row.dims[0] = 0.1 + 0.2; /* exact doubles survive */
        row.dims[1] = row.total - row.dims[0];
        row.star = i == 0 ? RANKING_STAR_NONE : i == 1 ? RANKING_STAR_BELOW : 3;
        row.star_year = row.star == RANKING_STAR_NONE ? 0 : 2016;
        row.promoted = i == 2;
        if (i == 1) snprintf(row.missing, sizeof row.missing, "tax.growth;rd_share");
        cr_assert_not_null(ranking_add_row(r, &row));
    }
}

Test(codec, ranking_roundtrip_keeps_rows_stars_and_absent_previous_ranks) {
    msg_t in = {0}, out;
    in.kind = MSG_RANKING;
    in.sequence = 77;
    fill_ranking(&in.ranking, 3);
    in.ranking_first = 5;
    in.ranking_total = 8;
    roundtrip(&in, &out);
    cr_assert_eq(out.kind, MSG_RANKING);
    cr_assert_eq(out.sequence, 77);
    cr_assert_eq(out.ranking_first, 5);
    cr_assert_eq(out.ranking_total, 8);
    cr_assert_str_eq(out.ranking.period, "2017-06");
    cr_assert_str_eq(out.ranking.dims[0], "经济总量");
    cr_assert_eq(out.ranking.n_rows, 3);
    for (size_t i = 0; i < 3; i++) {
        const ranking_row_t *a = &in.ranking.rows[i], *b = &out.ranking.rows[i];
        cr_assert_str_eq(b->zone, a->zone);
        cr_assert_eq(b->rank, a->rank);
        cr_assert_eq(b->prev_rank, a->prev_rank);
        cr_assert_eq(b->total, a->total);
        cr_assert_eq(b->dims[0], a->dims[0]);
        cr_assert_eq(b->dims[1], a->dims[1]);
        cr_assert_eq(b->star, a->star, "row %zu", i);
        cr_assert_eq(b->star_year, a->star_year);
        cr_assert_eq(b->promoted, a->promoted);
        cr_assert_str_eq(b->missing, a->missing);
    }
    ranking_clear(&in.ranking);
    msg_clear(&out);
}

/* A Ranking built by hand: one row of `n_dims` subtotals under `dims` names. */
static void ranking_env(Yuebao__Envelope *e, Yuebao__Ranking *rk, Yuebao__RankingRow *row,
                        Yuebao__RankingRow **rows, double *dims, size_t n_dims, char **names) {
    yuebao__ranking__init(rk);
    yuebao__ranking_row__init(row);
    rk->period = "2017-06";
    rk->n_dims = 2;
    rk->dims = names;
    row->zone = "jinshan";
    row->has_rank = 1;
    row->rank = 1;
    row->has_total = 1;
    row->total = 90.1;
    row->n_dims = n_dims;
    row->dims = dims;
    rows[0] = row;
    rk->n_rows = 1;
    rk->rows = rows;
    e->body_case = YUEBAO__ENVELOPE__BODY_RANKING;
    e->ranking = rk;
}

Test(codec, refuses_rankings_that_do_not_add_up) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    Yuebao__Ranking rk;
    Yuebao__RankingRow row, *rows[1];
    double dims[3] = {30, 20, 10};
    char *names[2] = {"经济总量", "节约集约"};

    base_env(&e, &hb);
    ranking_env(&e, &rk, &row, rows, dims, 3, names);
    expect_refused_env(&e, "3 subtotals for 2 dimensions");

    base_env(&e, &hb);
    ranking_env(&e, &rk, &row, rows, dims, 2, names);
    rk.has_first_row = 1;
    rk.first_row = 4;
    rk.has_total_rows = 1;
    rk.total_rows = 4; /* rows 4.. of 4: no room for this one */
    expect_refused_env(&e, "do not fit");

    base_env(&e, &hb);
    ranking_env(&e, &rk, &row, rows, dims, 2, names);
    row.has_rank = 0;
    expect_refused_env(&e, "rank, total or star");

    base_env(&e, &hb);
    ranking_env(&e, &rk, &row, rows, dims, 2, names);
    row.has_star = 1;
    row.star = -7;
    expect_refused_env(&e, "rank, total or star");
}

Test(codec, alert_roundtrip_keeps_absent_figures_absent) {
    msg_t in = {0}, out;
    in.kind = MSG_ALERT;
    in.sequence = 9;
    in.alert.kind = ALERT_OVERDUE;
    in.alert.severity = SEV_NONE;
    in.alert.previous = SEV_CRITICAL;
    in.alert.transition = TR_RESOLVED;
    snprintf(in.alert.zone, sizeof in.alert.zone, "shancheng");
    snprintf(in.alert.county, sizeof in.alert.county, "410603");
    snprintf(in.alert.period, sizeof in.alert.period, "2017-05");
    in.alert.year = 2017;
    in.alert.value = in.alert.target = in.alert.expected = NAN;
    in.alert.gap = -5.5;
    in.alert.deadline_ms = 1497110400000;
    in.alert.at_ms = 1499184000000;
    snprintf(in.alert.message, sizeof in.alert.message,
             "山城专业园区 (山城区): the 2017-05 report is on file");
    roundtrip(&in, &out);
    cr_assert_eq(out.kind, MSG_ALERT);
    cr_assert_eq(out.alert.kind, ALERT_OVERDUE);
    cr_assert_eq(out.alert.transition, TR_RESOLVED);
    cr_assert_eq(out.alert.previous, SEV_CRITICAL);
    cr_assert_eq(out.alert.severity, SEV_NONE);
    cr_assert(isnan(out.alert.value) && isnan(out.alert.target) && isnan(out.alert.expected));
    cr_assert_eq(out.alert.gap, -5.5);
    cr_assert_str_eq(out.alert.indicator, "");
    cr_assert_eq(out.alert.deadline_ms, 1497110400000);
    cr_assert_str_eq(out.alert.message, in.alert.message);
    msg_clear(&out);
}

Test(codec, refuses_alerts_of_unknown_kind_or_transition) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    Yuebao__Alert al;
    base_env(&e, &hb);
    yuebao__alert__init(&al);
    al.kind = "flood";
    al.has_severity = 1;
    al.severity = YUEBAO__SEVERITY__WARNING;
    al.has_transition = 1;
    al.transition = YUEBAO__TRANSITION__FIRING;
    e.body_case = YUEBAO__ENVELOPE__BODY_ALERT;
    e.alert = &al;
    expect_refused_env(&e, "unknown kind");
    al.kind = "pace";
    al.transition = (Yuebao__Transition)99;
    expect_refused_env(&e, "severity or transition");
}

Test(codec, snapshot_request_and_end_roundtrip) {
    msg_t in = {0}, out;
    in.kind = MSG_SNAPSHOT_REQUEST;
    snprintf(in.snap_req.prefix, sizeof in.snap_req.prefix, "alert.410603.");
    in.snap_req.no_ranking = true;
    roundtrip(&in, &out);
    cr_assert_eq(out.kind, MSG_SNAPSHOT_REQUEST);
    cr_assert_str_eq(out.snap_req.prefix, "alert.410603.");
    cr_assert_str_eq(out.snap_req.period, "");
    cr_assert(out.snap_req.no_ranking);
    msg_clear(&out);

    memset(&in, 0, sizeof in);
    in.kind = MSG_SNAPSHOT_END;
    in.snap_end_sequence = 1763769600000000ULL; /* sequences start from real time in µs */
    in.snap_end_alerts = 32;
    roundtrip(&in, &out);
    cr_assert_eq(out.kind, MSG_SNAPSHOT_END);
    cr_assert_eq(out.snap_end_sequence, 1763769600000000ULL);
    cr_assert_eq(out.snap_end_alerts, 32);
    msg_clear(&out);
}

/* ---- live totals and rejections (the aggregator's PUB and snapshot) ---------------- */

Test(codec, totals_roundtrip_keeps_counts_sums_growth_and_absent_growth) {
    indicator_total_t rows[2] = {
        {"revenue", 8, 9396053.0, true, 10.3, 8, 236785.1, 2759085.3},
        {"rd_share", 8, 16.96, false, 0, 0, 1.14, 3.01},
    };
    msg_t in, out;
    memset(&in, 0, sizeof in);
    in.kind = MSG_TOTALS;
    in.sequence = 1795318173008387ULL;
    snprintf(in.totals.period, sizeof in.totals.period, "2017-06");
    snprintf(in.totals.scope, sizeof in.totals.scope, "410621");
    in.totals.expected = 2;
    in.totals.reported = 2;
    in.totals.on_time = 1;
    in.totals.updated_at_ms = 1499184000000LL;
    in.totals.rows = rows;
    in.totals.n_rows = 2;
    codec_new_id(in.id);
    roundtrip(&in, &out);
    cr_assert_eq(out.kind, MSG_TOTALS);
    cr_assert_eq(out.sequence, 1795318173008387ULL);
    cr_assert_str_eq(out.totals.period, "2017-06");
    cr_assert_str_eq(out.totals.scope, "410621");
    cr_assert_eq(out.totals.expected, 2);
    cr_assert_eq(out.totals.reported, 2);
    cr_assert_eq(out.totals.on_time, 1);
    cr_assert_eq(out.totals.updated_at_ms, 1499184000000LL);
    cr_assert_eq(out.totals.n_rows, 2);
    cr_assert_str_eq(out.totals.rows[0].indicator, "revenue");
    cr_assert_float_eq(out.totals.rows[0].sum, 9396053.0, 1e-9);
    cr_assert(out.totals.rows[0].has_growth);
    cr_assert_float_eq(out.totals.rows[0].growth_pct, 10.3, 1e-12);
    cr_assert_float_eq(out.totals.rows[0].min, 236785.1, 1e-9);
    cr_assert_not(out.totals.rows[1].has_growth, "a ratio's absent growth stays absent");
    cr_assert_float_eq(out.totals.rows[1].max, 3.01, 1e-12);
    msg_clear(&out);
    cr_assert_null(out.totals.rows, "msg_clear frees the rows");
}

/* A Totals body on a hand-built envelope: counts as given, one row. */
static void totals_env(Yuebao__Envelope *e, Yuebao__Totals *t, Yuebao__IndicatorTotal *row,
                       Yuebao__IndicatorTotal **rows) {
    yuebao__totals__init(t);
    yuebao__indicator_total__init(row);
    t->period = "2017-06";
    t->scope = "";
    t->has_expected = t->has_reported = t->has_on_time = 1;
    t->expected = 8;
    t->reported = 7;
    t->on_time = 6;
    row->indicator = "revenue";
    row->has_sum = 1;
    row->sum = 1;
    rows[0] = row;
    t->n_indicators = 1;
    t->indicators = rows;
    e->body_case = YUEBAO__ENVELOPE__BODY_TOTALS;
    e->totals = t;
}

Test(codec, refuses_totals_that_do_not_add_up_or_are_not_numbers) {
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb;
    Yuebao__Totals t;
    Yuebao__IndicatorTotal row, *rows[1];

    base_env(&e, &hb);
    totals_env(&e, &t, &row, rows);
    t.reported = 9; /* more reported than expected */
    expect_refused_env(&e, "does not add up");

    base_env(&e, &hb);
    totals_env(&e, &t, &row, rows);
    t.on_time = 8; /* more on time than reported */
    expect_refused_env(&e, "does not add up");

    base_env(&e, &hb);
    totals_env(&e, &t, &row, rows);
    row.sum = NAN;
    expect_refused_env(&e, "not a finite number");

    base_env(&e, &hb);
    totals_env(&e, &t, &row, rows);
    row.has_growth_pct = 1;
    row.growth_pct = INFINITY;
    expect_refused_env(&e, "not a finite number");

    base_env(&e, &hb);
    totals_env(&e, &t, &row, rows);
    t.scope = "\xff\xfe";
    expect_refused_env(&e, "not valid UTF-8");
}

Test(codec, report_rejected_roundtrip) {
    msg_t in, out;
    memset(&in, 0, sizeof in);
    in.kind = MSG_REPORT_REJECTED;
    codec_new_id(in.id);
    snprintf(in.rejected.county, sizeof in.rejected.county, "410622");
    snprintf(in.rejected.zone, sizeof in.rejected.zone, "heqi");
    snprintf(in.rejected.period, sizeof in.rejected.period, "2017-05");
    in.rejected.revision = 3;
    in.rejected.received_at_ms = 1496592000000LL;
    snprintf(in.rejected.reason, sizeof in.rejected.reason,
             "410622.csv:2: amount: revenue: amount -1 is negative");
    in.rejected.n_errors = 2;
    roundtrip(&in, &out);
    cr_assert_eq(out.kind, MSG_REPORT_REJECTED);
    cr_assert_str_eq(out.rejected.county, "410622");
    cr_assert_str_eq(out.rejected.zone, "heqi");
    cr_assert_str_eq(out.rejected.period, "2017-05");
    cr_assert_eq(out.rejected.revision, 3);
    cr_assert_eq(out.rejected.received_at_ms, 1496592000000LL);
    cr_assert_str_eq(out.rejected.reason, "410622.csv:2: amount: revenue: amount -1 is negative");
    cr_assert_eq(out.rejected.n_errors, 2);
    msg_clear(&out);
}

/* ---- what protobuf-c hides: a NUL inside a string, a uint32 past 32 bits ---------- */

/* An envelope around a Report of zone "baoshan", period 2017-06, revision 7, with raw
 * Report field bytes appended (the last occurrence of a field wins). */
static uint8_t *report_with(const uint8_t *extra, size_t extra_len, size_t *len) {
    Yuebao__Report rep = YUEBAO__REPORT__INIT;
    uint8_t *r, *buf;
    size_t rlen, h = 0;
    rep.zone = "baoshan";
    rep.period = "2017-06";
    rep.has_revision = 1;
    rep.revision = 7;
    rlen = yuebao__report__get_packed_size(&rep);
    r = malloc(rlen + extra_len);
    cr_assert_not_null(r);
    yuebao__report__pack(&rep, r);
    memcpy(r + rlen, extra, extra_len);
    rlen += extra_len;
    buf = malloc(rlen + 32);
    cr_assert_not_null(buf);
    buf[h++] = 0x08; /* schema_version 1 */
    buf[h++] = 1;
    buf[h++] = 0x12; /* message_id, 16 bytes */
    buf[h++] = MSG_ID_LEN;
    memcpy(buf + h, raw_id, MSG_ID_LEN);
    h += MSG_ID_LEN;
    buf[h++] = 0x52; /* report */
    cr_assert_lt(rlen, 128);
    buf[h++] = (uint8_t)rlen;
    memcpy(buf + h, r, rlen);
    free(r);
    *len = h + rlen;
    return buf;
}

/* The refusal: CODEC_REFUSED, the reason, and what an answer needs (the id, the key as
 * far as it is safe) but nothing else. */
static void expect_report_refused(const uint8_t *extra, size_t extra_len, const char *reason,
                                  const char *zone, uint32_t revision) {
    size_t len;
    uint8_t *buf = report_with(extra, extra_len, &len);
    msg_t m;
    char err[256];
    cr_assert_eq(codec_decode(buf, len, &m, err, sizeof err), CODEC_REFUSED, "not refused: %s", reason);
    cr_assert_str_eq(err, reason);
    cr_assert_eq(m.kind, MSG_REPORT);
    cr_assert_eq(memcmp(m.id, raw_id, MSG_ID_LEN), 0, "the id to reply to");
    cr_assert_str_eq(m.report.zone, zone);
    cr_assert_eq(m.report.revision, revision);
    cr_assert_eq(m.report.n_values, 0);
    cr_assert_null(m.report.problems);
    msg_clear(&m);
    free(buf);
}

Test(codec, nul_inside_a_string_is_refused_not_cut) {
    expect_report_refused((const uint8_t *)"\x0a\x0c"
                                           "baoshan\0evil",
                          14, "report.zone: a NUL byte inside the text (byte 8 of 12); text must not contain NUL bytes",
                          "baoshan\\x00evil", 7); /* the zone as sent, escaped: not the real zone baoshan */
    /* a period of 8 bytes with a NUL: cut, it would fit the 7 of "YYYY-MM" */
    expect_report_refused((const uint8_t *)"\x12\x08"
                                           "2017-06\0",
                          10, "report.period: a NUL byte inside the text (byte 8 of 8); text must not contain NUL bytes",
                          "baoshan", 7);
    /* inside a row: value 2's indicator */
    expect_report_refused((const uint8_t *)"\x22\x09\x0a\x07revenue"
                                           "\x22\x05\x0a\x03r\0x",
                          18, "report.values[2].indicator: a NUL byte inside the text (byte 2 of 3); text must not contain NUL bytes",
                          "baoshan", 7);
}

Test(codec, revision_beyond_32_bits_is_refused_not_wrapped) {
    /* 2^32 + 1: protobuf-c alone reads revision 1 */
    expect_report_refused((const uint8_t *)"\x18\x81\x80\x80\x80\x10", 6,
                          "report.revision: 4294967297 does not fit in 32 bits (at most 4294967295)", "baoshan", 0);
}

Test(codec, control_characters_in_a_refused_key_are_escaped) {
    /* a zone with an escape and too long: refused, its key escaped and cut */
    uint8_t extra[80] = {0x0a, 70};
    memset(extra + 2, 'z', 70);
    extra[2] = 0x1b;
    {
        size_t len;
        uint8_t *buf = report_with(extra, 72, &len);
        msg_t m;
        char err[256];
        cr_assert_eq(codec_decode(buf, len, &m, err, sizeof err), CODEC_REFUSED);
        cr_assert_eq(strncmp(m.report.zone, "\\x1bzzz", 7), 0, "%s", m.report.zone);
        cr_assert_not_null(strstr(m.report.zone, "..."));
        msg_clear(&m);
        free(buf);
    }
}

Test(codec, schema_version_beyond_32_bits_is_not_an_envelope) {
    /* 2^32 + 1 would read as schema version 1: dropped, nothing to answer */
    uint8_t buf[32] = {0x08, 0x81, 0x80, 0x80, 0x80, 0x10, 0x12, MSG_ID_LEN};
    msg_t m;
    char err[256];
    memcpy(buf + 8, raw_id, MSG_ID_LEN);
    buf[24] = 0x6a; /* heartbeat, empty */
    buf[25] = 0;
    cr_assert_eq(codec_decode(buf, 26, &m, err, sizeof err), -1);
    cr_assert_not_null(strstr(err, "schema_version"), "%s", err);
}
