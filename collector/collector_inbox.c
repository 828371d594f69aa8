/* collector_inbox.c - the inbox folder: take files, watch for new ones, file the results.
 *
 * A file counts once it is closed after writing or renamed in (inotify IN_CLOSE_WRITE,
 * IN_MOVED_TO); the inbox is taken as one batch after settle_ms of quiet, so a values
 * file and its projects file dropped together make one report. Once its reports are in
 * the outbox, a file moves to inbox/.sending/ — a new file of the same name can be
 * dropped meanwhile — and, when every report is acked, on to done/ with NAME.receipt.txt,
 * or to rejected/ with NAME.errors.txt that a desk officer can act on. Files refused
 * locally go to rejected/ at once, and so do files the collector cannot read at all
 * (.xlsx, .docx, …: intake.c decides, as for `yuebao check`), with an errors file that
 * says what it takes. Hidden and temporary files (.x, Excel's ~$x.xlsx locks) are left
 * alone without a word.
 *
 * At start, a file in inbox/.sending/ that no 'sending' source of the outbox claims (the
 * outbox was damaged or deleted) goes back into the inbox and is taken as if newly
 * dropped: its reports are numbered again from what the store answers.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "collector.h"
#include "intake.h"
#include "log.h"
#include "util.h"

#define RESCAN_MS 10000

/* A file of ours: read or refused, not ignored. */
static bool is_candidate(const char *name) {
    return intake_verdict(name, NULL, 0) != INTAKE_IGNORE;
}

static int file_refused(collector_t *c, const char *path, const diag_list_t *diags, const char *extra,
                        char *moved, size_t moved_sz);

/* Files a file the collector cannot read into rejected/ with why and what it takes. */
static void refuse_unreadable(collector_t *c, const char *path, const char *why) {
    diag_list_t dl = {0};
    char moved[2048], extra[2048];
    const char *name = util_basename(path);
    diag_add(&dl, DIAG_ERROR, name, 0, NULL, "%s", why);
    snprintf(extra, sizeof extra, "\n%s", intake_help());
    if (file_refused(c, path, &dl, extra, moved, sizeof moved) == 0)
        log_warn("%s rejected: the collector cannot read it (%s); see %s.errors.txt", name, why, moved);
    diag_clear(&dl);
}

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The text of NAME.errors.txt for a file refused before sending. Caller frees; NULL on
 * out of memory. */
static char *errors_text(const char *name, const diag_list_t *diags, const char *extra) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    fprintf(f, "%s was not accepted. Nothing from it was stored.\n", name);
    fprintf(f, "Fix what is listed below, then put the corrected file into the inbox again.\n\n");
    for (size_t i = 0; i < diags->n; i++) {
        char line[1024];
        diag_format(&diags->items[i], line, sizeof line);
        fprintf(f, "%s\n", line);
    }
    if (diags->n_errors + diags->n_warnings > diags->n)
        fprintf(f, "… and %zu more\n", diags->n_errors + diags->n_warnings - diags->n);
    if (extra && *extra) fprintf(f, "%s", extra);
    fclose(f);
    return buf;
}

int collector_inbox_write_errors(const char *dir, const char *name, const diag_list_t *diags,
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

/* Files a file refused before sending into rejected/ beside its errors file (written
 * first); the file keeps its name (or gets -1, -2 … if an earlier one is still there).
 * On failure it stays in the inbox, and the next rescan tries again. 0 or -1 (logged). */
static int file_refused(collector_t *c, const char *path, const diag_list_t *diags, const char *extra,
                        char *moved, size_t moved_sz) {
    util_sidecar_t side = {".errors.txt", errors_text(util_basename(path), diags, extra)};
    int rc = side.text ? util_file_into(path, c->cfg.rejected, NULL, &side, 1, sidecar_names, moved, moved_sz)
                       : (errno = ENOMEM, -1);
    if (rc < 0)
        log_error("%s: cannot file into %s: %s; it stays in the inbox and is tried again", path,
                  c->cfg.rejected, strerror(errno));
    free((char *)side.text);
    return rc;
}

/* Moves a taken file out of the inbox into .sending/, keeping its name findable. */
static void park(collector_t *c, queued_file_t *f) {
    char dir[1200], dst[2048];
    if (c->submit_mode || f->source_id <= 0) return;
    snprintf(dir, sizeof dir, "%s/.sending", c->cfg.inbox);
    snprintf(dst, sizeof dst, "%s/%lld.%s", dir, (long long)f->source_id, util_basename(f->path));
    if (util_mkdir_p(dir) < 0 || rename(f->path, dst) < 0) {
        log_warn("%s: cannot move into %s: %s", f->path, dir, strerror(errno));
        return;
    }
    outbox_source_set_path(c->outbox, f->source_id, dst);
}

static void take_inbox(collector_t *c) {
    DIR *d = opendir(c->cfg.inbox);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    queued_file_t *files;
    if (!d) {
        log_error("inbox %s: %s", c->cfg.inbox, strerror(errno));
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char why[512], path[2048];
        intake_verdict_t v = intake_verdict(e->d_name, why, sizeof why);
        if (v == INTAKE_IGNORE || e->d_type == DT_DIR) continue;
        if (v == INTAKE_REFUSE) {
            if (c->submit_mode) continue;
            snprintf(path, sizeof path, "%s/%s", c->cfg.inbox, e->d_name);
            refuse_unreadable(c, path, why);
            continue;
        }
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *p);
            if (!p) break;
            names = p;
        }
        if (!(names[n] = strdup(e->d_name))) break;
        n++;
    }
    closedir(d);
    if (n == 0) {
        free(names);
        return;
    }
    /* name order: a file and its correction (x.csv, x.rev2.csv) keep their order */
    qsort(names, n, sizeof *names, name_cmp);
    files = calloc(n, sizeof *files);
    if (!files) goto out;
    for (size_t i = 0; i < n; i++)
        snprintf(files[i].path, sizeof files[i].path, "%s/%s", c->cfg.inbox, names[i]);
    if (collector_queue_files(c, files, n) < 0) {
        log_error("outbox error: %zu file(s) stay in the inbox and will be tried again", n);
    } else {
        for (size_t i = 0; i < n; i++) {
            queued_file_t *f = &files[i];
            char moved[2048];
            if (f->failed) {
                diag_sort(&f->diags);
                if (file_refused(c, f->path, &f->diags, NULL, moved, sizeof moved) == 0)
                    log_warn("%s rejected: %zu error(s), see %s.errors.txt", names[i], f->diags.n_errors,
                             moved);
            } else {
                park(c, f);
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        diag_clear(&files[i].diags);
    free(files);
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    collector_send_pump(c);
    collector_inbox_file_complete(c);
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
        fprintf(f, "%s was delivered: every report in it is stored at the central office.\n\n", name);
    else if (stored == 0)
        fprintf(f,
                "%s was refused by the aggregator. Nothing from it was stored.\n"
                "Fix what is listed below, then put the corrected file into the inbox again.\n\n",
                name);
    else
        fprintf(f,
                "%s was delivered in part: %d report(s) in it are stored at the central office "
                "(ACCEPTED or DUPLICATE below), %d were refused and are NOT stored (REJECTED or STALE "
                "below, with the reasons).\n"
                "The file is filed in done/ because part of it is stored%s%s%s. Fix the refused reports "
                "and put a file with them into the inbox again.\n\n",
                name, stored, refused, errors_file ? "" : " (", errors_file ? "" : name,
                errors_file ? "" : ".errors.txt beside it lists the same)");
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
    what = !n_refused ? "delivered" : stored ? "delivered in part" : "refused";
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
        log_warn("%s: not filed yet: out of memory; will try again", name);
        goto out;
    }
    if (present) {
        util_sidecar_t sides[2] = {{n_refused && !stored ? ".errors.txt" : ".receipt.txt", receipt},
                                   {".errors.txt", errors}};
        if (util_file_into(path, dir, name, sides, errors ? 2 : 1, sidecar_names, target, sizeof target) <
            0) {
            log_warn("%s: not filed yet into %s: %s; it stays at %s and is tried again", name, dir,
                     strerror(errno), path);
            goto out;
        }
    } else {
        /* moved before a restart, after its receipt was written: only the mark is missing */
        snprintf(target, sizeof target, "%s/%s", dir, name);
        if (access(target, F_OK) != 0) {
            snprintf(side, sizeof side, "%s.%s", target, n_refused && !stored ? "errors.txt" : "receipt.txt");
            if (util_write_atomic(side, receipt, strlen(receipt)) < 0) {
                log_warn("%s: not filed yet, cannot write %s: %s; will try again", name, side,
                         strerror(errno));
                goto out;
            }
        }
    }
    rc = 0;
mark:
    /* one transaction: a crash between the two would leave settled rows forever */
    if (outbox_begin(c->outbox) < 0) {
        log_warn("%s: filed into %s, but the outbox could not record it; will try again", name, dir);
        rc = -1;
    } else if (outbox_source_set_state(c->outbox, id, n_refused && !stored ? "rejected" : "done") < 0 ||
               outbox_source_forget(c->outbox, id) < 0 || outbox_commit(c->outbox) < 0) {
        outbox_rollback(c->outbox);
        log_warn("%s: filed into %s, but the outbox could not record it; will try again", name, dir);
        rc = -1;
    } else if (!c->submit_mode) {
        if (n_refused && stored)
            log_warn("%s delivered in part: %d report(s) stored, %d refused → %s (see %s.errors.txt)", name,
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

void collector_inbox_file_complete(collector_t *c) {
    int64_t *ids = NULL;
    size_t n = 0;
    if (outbox_sources_complete(c->outbox, &ids, &n) < 0) return;
    for (size_t i = 0; i < n; i++)
        file_source(c, ids[i]);
    free(ids);
}

static void on_settled(loop_t *loop, void *arg) {
    collector_t *c = arg;
    (void)loop;
    c->settle_timer = 0;
    take_inbox(c);
}

static void on_inotify(loop_t *loop, void *socket, int fd, void *arg) {
    collector_t *c = arg;
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool relevant = false;
    ssize_t k;
    (void)socket;
    while ((k = read(fd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + k;) {
            struct inotify_event *ev = (struct inotify_event *)(void *)p;
            if ((ev->mask & IN_Q_OVERFLOW) || (ev->len && is_candidate(ev->name))) relevant = true;
            p += sizeof *ev + ev->len;
        }
    }
    if (!relevant) return;
    if (c->settle_timer) loop_cancel(loop, c->settle_timer);
    c->settle_timer = loop_add_timer(loop, c->cfg.settle_ms, false, on_settled, c);
}

static void on_rescan(loop_t *loop, void *arg) {
    (void)loop;
    take_inbox(arg);
}

/* Puts back into the inbox every file of inbox/.sending/ that no 'sending' source of
 * the outbox claims ("<id>.<name>", or a path recorded). */
static void requeue_stranded(collector_t *c) {
    char dir[1200];
    DIR *d;
    struct dirent *e;
    snprintf(dir, sizeof dir, "%s/.sending", c->cfg.inbox);
    if (!(d = opendir(dir))) return;
    while ((e = readdir(d)) != NULL) {
        char path[2400], moved[2048];
        const char *dot = strchr(e->d_name, '.'), *name = e->d_name;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (outbox_source_claims(c->outbox, path) != 0) continue; /* claimed, or unknown: leave it */
        if (dot && dot > e->d_name && strspn(e->d_name, "0123456789") == (size_t)(dot - e->d_name))
            name = dot + 1;
        if (util_move_into(path, c->cfg.inbox, name, moved, sizeof moved) < 0)
            log_warn("%s: no outbox row claims it, and it cannot go back into the inbox: %s", path,
                     strerror(errno));
        else
            log_warn("%s: no outbox row claims it (outbox damaged or replaced?); taken again as %s", path,
                     moved);
    }
    closedir(d);
}

int collector_inbox_start(collector_t *c) {
    const char *dirs[] = {c->cfg.inbox, c->cfg.done, c->cfg.rejected};
    for (size_t i = 0; i < 3; i++)
        if (util_mkdir_p(dirs[i]) < 0) {
            log_error("%s: %s", dirs[i], strerror(errno));
            return -1;
        }
    c->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (c->inotify_fd < 0 ||
        inotify_add_watch(c->inotify_fd, c->cfg.inbox, IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
        log_error("inotify on %s: %s", c->cfg.inbox, strerror(errno));
        return -1;
    }
    loop_add_fd(c->loop, c->inotify_fd, on_inotify, c);
    requeue_stranded(c);
    /* a periodic look as well: inotify can overflow, and an outbox error may need a retry */
    c->rescan_timer = loop_add_timer(c->loop, RESCAN_MS, true, on_rescan, c);
    take_inbox(c);
    return 0;
}
