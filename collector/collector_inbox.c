/* collector_inbox.c - the inbox folder: take files, watch for new ones.
 *
 * A file counts once it is closed after writing or renamed in (inotify IN_CLOSE_WRITE,
 * IN_MOVED_TO); the inbox is taken as one batch after settle_ms of quiet, so a values
 * file and its projects file dropped together make one report. Once its reports are in
 * the outbox, a file moves to inbox/.sending/ — a new file of the same name can be
 * dropped meanwhile — and, when every report is acked, collector_file.c files it on to
 * done/ or rejected/. Files refused locally are handed to it at once, and so are files
 * the collector cannot read at all (.xlsx, .docx, …: intake.c decides, as for `yuebao
 * check`), with an errors file that says what it takes. Hidden and temporary files (.x,
 * Excel's ~$x.xlsx locks) are left alone without a word.
 *
 * At start, a file in inbox/.sending/ that no 'sending' source of the outbox claims (the
 * outbox was damaged or deleted) goes back into the inbox and is taken as if newly
 * dropped: its reports are numbered again from what the store answers. Every look at
 * the inbox (at start, after new files, every RESCAN_MS) also files what is acked
 * whole but was not filed: the filing after the last ack was cut short by a kill or
 * failed, and no further ack would bring it back.
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
#include "i18n.h"
#include "intake.h"
#include "log.h"
#include "util.h"

#define RESCAN_MS 10000

/* A file of ours: read or refused, not ignored. */
static bool is_candidate(const char *name) {
    return intake_verdict(name, NULL, 0) != INTAKE_IGNORE;
}

/* Files a file the collector cannot read into rejected/ with why and what it takes. */
static void refuse_unreadable(collector_t *c, const char *path, const char *why) {
    diag_list_t dl = {0};
    char moved[2048], extra[2048];
    const char *name = util_basename(path);
    diag_add(&dl, DIAG_ERROR, name, 0, NULL, "%s", why);
    snprintf(extra, sizeof extra, "\n%s", intake_help());
    if (collector_file_refused(c, path, &dl, extra, moved, sizeof moved) == 0)
        log_warn(_("%s rejected: the collector cannot read it (%s); see %s.errors.txt"), name, why, moved);
    diag_clear(&dl);
}

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Moves a taken file out of the inbox into .sending/, keeping its name findable. */
static void park(collector_t *c, queued_file_t *f) {
    char dir[1200], dst[2048];
    if (c->submit_mode || f->source_id <= 0) return;
    snprintf(dir, sizeof dir, "%s/.sending", c->cfg.inbox);
    snprintf(dst, sizeof dst, "%s/%lld.%s", dir, (long long)f->source_id, util_basename(f->path));
    if (util_mkdir_p(dir) < 0 || rename(f->path, dst) < 0) {
        log_warn(_("%s: cannot move into %s: %s"), f->path, dir, strerror(errno));
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
        log_error(_("inbox %s: %s"), c->cfg.inbox, strerror(errno));
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
        /* nothing new; but a file whose reports were all acked and which could not be
         * filed then (killed before it, or done/ unwritable) has no ack left to come */
        free(names);
        collector_file_complete(c);
        return;
    }
    /* name order: a file and its correction (x.csv, x.rev2.csv) keep their order */
    qsort(names, n, sizeof *names, name_cmp);
    files = calloc(n, sizeof *files);
    if (!files) goto out;
    for (size_t i = 0; i < n; i++)
        snprintf(files[i].path, sizeof files[i].path, "%s/%s", c->cfg.inbox, names[i]);
    if (collector_queue_files(c, files, n) < 0) {
        log_error(_("outbox error: %zu file(s) stay in the inbox and will be tried again"), n);
    } else {
        for (size_t i = 0; i < n; i++) {
            queued_file_t *f = &files[i];
            char moved[2048];
            if (f->failed) {
                diag_sort(&f->diags);
                if (collector_file_refused(c, f->path, &f->diags, NULL, moved, sizeof moved) == 0)
                    log_warn(_("%s rejected: %zu error(s), see %s.errors.txt"), names[i], f->diags.n_errors,
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
    collector_file_complete(c);
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
            log_warn(_("%s: no outbox row claims it, and it cannot go back into the inbox: %s"), path,
                     strerror(errno));
        else
            log_warn(_("%s: no outbox row claims it (outbox damaged or replaced?); taken again as %s"), path,
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
        log_error(_("inotify on %s: %s"), c->cfg.inbox, strerror(errno));
        return -1;
    }
    loop_add_fd(c->loop, c->inotify_fd, on_inotify, c);
    requeue_stranded(c);
    /* a periodic look as well: inotify can overflow, and an outbox error may need a retry */
    c->rescan_timer = loop_add_timer(c->loop, RESCAN_MS, true, on_rescan, c);
    take_inbox(c);
    return 0;
}
