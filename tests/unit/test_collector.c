/* test_collector.c - the collector's queue and outbox: county files into numbered reports.
 *
 * A collector_t is built without sockets over the sample city's master data and an
 * outbox in a temporary folder; sample files are copied into that folder first, so
 * nothing under examples/ is ever moved. Each test calls collector_queue_files() the way
 * the inbox does and checks what a desk officer sees (which file failed, at which line
 * and column, in which words) and what an operator finds in the outbox (reports queued
 * with their revision and content, the files they came from, receipts once acked).
 * "Delivering" emulates the sender: every pending report is settled with an ack, and
 * collector_file_complete() files the sources (submit mode: files stay put).
 */
#include <criterion/criterion.h>
#include <ftw.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../collector/collector.h" /* -Icommon only */
#include "codec.h"
#include "diag.h"
#include "master.h"
#include "report.h"
#include "util.h"

static collector_t C;
static char tmpdir[64], city[4096], outbox_path[256];

static void setup(void) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    diag_list_t mdl;
    char err[512] = "";
    memset(&mdl, 0, sizeof mdl);
    memset(&C, 0, sizeof C);

    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_collector_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));

    snprintf(C.cfg.county, sizeof C.cfg.county, "410602");
    C.cfg.window = 32;
    C.cfg.retry_min_ms = 2000;
    C.cfg.retry_max_ms = 30000;
    snprintf(C.cfg.inbox, sizeof C.cfg.inbox, "%s/inbox", tmpdir);
    snprintf(C.cfg.done, sizeof C.cfg.done, "%s/done", tmpdir);
    snprintf(C.cfg.rejected, sizeof C.cfg.rejected, "%s/rejected", tmpdir);
    cr_assert_eq(util_mkdir_p(C.cfg.inbox), 0);
    cr_assert_eq(util_mkdir_p(C.cfg.done), 0);
    cr_assert_eq(util_mkdir_p(C.cfg.rejected), 0);
    C.submit_mode = true; /* filing a source must never move the test's files */

    snprintf(city, sizeof city, "%s/sample-city", ex && *ex ? ex : "examples");
    C.master = master_load(city, &mdl);
    cr_assert_not_null(C.master, "master_load(%s) failed: %s", city,
                       mdl.n ? mdl.items[0].message : "(no message)");
    diag_clear(&mdl);

    snprintf(outbox_path, sizeof outbox_path, "%s/outbox.db", tmpdir);
    snprintf(C.cfg.outbox, sizeof C.cfg.outbox, "%s", outbox_path);
    C.outbox = outbox_open(outbox_path, err, sizeof err);
    cr_assert_not_null(C.outbox, "outbox_open: %s", err);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void free_pending(void) {
    for (size_t i = 0; i < C.n_pending; i++)
        free(C.pending[i].payload);
    free(C.pending);
    C.pending = NULL;
    C.n_pending = C.cap_pending = 0;
}

static void teardown(void) {
    free_pending();
    outbox_close(&C.outbox);
    master_destroy(&C.master);
    if (tmpdir[0]) nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(collector, .init = setup, .fini = teardown);

/* --- helpers -------------------------------------------------------------------- */

static void set_county(const char *county) {
    snprintf(C.cfg.county, sizeof C.cfg.county, "%s", county);
}

/* Copies examples/sample-city/reports/<rel> to <tmp>/in/<rel>; its base name is kept,
 * because the collector names the file by it. */
static void sample(const char *rel, char *out, size_t outsz) {
    char src[4400], dir[4400], *text = NULL;
    size_t len = 0;
    FILE *f;
    snprintf(src, sizeof src, "%s/reports/%s", city, rel);
    cr_assert_lt((size_t)snprintf(out, outsz, "%s/in/%s", tmpdir, rel), outsz);
    snprintf(dir, sizeof dir, "%s", out);
    *strrchr(dir, '/') = '\0';
    cr_assert_eq(util_mkdir_p(dir), 0, "mkdir %s", dir);
    f = fopen(src, "rb");
    cr_assert_not_null(f, "cannot open the sample %s", src);
    {
        char buf[8192];
        size_t k;
        FILE *m = open_memstream(&text, &len);
        cr_assert_not_null(m);
        while ((k = fread(buf, 1, sizeof buf, f)) > 0)
            fwrite(buf, 1, k, m);
        fclose(m);
    }
    fclose(f);
    cr_assert_eq(util_write_atomic(out, text, len), 0, "cannot copy to %s", out);
    free(text);
}

/* Writes text to <tmp>/in/<sub>/<name>. */
static void write_csv(const char *sub, const char *name, const char *text, char *out, size_t outsz) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/in/%s", tmpdir, sub);
    cr_assert_eq(util_mkdir_p(dir), 0);
    cr_assert_lt((size_t)snprintf(out, outsz, "%s/%s", dir, name), outsz);
    cr_assert_eq(util_write_atomic(out, text, strlen(text)), 0);
}

/* Reads a sample file's text (UTF-8 samples only). Caller frees. */
static char *sample_text(const char *rel) {
    char path[4400], *text = NULL;
    size_t len = 0, k;
    char buf[8192];
    FILE *f, *m;
    snprintf(path, sizeof path, "%s/reports/%s", city, rel);
    f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    m = open_memstream(&text, &len);
    cr_assert_not_null(m);
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, k, m);
    fclose(m);
    fclose(f);
    return text;
}

/* Replaces the first occurrence of `from` in text by `to` (new string; frees text). */
static char *replace(char *text, const char *from, const char *to) {
    char *at = strstr(text, from), *out;
    size_t n;
    cr_assert_not_null(at, "\"%s\" not found in the sample", from);
    n = strlen(text) - strlen(from) + strlen(to) + 1;
    out = malloc(n);
    cr_assert_not_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    free(text);
    return out;
}

/* One call of collector_queue_files over paths[0..n). */
static int queue(queued_file_t *files, size_t n, const char *const *paths) {
    memset(files, 0, n * sizeof *files);
    for (size_t i = 0; i < n; i++)
        cr_assert_lt((size_t)snprintf(files[i].path, sizeof files[i].path, "%s", paths[i]),
                     sizeof files[i].path, "path too long: %s", paths[i]);
    return collector_queue_files(&C, files, n);
}

static void files_clear(queued_file_t *files, size_t n) {
    for (size_t i = 0; i < n; i++)
        diag_clear(&files[i].diags);
}

/* Every finding of a file, one per line, for assertion messages. */
static const char *dump(const queued_file_t *f) {
    static char buf[16384];
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->diags.n && off < sizeof buf - 1; i++) {
        char line[1024];
        diag_format(&f->diags.items[i], line, sizeof line);
        off += (size_t)snprintf(buf + off, sizeof buf - off, "\n    %s", line);
    }
    return f->diags.n ? buf : " (none)";
}

/* A finding at that line (0: any) and field (NULL: any) whose message holds every
 * given word (NULL-terminated); errors only unless warnings is true. */
static const diag_t *find_diag(const queued_file_t *f, unsigned line, const char *field, ...) {
    for (size_t i = 0; i < f->diags.n; i++) {
        const diag_t *d = &f->diags.items[i];
        va_list ap;
        const char *w;
        bool all = true;
        if (line && d->line != line) continue;
        if (field && strcmp(d->field, field) != 0) continue;
        va_start(ap, field);
        while ((w = va_arg(ap, const char *)) != NULL)
            if (!strstr(d->message, w)) all = false;
        va_end(ap);
        if (all) return d;
    }
    return NULL;
}

/* One integer from the outbox database, through a connection of its own (what an
 * operator with sqlite3 sees). */
static int64_t sql_int(const char *fmt, ...) {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char q[1024];
    int64_t v = -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q, sizeof q, fmt, ap);
    va_end(ap);
    cr_assert_eq(sqlite3_open_v2(outbox_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK, "%s: %s", q, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Decodes pending report i (what goes on the wire). Release with msg_clear. */
static void decode_pending(size_t i, msg_t *m) {
    char err[256] = "";
    cr_assert_lt(i, C.n_pending);
    cr_assert_eq(codec_decode(C.pending[i].payload, C.pending[i].payload_len, m, err, sizeof err), 0,
                 "pending[%zu] does not decode: %s", i, err);
    cr_assert_eq(m->kind, MSG_REPORT);
}

static void expect_value(const report_t *r, const char *code, double amount, bool has_growth, double growth) {
    const report_value_t *v = report_find(r, code);
    cr_assert_not_null(v, "%s %s: no value for %s", r->zone, r->period, code);
    cr_expect(fabs(v->amount - amount) < 1e-6, "%s %s %s: amount %.4f, expected %.4f", r->zone, r->period,
              code, v->amount, amount);
    cr_expect_eq(v->has_growth, has_growth, "%s: has_growth", code);
    if (has_growth)
        cr_expect(fabs(v->growth_pct - growth) < 1e-6, "%s: growth %.4f, expected %.4f", code, v->growth_pct,
                  growth);
}

static void make_ack(ack_t *a, const pending_t *p, ack_status_t st, uint32_t store_rev) {
    memset(a, 0, sizeof *a);
    snprintf(a->zone, sizeof a->zone, "%s", p->zone);
    snprintf(a->period, sizeof a->period, "%s", p->period);
    a->revision = p->revision;
    a->status = st;
    a->store_revision = store_rev;
}

/* The sender's part: every pending report acked ACCEPTED and settled as on_ack does,
 * then the sources filed as collector_file_complete does. */
static void deliver_all(void) {
    for (size_t i = 0; i < C.n_pending; i++) {
        ack_t a;
        make_ack(&a, &C.pending[i], ACK_ACCEPTED, C.pending[i].revision);
        cr_assert_eq(outbox_begin(C.outbox), 0);
        cr_assert_eq(outbox_settle(C.outbox, C.pending[i].id, &a), 0);
        cr_assert_eq(outbox_raise_revision(C.outbox, a.zone, a.period, a.store_revision), 0);
        cr_assert_eq(outbox_commit(C.outbox), 0);
    }
    free_pending();
    collector_file_complete(&C);
    cr_assert_eq(sql_int("SELECT count(*) FROM sources WHERE state = 'sending'"), 0,
                 "every source is filed once its reports are acked");
}

static void expect_outbox_empty(void) {
    cr_expect_eq(C.n_pending, 0, "nothing pending");
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox"), 0, "no outbox rows");
    cr_expect_eq(sql_int("SELECT count(*) FROM sources"), 0, "no sources");
    cr_expect_eq(sql_int("SELECT count(*) FROM source_reports"), 0, "no source links");
    cr_expect_eq(sql_int("SELECT count(*) FROM last_reports"), 0, "no last report remembered");
}

/* --- 1. values and projects in one batch ----------------------------------------- */

Test(collector, values_and_projects_make_one_report) {
    char v[4400], p[4400];
    queued_file_t f[2];
    msg_t m;
    sample("2017-06/410602.csv", v, sizeof v);
    sample("2017-06/410602.projects.csv", p, sizeof p);
    const char *paths[] = {v, p};

    cr_assert_eq(queue(f, 2, paths), 1, "one report for baoshan 2017-06");
    cr_assert_not(f[0].failed, "values file failed:%s", dump(&f[0]));
    cr_assert_not(f[1].failed, "projects file failed:%s", dump(&f[1]));
    cr_expect_eq(f[0].n_reports, 1);
    cr_expect_eq(f[1].n_reports, 1);
    cr_assert_gt(f[0].source_id, 0);
    cr_assert_gt(f[1].source_id, 0);
    cr_assert_neq(f[0].source_id, f[1].source_id);

    cr_assert_eq(C.n_pending, 1);
    cr_expect_str_eq(C.pending[0].zone, "baoshan");
    cr_expect_str_eq(C.pending[0].period, "2017-06");
    cr_expect_eq(C.pending[0].revision, 1);

    decode_pending(0, &m);
    cr_expect_str_eq(m.report.zone, "baoshan");
    cr_expect_str_eq(m.report.period, "2017-06");
    cr_expect_eq(m.report.revision, 1);
    cr_expect_eq(m.report.n_values, 14);
    expect_value(&m.report, "revenue", 2032384.0, true, 11.4);
    expect_value(&m.report, "fai", 604792.1, true, 16.9);
    expect_value(&m.report, "employees", 14976, true, 5.9);
    expect_value(&m.report, "rd_share", 1.28, false, 0);
    expect_value(&m.report, "idle_revival", 23.70, false, 0);
    cr_assert_eq(m.report.n_projects, 1);
    cr_expect_str_eq(m.report.projects[0].code, "P2017005");
    cr_expect(m.report.projects[0].has_total && fabs(m.report.projects[0].total_investment - 420000) < 1e-6);
    cr_expect(m.report.projects[0].has_ytd && fabs(m.report.projects[0].ytd_investment - 160000) < 1e-6);
    cr_expect_str_eq(m.report.projects[0].status, "under_construction");
    msg_clear(&m);

    /* the outbox: one row, two files linked to it, both still sending */
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox WHERE settled = 0"), 1);
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox"), 1);
    cr_expect_eq(sql_int("SELECT revision FROM outbox WHERE id = %lld", (long long)C.pending[0].id), 1);
    cr_expect_eq(sql_int("SELECT count(*) FROM source_reports"), 2);
    cr_expect_eq(
        sql_int("SELECT count(*) FROM source_reports WHERE outbox_id = %lld AND source_id IN (%lld, %lld)",
                (long long)C.pending[0].id, (long long)f[0].source_id, (long long)f[1].source_id),
        2);
    cr_expect_eq(sql_int("SELECT count(*) FROM sources WHERE state = 'sending'"), 2);
    cr_expect_eq(sql_int("SELECT count(*) FROM sources WHERE name = '410602.projects.csv'"), 1);
    cr_expect_eq(sql_int("SELECT revision FROM last_reports WHERE zone = 'baoshan' AND period = '2017-06'"),
                 1);
    files_clear(f, 2);
}

/* --- 2. the same files again, after delivery: same revision, new message -------- */

Test(collector, same_files_again_resend_same_revision) {
    char v[4400], p[4400];
    queued_file_t f[2];
    uint8_t first_id[MSG_ID_LEN];
    sample("2017-06/410602.csv", v, sizeof v);
    sample("2017-06/410602.projects.csv", p, sizeof p);
    const char *paths[] = {v, p};

    cr_assert_eq(queue(f, 2, paths), 1);
    cr_assert_eq(C.n_pending, 1);
    memcpy(first_id, C.pending[0].msg_id, MSG_ID_LEN);
    files_clear(f, 2);
    deliver_all();

    cr_assert_eq(queue(f, 2, paths), 1, "the same files dropped again are sent again");
    cr_assert_not(f[0].skipped || f[1].skipped, "a delivered file is not 'already sending'");
    cr_assert_not(f[0].failed || f[1].failed, "failed:%s%s", dump(&f[0]), dump(&f[1]));
    cr_assert_eq(C.n_pending, 1);
    cr_expect_eq(C.pending[0].revision, 1, "same content: resend revision 1 (the aggregator acks DUPLICATE)");
    cr_expect_neq(memcmp(C.pending[0].msg_id, first_id, MSG_ID_LEN), 0, "a new message id");
    /* the row ids may be reused once the first row is forgotten: tell rows by message id */
    {
        char hex[2 * MSG_ID_LEN + 1];
        codec_id_hex(C.pending[0].msg_id, hex);
        cr_expect_eq(sql_int("SELECT count(*) FROM outbox WHERE settled = 0 AND id = %lld AND "
                             "hex(message_id) = upper('%s')",
                             (long long)C.pending[0].id, hex),
                     1, "a new outbox row carries the new message id");
        codec_id_hex(first_id, hex);
        cr_expect_eq(
            sql_int("SELECT count(*) FROM outbox WHERE hex(message_id) = upper('%s') AND settled = 0", hex),
            0, "the first message is not pending again");
    }
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox WHERE settled = 0"), 1);
    cr_expect_eq(sql_int("SELECT revision FROM outbox WHERE settled = 0"), 1);
    cr_expect_eq(
        sql_int("SELECT count(*) FROM source_reports WHERE outbox_id = %lld", (long long)C.pending[0].id), 2);
    cr_expect_eq(sql_int("SELECT revision FROM last_reports WHERE zone = 'baoshan' AND period = '2017-06'"),
                 1);
    files_clear(f, 2);
}

/* --- 3. a correction ------------------------------------------------------------ */

Test(collector, correction_gets_revision_2_with_its_values) {
    char v1[4400], v2[4400];
    queued_file_t f[1];
    msg_t m;
    set_county("410622");
    sample("2017-04/410622.csv", v1, sizeof v1);
    sample("2017-04/410622.rev2.csv", v2, sizeof v2);
    const char *p1[] = {v1}, *p2[] = {v2};

    cr_assert_eq(queue(f, 1, p1), 1, "first:%s", dump(&f[0]));
    files_clear(f, 1);
    cr_assert_eq(queue(f, 1, p2), 1, "correction:%s", dump(&f[0]));
    cr_assert_not(f[0].failed);
    files_clear(f, 1);

    cr_assert_eq(C.n_pending, 2, "revision 1 still waits for its ack; revision 2 queued behind it");
    cr_expect_eq(C.pending[0].revision, 1);
    cr_expect_str_eq(C.pending[1].zone, "heqi");
    cr_expect_str_eq(C.pending[1].period, "2017-04");
    cr_expect_eq(C.pending[1].revision, 2);
    decode_pending(1, &m);
    cr_expect_eq(m.report.revision, 2);
    cr_expect_eq(m.report.n_values, 14);
    expect_value(&m.report, "revenue", 905135.4, true, 12.3);
    expect_value(&m.report, "va", 199810.6, true, 7.8);
    expect_value(&m.report, "fai", 220527.7, true, 17.9);
    expect_value(&m.report, "employees", 9378, true, 4.9);
    expect_value(&m.report, "energy_intensity", 0.42, true, -5.1);
    expect_value(&m.report, "waste_treatment", 85.04, false, 0);
    msg_clear(&m);
    cr_expect_eq(sql_int("SELECT revision FROM last_reports WHERE zone = 'heqi' AND period = '2017-04'"), 2);
}

/* --- 4. projects after values ---------------------------------------------------- */

Test(collector, projects_later_join_the_values_sent) {
    char v[4400], p[4400];
    queued_file_t f[1];
    msg_t m;
    sample("2017-06/410602.csv", v, sizeof v);
    sample("2017-06/410602.projects.csv", p, sizeof p);
    const char *pv[] = {v}, *pp[] = {p};

    cr_assert_eq(queue(f, 1, pv), 1);
    files_clear(f, 1);
    deliver_all();

    cr_assert_eq(queue(f, 1, pp), 1, "projects file:%s", dump(&f[0]));
    cr_assert_not(f[0].failed);
    cr_assert_eq(C.n_pending, 1);
    cr_expect_eq(C.pending[0].revision, 2, "new content: a new revision");
    decode_pending(0, &m);
    cr_expect_eq(m.report.revision, 2);
    cr_expect_eq(m.report.n_values, 14, "the values sent before come along");
    expect_value(&m.report, "revenue", 2032384.0, true, 11.4);
    expect_value(&m.report, "energy_intensity", 0.59, true, 0.8);
    expect_value(&m.report, "sewage_compliance", 99.44, false, 0);
    cr_assert_eq(m.report.n_projects, 1);
    cr_expect_str_eq(m.report.projects[0].code, "P2017005");
    msg_clear(&m);
    cr_expect_eq(
        sql_int("SELECT count(*) FROM source_reports WHERE source_id = %lld", (long long)f[0].source_id), 1);
    files_clear(f, 1);
}

/* --- 5. projects with nothing before --------------------------------------------- */

Test(collector, projects_before_values_fail) {
    char p[4400];
    queued_file_t f[1];
    sample("2017-06/410602.projects.csv", p, sizeof p);
    const char *pp[] = {p};

    cr_assert_eq(queue(f, 1, pp), 0);
    cr_assert(f[0].failed);
    cr_expect_not_null(find_diag(&f[0], 0, NULL, "projects arrived before", "values", NULL), "findings:%s",
                       dump(&f[0]));
    cr_expect_not_null(find_diag(&f[0], 0, NULL, "baoshan", "2017-06", NULL), "names the report:%s",
                       dump(&f[0]));
    expect_outbox_empty();
    files_clear(f, 1);
}

/* --- 6. the sample's bad file --------------------------------------------------- */

Test(collector, bad_file_lists_its_mistakes_and_sends_nothing) {
    char b[4400];
    queued_file_t f[1];
    const diag_t *d;
    sample("2017-06/410602.bad.csv", b, sizeof b);
    const char *pb[] = {b};

    cr_assert_eq(queue(f, 1, pb), 0);
    cr_assert(f[0].failed);
    d = find_diag(&f[0], 4, "amount", NULL);
    cr_assert_not_null(d, "line 4 amount (negative fai):%s", dump(&f[0]));
    cr_expect(strstr(d->message, "negative") || strstr(d->message, ">= 0") ||
                  strstr(d->message, "below zero"),
              "says the amount is negative: %s", d->message);
    cr_expect_str_eq(d->file, "410602.bad.csv");
    d = find_diag(&f[0], 16, "indicator", "gdp", NULL);
    cr_assert_not_null(d, "line 16 indicator gdp:%s", dump(&f[0]));
    cr_expect_str_eq(d->file, "410602.bad.csv");
    cr_expect_geq(f[0].diags.n_errors, 2);
    expect_outbox_empty();
    files_clear(f, 1);
}

/* --- 7. all or nothing across files ---------------------------------------------- */

/* The values file fails validation (a negative flow, the rows parse): its partner must
 * not be sent, and the partner's findings must say why. */
Test(collector, bad_values_hold_back_the_projects_file) {
    char v[512], p[4400];
    char *text = sample_text("2017-06/410602.csv");
    queued_file_t f[2];
    text = replace(text, "fai,604792.1", "fai,-604792.1");
    write_csv("x", "410602.csv", text, v, sizeof v);
    free(text);
    sample("2017-06/410602.projects.csv", p, sizeof p);
    const char *paths[] = {v, p};

    cr_assert_eq(queue(f, 2, paths), 0);
    cr_expect(f[0].failed, "values file");
    cr_expect(f[1].failed, "projects file");
    cr_expect_not_null(find_diag(&f[0], 4, "amount", NULL), "values file, line 4:%s", dump(&f[0]));
    cr_expect_not_null(find_diag(&f[1], 0, NULL, "not sent", NULL),
                       "the projects file says it was not sent because of the other file:%s", dump(&f[1]));
    expect_outbox_empty();
    files_clear(f, 2);
}

/* The same with the sample's bad file (it fails at parsing: an unknown indicator), after
 * the zone's values were already delivered once: the projects file must not go out
 * merged with the old values while the new values file is refused. */
Test(collector, unparsable_values_hold_back_the_projects_file) {
    char v[4400], b[4400], p[4400];
    queued_file_t f[2];
    sample("2017-06/410602.csv", v, sizeof v);
    sample("2017-06/410602.bad.csv", b, sizeof b);
    sample("2017-06/410602.projects.csv", p, sizeof p);
    const char *pv[] = {v}, *paths[] = {b, p};

    cr_assert_eq(queue(f, 1, pv), 1);
    files_clear(f, 1);
    deliver_all();

    cr_expect_eq(queue(f, 2, paths), 0, "nothing is sent");
    cr_expect(f[0].failed, "bad file");
    cr_expect(f[1].failed, "projects file built with the bad file is not sent:%s", dump(&f[1]));
    cr_expect_not_null(find_diag(&f[1], 0, NULL, "not sent", NULL), "projects file says why:%s", dump(&f[1]));
    cr_expect_eq(C.n_pending, 0);
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox WHERE settled = 0"), 0);
    cr_expect_eq(sql_int("SELECT revision FROM last_reports WHERE zone = 'baoshan' AND period = '2017-06'"),
                 1);
    files_clear(f, 2);
}

/* With nothing sent before, the projects file must not be told that it came before the
 * values: the values came with it, and were refused. */
Test(collector, unparsable_values_projects_file_told_why) {
    char b[4400], p[4400];
    queued_file_t f[2];
    sample("2017-06/410602.bad.csv", b, sizeof b);
    sample("2017-06/410602.projects.csv", p, sizeof p);
    const char *paths[] = {b, p};

    cr_assert_eq(queue(f, 2, paths), 0);
    cr_expect(f[0].failed);
    cr_expect(f[1].failed);
    cr_expect_not_null(find_diag(&f[1], 0, NULL, "not sent", NULL), "projects file:%s", dump(&f[1]));
    expect_outbox_empty();
    files_clear(f, 2);
}

/* --- 8. a zone of another county ------------------------------------------------- */

Test(collector, wrong_county_names_the_owner) {
    char j[4400];
    queued_file_t f[1];
    const diag_t *d;
    sample("2017-06/410671.csv", j, sizeof j);
    const char *pj[] = {j};

    cr_assert_eq(queue(f, 1, pj), 0);
    cr_assert(f[0].failed);
    d = find_diag(&f[0], 0, "zone", "jinshan", "410671", NULL);
    cr_assert_not_null(d, "names the zone and its county:%s", dump(&f[0]));
    cr_expect(strstr(d->message, "鹤壁经济技术开发区管委会") != NULL, "owner's name: %s", d->message);
    cr_expect(strstr(d->message, "410602") != NULL, "the sending county: %s", d->message);
    cr_expect_str_eq(d->file, "410671.csv");
    cr_expect_eq(d->line, 2);
    expect_outbox_empty();
    files_clear(f, 1);
}

/* --- 9. GB18030 with Chinese headers and names ------------------------------------ */

Test(collector, gb18030_file_two_zones) {
    char g[4400];
    queued_file_t f[1];
    msg_t m;
    set_county("410621");
    sample("2017-03/410621.csv", g, sizeof g);
    const char *pg[] = {g};

    cr_assert_eq(queue(f, 1, pg), 2, "xunxian and liyang:%s", dump(&f[0]));
    cr_assert_not(f[0].failed);
    cr_expect_eq(f[0].n_reports, 2);
    cr_assert_eq(C.n_pending, 2);
    cr_expect_str_eq(C.pending[0].zone, "xunxian");
    cr_expect_str_eq(C.pending[1].zone, "liyang");
    for (size_t i = 0; i < 2; i++) {
        cr_expect_str_eq(C.pending[i].period, "2017-03");
        cr_expect_eq(C.pending[i].revision, 1);
        decode_pending(i, &m);
        cr_expect_eq(m.report.n_values, 14, "%s", m.report.zone);
        for (size_t k = 0; k < m.report.n_values; k++)
            cr_expect_not_null(master_indicator(C.master, m.report.values[k].indicator));
        if (i == 0) {
            expect_value(&m.report, "revenue", 533050.1, true, 10.4); /* 主营业务收入 */
            expect_value(&m.report, "employees", 8229, true, 7.5);    /* 从业人员 */
        }
        msg_clear(&m);
    }
    cr_expect_eq(
        sql_int("SELECT count(*) FROM source_reports WHERE source_id = %lld", (long long)f[0].source_id), 2);
    files_clear(f, 1);
}

/* --- 10. the outbox from queued to filed ----------------------------------------- */

Test(collector, outbox_lifecycle_accepted_and_rejected) {
    char v[4400], v5[4400], name[512], path[2048], *lines = NULL;
    queued_file_t f[1];
    int64_t *ids = NULL, src6, src5;
    size_t n = 0;
    int stored = -1, refused = -1;
    ack_t a;
    sample("2017-06/410602.csv", v, sizeof v);
    sample("2017-05/410602.csv", v5, sizeof v5);
    const char *p6[] = {v}, *p5[] = {v5};

    cr_assert_eq(queue(f, 1, p6), 1);
    src6 = f[0].source_id;
    files_clear(f, 1);
    cr_assert_eq(outbox_sources_complete(C.outbox, &ids, &n), 0);
    cr_expect_eq(n, 0, "nothing acked yet: no source is complete");
    free(ids);
    cr_expect_eq(outbox_count_pending(C.outbox), 1);

    make_ack(&a, &C.pending[0], ACK_ACCEPTED, 1);
    cr_assert_eq(outbox_settle(C.outbox, C.pending[0].id, &a), 0);
    cr_expect_eq(outbox_count_pending(C.outbox), 0);
    cr_assert_eq(outbox_sources_complete(C.outbox, &ids, &n), 0);
    cr_assert_eq(n, 1);
    cr_expect_eq(ids[0], src6);
    free(ids);
    cr_assert_eq(outbox_source_receipt(C.outbox, src6, name, sizeof name, path, sizeof path, &lines, &stored,
                                       &refused),
                 0);
    cr_expect_str_eq(name, "410602.csv");
    cr_expect_str_eq(path, v);
    cr_assert_not_null(lines);
    cr_expect(strstr(lines, "ACCEPTED") != NULL, "receipt: %s", lines);
    cr_expect(strstr(lines, "baoshan 2017-06") != NULL, "receipt: %s", lines);
    cr_expect(strstr(lines, "revision 1") != NULL, "receipt: %s", lines);
    cr_expect_eq(refused, 0);
    cr_expect_eq(stored, 1);
    free(lines);
    lines = NULL;
    free_pending();

    cr_assert_eq(outbox_source_set_state(C.outbox, src6, "done"), 0);
    cr_assert_eq(outbox_source_forget(C.outbox, src6), 0);
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox WHERE settled = 1 AND status = 'ACCEPTED'"), 1,
                 "a stored report is kept, unlinked, for the reconcile");
    cr_expect_eq(sql_int("SELECT count(*) FROM source_reports"), 0);
    cr_expect_eq(sql_int("SELECT count(*) FROM sources WHERE id = %lld AND state = 'done'", (long long)src6),
                 1);
    cr_assert_eq(outbox_purge_settled(C.outbox, INT64_MAX), 0);
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox"), 0, "and deleted once older than the retention");

    /* refused by the aggregator */
    cr_assert_eq(queue(f, 1, p5), 1, "%s", dump(&f[0]));
    src5 = f[0].source_id;
    files_clear(f, 1);
    make_ack(&a, &C.pending[0], ACK_REJECTED, 0);
    diag_add(&a.issues, DIAG_ERROR, NULL, 3, "amount", "va: year-to-date amount below the previous month's");
    cr_assert_eq(outbox_settle(C.outbox, C.pending[0].id, &a), 0);
    diag_clear(&a.issues);
    cr_assert_eq(outbox_sources_complete(C.outbox, &ids, &n), 0);
    cr_assert_eq(n, 1);
    cr_expect_eq(ids[0], src5);
    free(ids);
    cr_assert_eq(outbox_source_receipt(C.outbox, src5, name, sizeof name, path, sizeof path, &lines, &stored,
                                       &refused),
                 0);
    cr_assert_not_null(lines);
    cr_expect_eq(refused, 1, "REJECTED means refused");
    cr_expect_eq(stored, 0, "nothing of it stored");
    cr_expect(strstr(lines, "REJECTED") != NULL, "receipt: %s", lines);
    cr_expect(strstr(lines, "baoshan 2017-05") != NULL, "receipt: %s", lines);
    cr_expect(strstr(lines, "3: amount: va: year-to-date amount below the previous month's") != NULL,
              "the issue with its line and field: %s", lines);
    free(lines);
    cr_assert_eq(outbox_source_set_state(C.outbox, src5, "rejected"), 0);
    cr_assert_eq(outbox_source_forget(C.outbox, src5), 0);
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox"), 0, "a refused report is not kept");
    cr_expect_eq(sql_int("SELECT count(*) FROM source_reports"), 0);
}

/* A report built from two files: filing the first must keep the row the second's receipt
 * still needs; filing both removes it. */
Test(collector, outbox_shared_report_kept_until_both_files_filed) {
    char v[4400], p[4400], name[512], path[2048], *lines = NULL;
    queued_file_t f[2];
    int64_t *ids = NULL;
    size_t n = 0;
    int stored = -1, refused = -1;
    ack_t a;
    sample("2017-06/410602.csv", v, sizeof v);
    sample("2017-06/410602.projects.csv", p, sizeof p);
    const char *paths[] = {v, p};

    cr_assert_eq(queue(f, 2, paths), 1);
    make_ack(&a, &C.pending[0], ACK_ACCEPTED, 1);
    cr_assert_eq(outbox_settle(C.outbox, C.pending[0].id, &a), 0);
    cr_assert_eq(outbox_sources_complete(C.outbox, &ids, &n), 0);
    cr_expect_eq(n, 2, "both files complete");
    free(ids);

    cr_assert_eq(outbox_source_set_state(C.outbox, f[0].source_id, "done"), 0);
    cr_assert_eq(outbox_source_forget(C.outbox, f[0].source_id), 0);
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox"), 1,
                 "the projects file's receipt still needs the row");
    cr_assert_eq(outbox_source_receipt(C.outbox, f[1].source_id, name, sizeof name, path, sizeof path, &lines,
                                       &stored, &refused),
                 0);
    cr_expect_str_eq(name, "410602.projects.csv");
    cr_expect(lines && strstr(lines, "ACCEPTED") && strstr(lines, "baoshan 2017-06 revision 1"),
              "receipt: %s", lines);
    cr_expect_eq(refused, 0);
    cr_expect_eq(stored, 1);
    free(lines);
    cr_assert_eq(outbox_source_set_state(C.outbox, f[1].source_id, "done"), 0);
    cr_assert_eq(outbox_source_forget(C.outbox, f[1].source_id), 0);
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox"), 1, "the stored report is kept for the reconcile");
    cr_expect_eq(sql_int("SELECT count(*) FROM source_reports"), 0);
    cr_assert_eq(outbox_purge_settled(C.outbox, INT64_MAX), 0);
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox"), 0);
    files_clear(f, 2);
}

/* --- 11. the store is ahead ------------------------------------------------------ */

Test(collector, raised_revision_numbers_above_the_store) {
    char v[4400];
    queued_file_t f[1];
    msg_t m;
    sample("2017-06/410602.csv", v, sizeof v);
    const char *pv[] = {v};

    cr_assert_eq(queue(f, 1, pv), 1);
    files_clear(f, 1);
    deliver_all();

    cr_assert_eq(outbox_raise_revision(C.outbox, "baoshan", "2017-06", 5), 0);
    cr_expect_eq(sql_int("SELECT revision FROM last_reports WHERE zone = 'baoshan' AND period = '2017-06'"),
                 5);
    cr_assert_eq(queue(f, 1, pv), 1, "%s", dump(&f[0]));
    files_clear(f, 1);
    cr_assert_eq(C.n_pending, 1);
    cr_expect_eq(C.pending[0].revision, 6, "identical content, but the store's content is unknown: 6");
    decode_pending(0, &m);
    cr_expect_eq(m.report.revision, 6);
    msg_clear(&m);
    deliver_all();

    /* a lower number from an old ack neither lowers the revision nor forgets the content */
    cr_assert_eq(outbox_raise_revision(C.outbox, "baoshan", "2017-06", 3), 0);
    cr_expect_eq(sql_int("SELECT revision FROM last_reports WHERE zone = 'baoshan' AND period = '2017-06'"),
                 6);
    cr_assert_eq(queue(f, 1, pv), 1);
    files_clear(f, 1);
    cr_assert_eq(C.n_pending, 1);
    cr_expect_eq(C.pending[0].revision, 6, "same content as revision 6: resend it");
}

/* Raising a key never seen creates it. */
Test(collector, raised_revision_for_an_unknown_key) {
    char v[4400];
    queued_file_t f[1];
    sample("2017-06/410602.csv", v, sizeof v);
    const char *pv[] = {v};
    cr_assert_eq(outbox_raise_revision(C.outbox, "baoshan", "2017-06", 2), 0);
    cr_assert_eq(queue(f, 1, pv), 1, "%s", dump(&f[0]));
    files_clear(f, 1);
    cr_assert_eq(C.n_pending, 1);
    cr_expect_eq(C.pending[0].revision, 3);
}

/* --- 12. header only ------------------------------------------------------------- */

Test(collector, header_only_file_fails) {
    char h[512];
    queued_file_t f[1];
    write_csv("x", "410602.csv", "zone,period,indicator,amount,growth_pct\r\n", h, sizeof h);
    const char *ph[] = {h};

    cr_assert_eq(queue(f, 1, ph), 0);
    cr_assert(f[0].failed);
    cr_expect_not_null(find_diag(&f[0], 0, NULL, "no data rows", NULL), "%s", dump(&f[0]));
    cr_expect_str_eq(f[0].diags.items[0].file, "410602.csv");
    expect_outbox_empty();
    files_clear(f, 1);
}

/* --- 13. restart safety ---------------------------------------------------------- */

Test(collector, file_still_sending_is_skipped) {
    char v[4400];
    queued_file_t f[1];
    int64_t first_source;
    sample("2017-06/410602.csv", v, sizeof v);
    const char *pv[] = {v};

    cr_assert_eq(queue(f, 1, pv), 1);
    first_source = f[0].source_id;
    files_clear(f, 1);
    cr_assert_eq(queue(f, 1, pv), 0, "nothing new queued");
    cr_expect(f[0].skipped, "the file is already being sent");
    cr_expect_not(f[0].failed, "and that is not an error:%s", dump(&f[0]));
    cr_expect_eq(f[0].source_id, first_source, "it keeps its source");
    cr_expect_eq(f[0].diags.n_errors, 0);
    cr_expect_eq(C.n_pending, 1);
    cr_expect_eq(sql_int("SELECT count(*) FROM outbox"), 1, "no new outbox row");
    cr_expect_eq(sql_int("SELECT count(*) FROM sources"), 1, "no new source");
    files_clear(f, 1);
}

/* A file of the same name but new content while the first is sending is a correction. */
Test(collector, same_name_new_content_while_sending_is_queued) {
    char v[4400], v2[512];
    char *text = sample_text("2017-06/410602.csv");
    queued_file_t f[1];
    msg_t m;
    sample("2017-06/410602.csv", v, sizeof v);
    text = replace(text, "revenue,2032384.0", "revenue,2032999.0");
    write_csv("x", "410602.csv", text, v2, sizeof v2);
    free(text);
    const char *pv[] = {v}, *pv2[] = {v2};

    cr_assert_eq(queue(f, 1, pv), 1);
    files_clear(f, 1);
    cr_assert_eq(queue(f, 1, pv2), 1, "%s", dump(&f[0]));
    cr_expect_not(f[0].skipped);
    files_clear(f, 1);
    cr_assert_eq(C.n_pending, 2);
    cr_expect_eq(C.pending[1].revision, 2);
    decode_pending(1, &m);
    expect_value(&m.report, "revenue", 2032999.0, true, 11.4);
    msg_clear(&m);
}

/* --- 14. the desk officer's errors file ------------------------------------------ */

Test(collector, errors_file_lists_each_finding) {
    char b[4400], path[1100], *text;
    queued_file_t f[1];
    FILE *fp;
    long size;
    sample("2017-06/410602.bad.csv", b, sizeof b);
    const char *pb[] = {b};

    cr_assert_eq(queue(f, 1, pb), 0);
    cr_assert(f[0].failed);
    cr_assert_geq(f[0].diags.n, 2);
    diag_sort(&f[0].diags);
    cr_assert_eq(collector_file_write_errors(C.cfg.rejected, "410602.bad.csv", &f[0].diags,
                                              "See the county template.\n"),
                 0);
    cr_assert_lt((size_t)snprintf(path, sizeof path, "%s/410602.bad.csv.errors.txt", C.cfg.rejected),
                 sizeof path);
    fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s was not written", path);
    fseek(fp, 0, SEEK_END);
    size = ftell(fp);
    rewind(fp);
    text = calloc(1, (size_t)size + 1);
    cr_assert_not_null(text);
    cr_assert_eq(fread(text, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);

    cr_expect(strstr(text, "410602.bad.csv was not accepted") != NULL, "%s", text);
    for (size_t i = 0; i < f[0].diags.n; i++) {
        const diag_t *d = &f[0].diags.items[i];
        char want[1200];
        snprintf(want, sizeof want, "%s:%u: %s: %s%s\n", d->file, d->line, d->field,
                 d->severity == DIAG_WARNING ? "warning: " : "", d->message);
        cr_expect(strstr(text, want) != NULL, "missing line \"%s\" in:\n%s", want, text);
    }
    cr_expect(strstr(text, "410602.bad.csv:4: amount: ") != NULL, "%s", text);
    cr_expect(strstr(text, "410602.bad.csv:16: indicator: ") != NULL, "%s", text);
    cr_expect(strstr(text, "See the county template.\n") != NULL, "extra text: %s", text);
    /* sorted by line: line 4 before line 16 */
    cr_expect(strstr(text, ":4: amount") < strstr(text, ":16: indicator"), "%s", text);
    free(text);
    files_clear(f, 1);
}

/* --- diagnostics of a merged report name the file that holds the line ----------- */

Test(collector, merged_report_findings_name_their_file) {
    char v[4400], p[512];
    queued_file_t f[2];
    write_csv("x", "410602.projects.csv",
              "zone,period,project,name,total_investment,ytd_investment,status\n"
              "baoshan,2017-06,P2017005,Heat plant,420000,500000,under_construction\n",
              p, sizeof p);
    sample("2017-06/410602.csv", v, sizeof v);
    const char *paths[] = {v, p};

    cr_assert_eq(queue(f, 2, paths), 1, "a warning does not stop the report");
    cr_expect_not(f[1].failed);
    {
        const diag_t *d = NULL;
        for (size_t i = 0; i < f[1].diags.n; i++)
            if (f[1].diags.items[i].severity == DIAG_WARNING &&
                !strcmp(f[1].diags.items[i].field, "ytd_investment"))
                d = &f[1].diags.items[i];
        cr_assert_not_null(d, "projects file warns that YTD exceeds the total:%s", dump(&f[1]));
        cr_expect_eq(d->line, 2);
        cr_expect_str_eq(d->file, "410602.projects.csv", "the warning names the projects file, not %s",
                         d->file);
    }
    for (size_t i = 0; i < f[0].diags.n; i++)
        cr_expect(strcmp(f[0].diags.items[i].field, "ytd_investment") != 0,
                  "the values file is given the projects file's finding:%s", dump(&f[0]));
    files_clear(f, 2);
}

/* A projects file with a mistake lists that mistake, and nothing about indicator values
 * a projects file never carries. */
Test(collector, projects_file_with_a_mistake_lists_only_its_own) {
    char p[512];
    queued_file_t f[1];
    write_csv("x", "410602.projects.csv",
              "zone,period,project,name,total_investment,ytd_investment,status\n"
              "baoshan,2017-06,P2017005,Heat plant,420000,160000,under_construction\n"
              "baoshan,2017-06,P2017006,Slag line,abc,1000,planned\n",
              p, sizeof p);
    const char *pp[] = {p};

    cr_assert_eq(queue(f, 1, pp), 0);
    cr_assert(f[0].failed);
    cr_expect_not_null(find_diag(&f[0], 3, "total_investment", NULL), "line 3 total_investment:%s",
                       dump(&f[0]));
    cr_expect_null(find_diag(&f[0], 0, NULL, "no indicator values", NULL),
                   "a projects file is not told it lacks indicator values:%s", dump(&f[0]));
    expect_outbox_empty();
    files_clear(f, 1);
}

/* --- a collector killed between parking a file and recording where --------------- */

/* A path in done/ (static buffer). */
static const char *P_done(const char *name) {
    static char buf[4400];
    snprintf(buf, sizeof buf, "%s/%s", C.cfg.done, name);
    return buf;
}

/* The file was moved into inbox/.sending/ but the outbox still names its inbox path: on
 * delivery it must still be filed into done/ beside its receipt, not left in .sending/. */
Test(collector, parked_file_is_filed_even_if_its_new_path_was_not_recorded) {
    char v[4400], in_inbox[4400], parked[4400];
    queued_file_t f[1];
    sample("2017-06/410602.csv", v, sizeof v);
    snprintf(in_inbox, sizeof in_inbox, "%s/410602.csv", C.cfg.inbox);
    cr_assert_eq(rename(v, in_inbox), 0);
    const char *paths[] = {in_inbox};

    C.submit_mode = false; /* the daemon: sources are filed into done/ */
    cr_assert_eq(queue(f, 1, paths), 1);
    cr_assert_not(f[0].failed, "%s", dump(&f[0]));
    /* what park() does, up to the crash: the rename happened, the outbox update did not */
    snprintf(parked, sizeof parked, "%s/.sending", C.cfg.inbox);
    cr_assert_eq(util_mkdir_p(parked), 0);
    snprintf(parked, sizeof parked, "%s/.sending/%lld.410602.csv", C.cfg.inbox, (long long)f[0].source_id);
    cr_assert_eq(rename(in_inbox, parked), 0);

    deliver_all();
    cr_assert(access(parked, F_OK) != 0, "the file is not left behind in .sending/");
    cr_assert_eq(access(P_done("410602.csv"), F_OK), 0, "the file is filed in done/");
    cr_assert_eq(access(P_done("410602.csv.receipt.txt"), F_OK), 0, "its receipt beside it");
    files_clear(f, 1);
}

/* --- issue 11 item 2: two files for one report, one of them invalid --------------- */

/* An invalid file (va twice) and a valid one without va, dropped together for the same
 * zone and month: the invalid file is refused with its own error (not hidden behind the
 * other file's values), and nothing of the report is sent. */
Test(collector, invalid_file_is_not_hidden_by_a_valid_partner) {
    char a[512], b[512];
    char *text = sample_text("2017-06/410602.csv");
    char *twice = strdup(text), *without;
    queued_file_t f[2];
    cr_assert_not_null(twice);
    twice = replace(twice, "baoshan,2017-06,fai,", "baoshan,2017-06,va,460394.0,11.9\nbaoshan,2017-06,fai,");
    without = replace(text, "baoshan,2017-06,va,460394.0,11.9\n", "");
    write_csv("x", "410602.a.csv", twice, a, sizeof a);
    write_csv("x", "410602.b.csv", without, b, sizeof b);
    free(twice);
    free(without);
    const char *paths[] = {a, b};

    cr_assert_eq(queue(f, 2, paths), 0, "nothing is queued");
    cr_expect(f[0].failed, "the file with va twice is refused");
    cr_expect_not_null(find_diag(&f[0], 0, NULL, "va", "twice", NULL), "its own error:%s", dump(&f[0]));
    cr_expect(f[1].failed, "the partner of a failed file is held back");
    cr_expect_not_null(find_diag(&f[1], 0, NULL, "not sent", NULL), "and says why:%s", dump(&f[1]));
    expect_outbox_empty();
    files_clear(f, 2);
}

/* A later file for a (zone, period) that carries only some indicators corrects those and
 * keeps the others of the last report sent: a correction never drops an indicator that
 * it does not mention. */
Test(collector, partial_correction_keeps_the_other_indicators) {
    char v[4400], c2[512];
    queued_file_t f[1];
    msg_t m;
    sample("2017-06/410602.csv", v, sizeof v);
    write_csv("x", "410602.fix.csv",
              "zone,period,indicator,amount,growth_pct\nbaoshan,2017-06,revenue,2032999.0,11.5\n", c2,
              sizeof c2);
    const char *p1[] = {v}, *p2[] = {c2};

    cr_assert_eq(queue(f, 1, p1), 1, "%s", dump(&f[0]));
    files_clear(f, 1);
    deliver_all();
    cr_assert_eq(queue(f, 1, p2), 1, "%s", dump(&f[0]));
    cr_assert_not(f[0].failed);
    cr_expect_not_null(find_diag(&f[0], 0, NULL, "13", "kept", NULL), "the file is told what was kept:%s",
                       dump(&f[0]));
    files_clear(f, 1);
    cr_assert_eq(C.n_pending, 1);
    decode_pending(0, &m);
    cr_expect_eq(m.report.revision, 2);
    cr_expect_eq(m.report.n_values, 14, "the 13 indicators the file does not carry are kept");
    expect_value(&m.report, "revenue", 2032999.0, true, 11.5);
    expect_value(&m.report, "va", 460394.0, true, 11.9);
    msg_clear(&m);
}

/* --- issue 11 item 6: a file counts as filed only with its receipt ----------------- */

/* Settles every pending report ACCEPTED (as on_ack does) without filing. */
static void settle_all(ack_status_t st) {
    for (size_t i = 0; i < C.n_pending; i++) {
        ack_t a;
        make_ack(&a, &C.pending[i], st, st == ACK_ACCEPTED ? C.pending[i].revision : 0);
        cr_assert_eq(outbox_settle(C.outbox, C.pending[i].id, &a), 0);
    }
    free_pending();
}

/* Queues the sample 410602.csv from the inbox, as the daemon does (files move). */
static int64_t queue_in_inbox(void) {
    char v[4400], in_inbox[4400];
    queued_file_t f[1];
    int64_t id;
    sample("2017-06/410602.csv", v, sizeof v);
    snprintf(in_inbox, sizeof in_inbox, "%s/410602.csv", C.cfg.inbox);
    cr_assert_eq(rename(v, in_inbox), 0);
    const char *paths[] = {in_inbox};
    C.submit_mode = false;
    cr_assert_eq(queue(f, 1, paths), 1, "%s", dump(&f[0]));
    id = f[0].source_id;
    files_clear(f, 1);
    return id;
}

/* done/ cannot take the receipt (here: done is a plain file — root-proof, unlike a
 * mode): the source stays 'sending' and the file in the inbox; once done/ works, the
 * next filing pass files it with its receipt. */
Test(collector, file_not_marked_done_until_its_receipt_exists) {
    int64_t id = queue_in_inbox();
    char in_inbox[4400];
    snprintf(in_inbox, sizeof in_inbox, "%s/410602.csv", C.cfg.inbox);
    settle_all(ACK_ACCEPTED);
    cr_assert_eq(rmdir(C.cfg.done), 0);
    cr_assert_eq(util_write_atomic(C.cfg.done, "x", 1), 0, "done/ replaced by a plain file");

    collector_file_complete(&C);
    cr_expect_eq(sql_int("SELECT count(*) FROM sources WHERE id = %lld AND state = 'sending'", (long long)id),
                 1, "without its receipt the file is not filed");
    cr_expect_eq(access(in_inbox, F_OK), 0, "the file is still where it was");

    cr_assert_eq(unlink(C.cfg.done), 0);
    cr_assert_eq(util_mkdir_p(C.cfg.done), 0);
    collector_file_complete(&C);
    cr_expect_eq(sql_int("SELECT count(*) FROM sources WHERE id = %lld AND state = 'done'", (long long)id), 1,
                 "the retry files it");
    cr_expect_eq(access(P_done("410602.csv"), F_OK), 0, "the file in done/");
    cr_expect_eq(access(P_done("410602.csv.receipt.txt"), F_OK), 0, "beside its receipt");
    cr_expect_neq(access(in_inbox, F_OK), 0, "and no longer in the inbox");
}

/* done/ on another filesystem (/dev/shm is a tmpfs): the file is copied there, not left
 * in the inbox while the log says "delivered". */
Test(collector, done_on_another_filesystem_gets_the_file) {
    char shm[64] = "/dev/shm/yb_done_XXXXXX", in_inbox[4400];
    struct stat a, b;
    int64_t id;
    cr_assert_not_null(mkdtemp(shm));
    cr_assert_eq(stat(shm, &a), 0);
    cr_assert_eq(stat(tmpdir, &b), 0);
    if (a.st_dev == b.st_dev) {
        rmdir(shm);
        cr_skip_test("/dev/shm is on the same filesystem as %s", tmpdir);
    }
    snprintf(C.cfg.done, sizeof C.cfg.done, "%s", shm);
    id = queue_in_inbox();
    snprintf(in_inbox, sizeof in_inbox, "%s/410602.csv", C.cfg.inbox);
    settle_all(ACK_ACCEPTED);
    collector_file_complete(&C);
    cr_expect_eq(sql_int("SELECT count(*) FROM sources WHERE id = %lld AND state = 'done'", (long long)id),
                 1);
    cr_expect_eq(access(P_done("410602.csv"), F_OK), 0, "the file in done/");
    cr_expect_eq(access(P_done("410602.csv.receipt.txt"), F_OK), 0, "beside its receipt");
    cr_expect_neq(access(in_inbox, F_OK), 0, "not left in the inbox");
    unlink(P_done("410602.csv"));
    unlink(P_done("410602.csv.receipt.txt"));
    rmdir(shm);
}

/* --- the confirmed content: what a refusal goes back to ------------------------------ */

/* Settles pending report i with an ack as on_ack does (settle, raise, settle_last). */
static void ack_one(size_t i, ack_status_t st, uint32_t store_rev) {
    ack_t a;
    make_ack(&a, &C.pending[i], st, store_rev);
    cr_assert_eq(outbox_begin(C.outbox), 0);
    cr_assert_eq(outbox_settle(C.outbox, C.pending[i].id, &a), 0);
    cr_assert_eq(outbox_raise_revision(C.outbox, a.zone, a.period, a.store_revision), 0);
    cr_assert_eq(outbox_settle_last(C.outbox, &C.pending[i], &a), 0);
    cr_assert_eq(outbox_commit(C.outbox), 0);
}

/* Queues one file of text under a fresh name; expects one report. */
static void queue_text(const char *name, const char *text) {
    char path[512];
    queued_file_t f[1];
    write_csv(name, "410602.csv", text, path, sizeof path);
    const char *paths[] = {path};
    cr_assert_eq(queue(f, 1, paths), 1, "%s", dump(&f[0]));
    files_clear(f, 1);
}

static const char fix_revenue[] =
    "zone,period,indicator,amount,growth_pct\nbaoshan,2017-06,revenue,2032999.0,11.5\n";

/* A DUPLICATE of revision 2 while the store holds revision 3 (sent by another outbox)
 * does not make revision 2 the confirmed content: a later refusal must not bring back
 * revision 2's figures, and a partial correction must not be merged onto them over the
 * store's revision 3. */
Test(collector, duplicate_of_an_older_revision_is_not_confirmed) {
    char v[4400];
    queued_file_t f[1];
    msg_t m;
    sample("2017-06/410602.csv", v, sizeof v);
    const char *p1[] = {v};
    cr_assert_eq(queue(f, 1, p1), 1, "%s", dump(&f[0]));
    files_clear(f, 1);
    ack_one(0, ACK_ACCEPTED, 1);
    free_pending();
    queue_text("r2", "zone,period,indicator,amount,growth_pct\nbaoshan,2017-06,va,460111.0,11.8\n");
    cr_assert_eq(C.pending[0].revision, 2);
    ack_one(0, ACK_DUPLICATE, 3); /* the store holds revision 3, content unknown here */
    free_pending();
    queue_text("r4", fix_revenue);
    cr_assert_eq(C.pending[0].revision, 4);
    ack_one(0, ACK_REJECTED, 3);
    free_pending();
    queue_text("r5", "zone,period,indicator,amount,growth_pct\nbaoshan,2017-06,revenue,2033000.0,11.5\n");
    decode_pending(0, &m);
    cr_expect_eq(m.report.revision, 5);
    cr_expect_null(report_find(&m.report, "va"),
                   "revision 2's va (460111) is not merged in: the store holds revision 3, not revision 2");
    msg_clear(&m);
}

/* An outbox from before the confirmed content (its settled rows were deleted once
 * acked): at open, its last reports count as confirmed — what the old code built on —
 * so after a refusal the next partial correction still keeps the other indicators (and
 * says so) instead of replacing the whole stored report by the few it carries. */
Test(collector, upgraded_outbox_refusal_keeps_the_base) {
    char v[4400], c2[512];
    queued_file_t f[1];
    msg_t m;
    sample("2017-06/410602.csv", v, sizeof v);
    const char *p1[] = {v};
    cr_assert_eq(queue(f, 1, p1), 1, "%s", dump(&f[0]));
    files_clear(f, 1);
    ack_one(0, ACK_ACCEPTED, 1);
    free_pending();
    {
        sqlite3 *db = NULL;
        char err[256] = "";
        outbox_close(&C.outbox);
        cr_assert_eq(sqlite3_open(outbox_path, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db,
                                  "ALTER TABLE last_reports DROP COLUMN confirmed_content; "
                                  "ALTER TABLE last_reports DROP COLUMN confirmed_report; "
                                  "DELETE FROM outbox; PRAGMA user_version = 1",
                                  NULL, NULL, NULL),
                     SQLITE_OK, "made like an outbox of the old code: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        C.outbox = outbox_open(outbox_path, err, sizeof err);
        cr_assert_not_null(C.outbox, "the upgrade at open: %s", err);
    }
    queue_text("r2", fix_revenue);
    ack_one(0, ACK_REJECTED, 1);
    free_pending();
    write_csv("r3", "410602.csv",
              "zone,period,indicator,amount,growth_pct\nbaoshan,2017-06,revenue,2033000.0,11.5\n", c2,
              sizeof c2);
    const char *p3[] = {c2};
    cr_assert_eq(queue(f, 1, p3), 1, "%s", dump(&f[0]));
    cr_expect_not_null(find_diag(&f[0], 0, NULL, "13", "kept", NULL), "the file is told what was kept:%s",
                       dump(&f[0]));
    files_clear(f, 1);
    decode_pending(0, &m);
    cr_expect_eq(m.report.revision, 3);
    cr_expect_eq(m.report.n_values, 14, "the 13 indicators the file does not carry are kept");
    expect_value(&m.report, "va", 460394.0, true, 11.9);
    msg_clear(&m);
}

/* A refused correction goes back to the content the store confirmed: the next partial
 * correction keeps revision 1's figures, not the refused ones, and not none. */
Test(collector, refusal_goes_back_to_the_confirmed_content) {
    char v[4400];
    queued_file_t f[1];
    msg_t m;
    sample("2017-06/410602.csv", v, sizeof v);
    const char *p1[] = {v};
    cr_assert_eq(queue(f, 1, p1), 1, "%s", dump(&f[0]));
    files_clear(f, 1);
    ack_one(0, ACK_ACCEPTED, 1);
    free_pending();
    queue_text("r2", "zone,period,indicator,amount,growth_pct\nbaoshan,2017-06,va,460111.0,11.8\n");
    ack_one(0, ACK_REJECTED, 1);
    free_pending();
    queue_text("r3", fix_revenue);
    decode_pending(0, &m);
    cr_expect_eq(m.report.revision, 3);
    cr_expect_eq(m.report.n_values, 14, "revision 1's other indicators are kept");
    expect_value(&m.report, "va", 460394.0, true, 11.9);
    msg_clear(&m);
}

/* --- resends: the "without an ack" warning after a RETRY ----------------------------- */

#include <zmq.h>

/* A report once answered RETRY whose resend then times out without any answer (the
 * connection went stale) counts as unanswered again: its "attempt N without an ack"
 * warning is no longer silenced by that old RETRY. */
Test(collector, resend_timing_out_after_a_retry_counts_as_unanswered) {
    void *ctx = zmq_ctx_new(), *dealer;
    pending_t p;
    cr_assert_not_null(ctx);
    dealer = zmq_socket(ctx, ZMQ_DEALER); /* connected to nothing: sends fail, as when cut off */
    cr_assert_not_null(dealer);
    memset(&p, 0, sizeof p);
    snprintf(p.zone, sizeof p.zone, "baoshan");
    snprintf(p.period, sizeof p.period, "2017-06");
    p.revision = 1;
    p.payload = malloc(1);
    p.payload_len = 1;
    cr_assert_eq(collector_pending_add(&C, &p), 0);
    C.pending[0].retry_answers = 1; /* the central office once said RETRY */
    C.pending[0].attempts = 3;
    C.pending[0].in_flight = true; /* resent after the wait, and no answer came */
    C.pending[0].due_mono_ms = 0;
    C.dealer = dealer;
    collector_send_pump(&C);
    C.dealer = NULL;
    cr_expect_eq(C.pending[0].retry_answers, 0, "the timed-out resend is not covered by the old RETRY");
    zmq_close(dealer);
    zmq_ctx_term(ctx);
}

/* Counts the lines of path that contain needle. */
static int lines_with(const char *path, const char *needle) {
    char line[2048];
    int n = 0;
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strstr(line, needle)) n++;
    fclose(f);
    return n;
}

/* A RETRY answer that comes later than the resend's ack wait (a slow central office:
 * valgrind, a loaded host) is still the same condition: the desk hears it once per
 * report, not again after every late answer. */
Test(collector, late_retry_after_a_timed_out_resend_is_not_said_again) {
    void *ctx = zmq_ctx_new(), *dealer;
    char log_path[] = "/tmp/yb-retry-log-XXXXXX";
    int fd = mkstemp(log_path), saved = dup(2);
    pending_t p;
    msg_t ack;
    cr_assert(fd >= 0 && saved >= 0);
    cr_assert_not_null(ctx);
    dealer = zmq_socket(ctx, ZMQ_DEALER); /* connected to nothing: sends fail */
    cr_assert_not_null(dealer);
    memset(&p, 0, sizeof p);
    snprintf(p.zone, sizeof p.zone, "baoshan");
    snprintf(p.period, sizeof p.period, "2017-06");
    p.revision = 1;
    memset(p.msg_id, 7, MSG_ID_LEN);
    p.payload = malloc(1);
    p.payload_len = 1;
    cr_assert_eq(collector_pending_add(&C, &p), 0);
    memset(&ack, 0, sizeof ack);
    ack.kind = MSG_ACK;
    ack.has_reply_to = true;
    memset(ack.in_reply_to, 7, MSG_ID_LEN);
    ack.ack.status = ACK_RETRY;

    fflush(stderr);
    dup2(fd, 2);
    C.pending[0].in_flight = true;
    C.pending[0].attempts = 1;
    collector_send_on_ack(&C, &ack); /* the first RETRY: said */
    C.pending[0].in_flight = true;   /* resent after the wait ... */
    C.pending[0].attempts = 2;
    C.pending[0].due_mono_ms = 0; /* ... and its ack wait ran out */
    C.dealer = dealer;
    collector_send_pump(&C);
    C.dealer = NULL;
    collector_send_on_ack(&C, &ack); /* then the late RETRY arrives */
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);

    cr_expect_eq(lines_with(log_path, "cannot take baoshan 2017-06"), 1, "said once per report");
    cr_expect_eq(C.pending[0].in_flight, false, "waits for the next try");
    unlink(log_path);
    zmq_close(dealer);
    zmq_ctx_term(ctx);
}
