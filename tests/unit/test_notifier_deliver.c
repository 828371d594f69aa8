/* test_notifier_deliver.c - the delivery threads over a real notification store in a
 * temp dir and the stub receiver: a notice delivered while the store cannot write its
 * log is recorded later, never delivered again. The store's failure is a trigger on
 * the log table that aborts every insert until it is dropped. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "loop.h"
#include "notifier.h"
#include "receiver.h"
#include "stub_receiver.h"

static char dir[256], path[300];
static notify_config_t cfg;
static int64_t clock_ms = 1000000;
static loop_t *loop;

static int64_t test_now(void) {
    return clock_ms;
}

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/yb-notify-deliver-XXXXXX");
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/notify.db", dir);
    memset(&cfg, 0, sizeof cfg);
    cfg.retry_min_ms = 1000;
    cfg.retry_max_ms = 60000;
    cfg.late_ms = 3600000;
    cfg.max_pending = 100;
    stub_reset();
}

static void teardown(void) {
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(notifier_deliver, .init = setup, .fini = teardown, .timeout = 60);

/* After each answer the loop stops: one loop_run waits for one delivery. */
static void stop_after_answer(const nstore_job_t *job, int64_t called_ms, void *arg) {
    (void)job;
    (void)called_ms;
    (void)arg;
    loop_stop(loop);
}

static void sql(nstore_t *s, const char *q) {
    char *err = NULL;
    cr_assert_eq(sqlite3_exec(nstore_db(s), q, NULL, NULL, &err), SQLITE_OK, "%s: %s", q, err);
}

Test(notifier_deliver, a_notice_delivered_while_the_log_cannot_be_written_is_recorded_later_not_resent) {
    char err[512];
    nstore_t *s = nstore_open(path, err, sizeof err);
    engine_t e;
    notice_t n;
    deliverer_t *d;
    void *ctx = zmq_ctx_new();
    cr_assert(s, "%s", err);
    cr_assert_not_null(ctx);
    cr_assert_not_null(loop = loop_new());
    cfg.receivers[0] = receiver_new("office", err, sizeof err);
    cr_assert_not_null(cfg.receivers[0], "%s", err);
    cfg.n_receivers = 1;
    cr_assert_eq(engine_init(&e, &cfg, NULL, s, false), 0);
    memset(&n, 0, sizeof n);
    n.receiver = "office";
    snprintf(n.group_key, sizeof n.group_key, "{county=\"410602\"}");
    n.made_at_ms = clock_ms;
    cr_assert_eq(nstore_enqueue(s, "root", &n, 0, NULL, 0, false), 0);

    d = deliver_start(ctx, loop, &cfg, s, &e, test_now, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    deliver_stats(d)->on_called = stop_after_answer;

    /* the store cannot write its log: the robot answered OK, the write fails */
    sql(s, "CREATE TRIGGER broken BEFORE INSERT ON log BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    deliver_kick(d);
    cr_assert_not(deliver_idle(d), "the notice is handed to the thread");
    cr_assert_eq(loop_run(loop), 0);
    cr_assert_eq(stub_calls(), 1, "delivered once");
    cr_assert_eq(nstore_pending(s, "office"), 1, "not recorded: the outbox row is still there");
    cr_assert_eq(nstore_log_count(s, "office", "sent"), 0);

    /* later, the store still failing: the record is tried again, the delivery is not */
    clock_ms += 5000;
    deliver_kick(d);
    cr_assert(deliver_idle(d), "nothing is handed to the thread: the notice went already");
    cr_assert_eq(stub_calls(), 1, "not delivered again");
    cr_assert_eq(nstore_pending(s, "office"), 1);

    /* the store writes again: recorded as sent, still one delivery */
    sql(s, "DROP TRIGGER broken");
    clock_ms += 5000;
    deliver_kick(d);
    cr_assert(deliver_idle(d));
    cr_assert_eq(stub_calls(), 1, "still delivered once");
    cr_assert_eq(nstore_pending(s, "office"), 0, "the outbox row is gone");
    cr_assert_eq(nstore_log_count(s, "office", "sent"), 1, "logged sent once");
    cr_assert_eq(deliver_stats(d)->n_sent, 1);

    /* and the receiver takes the next notice as usual */
    snprintf(n.group_key, sizeof n.group_key, "{county=\"410603\"}");
    cr_assert_eq(nstore_enqueue(s, "root", &n, 0, NULL, 0, false), 0);
    deliver_kick(d);
    cr_assert_not(deliver_idle(d));
    cr_assert_eq(loop_run(loop), 0);
    cr_assert_eq(stub_calls(), 2);
    cr_assert_str_eq(stub_call(1)->group_key, "{county=\"410603\"}");
    cr_assert_eq(nstore_log_count(s, "office", "sent"), 2);

    deliver_stop(&d);
    engine_free(&e);
    receiver_free(&cfg.receivers[0]);
    nstore_close(&s);
    loop_destroy(&loop);
    zmq_ctx_term(ctx);
}
