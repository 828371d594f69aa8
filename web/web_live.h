/* web_live.h - the live stream's sources: the aggregator's and the scorer's updates as
 * the viewers' events (web_events.c, pure: no sockets) and the main thread's loop that
 * subscribes to both publishers (web_live.c).
 *
 * An event tells a page that something changed, not what: the page re-fetches its JSON,
 * which the handlers read from the stores. So an event carries only what a page needs to
 * decide whether to re-fetch (the period, the county, the zone), and a burst of updates
 * can be collapsed without losing anything a page shows: within one drain of a SUB
 * socket the "totals" events collapse to one per (period, county), and a city-wide
 * totals event is dropped when a county's of the same period came with it (that one
 * tells the central viewers; a county's viewers of other counties need not re-fetch).
 * Report, rejection, ranking, alert and state events are kept: they are few and small.
 * What arrives as snapshot content is no event; a snapshot taken is one "resync".
 */
#ifndef YB_WEB_LIVE_H
#define YB_WEB_LIVE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "codec.h"
#include "sock.h"
#include "strbuf.h"
#include "web.h"

#define WEB_EVENT_TYPE_SIZE 16

/* One translated event, owning its text (web_event_t borrows from it). */
typedef struct {
    char type[WEB_EVENT_TYPE_SIZE];  /* "report", "rejected", "totals", "ranking", "alert", "state" */
    char county[COUNTY_CODE_SIZE];   /* the county it is about; "" city-wide */
    char period[PERIOD_STRLEN];      /* the period it is about ("" none): for coalescing */
    strbuf_t json;                   /* one line, no newline */
} web_event_buf_t;

/* Translates one decoded update into the viewers' event, as SPEC-web "Live stream" says:
 *   MSG_REPORT_ACCEPTED → report   {"period","county","zone","revision","late","at_ms"}
 *                         (late: stored at or after the period's deadline, day
 *                         deadline_day of the next month, 24:00 Asia/Shanghai, as the
 *                         aggregator counts on_time; false when the period is not a period)
 *   MSG_REPORT_REJECTED → rejected {"period","county","zone","at_ms"} (no reason: the
 *                         overview reads it from the store)
 *   MSG_TOTALS          → totals   {"period","county"} (county null for the city)
 *   MSG_RANKING         → ranking  {"period","version","state"}, on its first chunk only;
 *                         version null when unknown (0), state "preliminary", "approved",
 *                         "published" or null (unknown)
 *   MSG_ALERT           → alert    {"key","zone","county","kind","severity","transition",
 *                         "message"}: transition "fired", "escalated", "eased",
 *                         "resolved"; a resolved alert's severity is the one it had
 *                         (previous); TR_ACTIVE / TR_NONE (snapshot content) are no event
 *   MSG_PERIOD_STATE    → state    {"period","county"|null,"state"}
 * Every string goes through strbuf_json_string, every number through
 * strbuf_json_number. Returns 1 with *out filled (out->json reset first), 0 when m is no
 * event (a heartbeat, a later ranking chunk, any other kind; out untouched). Never
 * fails (out of memory aborts, as strbuf does). */
int web_event_translate(const msg_t *m, int deadline_day, web_event_buf_t *out);

/* Frees e's text; e is empty and reusable afterwards. */
void web_event_buf_free(web_event_buf_t *e);

/* The events of one drain, in arrival order, coalesced. Initialise with web_batch_init;
 * its memory is kept between drains. */
typedef struct {
    web_event_buf_t *v;
    size_t n, cap;
    int deadline_day; /* the master data's 报送截止日 (master_policy_t.deadline_day) */
} web_batch_t;

void web_batch_init(web_batch_t *b, int deadline_day);

/* Report events kept per county in one drain: beyond, a county's burst is told by its
 * totals event alone, so 200 viewers cost the ingest a few events per commit, not one
 * per report each. */
#define WEB_BATCH_REPORTS 8

/* Adds m's event. Nothing for snapshot content (in_snapshot), for what is no event
 * (web_event_translate 0), for a totals event whose (period, county) the batch holds
 * already (collapsed into the first), or for a county's report event past
 * WEB_BATCH_REPORTS. Returns 1 when an event was added, else 0. */
int web_batch_add(web_batch_t *b, const msg_t *m, bool in_snapshot);

/* Where events go: web_stream_publish in the daemon, a recorder in tests. */
typedef void (*web_event_sink_fn)(const web_event_t *e, void *arg);

/* Hands b's events to sink in order (dropping a city-wide totals event when a county's
 * totals of the same period is in b), then empties b, keeping its memory. Returns the
 * number handed over. */
size_t web_batch_flush(web_batch_t *b, web_event_sink_fn sink, void *arg);

/* Frees b's memory; b is empty and reusable afterwards. */
void web_batch_free(web_batch_t *b);

/* The "resync" event: county "" (every viewer), json "{}". Static, never NULL. */
const web_event_t *web_event_resync(void);

/* ---- the loop (web_live.c) ---------------------------------------------------------- */

#define WEB_LIVE_FEEDS 2

/* One publisher: PUB and snapshot ROUTER, and the keys to speak to it. */
typedef struct {
    const char *who;             /* "the aggregator", in the reader's language: for log lines */
    const char *pub, *snapshot;  /* endpoints; pub NULL or "": the feed is left out */
    const sock_security_t *sec;  /* borrowed for the loop's life */
    bool scorer;                 /* the snapshot request asks for no ranking (the scorer's) */
} web_feed_opts_t;

typedef struct {
    web_feed_opts_t feeds[WEB_LIVE_FEEDS];
    size_t n_feeds;
    int deadline_day;        /* for the report events' "late" */
    int retry_ms;            /* a publisher that did not answer is asked again after this
                                (<= 0: 5000) */
    int snapshot_timeout_ms; /* a snapshot not complete by then failed (<= 0: 2000) */
    int silence_ms;          /* no word from a publisher this long: resync (<= 0: clone's 5000) */
    web_event_sink_fn sink;  /* every event, and a "resync" after every snapshot taken */
    void *sink_arg;
    /* Called before and after the events of one flush (may be NULL): the stream wakes
     * each viewer once a flush, not once an event. */
    void (*flush_begin)(void *sink_arg), (*flush_end)(void *sink_arg);
} web_live_opts_t;

/* The loop of web_live_run without the configuration: Clone subscribers to o's feeds on
 * ctx, each update's event to o->sink, one drain at a time (web_batch_t). A feed whose
 * snapshot fails is asked again every retry_ms, with one warning line until it answers
 * and one line when it does; meanwhile the other feed is served. Sees *stop within
 * 200 ms (also while a snapshot is awaited). Returns 0 when *stop is set, -1 (logged) when
 * a SUB cannot be made or polled. */
int web_live_loop(void *ctx, const web_live_opts_t *o, volatile sig_atomic_t *stop);

#endif
