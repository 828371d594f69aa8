/* collector_queue.c - a batch of county files into numbered reports in the outbox.
 *
 * A county may send one report in several files (values, key projects), and corrects
 * a report by sending the file again. So reports are built per (zone, period) over the
 * last report this collector sent for that key: a file's values replace those of the
 * same indicators and leave the others as they were (a correction file that carries only
 * the indicators it fixes never drops the rest; the file is told, in a warning that its
 * receipt repeats, which indicators were kept), while projects, enterprises and texts are replaced as
 * a whole by a file that carries them. Each file is first validated on its own — its own
 * mistakes (an indicator twice) must never be hidden by a partner file — and then the
 * merged report as a whole. A file is all or nothing: if any report it feeds is wrong,
 * none of its rows are sent, and neither are the other files feeding that report — the
 * desk officer fixes it and drops again, so a receipt never claims a refused file.
 * Content identical to the last report sent reuses its revision (the aggregator acks a
 * DUPLICATE), so dropping the same file twice never makes a new revision.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "filecheck.h"
#include "i18n.h"
#include "log.h"
#include "text.h"
#include "util.h"
#include "validate.h"

#define MAX_FILES_PER_REPORT 16

typedef struct {
    report_t r;
    bool has_values, has_projects, has_texts, has_enterprises;
    size_t files[MAX_FILES_PER_REPORT]; /* indexes of contributing files */
    size_t n_files;
    size_t values_file, projects_file, texts_file,
        enterprises_file; /* which file carried each part; NO_FILE: the last report */
    bool failed;
} merged_t;

#define NO_FILE ((size_t)-1)

typedef struct {
    merged_t *items;
    size_t n, cap;
} merged_list_t;

static merged_t *merged_get(merged_list_t *ml, const char *zone, const char *period) {
    for (size_t i = 0; i < ml->n; i++)
        if (!strcmp(ml->items[i].r.zone, zone) && !strcmp(ml->items[i].r.period, period))
            return &ml->items[i];
    if (ml->n == ml->cap) {
        merged_t *p = realloc(ml->items, (ml->cap = ml->cap ? ml->cap * 2 : 16) * sizeof *p);
        if (!p) return NULL;
        ml->items = p;
    }
    merged_t *m = &ml->items[ml->n++];
    memset(m, 0, sizeof *m);
    snprintf(m->r.zone, sizeof m->r.zone, "%s", zone);
    snprintf(m->r.period, sizeof m->r.period, "%s", period);
    m->values_file = m->projects_file = m->texts_file = m->enterprises_file = NO_FILE;
    return m;
}

static void add_file(merged_t *m, size_t file) {
    for (size_t i = 0; i < m->n_files; i++)
        if (m->files[i] == file) return;
    if (m->n_files < MAX_FILES_PER_REPORT) m->files[m->n_files++] = file;
}

/* Moves the parts `src` carries into m: its values replace m's values of the same
 * indicators, its projects and texts replace m's as a whole. */
static int merge_parts(merged_t *m, const report_t *src, size_t file) {
    if (src->n_values) {
        for (size_t i = 0; i < src->n_values; i++) {
            report_value_t *same = (report_value_t *)report_find(&m->r, src->values[i].indicator);
            if (same ? report_value_replace(same, &src->values[i]) < 0
                     : !report_add_value(&m->r, &src->values[i]))
                return -1;
        }
        snprintf(m->r.source, sizeof m->r.source, "%s", src->source);
        m->has_values = true;
        m->values_file = file;
    }
    if (src->n_projects) {
        free(m->r.projects);
        m->r.projects = NULL;
        m->r.n_projects = m->r.cap_projects = 0;
        for (size_t i = 0; i < src->n_projects; i++)
            if (!report_add_project(&m->r, &src->projects[i])) return -1;
        if (!m->r.source[0]) snprintf(m->r.source, sizeof m->r.source, "%s", src->source);
        m->has_projects = true;
        m->projects_file = file;
    }
    if (src->n_enterprises) {
        report_clear_enterprises(&m->r);
        for (size_t i = 0; i < src->n_enterprises; i++)
            if (!report_add_enterprise(&m->r, &src->enterprises[i])) return -1;
        if (!m->r.source[0]) snprintf(m->r.source, sizeof m->r.source, "%s", src->source);
        m->has_enterprises = true;
        m->enterprises_file = file;
    }
    if (src->problems || src->next_steps) {
        if (report_set_text(&m->r.problems, src->problems) < 0 ||
            report_set_text(&m->r.next_steps, src->next_steps) < 0)
            return -1;
        m->has_texts = true;
        m->texts_file = file;
    }
    add_file(m, file);
    return 0;
}

/* Fills what no file of this batch carried from the last report sent (revision
 * `last`): the indicators no file mentions, and projects and texts if no file carried
 * them. When a values file was given, its owner is warned of the indicators kept. */
static void merge_base(merged_t *m, const report_t *base, uint32_t last, queued_file_t *files) {
    char kept[512] = "";
    size_t n_kept = 0, off = 0;
    for (size_t i = 0; i < base->n_values; i++) {
        if (report_find(&m->r, base->values[i].indicator)) continue;
        report_add_value(&m->r, &base->values[i]);
        n_kept++;
        if (off < sizeof kept - 1)
            off += (size_t)snprintf(kept + off, sizeof kept - off, "%s%s", n_kept > 1 ? ", " : "",
                                    base->values[i].indicator);
    }
    if (m->has_values && n_kept && m->values_file != NO_FILE) {
        queued_file_t *f = &files[m->values_file];
        if (off >= sizeof kept - 1) text_truncate_utf8(kept);
        diag_add(&f->diags, DIAG_WARNING, util_basename(f->path), 0, NULL,
                 _("%s %s: %zu indicator(s) this file does not carry are kept from revision %u as sent "
                 "before: %s"),
                 m->r.zone, m->r.period, n_kept, last, kept);
    }
    if (!m->has_projects)
        for (size_t i = 0; i < base->n_projects; i++)
            report_add_project(&m->r, &base->projects[i]);
    if (!m->has_enterprises)
        for (size_t i = 0; i < base->n_enterprises; i++)
            report_add_enterprise(&m->r, &base->enterprises[i]);
    if (!m->has_texts) {
        report_set_text(&m->r.problems, base->problems);
        report_set_text(&m->r.next_steps, base->next_steps);
    }
    if (!m->r.source[0]) snprintf(m->r.source, sizeof m->r.source, "%s", base->source);
}

/* Parses one file into set; fills f->diags, f->failed, f->skipped. */
static void parse_file(collector_t *c, queued_file_t *f, report_set_t *set, unsigned long long *hash) {
    filecheck_file_t in;
    const char *name = util_basename(f->path);
    int64_t id;
    char state[16];
    validate_opts_t vo = validate_defaults();
    if (filecheck_read(f->path, &in, &f->diags) < 0) { /* a CSV or text file, or a workbook */
        f->failed = true;
        return;
    }
    *hash = in.hash;
    if (outbox_source_find(c->outbox, name, *hash, &id, state, sizeof state) == 1 &&
        strcmp(state, "sending") == 0) {
        f->skipped = true; /* queued before a restart: its reports are in the outbox */
        f->source_id = id;
        filecheck_file_free(&in);
        return;
    }
    /* the file-level verdict `yuebao check` gives too (filecheck.h) */
    vo.merge_jan_feb = c->master->policy.merge_jan_feb;
    if (filecheck_judge_file(c->master, &vo, c->cfg.county, name, &in, set, &f->diags) > 0) f->failed = true;
    filecheck_file_free(&in);
}

/* The file of this batch a finding about the merged report belongs to, by its field. */
static size_t diag_owner(const merged_t *m, const char *field) {
    static const char *const project_fields[] = {"project", "name", "status", "total_investment",
                                                 "ytd_investment"};
    size_t part = m->values_file;
    for (size_t i = 0; i < sizeof project_fields / sizeof *project_fields; i++)
        if (!strcmp(field, project_fields[i])) part = m->projects_file;
    static const char *const enterprise_fields[] = {"credit_code",        "enterprise", "industry",
                                                    "output_value",       "output_growth_pct", "revenue",
                                                    "revenue_growth_pct", "production_status", "remark"};
    for (size_t i = 0; i < sizeof enterprise_fields / sizeof *enterprise_fields; i++)
        if (!strcmp(field, enterprise_fields[i])) part = m->enterprises_file;
    if (!strcmp(field, "problems") || !strcmp(field, "next_steps")) part = m->texts_file;
    return part != NO_FILE ? part : m->files[0];
}

/* Whether dl holds d already (the same line, field and words). */
static bool diag_known(const diag_list_t *dl, const diag_t *d) {
    for (size_t i = 0; i < dl->n; i++)
        if (dl->items[i].line == d->line && !strcmp(dl->items[i].field, d->field) &&
            !strcmp(dl->items[i].message, d->message))
            return true;
    return false;
}

static bool any_failed(const merged_t *m, const queued_file_t *files) {
    for (size_t i = 0; i < m->n_files; i++)
        if (files[m->files[i]].failed) return true;
    return false;
}

/* The file's warnings into its source row, for its receipt. 0 or -1. */
static int set_note(collector_t *c, const queued_file_t *f) {
    char *note = NULL;
    size_t len = 0;
    diag_list_t folded;
    const diag_list_t *shown = &f->diags;
    FILE *m;
    int rc;
    if (f->diags.n == 0) return 0;
    if (diag_copy(&folded, &f->diags) == 0) { /* one line per kind of warning (diag_group) */
        diag_group(&folded);
        shown = &folded;
    }
    if (!(m = open_memstream(&note, &len))) {
        diag_clear(&folded);
        return -1;
    }
    for (size_t i = 0; i < shown->n; i++) {
        char line[1024];
        diag_format(&shown->items[i], line, sizeof line);
        fprintf(m, "    %s\n", line);
    }
    fclose(m);
    diag_clear(&folded);
    rc = outbox_source_set_note(c->outbox, f->source_id, note);
    free(note);
    return rc;
}

int collector_queue_files(collector_t *c, queued_file_t *files, size_t n) {
    report_set_t *sets = calloc(n ? n : 1, sizeof *sets);
    unsigned long long *hashes = calloc(n ? n : 1, sizeof *hashes);
    merged_list_t ml = {0};
    validate_opts_t vo = validate_defaults();
    pending_t *queued = NULL;
    size_t n_queued = 0;
    int rc = -1;
    bool changed;

    if (!sets || !hashes) goto out;
    vo.merge_jan_feb = c->master->policy.merge_jan_feb;

    /* 1. parse every file on its own */
    for (size_t i = 0; i < n; i++)
        parse_file(c, &files[i], &sets[i], &hashes[i]);

    /* 2. merge the good files' rows per (zone, period), in file order */
    for (size_t i = 0; i < n; i++) {
        if (files[i].skipped) continue;
        for (size_t k = 0; k < sets[i].n; k++) {
            merged_t *m = merged_get(&ml, sets[i].reports[k].zone, sets[i].reports[k].period);
            if (!m) goto out;
            if (files[i].failed)
                add_file(m, i); /* its rows are not sent, nor its partners' */
            else if (merge_parts(m, &sets[i].reports[k], i) < 0)
                goto out;
        }
    }

    /* 3. complete each report from the last one sent, number it, validate it */
    for (size_t j = 0; j < ml.n; j++) {
        merged_t *m = &ml.items[j];
        uint32_t last = 0;
        uint8_t *last_content = NULL, *content = NULL;
        size_t last_len = 0, len = 0;
        report_t base;
        int have;
        if (any_failed(m, files)) {
            m->failed = true;
            continue;
        } /* step 4 tells the others */
        have = outbox_last(c->outbox, m->r.zone, m->r.period, &last, &last_content, &last_len, &base);
        if (have < 0) goto out;
        if (have == 1) merge_base(m, &base, last, files);
        report_clear(&base);
        if ((have = outbox_values_known(c->outbox, m->r.zone, m->r.period,
                                           m->has_values || m->r.n_values > 0)) < 0)
            goto out;
        if (!have) {
            for (size_t i = 0; i < m->n_files; i++)
                if (m->has_enterprises && !m->has_projects)
                    filecheck_enterprises_first(&files[m->files[i]].diags, files[m->files[i]].path, m->r.zone,
                                                m->r.period);
                else
                    filecheck_projects_first(&files[m->files[i]].diags, files[m->files[i]].path, m->r.zone,
                                             m->r.period);
            m->failed = true;
        }
        m->r.revision = last + 1;
        if (codec_report_content(&m->r, &content, &len) == 0 && last_content && len == last_len &&
            memcmp(content, last_content, len) == 0)
            m->r.revision = last; /* same content again: resend, expect DUPLICATE */
        free(content);
        free(last_content);
        if (!m->failed) {
            diag_list_t dl = {0};
            if (validate_report(c->master, &vo, c->cfg.county, &m->r, &dl) > 0) m->failed = true;
            if (!m->failed) { /* the soft checks against the reports sent before (outbox_soft.c) */
                int soft =
                    outbox_soft_check(c->outbox, c->master, c->master->policy.merge_jan_feb, &m->r, &dl);
                if (soft < 0) goto out;
                if (soft > 0) m->failed = true;
            }
            for (size_t k = 0; k < dl.n; k++) {
                const diag_t *d = &dl.items[k];
                size_t owner = diag_owner(m, d->field);
                queued_file_t *f = &files[owner];
                if (diag_known(&f->diags, d)) continue; /* the file-level verdict said it already */
                diag_add(&f->diags, d->severity, util_basename(f->path), d->line, d->field, "%s", d->message);
                if (d->severity == DIAG_ERROR) f->failed = true;
            }
            diag_clear(&dl);
            if (m->failed && !any_failed(m, files))
                for (size_t i = 0; i < m->n_files; i++)
                    files[m->files[i]].failed = true;
        } else {
            for (size_t i = 0; i < m->n_files; i++)
                files[m->files[i]].failed = true;
        }
    }

    /* 4. a file is all or nothing; so is a report: spread failures to a fixpoint */
    do {
        changed = false;
        for (size_t j = 0; j < ml.n; j++) {
            merged_t *m = &ml.items[j];
            if (!any_failed(m, files)) continue;
            m->failed = true;
            for (size_t i = 0; i < m->n_files; i++) {
                queued_file_t *f = &files[m->files[i]];
                if (f->failed) continue;
                f->failed = changed = true;
                diag_add(&f->diags, DIAG_ERROR, util_basename(f->path), 0, NULL,
                         _("not sent: its report for %s %s is built together with another file that "
                         "has errors; fix that file and drop both again"),
                         m->r.zone, m->r.period);
            }
        }
    } while (changed);

    /* 5. write the good reports and their sources to the outbox in one transaction */
    queued = calloc(ml.n ? ml.n : 1, sizeof *queued);
    if (!queued || outbox_begin(c->outbox) < 0) goto out;
    for (size_t i = 0; i < n; i++) {
        if (files[i].failed || files[i].skipped) continue;
        files[i].source_id =
            outbox_source_add(c->outbox, util_basename(files[i].path), files[i].path, hashes[i], "sending");
        if (files[i].source_id < 0 || set_note(c, &files[i]) < 0) goto rollback;
    }
    for (size_t j = 0; j < ml.n; j++) {
        merged_t *m = &ml.items[j];
        pending_t *p = &queued[n_queued];
        msg_t msg = {0};
        int64_t src[MAX_FILES_PER_REPORT];
        uint8_t *content = NULL;
        size_t len = 0;
        if (m->failed) continue;
        memset(p, 0, sizeof *p);
        msg.kind = MSG_REPORT;
        codec_new_id(msg.id);
        msg.report = m->r; /* shallow */
        memcpy(p->msg_id, msg.id, MSG_ID_LEN);
        snprintf(p->zone, sizeof p->zone, "%s", m->r.zone);
        snprintf(p->period, sizeof p->period, "%s", m->r.period);
        p->revision = m->r.revision;
        if (codec_encode(&msg, &p->payload, &p->payload_len) < 0) {
            log_error(_("%s %s: report too large to send"), m->r.zone, m->r.period);
            goto rollback;
        }
        for (size_t i = 0; i < m->n_files; i++) {
            src[i] = files[m->files[i]].source_id;
            files[m->files[i]].n_reports++;
        }
        p->id = outbox_enqueue(c->outbox, p, src, m->n_files);
        n_queued++;
        if (p->id < 0 || codec_report_content(&m->r, &content, &len) < 0 ||
            outbox_set_last(c->outbox, &m->r, content, len) < 0) {
            free(content);
            goto rollback;
        }
        free(content);
    }
    if (outbox_commit(c->outbox) < 0) goto rollback;

    /* 6. durable now: hand them to the sender */
    for (size_t j = 0; j < n_queued; j++) {
        log_info(_("queued %s %s revision %u"), queued[j].zone, queued[j].period, queued[j].revision);
        if (collector_pending_add(c, &queued[j]) < 0) free(queued[j].payload);
        queued[j].payload = NULL;
    }
    rc = (int)n_queued;
    n_queued = 0;
    goto out;
rollback:
    outbox_rollback(c->outbox);
    for (size_t i = 0; i < n; i++)
        if (!files[i].skipped) files[i].source_id = 0;
out:
    for (size_t j = 0; j < n_queued; j++)
        free(queued[j].payload);
    free(queued);
    for (size_t j = 0; j < ml.n; j++)
        report_clear(&ml.items[j].r);
    free(ml.items);
    for (size_t i = 0; sets && i < n; i++)
        report_set_clear(&sets[i]);
    free(sets);
    free(hashes);
    return rc;
}
