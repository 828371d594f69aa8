/* test_approval.c - a period's 核准 / 发布: the state machine, its refusals, the lock a
 * report meets, the table of current states, the wire and the report store's records. */
#include <criterion/criterion.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "approval.h"
#include "codec.h"
#include "i18n.h"
#include "rstore.h"

/* 2017-07-10 00:00 Asia/Shanghai = 2017-07-09 16:00 UTC, in ms. */
#define JULY_10_MS 1499616000000LL

static period_state_t st(const char *county, pstate_t state, const char *actor) {
    period_state_t t;
    memset(&t, 0, sizeof t);
    snprintf(t.period, sizeof t.period, "2017-06");
    snprintf(t.county, sizeof t.county, "%s", county);
    t.state = state;
    snprintf(t.actor, sizeof t.actor, "%s", actor);
    t.at_ms = JULY_10_MS + 3600 * 1000; /* 01:00 that day */
    return t;
}

static period_request_t req(paction_t action, const char *county, const char *reason) {
    period_request_t r;
    memset(&r, 0, sizeof r);
    r.action = action;
    snprintf(r.period, sizeof r.period, "2017-06");
    snprintf(r.county, sizeof r.county, "%s", county);
    snprintf(r.reason, sizeof r.reason, "%s", reason);
    return r;
}

/* Decides r with the city's and the county's states (NULL: never moved). Returns the
 * outcome; from and to, or why. */
static int decide(paction_t action, const char *county, const char *reason, const period_state_t *city,
                  const period_state_t *cty, bool all, pstate_t *from, pstate_t *to, char *why) {
    period_request_t r = req(action, county, reason);
    approval_view_t v = {city, cty, all};
    *from = *to = PSTATE_NONE;
    why[0] = '\0';
    return approval_decide(&r, &v, from, to, why, 512);
}

Test(approval, allowed_transitions) {
    period_state_t approved = st("", PSTATE_APPROVED, "zhangsan"),
                   published = st("", PSTATE_PUBLISHED, "zhangsan");
    period_state_t open = st("", PSTATE_OPEN, "zhangsan"), c_approved = st("410602", PSTATE_APPROVED, "lisi");
    pstate_t from, to;
    char why[512];

    cr_assert_eq(decide(PACTION_APPROVE, "", "", NULL, NULL, false, &from, &to, why), 0, "%s", why);
    cr_assert(from == PSTATE_OPEN && to == PSTATE_APPROVED);
    cr_assert_eq(decide(PACTION_APPROVE, "", "", &open, NULL, false, &from, &to, why), 0, "after an unlock");
    cr_assert_eq(decide(PACTION_APPROVE, "410602", "", NULL, NULL, false, &from, &to, why), 0);
    cr_assert(from == PSTATE_OPEN && to == PSTATE_APPROVED);
    cr_assert_eq(decide(PACTION_PUBLISH, "", "", &approved, NULL, false, &from, &to, why), 0);
    cr_assert(from == PSTATE_APPROVED && to == PSTATE_PUBLISHED);
    cr_assert_eq(decide(PACTION_PUBLISH, "", "", NULL, NULL, true, &from, &to, why), 0,
                 "every county approved on its own: publishable");
    cr_assert(from == PSTATE_OPEN && to == PSTATE_PUBLISHED);
    cr_assert_eq(decide(PACTION_UNLOCK, "", "更正", &approved, NULL, false, &from, &to, why), 0);
    cr_assert(from == PSTATE_APPROVED && to == PSTATE_OPEN);
    cr_assert_eq(decide(PACTION_UNLOCK, "", "更正", &published, NULL, false, &from, &to, why), 0);
    cr_assert(from == PSTATE_PUBLISHED && to == PSTATE_OPEN);
    cr_assert_eq(decide(PACTION_UNLOCK, "410602", "更正", NULL, &c_approved, false, &from, &to, why), 0);
    cr_assert(from == PSTATE_APPROVED && to == PSTATE_OPEN);
}

Test(approval, refusals_say_why) {
    period_state_t approved = st("", PSTATE_APPROVED, "zhangsan"),
                   published = st("", PSTATE_PUBLISHED, "wangwu");
    period_state_t c_approved = st("410602", PSTATE_APPROVED, "lisi");
    pstate_t from, to;
    char why[512];

    cr_assert_eq(decide(PACTION_APPROVE, "", "", &approved, NULL, false, &from, &to, why), -1);
    cr_assert_str_eq(why, "2017-06 is already approved (by zhangsan on 2017-07-10)");
    cr_assert_eq(from, PSTATE_NONE, "nothing decided");
    cr_assert_eq(decide(PACTION_APPROVE, "", "", &published, NULL, false, &from, &to, why), -1);
    cr_assert_str_eq(why, "2017-06 is already published (by wangwu on 2017-07-10)");
    cr_assert_eq(decide(PACTION_APPROVE, "410602", "", &approved, NULL, false, &from, &to, why), -1);
    cr_assert(strstr(why, "for the whole city"), "%s", why);
    cr_assert_eq(decide(PACTION_APPROVE, "410602", "", NULL, &c_approved, false, &from, &to, why), -1);
    cr_assert_str_eq(why, "2017-06 of county 410602 is already approved (by lisi on 2017-07-10)");

    cr_assert_eq(decide(PACTION_PUBLISH, "", "", NULL, NULL, false, &from, &to, why), -1,
                 "publish before approve");
    cr_assert(strstr(why, "not approved yet"), "%s", why);
    cr_assert_eq(decide(PACTION_PUBLISH, "", "", NULL, &c_approved, false, &from, &to, why), -1,
                 "one county approved is not the city");
    cr_assert_eq(decide(PACTION_PUBLISH, "", "", &published, NULL, false, &from, &to, why), -1);
    cr_assert(strstr(why, "already published"), "%s", why);
    cr_assert_eq(decide(PACTION_PUBLISH, "410602", "", &approved, NULL, false, &from, &to, why), -1);
    cr_assert(strstr(why, "whole city"), "%s", why);

    cr_assert_eq(decide(PACTION_UNLOCK, "", "", &approved, NULL, false, &from, &to, why), -1, "no reason");
    cr_assert(strstr(why, "needs a reason"), "%s", why);
    cr_assert_eq(decide(PACTION_UNLOCK, "", "x", NULL, NULL, false, &from, &to, why), -1, "open: nothing");
    cr_assert(strstr(why, "nothing to unlock"), "%s", why);
    cr_assert_eq(decide(PACTION_UNLOCK, "410602", "x", &approved, &c_approved, false, &from, &to, why), -1);
    cr_assert(strstr(why, "unlock the city"), "%s", why);
    cr_assert_eq(decide(PACTION_UNLOCK, "410603", "x", NULL, NULL, false, &from, &to, why), -1);
    cr_assert(strstr(why, "410603 is not approved"), "%s", why);
    cr_assert_eq(decide(PACTION_NONE, "", "", NULL, NULL, false, &from, &to, why), -1);
    cr_assert(strstr(why, "unknown request"), "%s", why);
}

Test(approval, lock_and_its_message) {
    period_state_t approved = st("", PSTATE_APPROVED, "zhangsan"), open = st("", PSTATE_OPEN, "zhangsan");
    period_state_t published = st("", PSTATE_PUBLISHED, "wangwu"),
                   c_approved = st("410602", PSTATE_APPROVED, "lisi");
    period_state_t c_open = st("410602", PSTATE_OPEN, "lisi");
    char msg[600];

    cr_assert_null(approval_lock(NULL, NULL), "never moved: open");
    cr_assert_null(approval_lock(&open, &c_open), "unlocked both");
    cr_assert_eq(approval_lock(&approved, NULL), &approved);
    cr_assert_eq(approval_lock(&published, &c_approved), &published, "the city's lock first");
    cr_assert_eq(approval_lock(&open, &c_approved), &c_approved, "the county's own approval");
    approval_locked_message(&approved, msg, sizeof msg);
    cr_assert_str_eq(msg, "2017-06 was approved by zhangsan on 2017-07-10; ask the 统计局 to unlock it");
    approval_locked_message(&published, msg, sizeof msg);
    cr_assert_str_eq(msg, "2017-06 was published by wangwu on 2017-07-10; ask the 统计局 to unlock it");
}

Test(approval, day_is_shanghai) {
    char day[32];
    approval_day(JULY_10_MS - 1, day, sizeof day); /* 23:59:59.999 on the 9th in Shanghai */
    cr_assert_str_eq(day, "2017-07-09");
    approval_day(JULY_10_MS, day, sizeof day);
    cr_assert_str_eq(day, "2017-07-10");
}

Test(approval, names_round_trip) {
    for (int s = PSTATE_OPEN; s <= PSTATE_PUBLISHED; s++)
        cr_assert_eq(approval_state_parse(approval_state_name((pstate_t)s)), s);
    for (int a = PACTION_APPROVE; a <= PACTION_UNLOCK; a++)
        cr_assert_eq(approval_action_parse(approval_action_name((paction_t)a)), a);
    cr_assert_eq(approval_state_parse("locked"), PSTATE_NONE);
    cr_assert_eq(approval_state_parse(NULL), PSTATE_NONE);
    cr_assert_null(approval_state_name(PSTATE_NONE));
}

Test(approval, table_keeps_the_last_per_scope) {
    approval_table_t t = {0};
    period_state_t a = st("", PSTATE_APPROVED, "x"), b = st("410602", PSTATE_APPROVED, "y");
    period_state_t c = st("", PSTATE_OPEN, "z"), d = st("410602", PSTATE_APPROVED, "w");
    master_t m;
    county_t counties[2];
    snprintf(d.period, sizeof d.period, "2017-05");
    cr_assert_eq(approval_table_set(&t, &a), 0);
    cr_assert_eq(approval_table_set(&t, &b), 0);
    cr_assert_eq(approval_table_set(&t, &d), 0);
    cr_assert_eq(approval_table_set(&t, &c), 0);
    cr_assert_eq(t.n, 3, "three scopes");
    cr_assert_str_eq(approval_table_find(&t, "2017-06", "")->actor, "z", "the later transition wins");
    cr_assert_str_eq(approval_table_find(&t, "2017-06", "410602")->actor, "y");
    cr_assert_str_eq(approval_table_find(&t, "2017-05", "410602")->actor, "w");
    cr_assert_null(approval_table_find(&t, "2017-05", ""));
    cr_assert_str_eq(t.v[0].period, "2017-05", "sorted by period");

    memset(&m, 0, sizeof m);
    memset(counties, 0, sizeof counties);
    snprintf(counties[0].code, sizeof counties[0].code, "410602");
    snprintf(counties[1].code, sizeof counties[1].code, "410603");
    m.counties = counties;
    m.n_counties = 2;
    cr_assert_not(approval_table_all_counties(&t, &m, "2017-06"), "410603 is not approved");
    b = st("410603", PSTATE_APPROVED, "y");
    cr_assert_eq(approval_table_set(&t, &b), 0);
    cr_assert(approval_table_all_counties(&t, &m, "2017-06"));
    approval_table_clear(&t);
    cr_assert_eq(t.n, 0);
}

/* Room reserved before a transition is stored: putting it in force after COMMIT then
 * needs no memory (the table does not move), so it cannot fail. */
Test(approval, reserve_makes_the_next_set_need_no_memory) {
    approval_table_t t = {0};
    period_state_t v;
    char county[16];
    cr_assert_eq(approval_table_reserve(&t), 0);
    cr_assert_geq(t.cap, 1);
    for (int i = 0; i < 40; i++) {
        period_state_t *before;
        snprintf(county, sizeof county, "4106%02d", i);
        v = st(county, PSTATE_APPROVED, "x");
        cr_assert_eq(approval_table_reserve(&t), 0);
        cr_assert_gt(t.cap, t.n, "room for one more");
        before = t.v;
        cr_assert_eq(approval_table_set(&t, &v), 0);
        cr_assert_eq(t.v, before, "no reallocation after a reserve");
    }
    cr_assert_eq(t.n, 40);
    approval_table_clear(&t);
}

/* A city unlock leaves the counties approved on their own approved: the approver is
 * told which, by name (the code when master data does not know it). */
Test(approval, unlock_note_names_the_counties_still_approved) {
    approval_table_t t = {0};
    period_state_t a = st("410621", PSTATE_APPROVED, "x"), b = st("410622", PSTATE_APPROVED, "x");
    period_state_t c = st("410602", PSTATE_OPEN, "x"), d = st("419999", PSTATE_APPROVED, "x");
    period_state_t e = st("410603", PSTATE_APPROVED, "x");
    master_t m;
    county_t counties[3];
    char note[APPROVAL_TEXT_SIZE];
    snprintf(e.period, sizeof e.period, "2017-05"); /* another month */
    memset(&m, 0, sizeof m);
    memset(counties, 0, sizeof counties);
    snprintf(counties[0].code, sizeof counties[0].code, "410621");
    snprintf(counties[0].name, sizeof counties[0].name, "浚县");
    snprintf(counties[1].code, sizeof counties[1].code, "410622");
    snprintf(counties[1].name, sizeof counties[1].name, "淇县");
    snprintf(counties[2].code, sizeof counties[2].code, "410602");
    snprintf(counties[2].name, sizeof counties[2].name, "鹤山区");
    m.counties = counties;
    m.n_counties = 3;
    cr_assert_eq(approval_unlock_note(&t, &m, "2017-06", note, sizeof note), 0, "none approved");
    cr_assert_str_eq(note, "");
    cr_assert_eq(approval_table_set(&t, &a), 0);
    cr_assert_eq(approval_unlock_note(&t, &m, "2017-06", note, sizeof note), 1);
    cr_assert_str_eq(note, "浚县 (410621) remains approved on its own: unlock it with --county");
    cr_assert_eq(approval_table_set(&t, &b), 0);
    cr_assert_eq(approval_table_set(&t, &c), 0);
    cr_assert_eq(approval_table_set(&t, &e), 0);
    cr_assert_eq(approval_unlock_note(&t, &m, "2017-06", note, sizeof note), 2);
    cr_assert_str_eq(note,
                     "浚县 (410621), 淇县 (410622) remain approved on their own: unlock them with --county");
    cr_assert_eq(approval_table_set(&t, &d), 0);
    cr_assert_eq(approval_unlock_note(&t, &m, "2017-06", note, sizeof note), 3);
    cr_assert_str_eq(
        note, "浚县 (410621), 淇县 (410622), 419999 remain approved on their own: unlock them with --county");
    /* too many for the room: counted instead */
    cr_assert_eq(approval_unlock_note(&t, &m, "2017-06", note, 80), 3);
    cr_assert_str_eq(note, "3 counties remain approved on their own: unlock each with --county");
    approval_table_clear(&t);
}

Test(approval, wire_round_trip) {
    msg_t m = {0}, back;
    uint8_t *buf;
    size_t len;
    char err[256];

    m.kind = MSG_PERIOD_REQUEST;
    codec_new_id(m.id);
    m.period_req = req(PACTION_UNLOCK, "410602", "宝山更正营业收入");
    cr_assert_eq(codec_encode(&m, &buf, &len), 0);
    cr_assert_eq(codec_decode(buf, len, &back, err, sizeof err), 0, "%s", err);
    free(buf);
    cr_assert_eq(back.kind, MSG_PERIOD_REQUEST);
    cr_assert_eq(back.period_req.action, PACTION_UNLOCK);
    cr_assert_str_eq(back.period_req.county, "410602");
    cr_assert_str_eq(back.period_req.reason, "宝山更正营业收入");
    msg_clear(&back);

    memset(&m, 0, sizeof m);
    m.kind = MSG_PERIOD_REPLY;
    codec_new_id(m.id);
    m.period_reply.ok = true;
    m.period_reply.state = st("", PSTATE_PUBLISHED, "zhangsan");
    m.period_reply.state.previous = PSTATE_APPROVED;
    m.period_reply.state.action = PACTION_PUBLISH;
    snprintf(m.period_reply.state.comment, sizeof m.period_reply.state.comment, "市政府同意");
    cr_assert_eq(codec_encode(&m, &buf, &len), 0);
    cr_assert_eq(codec_decode(buf, len, &back, err, sizeof err), 0, "%s", err);
    free(buf);
    cr_assert(back.period_reply.ok);
    cr_assert_eq(back.period_reply.state.state, PSTATE_PUBLISHED);
    cr_assert_eq(back.period_reply.state.previous, PSTATE_APPROVED);
    cr_assert_eq(back.period_reply.state.action, PACTION_PUBLISH);
    cr_assert_eq(back.period_reply.state.at_ms, JULY_10_MS + 3600 * 1000);
    cr_assert_str_eq(back.period_reply.state.comment, "市政府同意");
    msg_clear(&back);

    memset(&m, 0, sizeof m); /* a refusal carries its reason and no state */
    m.kind = MSG_PERIOD_REPLY;
    codec_new_id(m.id);
    snprintf(m.period_reply.reason, sizeof m.period_reply.reason, "2017-06 is not approved yet");
    cr_assert_eq(codec_encode(&m, &buf, &len), 0);
    cr_assert_eq(codec_decode(buf, len, &back, err, sizeof err), 0, "%s", err);
    free(buf);
    cr_assert_not(back.period_reply.ok);
    cr_assert_str_eq(back.period_reply.reason, "2017-06 is not approved yet");
    msg_clear(&back);

    memset(&m, 0, sizeof m); /* a state without a known state is refused */
    m.kind = MSG_PERIOD_STATE;
    codec_new_id(m.id);
    m.period_state = st("", PSTATE_NONE, "x");
    cr_assert_eq(codec_encode(&m, &buf, &len), 0);
    cr_assert_eq(codec_decode(buf, len, &back, err, sizeof err), -1);
    cr_assert(strstr(err, "known state"), "%s", err);
    free(buf);
    msg_clear(&back);
}

/* Appends the transition's to-state to *n as a digit, and checks what is read back. */
static void count_transition(const period_state_t *t, void *arg) {
    int *n = arg;
    cr_assert_str_eq(t->actor, "zhangsan");
    if (t->action == PACTION_APPROVE) {
        cr_assert_str_eq(t->comment, "首次核准");
        cr_assert_str_eq(t->actor_key, "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
    }
    *n = *n * 10 + (int)t->state;
}

Test(approval, store_keeps_every_transition) {
    char dir[] = "/tmp/yb_approval_XXXXXX", path[64], err[256];
    rstore_t *s;
    period_state_t a = st("", PSTATE_APPROVED, "zhangsan"), u = st("", PSTATE_OPEN, "zhangsan"), got;
    int n = 0;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/reports.db", dir);
    s = rstore_open(path, false, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    a.previous = PSTATE_OPEN;
    a.action = PACTION_APPROVE;
    snprintf(a.actor_key, sizeof a.actor_key, "%s", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
    snprintf(a.comment, sizeof a.comment, "首次核准");
    u.previous = PSTATE_APPROVED;
    u.action = PACTION_UNLOCK;
    u.at_ms += 1000;
    snprintf(u.reason, sizeof u.reason, "更正");
    cr_assert_eq(rstore_period_state(s, "2017-06", "", &got), 0, "never moved");
    cr_assert_eq(rstore_begin(s), 0);
    cr_assert_eq(rstore_record_transition(s, &a), 0);
    cr_assert_eq(rstore_record_transition(s, &u), 0);
    cr_assert_eq(rstore_commit(s), 0);
    cr_assert_eq(rstore_period_state(s, "2017-06", "", &got), 1);
    cr_assert_eq(got.state, PSTATE_OPEN, "the last one is the current state");
    cr_assert_eq(got.previous, PSTATE_APPROVED);
    cr_assert_str_eq(got.reason, "更正");
    cr_assert_eq(rstore_period_state(s, "2017-06", "410602", &got), 0, "a county is its own scope");
    cr_assert_eq(rstore_each_transition(s, NULL, count_transition, &n), 2);
    cr_assert_eq(n, 2 * 10 + 1, "oldest first: the approval (2), then the unlock (1)");
    cr_assert_eq(rstore_each_transition(s, "2017-05", count_transition, &n), 0);
    rstore_close(&s);
    unlink(path);
    snprintf(path, sizeof path, "%s/reports.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/reports.db-shm", dir);
    unlink(path);
    rmdir(dir);
}

/* The county reads the lock in its own words: zh_CN puts the day before the approver. */
Test(approval, lock_message_in_chinese) {
    const char *bin = getenv("YUEBAO_BIN");
    char dir[1024], msg[600];
    period_state_t approved = st("", PSTATE_APPROVED, "zhangsan");
    snprintf(dir, sizeof dir, "%s/../locale", bin && *bin ? bin : "build/bin");
    cr_assert_eq(setenv("YUEBAO_LOCALEDIR", dir, 1), 0);
    unsetenv("LANGUAGE");
    unsetenv("LC_MESSAGES");
    cr_assert_eq(setenv("LC_ALL", "zh_CN.UTF-8", 1), 0);
    cr_assert_not_null(setlocale(LC_ALL, "zh_CN.UTF-8"), "the zh_CN.UTF-8 locale is not installed");
    i18n_init();
    approval_locked_message(&approved, msg, sizeof msg);
    cr_assert_str_eq(msg, "2017-06 已于 2017-07-10 由 zhangsan 核准；如需更正，请联系统计局解锁");
    cr_assert_str_eq(approval_state_label(PSTATE_OPEN), "填报中");
}
