/* notify_template.h - the words of a notice: a small template language and the
 * built-in Chinese templates every receiver renders its messages with.
 *
 * The language is a subset of Mustache, small enough to test completely:
 *   {{name}}                 a value (below), escaped for the output's markup
 *   {{#name}}…{{/name}}      a list (firing, resolved, alerts): the inside once per
 *                            alert, with the alert's values; any other value: the
 *                            inside once if the value is set (not "" and not "0")
 *   {{^name}}…{{/name}}      the inside once if the value is not set (or the list empty)
 *   {{! comment }}           nothing
 * A line holding only a section tag or a comment (and white space) leaves no line in
 * the output. An unknown name, an unclosed or mismatched section, a list used as a
 * value, are refused when the template is parsed (at start, not at 3 a.m.).
 *
 * Values of the notice: title ("鹤山区: 3 项预警 (2 严重)"), group, receiver, n_firing,
 * n_critical, n_warning, n_resolved, more (firing alerts not listed for lack of room),
 * late, reminder, first_start, normal (flags: "1" or ""), made_at (the time the notice was
 * first meant to go, Asia/Shanghai "2027-01-05 09:00"), external_url.
 * Values of an alert (inside firing/resolved/alerts; outside, the notice's win):
 * zone, zone_name, county, county_name, indicator, indicator_name, unit, kind (Chinese:
 * 进度/增速/水平/逾期), kind_code, severity (严重/一般), severity_code, critical,
 * is_pace, is_growth, is_level, is_overdue, firing, resolved (flags), period, value,
 * target, expected, completion (value/target %), gap (signed), gap_abs, deadline,
 * since, ended (times), message (the scorer's own line).
 *
 * Why Chinese literals and not gettext: a notice is a document addressed to a Chinese
 * group, like the bulletin, not the program speaking to its operator; its words are the
 * operator's to change per receiver (a template file), and they must not change with
 * the LANG of whoever restarted the daemon. The built-in templates are the files shipped
 * in deploy/etc/yuebao/notify-templates/ (a test holds them equal). Errors, log lines
 * and details are the program's and go through gettext.
 *
 * Untrusted text (every value that came from a county or the master data: names,
 * codes, the message) is cleaned of control characters and, in markdown, of what
 * markdown, the robots' <font>/<@user> tags and autolinks act on: those characters are
 * replaced by their full-width forms (［ ］ （ ） ＜ ＞ ＠ ＊ ＿ ｀ ＃ ～ ｜ ＼ ！, the colon
 * of "://" and the dot of a bare "www."), so a zone name cannot make a link, a mention
 * or a heading; bidi overrides and isolates (U+202A-202E, U+2066-2069) become spaces in
 * every format. Numbers and times are ours.
 */
#ifndef YB_NOTIFY_TEMPLATE_H
#define YB_NOTIFY_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "master.h"
#include "notice.h"

/* --- a growing string ------------------------------------------------------------- */
typedef struct {
    char *p;  /* NUL-terminated; NULL until something is added */
    size_t n; /* length */
    size_t cap;
    bool oom; /* an allocation failed: the content is incomplete */
} tbuf_t;

void tbuf_add(tbuf_t *b, const char *s);
void tbuf_addn(tbuf_t *b, const char *s, size_t n);
void tbuf_printf(tbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string, quotes included; control characters as \u00XX. */
void tbuf_json(tbuf_t *b, const char *s);
/* The content ("" if empty); valid until the next add. */
const char *tbuf_str(const tbuf_t *b);
void tbuf_free(tbuf_t *b);

/* --- escaping --------------------------------------------------------------------- */
typedef enum {
    TPL_TEXT,    /* plain text (e-mail, exec): control characters become spaces */
    TPL_MARKDOWN /* the robots' markdown: also the full-width replacements above, and the
                  * dot of a bare "www." (which the robots would make a link) */
} tpl_format_t;

/* Appends s cleaned for format: bytes that are not UTF-8 become U+FFFD, C0/DEL/C1
 * controls, line and paragraph separators and bidi controls become a space. */
void tpl_escape(tbuf_t *b, const char *s, tpl_format_t format);

/* --- templates -------------------------------------------------------------------- */
typedef struct tpl tpl_t;

/* Parses text. NULL with err (line and what is wrong) if it is not a valid template. */
tpl_t *tpl_parse(const char *text, char *err, size_t errsz);
/* Reads and parses a template file (UTF-8, at most 64 KiB). NULL with err naming it. */
tpl_t *tpl_load(const char *path, char *err, size_t errsz);
void tpl_free(tpl_t **t);

/* The built-in templates: the robots' markdown, and plain text for e-mail bodies. */
extern const char tpl_default_markdown[];
extern const char tpl_default_text[];

/* What a render needs besides the notice. */
typedef struct {
    tpl_format_t format;
    const master_t *master; /* indicator names and units; NULL: codes */
    size_t max_bytes;       /* 0: no limit; else fewer alerts are listed ("more") to fit */
} tpl_opts_t;

/* Renders n with t into out (appended). 0, or -1 on out of memory. With max_bytes,
 * alerts are dropped from the end of the firing list (then the resolved list) until
 * the output fits, their count in {{more}}; if even none fits, the output is cut on a
 * character boundary. */
int tpl_render(const tpl_t *t, const notice_t *n, const tpl_opts_t *o, tbuf_t *out);

/* The notice's title, as {{title}}, DingTalk's title and the e-mail subject use it:
 * "鹤山区: 3 项预警 (2 严重)", "[补发] …" (late), "[提醒] …" (reminder), "[汇总] …"
 * (first start), "鹤山区: 2 项预警已解除" when nothing fires. The group's name is
 * escaped for format, the rest is ours. */
void tpl_title(const notice_t *n, tpl_format_t format, tbuf_t *out);

/* The group's name: the county's name when every alert is of one county, else the
 * group labels' values joined by "/", else "全市". Uncleaned. */
void tpl_group_name(const notice_t *n, char *out, size_t size);

/* A time as people in the office read it, Asia/Shanghai (UTC+8, no daylight saving):
 * "2027-01-05 09:00". "" for 0. */
void tpl_time(int64_t ms, char out[32]);

/* A time as RFC 3339 in UTC with milliseconds, as Alertmanager writes it:
 * "2027-01-05T01:00:00.000Z"; 0 is Go's zero time "0001-01-01T00:00:00Z". */
void tpl_rfc3339(int64_t ms, char out[40]);

#endif
