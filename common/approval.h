/* approval.h - a period's state (核准 / 发布) and the rules that move it.
 *
 * A period is 填报中 (open: reports are taken) until the 统计局 approves it (已核准:
 * locked), then publishes it (已发布: locked, and its ranking frozen as published). An
 * unlock, always with a reason, reopens it for corrections. The office approves either
 * the whole city at once, or county by county (a county's approval locks only that
 * county's reports); publishing is for the whole city, once the city or every county is
 * approved. Every transition is kept (rstore's period_transitions) with who made it
 * (the approver key's name and the key), when, and the comment or reason.
 *
 * Pure: no sockets, no SQLite. The aggregator decides requests with approval_decide and
 * keeps the current states in an approval_table_t; the lock of a report is
 * approval_lock. Messages are gettext'd (the approver and the county read them).
 */
#ifndef YB_APPROVAL_H
#define YB_APPROVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "master.h"
#include "period.h"

/* The numbers are the wire's (PeriodStateKind, PeriodAction in proto/yuebao.proto). */
typedef enum { PSTATE_NONE = 0, PSTATE_OPEN = 1, PSTATE_APPROVED = 2, PSTATE_PUBLISHED = 3 } pstate_t;
typedef enum { PACTION_NONE = 0, PACTION_APPROVE = 1, PACTION_PUBLISH = 2, PACTION_UNLOCK = 3 } paction_t;

#define APPROVAL_TEXT_SIZE 256 /* a comment or a reason, UTF-8, with its NUL (85 Chinese characters) */

/* What an approver asks. Who asks is not in it: the aggregator takes that from the key. */
typedef struct {
    paction_t action;
    char period[PERIOD_STRLEN];
    char county[COUNTY_CODE_SIZE]; /* "" = the whole city */
    char comment[APPROVAL_TEXT_SIZE];
    char reason[APPROVAL_TEXT_SIZE]; /* unlock: required */
} period_request_t;

/* One transition as stored and published; as a scope's current state, its last one. */
typedef struct {
    char period[PERIOD_STRLEN];
    char county[COUNTY_CODE_SIZE]; /* "" = the whole city */
    pstate_t state;                /* after */
    pstate_t previous;             /* before */
    paction_t action;
    char actor[KEY_NAME_MAX];        /* the key's name in approver_keys */
    char actor_key[KEY_Z85_LEN + 1]; /* the key ("" insecure) */
    int64_t at_ms;
    char comment[APPROVAL_TEXT_SIZE];
    char reason[APPROVAL_TEXT_SIZE];
} period_state_t;

/* The aggregator's answer to a request. */
typedef struct {
    bool ok;
    char reason[APPROVAL_TEXT_SIZE]; /* refused: why */
    period_state_t state;            /* ok: the transition as stored */
} period_reply_t;

/* "open", "approved", "published" (stored and logged as such); NULL for none. */
const char *approval_state_name(pstate_t s);
/* The inverse of approval_state_name; PSTATE_NONE for anything else. */
pstate_t approval_state_parse(const char *name);
/* "approve", "publish", "unlock"; NULL for none. */
const char *approval_action_name(paction_t a);
paction_t approval_action_parse(const char *name);
/* The state in the reader's language: 填报中, 已核准, 已发布 (msgids "open", …). */
const char *approval_state_label(pstate_t s);

/* What a decision looks at: the scope's current states. */
typedef struct {
    const period_state_t *city;   /* the city's last transition; NULL = never (open) */
    const period_state_t *county; /* the county's, when the request names one; NULL = never */
    bool all_counties_approved;   /* every county of master data is approved on its own */
} approval_view_t;

/* Decides req against v, with the actor's name (for nothing but completeness of the
 * caller's record). Allowed: 0 with *from and *to set. Refused: -1 with the reason in
 * why (gettext'd): an unknown action; publish with a county (publishing is city-wide);
 * approve what is already approved or published (saying by whom and when); approve a
 * county while the whole city is approved; publish before approval, or twice; unlock
 * without a reason, unlock what is open, unlock a county while the whole city is
 * approved or published (unlock the city). A city unlock leaves counties approved on
 * their own as they are. */
int approval_decide(const period_request_t *req, const approval_view_t *v, pstate_t *from, pstate_t *to,
                    char *why, size_t whysz);

/* The transition that locks a report of a county for the period, or NULL when it is
 * open: the city's if approved or published, else the county's if approved. */
const period_state_t *approval_lock(const period_state_t *city, const period_state_t *county);

/* The lock's reason as the county reads it (gettext'd): "2017-06 已于 2017-07-10 由 张三
 * 核准；如需更正，请联系统计局解锁" — period, the day (Asia/Shanghai), the actor. */
void approval_locked_message(const period_state_t *lock, char *buf, size_t size);

/* The day of ms in the office's calendar (Asia/Shanghai), "2017-07-10". */
void approval_day(int64_t ms, char *buf, size_t size);

/* The current state of every scope that had a transition: sorted by (period, county). */
typedef struct {
    period_state_t *v;
    size_t n, cap;
} approval_table_t;

/* The scope's current state, or NULL (never moved: open). */
const period_state_t *approval_table_find(const approval_table_t *t, const char *period, const char *county);

/* Puts t's transition in force for its scope (copied). 0, or -1 out of memory - never
 * after approval_table_reserve succeeded (until the next set). */
int approval_table_set(approval_table_t *t, const period_state_t *st);

/* Makes room for one more scope, so that the next approval_table_set needs no memory:
 * call it before storing a transition, whose state must be in force once committed.
 * 0, or -1 out of memory (t unchanged). */
int approval_table_reserve(approval_table_t *t);

/* True if every county of m has its own transition to approved for period. */
bool approval_table_all_counties(const approval_table_t *t, const master_t *m, const char *period);

/* After a city unlock of period, what stays locked: the counties approved on their own
 * (a city unlock leaves them as they are). Writes into buf (gettext'd) "浚县 (410621),
 * 淇县 (410622) remain approved on their own: unlock them with --county" (one: "remains
 * … on its own: unlock it") - the name from
 * m (may be NULL), or only the code - or, when that does not fit size, "3 counties
 * remain approved on their own: unlock each with --county"; "" when there is none.
 * Returns how many. */
size_t approval_unlock_note(const approval_table_t *t, const master_t *m, const char *period, char *buf,
                            size_t size);

/* Frees and zeroes t; NULL-safe. */
void approval_table_clear(approval_table_t *t);

#endif
