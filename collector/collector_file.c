/* collector_file.c - filing what is settled: receipts into done/, reasons into rejected/.
 *
 * The last step of the collector's line inbox → queue → send → file. A source (one
 * file taken from the inbox) is filed once every report in it is settled: into done/
 * with NAME.receipt.txt when anything of it is stored at the central office (with
 * NAME.errors.txt beside it when part was refused), or into rejected/ with
 * NAME.errors.txt when nothing is — the reasons in words a desk officer can act on.
 * Files refused before sending (they do not parse or validate, or the collector cannot
 * read them at all) go to rejected/ at once, with their errors file.
 *
 * Order is what makes it safe to kill at any moment: the receipt or errors file is
 * written first (temporary name, fsync, rename), then the source is moved beside it,
 * and only then is it marked filed in the outbox; a failure at any step leaves it to
 * the next filing pass. A filed file keeps its name, or gets -1, -2 … when an earlier
 * one of that name is still there (util_file_into). In submit mode files stay where
 * they are and only the outbox is updated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector.h"
#include "i18n.h"
#include "log.h"
#include "util.h"

/* The text of NAME.errors.txt for a file refused before sending. Caller frees; NULL on
 * out of memory. */
static char *errors_text(const char *name, const diag_list_t *diags, const char *extra) {
    char *buf = NULL;
    size_t len = 0;
    diag_list_t folded;
    const diag_list_t *shown = diags;
    FILE *f;
    /* one line per mistake, however many rows made it (diag_group) */
    if (diag_copy(&folded, diags) == 0) {
        diag_group(&folded);
        shown = &folded;
    }
    if (!(f = open_memstream(&buf, &len))) {
        diag_clear(&folded);
        return NULL;
    }
    fprintf(f, _("%s was not accepted. Nothing from it was stored.\n"), name);
    fprintf(f, _("Fix what is listed below, then put the corrected file into the inbox again.\n\n"));
    for (size_t i = 0; i < shown->n; i++) {
        char line[1024];
        diag_format(&shown->items[i], line, sizeof line);
        fprintf(f, "%s\n", line);
    }
    if (diag_unlisted(shown)) fprintf(f, _("… and %zu more\n"), diag_unlisted(shown));
    if (extra && *extra) fprintf(f, "%s", extra);
    fclose(f);
    diag_clear(&folded);
    return buf;
}

int collector_file_write_errors(const char *dir, const char *name, const diag_list_t *diags,
                                const char *extra) {
    char path[2048], *buf = errors_text(name, diags, extra);
    int rc;
    if (!buf) return -1;
    snprintf(path, sizeof path, "%s/%s.errors.txt", dir, name);
    rc = util_write_atomic(path, buf, strlen(buf));
    free(buf);
    return rc;
}

/* The names a filed file keeps free beside it, whichever it gets. */
static const char *const sidecar_names[] = {".receipt.txt", ".errors.txt", NULL};

int collector_file_refused(collector_t *c, const char *path, const diag_list_t *diags, const char *extra,
                           char *moved, size_t moved_sz) {
    util_sidecar_t side = {".errors.txt", errors_text(util_basename(path), diags, extra)};
    int rc = side.text ? util_file_into(path, c->cfg.rejected, NULL, &side, 1, sidecar_names, moved, moved_sz)
                       : (errno = ENOMEM, -1);
    if (rc < 0)
        log_error(_("%s: cannot file into %s: %s; it stays in the inbox and is tried again"), path,
                  c->cfg.rejected, strerror(errno));
    free((char *)side.text);
    return rc;
}

/* The text of a filed source's receipt (done/NAME.receipt.txt) or errors file
 * (rejected/NAME.errors.txt, or done/NAME.errors.txt beside the receipt of a file
 * stored in part). Caller frees; NULL on out of memory. */
static char *receipt_text(const char *name, const char *lines, int stored, int refused, bool errors_file) {
    char *body = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&body, &len);
    if (!f) return NULL;
    if (refused == 0)
        fprintf(f, _("%s was delivered: every report in it is stored at the central office.\n\n"), name);
    else if (stored == 0)
        fprintf(f,
                _("%s was refused by the aggregator. Nothing from it was stored.\n"
                "Fix what is listed below, then put the corrected file into the inbox again; a month "
                "already approved (核准) takes a correction only once the 统计局 has unlocked it.\n\n"),
                name);
    else if (errors_file)
        fprintf(f,
                _("%s was delivered in part: %d report(s) in it are stored at the central office "
                  "(ACCEPTED or DUPLICATE below), %d were refused and are NOT stored (REJECTED or STALE "
                  "below, with the reasons).\n"
                  "The file is filed in done/ because part of it is stored. Fix the refused reports "
                  "and put a file with them into the inbox again.\n\n"),
                name, stored, refused);
    else
        fprintf(f,
                _("%s was delivered in part: %d report(s) in it are stored at the central office "
                  "(ACCEPTED or DUPLICATE below), %d were refused and are NOT stored (REJECTED or STALE "
                  "below, with the reasons).\n"
                  "The file is filed in done/ because part of it is stored (%s.errors.txt beside it lists "
                  "the same). Fix the refused reports and put a file with them into the inbox again.\n\n"),
                name, stored, refused, name);
    fputs(lines ? lines : "", f);
    fclose(f);
    return body;
}

/* Files one source whose reports are all settled. In this order, so a file never counts
 * as filed without its receipt: the receipt (and errors file) are written beside the
 * chosen name in done/ or rejected/ (temporary name, fsync, rename), then the file is
 * moved there, and only then is the source marked filed in the outbox. Any failure
 * leaves the source 'sending' — the next filing pass (on the next ack, or the inbox
 * rescan) tries again — with a warning naming the file and the reason. 0 or -1. */
static int file_source(collector_t *c, int64_t id) {
    char name[512], path[2048], target[2048], side[2200], *lines = NULL, *receipt = NULL, *errors = NULL;
    bool present;
    int stored = 0, n_refused = 0, rc = -1;
    const char *dir, *what;
    if (outbox_source_receipt(c->outbox, id, name, sizeof name, path, sizeof path, &lines, &stored,
                              &n_refused) < 0)
        goto out;
    /* a file is rejected only when nothing of it is stored */
    dir = n_refused && !stored ? c->cfg.rejected : c->cfg.done;
    what = !n_refused ? _("delivered") : stored ? _("delivered in part") : _("refused");
    if (c->submit_mode) {
        rc = 0;
        goto mark;
    }
    if (access(path, F_OK) != 0) {
        /* killed between parking the file and recording where: it is in .sending/
         * under its source id all the same */
        char parked[sizeof path];
        int plen = snprintf(parked, sizeof parked, "%s/.sending/%lld.%s", c->cfg.inbox, (long long)id, name);
        if (plen > 0 && (size_t)plen < sizeof parked && access(parked, F_OK) == 0)
            memcpy(path, parked, (size_t)plen + 1);
    }
    present = access(path, F_OK) == 0;
    receipt = receipt_text(name, lines, stored, n_refused, false);
    if (n_refused && stored) errors = receipt_text(name, lines, stored, n_refused, true);
    if (!receipt || (n_refused && stored && !errors)) {
        log_warn(_("%s: not filed yet: out of memory; will try again"), name);
        goto out;
    }
    if (present) {
        util_sidecar_t sides[2] = {{n_refused && !stored ? ".errors.txt" : ".receipt.txt", receipt},
                                   {".errors.txt", errors}};
        if (util_file_into(path, dir, name, sides, errors ? 2 : 1, sidecar_names, target, sizeof target) <
            0) {
            log_warn(_("%s: not filed yet into %s: %s; it stays at %s and is tried again"), name, dir,
                     strerror(errno), path);
            goto out;
        }
    } else {
        /* moved before a restart, after its receipt was written: only the mark is missing */
        snprintf(target, sizeof target, "%s/%s", dir, name);
        if (access(target, F_OK) != 0) {
            snprintf(side, sizeof side, "%s.%s", target, n_refused && !stored ? "errors.txt" : "receipt.txt");
            if (util_write_atomic(side, receipt, strlen(receipt)) < 0) {
                log_warn(_("%s: not filed yet, cannot write %s: %s; will try again"), name, side,
                         strerror(errno));
                goto out;
            }
        }
    }
    rc = 0;
mark:
    /* one transaction: a crash between the two would leave settled rows forever */
    if (outbox_begin(c->outbox) < 0) {
        log_warn(_("%s: filed into %s, but the outbox could not record it; will try again"), name, dir);
        rc = -1;
    } else if (outbox_source_set_state(c->outbox, id, n_refused && !stored ? "rejected" : "done") < 0 ||
               outbox_source_forget(c->outbox, id) < 0 || outbox_commit(c->outbox) < 0) {
        outbox_rollback(c->outbox);
        log_warn(_("%s: filed into %s, but the outbox could not record it; will try again"), name, dir);
        rc = -1;
    } else if (!c->submit_mode) {
        if (n_refused && stored)
            log_warn(_("%s delivered in part: %d report(s) stored, %d refused → %s (see %s.errors.txt)"), name,
                     stored, n_refused, target, target);
        else
            log_info("%s %s → %s", name, what, target);
    }
out:
    free(lines);
    free(receipt);
    free(errors);
    return rc;
}

void collector_file_complete(collector_t *c) {
    int64_t *ids = NULL;
    size_t n = 0;
    if (outbox_sources_complete(c->outbox, &ids, &n) < 0) return;
    for (size_t i = 0; i < n; i++)
        file_source(c, ids[i]);
    free(ids);
}
