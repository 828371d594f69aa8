/* test_hostile.c - hand-built hostile input against every limit of the decode path.
 *
 * Each test builds the bytes an attacker would send (or a county file no spreadsheet
 * would save) and asserts the exact reason the input is refused: the limit, the field
 * it names and the numbers. A valid baseline is decoded first in each table, so a
 * refusal is known to come from the one field that was broken.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "county_csv.h"
#include "diag.h"
#include "master.h"
#include "report.h"
#include "validate.h"
#include "raw_envelope.h"
#include "yuebao.pb-c.h"

/* Decodes the raw bytes and asserts the refusal reason is exactly `want`. */
static void refused_bytes(const uint8_t *buf, size_t len, const char *want) {
    msg_t m;
    char err[512] = "untouched";
    memset(&m, 0x5c, sizeof m);
    int rc = codec_decode(buf, len, &m, err, sizeof err);
    cr_assert(rc == -1 || rc == CODEC_REFUSED, "accepted; wanted \"%s\"", want);
    cr_assert_str_eq(err, want);
    /* a report that cannot be taken is kept only as far as its answer needs */
    cr_assert_eq(m.kind, rc == CODEC_REFUSED ? MSG_REPORT : MSG_NONE,
                 "the message is not cleared after a refusal");
    cr_assert_null(m.report.values);
    cr_assert_null(m.ranking.rows);
    cr_assert_null(m.ack.issues.items);
}

static void refused(const Yuebao__Envelope *e, const char *want) {
    size_t len;
    uint8_t *buf = raw_pack(e, &len);
    refused_bytes(buf, len, want);
    free(buf);
}

static void accepted(const Yuebao__Envelope *e, msg_kind_t kind) {
    size_t len;
    uint8_t *buf = raw_pack(e, &len);
    msg_t m;
    char err[512] = "";
    cr_assert_eq(codec_decode(buf, len, &m, err, sizeof err), 0, "baseline refused: %s", err);
    cr_assert_eq(m.kind, kind);
    msg_clear(&m);
    free(buf);
}

static void put_varint(uint8_t **p, uint64_t v) {
    for (;; v >>= 7) {
        *(*p)++ = (uint8_t)((v & 0x7f) | (v >= 128 ? 0x80 : 0));
        if (v < 128) break;
    }
}

/* ---- one valid message of each kind, every string field set -------------------- */

typedef struct {
    Yuebao__Envelope env;
    Yuebao__Report report;
    Yuebao__Value value, *values[1];
    Yuebao__Project project, *projects[1];
    Yuebao__Ack ack;
    Yuebao__Issue error, warning, *errors[1], *warnings[1];
    Yuebao__ReportAccepted accepted;
    Yuebao__Ranking ranking;
    Yuebao__RankingRow row, *rows[1];
    char *dims[2];
    double row_dims[2];
    Yuebao__Alert alert;
    Yuebao__SnapshotRequest snap;
} all_t;

static void all_report(all_t *a) {
    raw_envelope_init(&a->env);
    yuebao__report__init(&a->report);
    yuebao__value__init(&a->value);
    yuebao__project__init(&a->project);
    a->report.zone = "baoshan";
    a->report.period = "2017-06";
    a->report.has_revision = 1;
    a->report.revision = 1;
    a->report.source = "410602.csv";
    a->report.problems = "用工紧张";
    a->report.next_steps = "加快建设";
    a->value.indicator = "revenue";
    a->value.has_amount = 1;
    a->value.amount = 2032384.0;
    a->value.has_line = 1;
    a->value.line = 7;
    a->values[0] = &a->value;
    a->report.n_values = 1;
    a->report.values = a->values;
    a->project.code = "P2017001";
    a->project.name = "现代家居产业园";
    a->project.status = "building";
    a->projects[0] = &a->project;
    a->report.n_projects = 1;
    a->report.projects = a->projects;
    a->env.body_case = YUEBAO__ENVELOPE__BODY_REPORT;
    a->env.report = &a->report;
}

static void all_ack(all_t *a) {
    raw_envelope_init(&a->env);
    yuebao__ack__init(&a->ack);
    yuebao__issue__init(&a->error);
    yuebao__issue__init(&a->warning);
    a->ack.zone = "baoshan";
    a->ack.period = "2017-06";
    a->error.field = "amount";
    a->error.message = "negative";
    a->warning.field = "growth_pct";
    a->warning.message = "提示";
    a->errors[0] = &a->error;
    a->warnings[0] = &a->warning;
    a->ack.n_errors = 1;
    a->ack.errors = a->errors;
    a->ack.n_warnings = 1;
    a->ack.warnings = a->warnings;
    a->env.body_case = YUEBAO__ENVELOPE__BODY_ACK;
    a->env.ack = &a->ack;
}

static void all_accepted(all_t *a) {
    raw_envelope_init(&a->env);
    yuebao__report_accepted__init(&a->accepted);
    a->accepted.county = "410602";
    a->accepted.zone = "baoshan";
    a->accepted.period = "2017-06";
    a->env.body_case = YUEBAO__ENVELOPE__BODY_REPORT_ACCEPTED;
    a->env.report_accepted = &a->accepted;
}

static void all_ranking(all_t *a) {
    raw_envelope_init(&a->env);
    yuebao__ranking__init(&a->ranking);
    yuebao__ranking_row__init(&a->row);
    a->ranking.period = "2017-06";
    a->ranking.method = "efficacy";
    a->dims[0] = "经济实力";
    a->dims[1] = "创新";
    a->ranking.n_dims = 2;
    a->ranking.dims = a->dims;
    a->row.zone = "baoshan";
    a->row.county = "410602";
    a->row.missing = "tax.growth";
    a->row.has_rank = 1;
    a->row.rank = 1;
    a->row.has_total = 1;
    a->row.total = 88.5;
    a->row_dims[0] = 50;
    a->row_dims[1] = 38.5;
    a->row.n_dims = 2;
    a->row.dims = a->row_dims;
    a->rows[0] = &a->row;
    a->ranking.n_rows = 1;
    a->ranking.rows = a->rows;
    a->env.body_case = YUEBAO__ENVELOPE__BODY_RANKING;
    a->env.ranking = &a->ranking;
}

static void all_alert(all_t *a) {
    raw_envelope_init(&a->env);
    yuebao__alert__init(&a->alert);
    a->alert.kind = "pace";
    a->alert.has_severity = 1;
    a->alert.severity = YUEBAO__SEVERITY__WARNING;
    a->alert.has_transition = 1;
    a->alert.transition = YUEBAO__TRANSITION__FIRING;
    a->alert.zone = "baoshan";
    a->alert.county = "410602";
    a->alert.indicator = "revenue";
    a->alert.period = "2017-06";
    a->alert.message = "进度落后";
    a->alert.has_value = 1;
    a->alert.value = 40;
    a->alert.has_gap = 1;
    a->alert.gap = -10;
    a->alert.has_at_ms = 1;
    a->alert.at_ms = 1500048000000LL;
    a->env.body_case = YUEBAO__ENVELOPE__BODY_ALERT;
    a->env.alert = &a->alert;
}

static void all_snapshot(all_t *a) {
    raw_envelope_init(&a->env);
    yuebao__snapshot_request__init(&a->snap);
    a->snap.prefix = "alert.410602.";
    a->snap.period = "2017-06";
    a->env.body_case = YUEBAO__ENVELOPE__BODY_SNAPSHOT_REQUEST;
    a->env.snapshot_request = &a->snap;
}

/* One string field of one message, and the name the refusal must give it. */
typedef struct {
    void (*build)(all_t *);
    msg_kind_t kind;
    size_t offset; /* of the char * in all_t */
    const char *what;
} string_field_t;

#define F(build, kind, member, what)                                                                         \
    { build, kind, offsetof(all_t, member), what }

static const string_field_t string_fields[] = {
    F(all_report, MSG_REPORT, report.zone, "report zone"),
    F(all_report, MSG_REPORT, report.period, "report period"),
    F(all_report, MSG_REPORT, report.source, "report source"),
    F(all_report, MSG_REPORT, report.problems, "report problems"),
    F(all_report, MSG_REPORT, report.next_steps, "report next_steps"),
    F(all_report, MSG_REPORT, value.indicator, "value 1 (line 7) indicator"),
    F(all_report, MSG_REPORT, project.code, "project 1 code"),
    F(all_report, MSG_REPORT, project.name, "project 1 name"),
    F(all_report, MSG_REPORT, project.status, "project 1 status"),
    F(all_ack, MSG_ACK, ack.zone, "ack zone"),
    F(all_ack, MSG_ACK, ack.period, "ack period"),
    F(all_ack, MSG_ACK, error.field, "ack error 1 field"),
    F(all_ack, MSG_ACK, error.message, "ack error 1 message"),
    F(all_ack, MSG_ACK, warning.field, "ack warning 1 field"),
    F(all_ack, MSG_ACK, warning.message, "ack warning 1 message"),
    F(all_accepted, MSG_REPORT_ACCEPTED, accepted.county, "report_accepted county"),
    F(all_accepted, MSG_REPORT_ACCEPTED, accepted.zone, "report_accepted zone"),
    F(all_accepted, MSG_REPORT_ACCEPTED, accepted.period, "report_accepted period"),
    F(all_ranking, MSG_RANKING, ranking.period, "ranking period"),
    F(all_ranking, MSG_RANKING, ranking.method, "ranking method"),
    F(all_ranking, MSG_RANKING, dims[1], "ranking dimension"),
    F(all_ranking, MSG_RANKING, row.zone, "ranking row 1 zone"),
    F(all_ranking, MSG_RANKING, row.county, "ranking row 1 county"),
    F(all_ranking, MSG_RANKING, row.missing, "ranking row 1 missing"),
    F(all_alert, MSG_ALERT, alert.zone, "alert zone"),
    F(all_alert, MSG_ALERT, alert.county, "alert county"),
    F(all_alert, MSG_ALERT, alert.indicator, "alert indicator"),
    F(all_alert, MSG_ALERT, alert.period, "alert period"),
    F(all_alert, MSG_ALERT, alert.message, "alert message"),
    F(all_snapshot, MSG_SNAPSHOT_REQUEST, snap.prefix, "snapshot prefix"),
    F(all_snapshot, MSG_SNAPSHOT_REQUEST, snap.period, "snapshot period"),
};

#define N_STRING_FIELDS (sizeof string_fields / sizeof string_fields[0])

static char **slot_of(all_t *a, const string_field_t *f) {
    return (char **)((char *)a + f->offset);
}

Test(hostile, invalid_utf8_in_every_string_field_is_refused_by_name) {
    /* a stray continuation byte, an overlong '/', a surrogate, a truncated 高, > U+10FFFF */
    static const char *const bad[] = {"ok\x80", "\xc0\xaf", "\xed\xa0\x80", "\xe9\xab", "\xf4\x90\x80\x80"};
    char want[128];
    for (size_t i = 0; i < N_STRING_FIELDS; i++) {
        const string_field_t *f = &string_fields[i];
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            all_t a;
            memset(&a, 0, sizeof a);
            f->build(&a);
            accepted(&a.env, f->kind);
            *slot_of(&a, f) = (char *)bad[k];
            snprintf(want, sizeof want, "%s: not valid UTF-8", f->what);
            refused(&a.env, want);
        }
    }
}

Test(hostile, alert_kind_must_be_known) {
    all_t a;
    memset(&a, 0, sizeof a);
    all_alert(&a);
    a.alert.kind = "pace\xff";
    refused(&a.env, "alert: unknown kind");
}

Test(hostile, over_long_strings_are_refused_with_their_length) {
    static char big[REPORT_MAX_TEXT + 2];
    all_t a;
    memset(big, 'x', sizeof big - 1);

    memset(&a, 0, sizeof a);
    all_report(&a);
    big[64] = '\0'; /* zone is char[64]: 63 bytes and the NUL */
    a.report.zone = big;
    refused(&a.env, "report zone: 64 bytes, longer than 63");
    big[64] = 'x';

    memset(&a, 0, sizeof a);
    all_report(&a);
    big[1000] = '\0';
    a.value.indicator = big;
    refused(&a.env, "value 1 (line 7) indicator: 1000 bytes, longer than 47");
    a.value.indicator = "revenue";
    a.project.name = big;
    refused(&a.env, "project 1 name: 1000 bytes, longer than 255");
    big[1000] = 'x';

    memset(&a, 0, sizeof a);
    all_report(&a);
    a.report.problems = big; /* REPORT_MAX_TEXT + 1 bytes */
    refused(&a.env, "report problems: 16385 bytes, more than 16384");
    big[REPORT_MAX_TEXT] = '\0';
    accepted(&a.env, MSG_REPORT);

    memset(&a, 0, sizeof a);
    all_alert(&a);
    big[384] = '\0';
    a.alert.message = big;
    refused(&a.env, "alert message: 384 bytes, longer than 383");
}

Test(hostile, too_many_values_or_projects) {
    static Yuebao__Value vals[REPORT_MAX_VALUES + 1], *vp[REPORT_MAX_VALUES + 1];
    static Yuebao__Project projs[REPORT_MAX_PROJECTS + 1], *pp[REPORT_MAX_PROJECTS + 1];
    all_t a;
    for (size_t i = 0; i <= REPORT_MAX_VALUES; i++) {
        yuebao__value__init(&vals[i]);
        vals[i].indicator = "revenue";
        vals[i].has_amount = 1;
        vp[i] = &vals[i];
    }
    for (size_t i = 0; i <= REPORT_MAX_PROJECTS; i++) {
        yuebao__project__init(&projs[i]);
        projs[i].code = "P";
        pp[i] = &projs[i];
    }
    memset(&a, 0, sizeof a);
    all_report(&a);
    a.report.values = vp;
    a.report.n_values = REPORT_MAX_VALUES;
    accepted(&a.env, MSG_REPORT);
    a.report.n_values = REPORT_MAX_VALUES + 1;
    refused(&a.env, "report: 257 values, more than 256");

    a.report.n_values = 1;
    a.report.projects = pp;
    a.report.n_projects = REPORT_MAX_PROJECTS;
    accepted(&a.env, MSG_REPORT);
    a.report.n_projects = REPORT_MAX_PROJECTS + 1;
    refused(&a.env, "report: 257 projects, more than 256");
}

Test(hostile, too_many_issues_in_an_ack) {
    static Yuebao__Issue issue, *ptrs[CODEC_MAX_ISSUES + 1];
    all_t a;
    yuebao__issue__init(&issue);
    issue.message = "x";
    for (size_t i = 0; i <= CODEC_MAX_ISSUES; i++)
        ptrs[i] = &issue;
    memset(&a, 0, sizeof a);
    all_ack(&a);
    a.ack.errors = ptrs;
    a.ack.warnings = ptrs;
    a.ack.n_errors = 600;
    a.ack.n_warnings = 400;
    accepted(&a.env, MSG_ACK);
    a.ack.n_warnings = 401;
    refused(&a.env, "ack: 600 errors and 401 warnings, more than 1000");
    a.ack.n_errors = CODEC_MAX_ISSUES + 1;
    a.ack.n_warnings = 0;
    refused(&a.env, "ack: 1001 errors and 0 warnings, more than 1000");
}

Test(hostile, too_many_ranking_rows_or_dimensions) {
    static Yuebao__RankingRow rows[CODEC_RANKING_CHUNK + 1], *rp[CODEC_RANKING_CHUNK + 1];
    static char *dims[RANKING_MAX_DIMS + 1];
    all_t a;
    memset(&a, 0, sizeof a);
    all_ranking(&a);
    for (size_t i = 0; i <= CODEC_RANKING_CHUNK; i++) {
        rows[i] = a.row;
        rp[i] = &rows[i];
    }
    a.ranking.rows = rp;
    a.ranking.n_rows = CODEC_RANKING_CHUNK;
    accepted(&a.env, MSG_RANKING);
    a.ranking.n_rows = CODEC_RANKING_CHUNK + 1;
    refused(&a.env, "ranking: 1001 rows in one message, more than 1000");

    memset(&a, 0, sizeof a);
    all_ranking(&a);
    for (size_t i = 0; i <= RANKING_MAX_DIMS; i++)
        dims[i] = "d";
    a.ranking.dims = dims;
    a.ranking.n_dims = RANKING_MAX_DIMS + 1;
    a.ranking.n_rows = 0;
    refused(&a.env, "ranking: 17 dimensions, more than 16");
    a.ranking.n_dims = 2;
    a.ranking.n_rows = 1;
    a.row.n_dims = 1;
    refused(&a.env, "ranking row 1: 1 subtotals for 2 dimensions");
}

Test(hostile, non_finite_ranking_and_alert_figures) {
    all_t a;
    memset(&a, 0, sizeof a);
    all_ranking(&a);
    a.row_dims[1] = NAN;
    refused(&a.env, "ranking row 1: subtotal 2 is not a finite number");
    a.row_dims[1] = -INFINITY;
    refused(&a.env, "ranking row 1: subtotal 2 is not a finite number");
    a.row_dims[1] = 1;
    a.row.total = INFINITY;
    refused(&a.env, "ranking row 1: rank, total or star missing or out of range");

    memset(&a, 0, sizeof a);
    all_alert(&a);
    a.alert.value = INFINITY;
    refused(&a.env, "alert value: infinity is not a finite number");
    a.alert.value = 1;
    a.alert.has_target = 1;
    a.alert.target = -INFINITY;
    refused(&a.env, "alert target: infinity is not a finite number");
    a.alert.target = 1;
    a.alert.has_expected = 1;
    a.alert.expected = NAN;
    refused(&a.env, "alert expected: NaN is not a finite number");
    a.alert.expected = 1;
    a.alert.gap = NAN;
    refused(&a.env, "alert gap: NaN is not a finite number");
}

Test(hostile, encoder_sends_no_infinite_alert_figure) {
    msg_t m, back;
    uint8_t *buf;
    size_t len;
    char err[256] = "";
    memset(&m, 0, sizeof m);
    m.kind = MSG_ALERT;
    m.alert.kind = ALERT_PACE;
    m.alert.severity = SEV_WARNING;
    m.alert.transition = TR_FIRING;
    strcpy(m.alert.zone, "baoshan");
    m.alert.value = 12.5;
    m.alert.target = INFINITY; /* a target of 0 upstream: no figure, not a poisoned alert */
    m.alert.expected = NAN;
    m.alert.gap = -INFINITY;
    cr_assert_eq(codec_encode(&m, &buf, &len), 0);
    cr_assert_eq(codec_decode(buf, len, &back, err, sizeof err), 0, "%s", err);
    cr_assert_eq(back.alert.value, 12.5);
    cr_assert(isnan(back.alert.target) && isnan(back.alert.expected) && isnan(back.alert.gap));
    msg_clear(&back);
    free(buf);
}

Test(hostile, timestamps_beyond_year_9999) {
    all_t a;
    Yuebao__Envelope e;
    Yuebao__Heartbeat hb = YUEBAO__HEARTBEAT__INIT;
    raw_envelope_init(&e);
    e.body_case = YUEBAO__ENVELOPE__BODY_HEARTBEAT;
    e.heartbeat = &hb;
    hb.has_now_ms = 1;
    hb.now_ms = CODEC_MAX_TIME_MS;
    accepted(&e, MSG_HEARTBEAT);
    hb.now_ms = -CODEC_MAX_TIME_MS;
    accepted(&e, MSG_HEARTBEAT);
    hb.now_ms = INT64_MAX;
    refused(&e, "heartbeat now_ms: 9223372036854775807 is not a time (beyond year 9999)");
    hb.now_ms = CODEC_MAX_TIME_MS + 1;
    refused(&e, "heartbeat now_ms: 253402300800000 is not a time (beyond year 9999)");

    memset(&a, 0, sizeof a);
    all_ack(&a);
    a.ack.has_stored_at_ms = 1;
    a.ack.stored_at_ms = INT64_MIN;
    refused(&a.env, "ack stored_at_ms: -9223372036854775808 is not a time (beyond year 9999)");

    memset(&a, 0, sizeof a);
    all_accepted(&a);
    a.accepted.has_stored_at_ms = 1;
    a.accepted.stored_at_ms = INT64_MAX;
    refused(&a.env, "report_accepted stored_at_ms: 9223372036854775807 is not a time (beyond year 9999)");

    memset(&a, 0, sizeof a);
    all_ranking(&a);
    a.ranking.has_computed_at_ms = 1;
    a.ranking.computed_at_ms = INT64_MIN;
    refused(&a.env, "ranking computed_at_ms: -9223372036854775808 is not a time (beyond year 9999)");

    memset(&a, 0, sizeof a);
    all_alert(&a);
    a.alert.at_ms = INT64_MAX;
    refused(&a.env, "alert at_ms: 9223372036854775807 is not a time (beyond year 9999)");
    a.alert.at_ms = 1;
    a.alert.has_deadline_ms = 1;
    a.alert.deadline_ms = INT64_MIN;
    refused(&a.env, "alert deadline_ms: -9223372036854775808 is not a time (beyond year 9999)");
    a.alert.deadline_ms = 1;
    a.alert.has_since_ms = 1;
    a.alert.since_ms = INT64_MAX;
    refused(&a.env, "alert since_ms: 9223372036854775807 is not a time (beyond year 9999)");
}

/* The Envelope header, then field 10 (report) holding `body` bytes of what fill writes. */
static size_t report_of(uint8_t *buf, size_t body) {
    Yuebao__Envelope e;
    size_t n;
    uint8_t *head, *p;
    raw_envelope_init(&e);
    head = raw_pack(&e, &n);
    memcpy(buf, head, n);
    free(head);
    p = buf + n;
    *p++ = 0x52; /* field 10, LEN */
    put_varint(&p, body);
    return (size_t)(p - buf);
}

Test(hostile, message_past_the_parse_budget_is_refused) {
    /* 1 MiB of empty Value submessages: 2 wire bytes each, ~100 bytes unpacked */
    uint8_t *buf = malloc(CODEC_MAX_MSG_BYTES);
    size_t nvals = (CODEC_MAX_MSG_BYTES - 64) / 2, len, budget;
    char want[160];
    cr_assert_not_null(buf);
    len = report_of(buf, 2 * nvals);
    for (size_t i = 0; i < nvals; i++) {
        buf[len++] = 0x22; /* field 4 (values), LEN 0 */
        buf[len++] = 0x00;
    }
    budget = 8 * len + 256 * 1024;
    cr_assert_leq(budget, CODEC_MAX_PARSE_BYTES);
    snprintf(want, sizeof want, "message of %zu bytes needs more than %zu bytes of memory to parse", len,
             budget);
    refused_bytes(buf, len, want);
    free(buf);
}

Test(hostile, unknown_fields_count_against_the_parse_budget) {
    /* 200 KB of unknown varint fields (field 99, value 0): 3 wire bytes each, but each
     * is kept by protobuf-c as an unknown-field record several times that size */
    size_t nfields = 200000 / 3, len, budget;
    uint8_t *buf = malloc(300000);
    char want[160];
    cr_assert_not_null(buf);
    len = report_of(buf, 3 * nfields);
    for (size_t i = 0; i < nfields; i++) {
        buf[len++] = 0x98; /* field 99, varint: tag 99 << 3 = 792 = 0x98 0x06 */
        buf[len++] = 0x06;
        buf[len++] = 0x00;
    }
    budget = 8 * len + 256 * 1024;
    snprintf(want, sizeof want, "message of %zu bytes needs more than %zu bytes of memory to parse", len,
             budget);
    refused_bytes(buf, len, want);
    free(buf);
}

Test(hostile, deep_or_truncated_nesting_is_not_protobuf) {
    uint8_t buf[64];
    size_t len = report_of(buf, 40); /* claims 40 bytes of report, has none */
    char want[64];
    snprintf(want, sizeof want, "not a protobuf Envelope (%zu bytes)", len);
    refused_bytes(buf, len, want);
}

/* ---- validation: numbers out of range, codes that are not text ------------------ */

static master_t *master;

static void load_master(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char city[1024];
    diag_list_t mdl = {0};
    snprintf(city, sizeof city, "%s/sample-city", ex ? ex : "examples");
    master = master_load(city, &mdl);
    cr_assert_not_null(master, "master_load(%s) failed", city);
    diag_clear(&mdl);
}

static void unload_master(void) {
    master_destroy(&master);
}

/* A valid baoshan 2017-06 report with one revenue row on line 2. */
static void one_row(report_t *r, double amount, double growth) {
    report_value_t v;
    memset(r, 0, sizeof *r);
    strcpy(r->zone, "baoshan");
    strcpy(r->period, "2017-06");
    strcpy(r->source, "410602.csv");
    r->revision = 1;
    memset(&v, 0, sizeof v);
    strcpy(v.indicator, "revenue");
    v.amount = amount;
    v.has_growth = !isnan(growth);
    v.growth_pct = growth;
    v.line = 2;
    cr_assert_not_null(report_add_value(r, &v));
}

/* Validates r, asserts exactly one error, with this field and message. */
static void one_error(const report_t *r, const char *field, const char *message) {
    validate_opts_t o = validate_defaults();
    diag_list_t dl = {0};
    o.now_ms = 1500048000000LL; /* 2017-07-15 */
    cr_assert_eq(validate_report(master, &o, "410602", r, &dl), message ? 1 : 0, "%zu errors, first: %s",
                 dl.n_errors, dl.n ? dl.items[0].message : "");
    if (message) {
        cr_assert_str_eq(dl.items[0].field, field);
        cr_assert_str_eq(dl.items[0].message, message);
    }
    diag_clear(&dl);
}

Test(hostile, amounts_and_growth_beyond_1e15, .init = load_master, .fini = unload_master) {
    report_t r;
    one_row(&r, VALIDATE_MAX_NUMBER, 1e15);
    one_error(&r, NULL, NULL);
    report_clear(&r);
    one_row(&r, 1.5e15, NAN);
    one_error(&r, "amount",
              "revenue: amount 1.5e+15 is out of range; expected a figure of at most 1e+15 in size");
    report_clear(&r);
    one_row(&r, 1.7976931348623157e308, NAN);
    one_error(
        &r, "amount",
        "revenue: amount 1.79769313486232e+308 is out of range; expected a figure of at most 1e+15 in size");
    report_clear(&r);
    one_row(&r, 100, 2e15);
    one_error(&r, "growth_pct",
              "revenue: growth 2e+15% is out of range; expected a percentage of at most 1e+15");
    report_clear(&r);
}

Test(hostile, investments_beyond_1e15_and_codes_not_utf8, .init = load_master, .fini = unload_master) {
    report_t r;
    report_project_t p;
    one_row(&r, 100, 1);
    memset(&p, 0, sizeof p);
    strcpy(p.code, "P1");
    strcpy(p.name, "项目");
    p.has_total = true;
    p.total_investment = 3e16;
    p.line = 9;
    cr_assert_not_null(report_add_project(&r, &p));
    one_error(&r, "total_investment",
              "project P1: total investment 3e+16 is out of range; expected an amount of at most 1e+15 万元");
    r.projects[0].total_investment = 10;
    strcpy(r.projects[0].code, "P\xff");
    one_error(&r, "project", "project P\\xff: the code is not valid text (UTF-8); save the file as UTF-8 or GBK");
    report_clear(&r);
}

/* ---- county CSV: a header too wide to allocate per column ---------------------- */

Test(hostile, county_csv_header_with_too_many_columns, .init = load_master, .fini = unload_master) {
    size_t n = COUNTY_CSV_MAX_COLUMNS + 1, len = 0;
    char *csv = malloc(128 + 2 * n);
    report_set_t set = {0};
    diag_list_t dl = {0};
    const char *head = "zone,period,indicator,amount";
    char want[64];
    cr_assert_not_null(csv);
    len = (size_t)sprintf(csv, "%s", head);
    for (size_t i = 4; i < n; i++)
        csv[len++] = ',';
    csv[len++] = '\n';
    cr_assert_eq(county_csv_parse(master, "wide.csv", csv, len, &set, &dl), 1);
    cr_assert_eq(set.n, 0);
    snprintf(want, sizeof want, "the header has %zu columns, more than %d;", n, COUNTY_CSV_MAX_COLUMNS);
    cr_assert_eq(strncmp(dl.items[0].message, want, strlen(want)), 0, "%s", dl.items[0].message);
    cr_assert_eq(dl.items[0].line, 1);
    diag_clear(&dl);

    /* the widest header allowed is read: blank columns are ignored if their cells are */
    len = (size_t)sprintf(csv, "%s", head);
    for (size_t i = 4; i < COUNTY_CSV_MAX_COLUMNS; i++)
        csv[len++] = ',';
    len += (size_t)sprintf(csv + len, "\nbaoshan,2017-06,revenue,1");
    for (size_t i = 4; i < COUNTY_CSV_MAX_COLUMNS; i++)
        csv[len++] = ',';
    csv[len++] = '\n';
    cr_assert_eq(county_csv_parse(master, "wide.csv", csv, len, &set, &dl), 0, "%s",
                 dl.n ? dl.items[0].message : "");
    cr_assert_eq(set.n, 1);
    cr_assert_eq(set.reports[0].n_values, 1);
    report_set_clear(&set);
    diag_clear(&dl);
    free(csv);
}
