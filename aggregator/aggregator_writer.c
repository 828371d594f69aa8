/* aggregator_writer.c - the writer thread: the store half of each group commit, off the
 * poll loop (DESIGN §1, "Threads").
 *
 * Two stages on two cores. The poll loop receives and decodes the next batch, and acks
 * and publishes the previous one, while this thread judges a batch against the store
 * and commits it (aggregator_ingest_store: BEGIN IMMEDIATE, validation, revision rules,
 * rstore_apply, COMMIT and its fsync). Only one batch is in the writer's hands at a
 * time, and the loop touches neither the store, nor master data, nor that batch's
 * items until the writer has handed it back: every use of the SQLite connection is on
 * one side of a mutex handover, so the connection is never used by two threads at once.
 * The writer also reads the live state (live_report, for the history and soft checks),
 * which the loop changes only once a batch is handed back and before the next goes out
 * (aggregator_ingest_live; a reload drains first): between the two it only reads it.
 *
 * The hand-back is an eventfd in the poll loop: the loop learns of a finished commit as
 * it learns of a readable socket, and only then sends the acks (after COMMIT, as ever).
 *
 * A third thread checkpoints. SQLite would copy the write-ahead log into the database,
 * with an fsync of its own, inside the COMMIT that takes the log past 1 000 pages, and
 * that commit's acks would wait for it: at 1 000 reports/s in commits of one or two,
 * every few hundred milliseconds. The writer's connection does not checkpoint
 * (rstore_defer_checkpoints); when a commit leaves the log past CHECKPOINT_PAGES the
 * writer wakes the checkpointer, which runs a PASSIVE checkpoint on a connection of its
 * own, beside the next commits.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "aggregator.h"
#include "i18n.h"
#include "log.h"

/* The log's size (pages) past which a commit wakes the checkpointer: SQLite's own. */
#define CHECKPOINT_PAGES 1000

struct aggregator_writer {
    aggregator_t *a;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int efd;    /* readable when a batch is done */
    bool job;   /* a batch is in the writer's hands */
    bool done;  /* ... and it is finished: rc holds the result */
    bool quit;  /* the thread is to end */
    ingest_item_t *items;
    size_t n;
    int64_t now_ms;
    int rc;
    /* the checkpointer */
    rstore_t *ck;        /* its own connection; NULL: SQLite checkpoints in the commits */
    pthread_t ck_thread;
    bool ck_due;         /* the writer asked for a checkpoint (under mu) */
};

static void *checkpoint_main(void *arg) {
    aggregator_writer_t *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->ck_due && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->quit) break;
        w->ck_due = false;
        pthread_mutex_unlock(&w->mu);
        rstore_checkpoint(w->ck);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void *writer_main(void *arg) {
    aggregator_writer_t *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!(w->job && !w->done) && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->quit) break;
        {
            ingest_item_t *items = w->items;
            size_t n = w->n;
            int64_t now_ms = w->now_ms, one = 1;
            int rc, pages;
            pthread_mutex_unlock(&w->mu);
            rc = aggregator_ingest_store(w->a, items, n, now_ms);
            pages = rstore_wal_pages(w->a->store); /* before the store goes back to the loop */
            pthread_mutex_lock(&w->mu);
            if (w->ck && pages >= CHECKPOINT_PAGES) w->ck_due = true;
            w->rc = rc;
            w->done = true;
            pthread_cond_broadcast(&w->cv);
            if (write(w->efd, &one, sizeof one) < 0 && errno != EAGAIN)
                log_error(_("writer thread: cannot wake the poll loop: %s"), strerror(errno));
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

aggregator_writer_t *aggregator_writer_start(aggregator_t *a) {
    aggregator_writer_t *w = calloc(1, sizeof *w);
    int err;
    if (!w) return NULL;
    w->a = a;
    w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->efd < 0) {
        log_error(_("writer thread: eventfd: %s"), strerror(errno));
        free(w);
        return NULL;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    {
        char cerr[1024];
        /* without it the commits checkpoint as SQLite does by itself: slower, not wrong */
        if (!(w->ck = rstore_open(a->cfg.store, false, cerr, sizeof cerr)))
            log_warn(_("checkpoint connection: %s; the commits checkpoint themselves"), cerr);
    }
    /* the signals stay blocked in both, as in every thread: they reach the loop's signalfd */
    if ((err = pthread_create(&w->thread, NULL, writer_main, w)) != 0) {
        log_error(_("writer thread: %s"), strerror(err));
        rstore_close(&w->ck);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        close(w->efd);
        free(w);
        return NULL;
    }
    if (w->ck && (err = pthread_create(&w->ck_thread, NULL, checkpoint_main, w)) != 0) {
        log_warn(_("checkpoint thread: %s; the commits checkpoint themselves"), strerror(err));
        rstore_close(&w->ck);
    }
    if (w->ck) rstore_defer_checkpoints(a->store); /* before the first batch: the writer is idle */
    return w;
}

int aggregator_writer_fd(const aggregator_writer_t *w) {
    return w->efd;
}

void aggregator_writer_submit(aggregator_writer_t *w, ingest_item_t *items, size_t n, int64_t now_ms) {
    pthread_mutex_lock(&w->mu);
    w->items = items;
    w->n = n;
    w->now_ms = now_ms;
    w->job = true;
    w->done = false;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

bool aggregator_writer_busy(aggregator_writer_t *w) {
    bool busy;
    pthread_mutex_lock(&w->mu);
    busy = w->job;
    pthread_mutex_unlock(&w->mu);
    return busy;
}

bool aggregator_writer_finished(aggregator_writer_t *w) {
    bool finished;
    pthread_mutex_lock(&w->mu);
    finished = w->job && w->done;
    pthread_mutex_unlock(&w->mu);
    return finished;
}

/* Takes the finished batch's result (the lock held), clearing the eventfd's count. */
static int take(aggregator_writer_t *w) {
    int64_t count;
    w->job = w->done = false;
    while (read(w->efd, &count, sizeof count) > 0) {
    }
    return w->rc;
}

int aggregator_writer_poll(aggregator_writer_t *w, int *rc) {
    int got = 0;
    pthread_mutex_lock(&w->mu);
    if (w->job && w->done) {
        *rc = take(w);
        got = 1;
    } else if (!w->job) {
        int64_t count;
        while (read(w->efd, &count, sizeof count) > 0) { /* a wake-up already answered by a wait */
        }
    }
    pthread_mutex_unlock(&w->mu);
    return got;
}

int aggregator_writer_wait(aggregator_writer_t *w, int *rc) {
    int got = 0;
    pthread_mutex_lock(&w->mu);
    while (w->job && !w->done)
        pthread_cond_wait(&w->cv, &w->mu);
    if (w->job) {
        *rc = take(w);
        got = 1;
    }
    pthread_mutex_unlock(&w->mu);
    return got;
}

void aggregator_writer_stop(aggregator_writer_t **wp) {
    aggregator_writer_t *w = wp ? *wp : NULL;
    int rc;
    if (!w) return;
    aggregator_writer_wait(w, &rc); /* a batch in its hands is finished first */
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    if (w->ck) {
        pthread_join(w->ck_thread, NULL);
        rstore_close(&w->ck);
    }
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    close(w->efd);
    free(w);
    *wp = NULL;
}
