/* test_e2e_approval.c - a period's 核准 and 发布 between the real programs.
 *
 *   approve_lock_unlock  with CURVE over loopback: an approver key approves 2017-05
 *                        (stored, heard on the PUB, in the snapshot); a new revision
 *                        from the county's collector is REJECTED with the locked reason
 *                        in its errors file, not resent, and nothing of the store
 *                        changes; a collector key and a subscriber key cannot approve
 *                        (a clear CLI error naming approver_keys, not a timeout);
 *                        refusals (approve twice, publish before approve, unlock without
 *                        a reason); unlock with a reason, the correction is ACCEPTED;
 *                        every transition is in the store and was heard on the PUB
 *   published_ranking    insecure, with the scorer: the ranking carries the period's
 *                        state; publish freezes it as version 1; unlock and a correction
 *                        make version 2 (更正版), the published version 1 kept as it was
 *
 * The clock is pinned at 2017-07-05 (YUEBAO_NOW, inherited by the daemons).
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "codec.h"
#include "e2e.h"
#include "sock.h"
#include "wire.h"

#define P(...) e2e_fmt(__VA_ARGS__)

static char dir[256];

static void setup(void) {
    cr_assert_eq(setenv("YUEBAO_NOW", "2017-07-05", 1), 0);
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
}

static void teardown(void) {
    e2e_cleanup();
}

TestSuite(e2e_approval, .init = setup, .fini = teardown, .timeout = 300);

static int wait_ms(void) {
    return e2e_scaled_ms(E2E_WAIT_MS);
}

/* --- keys and arguments (as test_e2e_security.c) --------------------------------------- */

typedef struct {
    char key[300], pub[300], z85[64];
} ykey_t;

static void keygen(ykey_t *k, const char *name) {
    char *text, *line, *save = NULL;
    int st;
    memset(k, 0, sizeof *k);
    snprintf(k->key, sizeof k->key, "%s/%s.key", dir, name);
    snprintf(k->pub, sizeof k->pub, "%s/%s.pub", dir, name);
    st = e2e_runl(P("%s/keygen-%s", dir, name), NULL, wait_ms(), e2e_bin("yuebao"), "keygen",
                  P("%s/%s", dir, name), NULL);
    cr_assert_eq(st, 0, "yuebao keygen %s: status %d", name, st);
    text = e2e_read_file(k->pub);
    cr_assert_not_null(text);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (line[0] != '#' && line[0] != '\0') {
            snprintf(k->z85, sizeof k->z85, "%s", line);
            break;
        }
    free(text);
    cr_assert_eq(strlen(k->z85), 40);
}

static void put_line(const char *path, const char *mode, const char *line) {
    FILE *f = fopen(path, mode);
    cr_assert_not_null(f, "open %s", path);
    cr_assert_geq(fprintf(f, "%s\n", line), 0);
    cr_assert_eq(fclose(f), 0);
}

#define MAX_ARGV 64
typedef struct {
    char *v[MAX_ARGV];
    char buf[MAX_ARGV][1100];
    int n;
} argv_t;

static void arg(argv_t *a, const char *s) {
    cr_assert_lt(a->n, MAX_ARGV - 1);
    snprintf(a->buf[a->n], sizeof a->buf[0], "%s", s);
    a->v[a->n] = a->buf[a->n];
    a->v[++a->n] = NULL;
}

static void set(argv_t *a, const char *kv) {
    arg(a, "--set");
    arg(a, kv);
}

/* A free loopback endpoint, different from the ones in taken (NULL-terminated). */
static void free_tcp(char *out, size_t size, const char *const *taken) {
    for (;;) {
        int port = e2e_free_port();
        bool clash = false;
        cr_assert_gt(port, 0);
        for (size_t i = 0; taken[i]; i++)
            clash |= strstr(taken[i], P(":%d", port)) != NULL;
        if (clash) continue;
        snprintf(out, size, "tcp://127.0.0.1:%d", port);
        return;
    }
}

/* --- the aggregator with CURVE and its control endpoint -------------------------------- */

typedef struct {
    char listen[64], publish[64], snapshot[64], control[64];
    char store[320], log[320], err_log[330];
    pid_t pid;
} cagg_t;

static ykey_t agg_key, k602, ksub, kappr;

static void curve_agg_start(cagg_t *a) {
    static argv_t av;
    memset(a, 0, sizeof *a);
    memset(&av, 0, sizeof av);
    free_tcp(a->listen, sizeof a->listen, (const char *const[]){NULL});
    free_tcp(a->publish, sizeof a->publish, (const char *const[]){a->listen, NULL});
    free_tcp(a->snapshot, sizeof a->snapshot, (const char *const[]){a->listen, a->publish, NULL});
    free_tcp(a->control, sizeof a->control, (const char *const[]){a->listen, a->publish, a->snapshot, NULL});
    snprintf(a->store, sizeof a->store, "%s/store.db", dir);
    snprintf(a->log, sizeof a->log, "%s/aggregator", dir);
    snprintf(a->err_log, sizeof a->err_log, "%s.err", a->log);
    arg(&av, e2e_bin("yuebao-aggregator"));
    set(&av, P("master_dir=%s", e2e_city()));
    set(&av, P("store=%s", a->store));
    set(&av, P("listen=%s", a->listen));
    set(&av, P("publish=%s", a->publish));
    set(&av, P("snapshot=%s", a->snapshot));
    set(&av, P("control=%s", a->control));
    set(&av, "heartbeat_ms=100");
    set(&av, P("key=%s", agg_key.key));
    set(&av, P("authorized_keys=%s/authorized_keys", dir));
    set(&av, P("subscriber_keys=%s/subscriber_keys", dir));
    set(&av, P("approver_keys=%s/approver_keys", dir));
    a->pid = e2e_start(a->log, av.v);
    cr_assert_gt(a->pid, 0);
    cr_assert_eq(e2e_wait_log(a->err_log, "ready:", a->pid, wait_ms()), 0, "aggregator not ready:\n%s",
                 e2e_tail(a->err_log, 3000));
}

/* `yuebao CMD --period P ...` with key k (NULL: none, insecure) against control. The
 * exit status; stdout in *out and stderr in *err (free both; may be NULL). */
static int yuebao(char **out, char **err, const ykey_t *k, const char *control, const char *const *words) {
    static argv_t av;
    static int n;
    const char *base = P("%s/cli-%d", dir, ++n);
    int st;
    memset(&av, 0, sizeof av);
    arg(&av, e2e_bin("yuebao"));
    for (size_t i = 0; words[i]; i++)
        arg(&av, words[i]);
    arg(&av, "--control");
    arg(&av, control);
    if (k) {
        arg(&av, "--key");
        arg(&av, k->key);
        arg(&av, "--server-key");
        arg(&av, agg_key.pub);
    }
    st = e2e_run(base, out, 2 * wait_ms(), av.v);
    if (err) *err = e2e_read_file(P("%s.err", base));
    return st;
}

/* The collector daemon for 410602 with its key, in dir/col. */
static pid_t collector_start(const cagg_t *a, const char *cdir) {
    static argv_t av;
    pid_t pid;
    memset(&av, 0, sizeof av);
    cr_assert_eq(mkdir(cdir, 0755), 0);
    arg(&av, e2e_bin("yuebao-collector"));
    set(&av, "county=410602");
    set(&av, P("master_dir=%s", e2e_city()));
    set(&av, P("aggregator=%s", a->listen));
    set(&av, P("outbox=%s/outbox.db", cdir));
    set(&av, P("inbox=%s/inbox", cdir));
    set(&av, P("done=%s/done", cdir));
    set(&av, P("rejected=%s/rejected", cdir));
    set(&av, "settle_ms=100");
    set(&av, "retry_min_ms=200");
    set(&av, "retry_max_ms=1000");
    set(&av, P("key=%s", k602.key));
    set(&av, P("server_key=%s", agg_key.pub));
    pid = e2e_start(P("%s/collector", cdir), av.v);
    cr_assert_gt(pid, 0);
    cr_assert_eq(e2e_wait_log(P("%s/collector.err", cdir), "ready:", pid, wait_ms()), 0);
    return pid;
}

static void wait_for_file(const char *path, const char *log) {
    int64_t n = 0;
    for (int waited = 0; !e2e_exists(path) && waited < wait_ms(); waited += 50, n++)
        e2e_sleep_ms(50);
    cr_assert(e2e_exists(path), "%s never came; the log:\n%s", path, e2e_tail(log, 3000));
}

/* The sample file of 410602 for 2017-05 with baoshan's figure "<indicator>,<old amount>,"
 * set to amount. */
static const char *variant(const char *name, const char *indicator_amount, const char *amount) {
    static char path[400];
    char *text = e2e_read_file(e2e_sample("reports/2017-05/410602.csv")), *at, line[128];
    size_t n;
    FILE *f;
    cr_assert_not_null(text);
    snprintf(line, sizeof line, "baoshan,2017-05,%s", indicator_amount);
    at = strstr(text, line);
    cr_assert_not_null(at, "the sample still has %s", line);
    n = strlen(line);
    *strchr(line + strlen("baoshan,2017-05,"), ',') = '\0'; /* "baoshan,2017-05,va" */
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%.*s%s,%s,%s", (int)(at - text), text, line, amount, at + n);
    fclose(f);
    free(text);
    return path;
}

/* --- a CURVE subscriber to the aggregator's PUB ------------------------------------------ */

typedef struct {
    void *ctx, *sub;
    sock_security_t sec;
} csub_t;

static void csub_open(csub_t *s, const char *endpoint) {
    char err[256];
    memset(s, 0, sizeof *s);
    s->ctx = zmq_ctx_new();
    cr_assert_eq(sock_security_load(&s->sec, false, ksub.key, agg_key.pub, err, sizeof err), 0, "%s", err);
    s->sub = sock_sub(s->ctx, endpoint, "", &s->sec, err, sizeof err);
    cr_assert_not_null(s->sub, "%s", err);
}

/* The next PeriodState on the PUB (other messages skipped), within timeout_ms. 0 or -1. */
static int csub_next_state(csub_t *s, int timeout_ms, char *topic, size_t tsz, msg_t *out) {
    for (int waited = 0; waited < timeout_ms;) {
        zmq_pollitem_t it = {s->sub, 0, ZMQ_POLLIN, 0};
        void *frames[2] = {NULL, NULL};
        size_t lens[2];
        int n;
        if (zmq_poll(&it, 1, 100) <= 0) {
            waited += 100;
            continue;
        }
        n = sock_recv_frames(s->sub, frames, lens, 2);
        if (n == 2 && codec_decode(frames[1], lens[1], out, NULL, 0) == 0) {
            if (out->kind == MSG_PERIOD_STATE) {
                snprintf(topic, tsz, "%.*s", (int)lens[0], (const char *)frames[0]);
                free(frames[0]);
                free(frames[1]);
                return 0;
            }
            msg_clear(out);
        }
        free(frames[0]);
        free(frames[1]);
    }
    return -1;
}

static void csub_close(csub_t *s) {
    sock_close(&s->sub);
    zmq_ctx_term(s->ctx);
}

static int64_t sql(const cagg_t *a, const char *q) {
    return e2e_sql_int(a->store, "%s", q);
}

/* --- a raw approver connection, kept across requests ------------------------------------ */

/* Sends a PeriodRequest on the DEALER d (waiting for the connection) and returns the
 * aggregator's PeriodReply. */
static period_reply_t raw_request(void *d, paction_t action, const char *period, const char *reason) {
    msg_t m = {0}, r = {0};
    period_reply_t rep;
    void *frames[2] = {NULL, NULL};
    size_t lens[2];
    zmq_pollitem_t it = {d, 0, ZMQ_POLLIN, 0};
    int n;
    m.kind = MSG_PERIOD_REQUEST;
    m.period_req.action = action;
    snprintf(m.period_req.period, sizeof m.period_req.period, "%s", period);
    snprintf(m.period_req.reason, sizeof m.period_req.reason, "%s", reason);
    for (int waited = 0; wire_send_msg(d, NULL, 0, NULL, &m) < 0; waited += 50) {
        cr_assert_lt(waited, wait_ms(), "the request could not be sent: %s", zmq_strerror(errno));
        usleep(50 * 1000);
    }
    cr_assert_eq(zmq_poll(&it, 1, wait_ms()), 1, "no answer");
    n = sock_recv_frames(d, frames, lens, 2);
    cr_assert_eq(n, 1, "one frame: %d", n);
    cr_assert_eq(codec_decode(frames[0], lens[0], &r, NULL, 0), 0);
    cr_assert_eq(r.kind, MSG_PERIOD_REPLY);
    rep = r.period_reply;
    msg_clear(&r);
    free(frames[0]);
    return rep;
}

/* --- 1. approve, lock, unlock ---------------------------------------------------------- */

Test(e2e_approval, approve_lock_unlock) {
    cagg_t a;
    csub_t s;
    msg_t m;
    char topic[128], *out = NULL, *err = NULL;
    const char *cdir = P("%s/col", dir);
    char cdir_s[320], collog[400];
    pid_t col;
    int st;

    snprintf(cdir_s, sizeof cdir_s, "%s", cdir);
    snprintf(collog, sizeof collog, "%s/collector.err", cdir_s);
    keygen(&agg_key, "agg");
    keygen(&k602, "county-410602");
    keygen(&ksub, "watcher");
    keygen(&kappr, "zhangsan");
    put_line(P("%s/authorized_keys", dir), "w", P("%s 410602 鹤山区", k602.z85));
    put_line(P("%s/subscriber_keys", dir), "w", P("%s watcher", ksub.z85));
    put_line(P("%s/approver_keys", dir), "w", P("%s zhangsan 统计局 张三", kappr.z85));
    curve_agg_start(&a);
    csub_open(&s, a.publish);

    col = collector_start(&a, cdir_s);
    cr_assert_eq(
        e2e_drop(e2e_sample("reports/2017-05/410602.csv"), P("%s/inbox", cdir_s), "410602-2017-05.csv"), 0);
    cr_assert_eq(e2e_sql_wait(a.store, 1, wait_ms(),
                              "SELECT count(*) FROM reports WHERE zone = 'baoshan' AND period = '2017-05'"),
                 1, "the first report is stored:\n%s", e2e_tail(collog, 3000));

    /* refused before anything: publish before approve, an unknown period, an unknown county */
    st = yuebao(NULL, &err, &kappr, a.control, (const char *const[]){"publish", "--period", "2017-05", NULL});
    cr_assert_eq(st, 1, "publish before approve is refused: %d\n%s", st, err);
    cr_assert(strstr(err, "not approved yet"), "%s", err);
    free(err);
    st = yuebao(NULL, &err, &kappr, a.control, (const char *const[]){"approve", "--period", "2016-01", NULL});
    cr_assert_eq(st, 1, "%s", err);
    cr_assert(strstr(err, "no report of 2016-01 is stored"), "%s", err);
    free(err);
    st = yuebao(NULL, &err, &kappr, a.control,
                (const char *const[]){"approve", "--period", "2017-05", "--county", "419999", NULL});
    cr_assert_eq(st, 1, "%s", err);
    cr_assert(strstr(err, "no county 419999"), "%s", err);
    free(err);
    /* a county with an ESC in it reaches the aggregator's log escaped, never raw */
    st = yuebao(NULL, &err, &kappr, a.control,
                (const char *const[]){"approve", "--period", "2017-05", "--county", "41\x1b[2J", NULL});
    cr_assert_eq(st, 1, "%s", err);
    free(err);
    cr_assert_eq(e2e_wait_log(a.err_log, "41\\x1b[2J refused", a.pid, wait_ms()), 0,
                 "the refusal is logged with the county escaped:\n%s", e2e_tail(a.err_log, 3000));
    cr_assert_eq(e2e_count_in_file(a.err_log, "\x1b"), 0, "no raw ESC in the log:\n%s",
                 e2e_tail(a.err_log, 3000));
    cr_assert_eq(sql(&a, "SELECT count(*) FROM period_transitions"), 0, "no refusal is stored");

    /* a collector key and a subscriber key are refused at the handshake, in plain words */
    st = yuebao(NULL, &err, &k602, a.control, (const char *const[]){"approve", "--period", "2017-05", NULL});
    cr_assert_eq(st, 1, "a collector key cannot approve: %d\n%s", st, err);
    cr_assert(strstr(err, "not listed in approver_keys") && strstr(err, k602.z85), "%s", err);
    free(err);
    st = yuebao(NULL, &err, &ksub, a.control, (const char *const[]){"approve", "--period", "2017-05", NULL});
    cr_assert_eq(st, 1, "a subscriber key cannot approve: %d\n%s", st, err);
    cr_assert(strstr(err, "not listed in approver_keys"), "%s", err);
    free(err);
    cr_assert_eq(sql(&a, "SELECT count(*) FROM period_transitions"), 0);

    /* the approver approves */
    st = yuebao(&out, &err, &kappr, a.control,
                (const char *const[]){"approve", "--period", "2017-05", "--comment", "首次核准", NULL});
    cr_assert_eq(st, 0, "approve: %d\n%s\n%s", st, out, err);
    cr_assert(strstr(out, "2017-05, the whole city: open for reports → approved, by zhangsan on 2017-07-05"),
              "%s", out);
    free(out);
    free(err);
    cr_assert_eq(
        sql(&a, P("SELECT count(*) FROM period_transitions WHERE period = '2017-05' AND county = '' AND "
                  "action = 'approve' AND from_state = 'open' AND to_state = 'approved' AND actor = "
                  "'zhangsan' AND actor_key = '%s' AND comment = '首次核准'",
                  kappr.z85)),
        1, "the transition is stored with who, the key and the comment");
    cr_assert_eq(csub_next_state(&s, wait_ms(), topic, sizeof topic, &m), 0,
                 "the approval is heard on the PUB");
    cr_assert_str_eq(topic, "state.2017-05.city");
    cr_assert_eq(m.period_state.state, PSTATE_APPROVED);
    cr_assert_eq(m.period_state.previous, PSTATE_OPEN);
    cr_assert_str_eq(m.period_state.actor, "zhangsan");
    cr_assert_str_eq(m.period_state.actor_key, kappr.z85);
    cr_assert_gt(m.sequence, 0, "with a sequence number");
    msg_clear(&m);

    /* yuebao status says so */
    st = e2e_runl(P("%s/status", dir), &out, wait_ms(), e2e_bin("yuebao"), "status", "--period", "2017-05",
                  "--store", a.store, "--scores", P("%s/none.db", dir), "--master", e2e_city(), NULL);
    cr_assert(strstr(out, "state: approved, by zhangsan on 2017-07-05"), "status: %d\n%s", st, out);
    free(out);

    /* twice: refused, saying by whom */
    st = yuebao(NULL, &err, &kappr, a.control, (const char *const[]){"approve", "--period", "2017-05", NULL});
    cr_assert_eq(st, 1);
    cr_assert(strstr(err, "2017-05 is already approved (by zhangsan on 2017-07-05)"), "%s", err);
    free(err);

    /* the county corrects its report: REJECTED with the locked reason, nothing stored */
    {
        double before = e2e_sql_double(a.store, "SELECT amount FROM report_values WHERE zone = 'baoshan' AND "
                                                "period = '2017-05' AND indicator = 'revenue'");
        char *text;
        cr_assert_eq(e2e_drop(variant("corrected.csv", "revenue,1667561.5,", "1700000.0"),
                              P("%s/inbox", cdir_s), "410602-fix.csv"),
                     0);
        wait_for_file(P("%s/rejected/410602-fix.csv.errors.txt", cdir_s), collog);
        text = e2e_read_file(P("%s/rejected/410602-fix.csv.errors.txt", cdir_s));
        cr_assert(
            text &&
                strstr(text, "2017-05 was approved by zhangsan on 2017-07-05; ask the 统计局 to unlock it"),
            "the county's errors file says why:\n%s", text);
        free(text);
        cr_assert_eq(sql(&a, "SELECT revision FROM reports WHERE zone = 'baoshan' AND period = '2017-05'"), 1,
                     "the store stays at revision 1");
        cr_assert_eq(sql(&a, "SELECT count(*) FROM report_history WHERE period = '2017-05'"),
                     sql(&a, "SELECT count(*) FROM reports WHERE period = '2017-05'"), "no revision added");
        cr_assert_float_eq(e2e_sql_double(a.store,
                                          "SELECT amount FROM report_values WHERE zone = 'baoshan' AND "
                                          "period = '2017-05' AND indicator = 'revenue'"),
                           before, 1e-9, "the stored figure is unchanged");
    }

    /* unlock: a reason is required */
    st = yuebao(NULL, &err, &kappr, a.control, (const char *const[]){"unlock", "--period", "2017-05", NULL});
    cr_assert_eq(st, 2, "unlock without --reason is a usage error: %s", err);
    cr_assert(strstr(err, "--reason"), "%s", err);
    free(err);
    st = yuebao(&out, &err, &kappr, a.control,
                (const char *const[]){"unlock", "--period", "2017-05", "--reason", "宝山更正营业收入", NULL});
    cr_assert_eq(st, 0, "unlock: %d\n%s", st, err);
    cr_assert(strstr(out, "approved → open for reports"), "%s", out);
    free(out);
    free(err);
    cr_assert_eq(csub_next_state(&s, wait_ms(), topic, sizeof topic, &m), 0, "the unlock is heard");
    cr_assert_eq(m.period_state.state, PSTATE_OPEN);
    cr_assert_str_eq(m.period_state.reason, "宝山更正营业收入");
    msg_clear(&m);

    /* the correction again: ACCEPTED now */
    cr_assert_eq(e2e_drop(variant("corrected2.csv", "revenue,1667561.5,", "1700000.0"), P("%s/inbox", cdir_s),
                          "410602-fix2.csv"),
                 0);
    cr_assert_eq(
        e2e_sql_wait(a.store, 1, wait_ms(),
                     "SELECT count(*) FROM report_values WHERE zone = 'baoshan' AND period = '2017-05' "
                     "AND indicator = 'revenue' AND amount = 1700000.0"),
        1, "the correction is stored after the unlock:\n%s", e2e_tail(collog, 3000));
    /* the locked revision was answered once and never resent: one rejection on file */
    cr_assert_eq(sql(&a, "SELECT count(*) FROM rejections WHERE zone = 'baoshan' AND period = '2017-05'"), 1,
                 "the collector did not retry the REJECTED report");
    cr_assert_eq(e2e_count_in_file(a.err_log, "REJECTED baoshan/2017-05"), 1, "%s",
                 e2e_tail(a.err_log, 3000));

    /* approve and publish: both stored and heard */
    st = yuebao(NULL, NULL, &kappr, a.control, (const char *const[]){"approve", "--period", "2017-05", NULL});
    cr_assert_eq(st, 0);
    st = yuebao(&out, NULL, &kappr, a.control,
                (const char *const[]){"publish", "--period", "2017-05", "--comment", "市政府同意", NULL});
    cr_assert_eq(st, 0);
    cr_assert(strstr(out, "approved → published"), "%s", out);
    free(out);
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(csub_next_state(&s, wait_ms(), topic, sizeof topic, &m), 0, "transition %d heard",
                     i + 3);
        cr_assert_eq(m.period_state.state, i == 0 ? PSTATE_APPROVED : PSTATE_PUBLISHED);
        msg_clear(&m);
    }
    cr_assert_eq(sql(&a, "SELECT count(*) FROM period_transitions WHERE period = '2017-05'"), 4,
                 "every transition is in the store");
    cr_assert_eq(sql(&a, "SELECT count(*) FROM period_transitions WHERE actor = 'zhangsan'"), 4);
    cr_assert_eq(
        sql(&a, "SELECT count(*) FROM period_transitions WHERE action = 'unlock' AND reason IS NOT NULL"), 1);

    /* a county approved on its own stays approved when the city is unlocked: the answer
     * names it */
    st = yuebao(NULL, NULL, &kappr, a.control,
                (const char *const[]){"unlock", "--period", "2017-05", "--reason", "再次更正", NULL});
    cr_assert_eq(st, 0);
    st = yuebao(NULL, NULL, &kappr, a.control,
                (const char *const[]){"approve", "--period", "2017-05", "--county", "410602", NULL});
    cr_assert_eq(st, 0);
    st = yuebao(NULL, NULL, &kappr, a.control, (const char *const[]){"approve", "--period", "2017-05", NULL});
    cr_assert_eq(st, 0);
    st = yuebao(&out, &err, &kappr, a.control,
                (const char *const[]){"unlock", "--period", "2017-05", "--reason", "市里更正", NULL});
    cr_assert_eq(st, 0, "%s", err);
    cr_assert(strstr(out, "鹤山区 (410602) remains approved on its own: unlock it with --county"), "%s", out);
    free(out);
    free(err);
    cr_assert_eq(sql(&a, "SELECT count(*) FROM period_transitions WHERE period = '2017-05'"), 8);

    /* a key removed from approver_keys by SIGHUP no longer works on a connection it has */
    {
        void *ctx = zmq_ctx_new(), *d;
        sock_security_t sec;
        period_reply_t rep;
        char e[256];
        cr_assert_eq(sock_security_load(&sec, false, kappr.key, agg_key.pub, e, sizeof e), 0, "%s", e);
        d = sock_dealer(ctx, a.control, NULL, &sec, e, sizeof e);
        cr_assert_not_null(d, "%s", e);
        rep = raw_request(d, PACTION_APPROVE, "2016-01", "");
        cr_assert_not(rep.ok);
        cr_assert(strstr(rep.reason, "no report of 2016-01"), "the key works: %s", rep.reason);
        put_line(P("%s/approver_keys", dir), "w", "# 张三 left the office");
        cr_assert_eq(kill(a.pid, SIGHUP), 0);
        cr_assert_eq(e2e_wait_log(a.err_log, "approver_keys: 0 key(s)", a.pid, wait_ms()), 0, "%s",
                     e2e_tail(a.err_log, 3000));
        rep = raw_request(d, PACTION_UNLOCK, "2017-05", "a removed key tries");
        cr_assert_not(rep.ok, "the removed key cannot unlock");
        cr_assert(strstr(rep.reason, "no longer listed in approver_keys"), "%s", rep.reason);
        cr_assert_eq(sql(&a, "SELECT count(*) FROM period_transitions WHERE period = '2017-05'"), 8,
                     "nothing was stored");
        sock_close(&d);
        zmq_ctx_term(ctx);
    }

    e2e_stop(col, wait_ms());
    csub_close(&s);
    st = e2e_stop(a.pid, wait_ms());
    cr_assert_eq(st, 0, "the aggregator stops cleanly: %d\n%s", st, e2e_tail(a.err_log, 3000));
}

/* --- 2. the published ranking, frozen; a correction is version 2 -------------------------- */

/* `yuebao CMD ...` insecure against the aggregator's control socket. The exit status. */
static int yuebao_insecure(const char *control, const char *const *words) {
    char *err = NULL;
    int st = yuebao(NULL, &err, NULL, control, words);
    cr_assert_eq(st, 0, "yuebao %s: %d\n%s", words[0], st, err);
    free(err);
    return st;
}

static int64_t scores_sql(const e2e_scorer_t *sc, const char *q) {
    return e2e_sql_int(sc->scores, "%s", q);
}

static void scores_wait(const e2e_scorer_t *sc, const char *q, const char *what) {
    cr_assert_eq(e2e_sql_wait(sc->scores, 1, wait_ms(), "%s", q), 1, "%s; the scorer's log:\n%s", what,
                 e2e_tail(sc->err_log, 3000));
}

/* The period states the aggregator's snapshot ROUTER at endpoint serves for period: the
 * count, the last one into *last. Fails the test without a SnapshotEnd. */
static int snapshot_states(const char *endpoint, const char *period, period_state_t *last) {
    void *dealer = e2e_dealer(endpoint, NULL);
    msg_t req = {0}, m;
    uint8_t *buf;
    size_t len;
    int n = 0;
    cr_assert_not_null(dealer);
    req.kind = MSG_SNAPSHOT_REQUEST;
    codec_new_id(req.id);
    snprintf(req.snap_req.period, sizeof req.snap_req.period, "%s", period);
    cr_assert_eq(codec_encode(&req, &buf, &len), 0);
    cr_assert_eq(e2e_send(dealer, buf, len), 0);
    free(buf);
    for (;;) {
        cr_assert_eq(e2e_recv_msg(dealer, wait_ms(), &m), 0, "the snapshot ends with SnapshotEnd");
        if (m.kind == MSG_PERIOD_STATE) {
            n++;
            *last = m.period_state;
        }
        if (m.kind == MSG_SNAPSHOT_END) {
            msg_clear(&m);
            break;
        }
        msg_clear(&m);
    }
    e2e_dealer_close(&dealer);
    return n;
}

/* The bulletin of 2017-05 written by `yuebao export` as xlsx: its shared strings (free it). */
static char *bulletin_strings(const e2e_agg_t *agg, const e2e_scorer_t *sc, const char *name) {
    const char *xlsx = P("%s/%s.xlsx", dir, name);
    char xlsx_s[400], *out = NULL;
    int st;
    snprintf(xlsx_s, sizeof xlsx_s, "%s", xlsx);
    st = e2e_runl(P("%s/export-%s", dir, name), NULL, wait_ms(), e2e_bin("yuebao"), "export", "--period",
                  "2017-05", "-o", xlsx_s, "--store", agg->store, "--scores", sc->scores, "--master",
                  e2e_city(), NULL);
    cr_assert_eq(st, 0, "export: %d\n%s", st, e2e_tail(P("%s/export-%s.err", dir, name), 2000));
    st = e2e_runl(P("%s/unzip-%s", dir, name), &out, wait_ms(), "/usr/bin/unzip", "-p", xlsx_s,
                  "xl/sharedStrings.xml", "xl/worksheets/sheet2.xml", NULL);
    cr_assert_eq(st, 0);
    return out; /* the cover's strings, then 综合排名's sheet: its page header is the title */
}

Test(e2e_approval, published_ranking) {
    e2e_agg_t agg;
    e2e_scorer_t sc;
    const char *control = P("ipc://%s/control.sock", dir);
    char control_s[320], *out = NULL;
    const char *const counties[] = {"410602", "410611", "410621", "410622", "410671", "410672"};
    double published_total;
    int st;

    snprintf(control_s, sizeof control_s, "%s", control);
    cr_assert_eq(
        e2e_agg_start(&agg, dir, NULL, (const char *const[]){"--set", P("control=%s", control_s), NULL}), 0);
    cr_assert_eq(e2e_scorer_start(&sc, dir, &agg, NULL), 0);
    for (size_t i = 0; i < sizeof counties / sizeof counties[0]; i++) {
        st = e2e_submit(P("%s/submit-%s", dir, counties[i]), NULL, counties[i], agg.listen,
                        P("%s/outbox-%s.db", dir, counties[i]),
                        e2e_sample(P("reports/2017-05/%s.csv", counties[i])), NULL);
        cr_assert_eq(st, 0, "submit %s: %d", counties[i], st);
    }
    scores_wait(&sc,
                "SELECT count(*) FROM ranking_periods WHERE period = '2017-05' AND n_zones = 7 AND state = "
                "'open' AND version = 1",
                "2017-05 is ranked, open, version 1");
    out = bulletin_strings(&agg, &sc, "open");
    cr_assert(strstr(out, "产业集聚区 2017年1-5月 主要指标完成情况通报（初步数据）</oddHeader>"),
              "an unapproved bulletin says 初步数据 in its title:\n%.2000s", out);
    cr_assert(strstr(out, "<t>（初步数据）</t>"), "and on its cover:\n%.2000s", out);
    free(out);

    yuebao_insecure(control_s, (const char *const[]){"approve", "--period", "2017-05", NULL});
    scores_wait(&sc, "SELECT count(*) FROM ranking_periods WHERE period = '2017-05' AND state = 'approved'",
                "the ranking carries the approval");
    yuebao_insecure(control_s, (const char *const[]){"publish", "--period", "2017-05", NULL});
    scores_wait(&sc, "SELECT count(*) FROM published_periods WHERE period = '2017-05' AND version = 1",
                "the published ranking is kept as version 1");
    cr_assert_eq(scores_sql(&sc, "SELECT count(*) FROM ranking_periods WHERE period = '2017-05' AND state = "
                                 "'published' AND version = 1"),
                 1);
    { /* a late joiner learns the state from the snapshot */
        period_state_t last;
        cr_assert_eq(snapshot_states(agg.snapshot, "2017-05", &last), 1, "one scope, the city");
        cr_assert_eq(last.state, PSTATE_PUBLISHED);
        cr_assert_str_eq(last.county, "");
        cr_assert_eq(snapshot_states(agg.snapshot, "2017-06", &last), 0, "none for a period never approved");
    }
    cr_assert_eq(
        scores_sql(&sc, "SELECT count(*) FROM published_rankings WHERE period = '2017-05' AND version = 1"),
        scores_sql(&sc, "SELECT count(*) FROM rankings WHERE period = '2017-05'"), "every row kept");
    published_total =
        e2e_sql_double(sc.scores, "SELECT total FROM rankings WHERE period = '2017-05' AND zone = 'baoshan'");

    st = e2e_runl(P("%s/ranking-1", dir), &out, wait_ms(), e2e_bin("yuebao"), "ranking", "--period",
                  "2017-05", "--scores", sc.scores, NULL);
    cr_assert_eq(st, 0);
    cr_assert(strstr(out, "state: published, version 1"), "%s", out);
    free(out);
    out = bulletin_strings(&agg, &sc, "published");
    cr_assert(strstr(out, "<t>已发布</t>"), "the published bulletin's cover says so:\n%.2000s", out);
    cr_assert(strstr(out, "2017年1-5月 主要指标完成情况通报</oddHeader>"),
              "its title is no longer marked preliminary:\n%.2000s", out);
    cr_assert_null(strstr(out, "初步数据"), "nowhere:\n%.2000s", out);
    free(out);

    /* unlocked: still version 1 while nothing changed */
    yuebao_insecure(control_s,
                    (const char *const[]){"unlock", "--period", "2017-05", "--reason", "宝山更正", NULL});
    scores_wait(
        &sc,
        "SELECT count(*) FROM ranking_periods WHERE period = '2017-05' AND state = 'open' AND version = 1",
        "unlocked, the same rows are still version 1");
    /* the correction: a new version, the published one untouched */
    st = e2e_submit(P("%s/submit-fix", dir), NULL, "410602", agg.listen, P("%s/outbox-410602.db", dir),
                    variant("corrected.csv", "va,382864.6,", "400000.0"), NULL);
    cr_assert_eq(st, 0, "the correction is accepted once unlocked: %d\n%s", st,
                 e2e_tail(P("%s/submit-fix.out", dir), 2000));
    scores_wait(
        &sc,
        "SELECT count(*) FROM ranking_periods WHERE period = '2017-05' AND state = 'open' AND version = 2",
        "the corrected ranking is version 2");
    cr_assert_float_eq(e2e_sql_double(sc.scores,
                                      "SELECT total FROM published_rankings WHERE period = '2017-05' AND "
                                      "version = 1 AND zone = 'baoshan'"),
                       published_total, 1e-9, "the published version keeps its figures");
    cr_assert_gt(
        fabs(e2e_sql_double(sc.scores,
                            "SELECT total FROM rankings WHERE period = '2017-05' AND zone = 'baoshan'") -
             published_total),
        1e-9, "the current version has the corrected figures");
    cr_assert_eq(scores_sql(&sc, "SELECT count(*) FROM published_periods WHERE period = '2017-05'"), 1);
    st = e2e_runl(P("%s/ranking-2", dir), &out, wait_ms(), e2e_bin("yuebao"), "ranking", "--period",
                  "2017-05", "--scores", sc.scores, NULL);
    cr_assert_eq(st, 0);
    cr_assert(strstr(out, "state: open for reports, version 2: corrected after publication (更正版)"), "%s",
              out);
    free(out);
    out = bulletin_strings(&agg, &sc, "corrected");
    cr_assert(strstr(out, "2017年1-5月 主要指标完成情况通报（初步数据·更正版 第2版）</oddHeader>"),
              "the corrected bulletin is marked:\n%.2000s", out);
    free(out);

    /* published again: version 2 is kept beside version 1 */
    yuebao_insecure(control_s, (const char *const[]){"approve", "--period", "2017-05", NULL});
    yuebao_insecure(control_s, (const char *const[]){"publish", "--period", "2017-05", NULL});
    scores_wait(&sc, "SELECT count(*) FROM published_periods WHERE period = '2017-05' AND version = 2",
                "the second publication is version 2");
    cr_assert_eq(scores_sql(&sc, "SELECT count(*) FROM published_periods WHERE period = '2017-05'"), 2);

    cr_assert_eq(e2e_scorer_stop(&sc), 0);
    cr_assert_eq(e2e_agg_stop(&agg), 0);
}
