/* collector_submit.c - `yuebao-collector submit FILE…`: send once, wait, report, exit.
 *
 * For cron jobs and scripts: the same parsing, validation and outbox as the daemon, but
 * the files stay where they are and the outcome is the exit status and one line per
 * report on stdout. An interrupted submit loses nothing: its reports stay in the outbox
 * and the next run (or the daemon) delivers them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "clock.h"
#include "i18n.h"
#include "log.h"
#include "text.h"
#include "util.h"

typedef struct {
    int refused;
    int64_t deadline_mono_ms;
    bool timed_out;
} submit_state_t;

/* Prints dl sorted, one line per mistake (diag_group: the list is only shown after). */
static void print_issues(diag_list_t *dl) {
    diag_sort(dl);
    diag_group(dl);
    for (size_t i = 0; i < dl->n; i++) {
        char line[1024];
        diag_format(&dl->items[i], line, sizeof line);
        printf("    %s\n", line);
    }
    if (diag_unlisted(dl)) printf(_("    … and %zu more\n"), diag_unlisted(dl));
}

static void on_ack(collector_t *c, const pending_t *p, ack_t *ack) {
    submit_state_t *s = c->on_ack_arg;
    if (ack->status == ACK_REJECTED || ack->status == ACK_STALE) s->refused++;
    char status[64];
    text_pad(status, sizeof status, ack_status_label(ack_status_name(ack->status)), 9);
    printf(_("%s %s %s revision %u (store has revision %u)\n"), status, p->zone, p->period, p->revision,
           ack->store_revision);
    print_issues(&ack->issues);
    fflush(stdout);
}

static void on_tick(loop_t *loop, void *arg) {
    collector_t *c = arg;
    submit_state_t *s = c->on_ack_arg;
    if (c->n_pending == 0)
        loop_stop(loop);
    else if (s->deadline_mono_ms && clock_mono_ms() > s->deadline_mono_ms) {
        s->timed_out = true;
        loop_stop(loop);
    }
}

int collector_submit(collector_t *c, char **paths, int n_files, int timeout_ms) {
    submit_state_t s = {0};
    queued_file_t *files = calloc((size_t)(n_files > 0 ? n_files : 1), sizeof *files);
    int rc;
    if (!files) return 2;
    for (int i = 0; i < n_files; i++)
        snprintf(files[i].path, sizeof files[i].path, "%s", paths[i]);
    c->submit_mode = true;
    c->on_ack = on_ack;
    c->on_ack_arg = &s;
    if (collector_queue_files(c, files, (size_t)n_files) < 0) {
        fprintf(stderr, _("yuebao-collector: cannot write the outbox %s\n"), c->cfg.outbox);
        free(files);
        return 2;
    }
    for (int i = 0; i < n_files; i++) {
        queued_file_t *f = &files[i];
        char status[64];
        if (f->failed) {
            s.refused++;
            text_pad(status, sizeof status, ack_status_label("REJECTED"), 9);
            printf(_("%s %s: not sent, %zu error(s)\n"), status, util_basename(f->path), f->diags.n_errors);
        } else if (f->diags.n) {
            text_pad(status, sizeof status, ack_status_label("CHECKED"), 9);
            printf(_("%s %s: %zu warning(s)\n"), status, util_basename(f->path), f->diags.n_warnings);
        }
        print_issues(&f->diags);
        diag_clear(&f->diags);
    }
    free(files);
    fflush(stdout);
    s.deadline_mono_ms = timeout_ms > 0 ? clock_mono_ms() + timeout_ms : 0;
    loop_add_timer(c->loop, 20, true, on_tick, c);
    collector_send_pump(c);
    if (c->n_pending) loop_run(c->loop);
    collector_file_complete(c);
    if (c->n_pending && !s.timed_out) {
        fprintf(stderr,
                _("yuebao-collector: interrupted; %zu report(s) not yet acknowledged stay in the outbox %s "
                "and are sent by the next run\n"),
                c->n_pending, c->cfg.outbox);
        rc = 2;
    } else if (s.timed_out) {
        fprintf(stderr,
                _("yuebao-collector: %zu report(s) not acknowledged within %d s; they stay in the "
                "outbox %s and are sent by the next run\n"),
                c->n_pending, timeout_ms / 1000, c->cfg.outbox);
        rc = 2;
    } else {
        rc = s.refused ? 1 : 0;
    }
    return rc;
}
