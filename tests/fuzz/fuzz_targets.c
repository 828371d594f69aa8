/* fuzz_targets.c - the bodies of the fuzz targets (see fuzz_targets.h).
 *
 * Besides "no crash, no leak, no undefined behaviour" under the sanitizers, each input
 * checks the properties the daemons rely on:
 *  - a refusal comes with a reason, and the reason is valid UTF-8;
 *  - whatever the codec accepts fits the domain (counts, UTF-8) and survives a round
 *    trip: encode(decode(x)) decodes again, to the same bytes when encoded once more;
 *  - every finding about a report (validation, county CSV) is valid UTF-8 with a
 *    field that fits, so an Ack carrying the findings always decodes at the collector.
 */
#include "fuzz_targets.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "county_csv.h"
#include "csv.h"
#include "diag.h"
#include "master.h"
#include "report.h"
#include "text.h"
#include "validate.h"

#define FUZZ_CHECK(c)                                                                                        \
    do {                                                                                                     \
        if (!(c)) {                                                                                          \
            fprintf(stderr, "fuzz: property violated: %s (%s:%d)\n", #c, __FILE__, __LINE__);                \
            abort();                                                                                         \
        }                                                                                                    \
    } while (0)

/* 2017-07-15 00:00 Asia/Shanghai: a fixed clock, so a run is reproducible. */
#define FUZZ_NOW_MS 1500048000000LL

static master_t *master;

int fuzz_init(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    char dir[4096];
    diag_list_t dl = {0};
    if (master) return 0;
    snprintf(dir, sizeof dir, "%s/sample-city", ex && *ex ? ex : "examples");
    master = master_load(dir, &dl);
    if (!master) {
        char line[640];
        fprintf(stderr, "fuzz: cannot load the master data from %s (set YUEBAO_EXAMPLES)\n", dir);
        for (size_t i = 0; i < dl.n; i++) {
            diag_format(&dl.items[i], line, sizeof line);
            fprintf(stderr, "  %s\n", line);
        }
    }
    diag_clear(&dl);
    return master ? 0 : -1;
}

void fuzz_fini(void) {
    master_destroy(&master);
}

/* Every finding: valid UTF-8 in each part; ours (not an Ack's) also say something. */
static void check_findings(const diag_list_t *dl, bool ours) {
    char line[640];
    for (size_t i = 0; i < dl->n; i++) {
        const diag_t *d = &dl->items[i];
        FUZZ_CHECK(utf8_valid(d->file, strlen(d->file)));
        FUZZ_CHECK(utf8_valid(d->field, strlen(d->field)));
        FUZZ_CHECK(utf8_valid(d->message, strlen(d->message)));
        if (ours) FUZZ_CHECK(d->message[0] != '\0');
        diag_format(d, line, sizeof line);
    }
}

/* The findings as the aggregator sends them back: an Ack that must decode. */
static void ack_roundtrip(const report_t *r, const diag_list_t *dl) {
    msg_t m, back;
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[256];
    memset(&m, 0, sizeof m);
    m.kind = MSG_ACK;
    memset(m.id, 0xA5, MSG_ID_LEN);
    m.has_reply_to = true;
    snprintf(m.ack.zone, sizeof m.ack.zone, "%s", r->zone);
    snprintf(m.ack.period, sizeof m.ack.period, "%s", r->period);
    m.ack.revision = r->revision;
    m.ack.status = dl->n_errors ? ACK_REJECTED : ACK_ACCEPTED;
    m.ack.issues = *dl; /* borrowed: not cleared here */
    FUZZ_CHECK(codec_encode(&m, &buf, &len) == 0);
    if (codec_decode(buf, len, &back, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: an Ack of validation findings does not decode: %s\n", err);
        FUZZ_CHECK(!"ack of findings decodes");
    }
    FUZZ_CHECK(back.kind == MSG_ACK && back.ack.issues.n == dl->n);
    msg_clear(&back);
    free(buf);
}

/* Both sides' validation of a report, as the collector and the aggregator run it. */
static void validate_one(report_t *r) {
    validate_opts_t o = validate_defaults();
    diag_list_t dl = {0};
    size_t errors;
    o.now_ms = FUZZ_NOW_MS;
    errors = validate_report(master, &o, "410602", r, &dl);
    FUZZ_CHECK(errors == dl.n_errors);
    validate_history(master, &o, r, r, r, &dl);
    check_findings(&dl, true);
    ack_roundtrip(r, &dl);
    diag_clear(&dl);
    if (errors == 0) {
        report_t copy;
        FUZZ_CHECK(report_copy(&copy, r) == 0);
        validate_normalize(master, &copy);
        report_clear(&copy);
    }
}

/* encode(m) decodes, and encoding the result gives the same bytes again. */
static void msg_roundtrip(const msg_t *m) {
    uint8_t *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    msg_t back;
    char err[256];
    if (codec_encode(m, &a, &na) != 0) return; /* only too large is allowed, see the caller */
    if (codec_decode(a, na, &back, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: a re-encoded message does not decode: %s\n", err);
        FUZZ_CHECK(!"re-encoded message decodes");
    }
    FUZZ_CHECK(back.kind == m->kind);
    FUZZ_CHECK(codec_encode(&back, &b, &nb) == 0);
    FUZZ_CHECK(na == nb && memcmp(a, b, na) == 0);
    if (m->kind == MSG_REPORT) {
        uint8_t *c1 = NULL, *c2 = NULL;
        size_t n1 = 0, n2 = 0;
        FUZZ_CHECK(codec_report_content(&m->report, &c1, &n1) == 0);
        FUZZ_CHECK(codec_report_content(&back.report, &c2, &n2) == 0);
        FUZZ_CHECK(n1 == n2 && memcmp(c1, c2, n1) == 0);
        free(c1);
        free(c2);
    }
    msg_clear(&back);
    free(a);
    free(b);
}

int fuzz_envelope_one(const uint8_t *data, size_t size) {
    msg_t m;
    char err[256];
    if (fuzz_init() < 0) abort();
    if (codec_decode(data, size, &m, err, sizeof err) != 0) {
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(utf8_valid(err, strlen(err)));
        return 0;
    }
    FUZZ_CHECK(m.kind != MSG_NONE);
    if (m.kind == MSG_REPORT) {
        const report_t *r = &m.report;
        FUZZ_CHECK(r->n_values <= REPORT_MAX_VALUES && r->n_projects <= REPORT_MAX_PROJECTS &&
                   r->n_enterprises <= REPORT_MAX_ENTERPRISES);
        FUZZ_CHECK(utf8_valid(r->zone, strlen(r->zone)) && utf8_valid(r->period, strlen(r->period)));
        validate_one(&m.report);
    }
    if (m.kind == MSG_ACK) check_findings(&m.ack.issues, false);
    if (size < CODEC_MAX_MSG_BYTES / 2) msg_roundtrip(&m);
    msg_clear(&m);
    return 1;
}

/* The raw reader on arbitrary bytes (NULs, invalid UTF-8): every record ends. */
static void csv_raw(const char *data, size_t size) {
    csv_reader_t *rd = csv_open(data, size);
    csv_record_t rec;
    char err[256], shown[64], padded[128];
    unsigned last = 0;
    int rc;
    FUZZ_CHECK(rd != NULL);
    while ((rc = csv_next(rd, &rec, err, sizeof err)) == 1) {
        FUZZ_CHECK(rec.n_fields >= 1 && rec.line >= last);
        last = rec.line;
        for (size_t i = 0; i < rec.n_fields; i++) {
            text_shown(rec.fields[i], shown, sizeof shown);
            FUZZ_CHECK(utf8_valid(shown, strlen(shown)));
            text_pad(padded, sizeof padded, shown, 20);
            (void)text_width(rec.fields[i]);
            text_trim(rec.fields[i]);
        }
    }
    if (rc < 0) FUZZ_CHECK(utf8_valid(err, strlen(err)) && err[0] != '\0');
    csv_close(&rd);
    FUZZ_CHECK(rd == NULL);
}

int fuzz_csv_one(const uint8_t *data, size_t size) {
    report_set_t set = {0};
    diag_list_t dl = {0};
    char *utf8 = NULL, err[256];
    size_t len = 0, errors;
    const char *enc = NULL;
    int n = 0;

    if (fuzz_init() < 0) abort();
    csv_raw((const char *)data, size);

    /* what county_csv_load does after reading the file */
    if (text_to_utf8((const char *)data, size, &utf8, &len, &enc, err, sizeof err) != 0) {
        FUZZ_CHECK(err[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(enc != NULL && utf8_valid(utf8, len) && utf8[len] == '\0');
    errors = county_csv_parse(master, "fuzz.csv", utf8, len, &set, &dl);
    FUZZ_CHECK(errors <= dl.n_errors);
    check_findings(&dl, true);
    for (size_t i = 0; i < set.n; i++) {
        report_t *r = &set.reports[i];
        msg_t m;
        FUZZ_CHECK(r->n_values + r->n_projects + r->n_enterprises > 0 || r->problems || r->next_steps);
        r->revision = 1;
        validate_one(r);
        memset(&m, 0, sizeof m);
        m.kind = MSG_REPORT;
        memset(m.id, 0x5A, MSG_ID_LEN);
        m.report = *r; /* borrowed */
        msg_roundtrip(&m);
    }
    n = (int)set.n;
    report_set_clear(&set);
    diag_clear(&dl);
    free(utf8);
    return n;
}
