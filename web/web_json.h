/* web_json.h - the JSON pieces several of yuebao-web's replies share (SPEC-web "JSON
 * shapes"): an ALERT object, a totals array, the ?period= argument, and a reply begun.
 * Every string from a store or the master data goes through strbuf_json_string. */
#ifndef YB_WEB_JSON_H
#define YB_WEB_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "alert.h"
#include "master.h"
#include "strbuf.h"
#include "web.h"
#include "web_data.h"

/* Decimals of the numbers the API writes (JSON numbers, trailing zeros dropped). */
#define WEB_JSON_DECIMALS 6

/* Appends ,"key": the string s (NULL: null). The first field of an object is written
 * by hand ("{\"key\":…"); these append the comma before. */
void web_json_str(strbuf_t *b, const char *key, const char *s);
/* Appends ,"key": x (null when !has or x is not finite). */
void web_json_num(strbuf_t *b, const char *key, bool has, double x);
/* Appends ,"key": n (an integer). */
void web_json_int(strbuf_t *b, const char *key, int64_t n);
/* Appends ,"key":true|false. */
void web_json_bool(strbuf_t *b, const char *key, bool v);

/* Appends the ALERT object of a: {"key","zone","zone_name","county","kind","severity",
 * "message","since_ms","period"} (zone_name from m; the code when m does not list it).
 * When history is not NULL, "history":history is added (a JSON array, verbatim). */
void web_json_alert(strbuf_t *b, const master_t *m, const alert_t *a, const char *history);

/* Appends the totals array of scope county (NULL or "": the city) of wp: one object per
 * indicator of master data, in file order: {"indicator","name","unit","amount","growth_pct",
 * "target","completion_pct"}. amount is the sum (flows, stocks) or the mean (ratios), as
 * `yuebao totals` prints it, null when no zone reported it; growth_pct the aggregate growth
 * (null for ratios and when unknown); target and completion_pct the bulletin's for its
 * main indicators (the city: its total row; a county: the same like-with-like rule over
 * the county's zones), null otherwise. */
void web_json_totals(strbuf_t *b, const master_t *m, const web_period_t *wp, const char *county);

/* The period a request asks for (?period=, YYYY-MM; absent: the current period,
 * web_data_current_period) into out. 0; -1 after answering 400 (not a period) or 500 (the
 * store) in rp. */
int web_json_period(web_t *w, const web_request_t *rq, rstore_t *st, web_reply_t *rp, char out[PERIOD_STRLEN]);

/* Opens the report store for a request; NULL after answering 500 in rp (logged). */
rstore_t *web_json_rstore(web_t *w, web_reply_t *rp);

/* Starts a JSON reply: status 200, JSON content type, no-store, empty body. */
void web_json_begin(web_reply_t *rp);

/* Sorts alerts most severe first, then the longest firing first, then by key. */
void web_json_sort_alerts(alert_list_t *l);

#endif
