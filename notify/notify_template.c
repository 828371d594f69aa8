/* notify_template.c - the template language and the built-in Chinese templates (see
 * notify_template.h).
 *
 * A template is parsed once into a tree of nodes (text, value, section) whose names are
 * resolved to an enum, so rendering never looks a name up and a misspelt one is refused
 * at start. A render is a walk of the tree with a context: the notice, and inside a list
 * section the alert. To fit a robot's size limit the walk is repeated with fewer alerts
 * listed; notices hold tens of alerts, so the quadratic worst case is small.
 */
#include "notify_template.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "i18n.h"
#include "text.h"

/* --- tbuf ------------------------------------------------------------------------- */
static bool tbuf_room(tbuf_t *b, size_t more) {
    if (b->oom) return false;
    if (b->n + more + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + more + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return false;
        }
        b->p = p;
        b->cap = cap;
    }
    return true;
}

void tbuf_addn(tbuf_t *b, const char *s, size_t n) {
    if (!tbuf_room(b, n)) return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void tbuf_add(tbuf_t *b, const char *s) {
    tbuf_addn(b, s, strlen(s));
}

void tbuf_printf(tbuf_t *b, const char *fmt, ...) {
    va_list ap;
    int len;
    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0 || !tbuf_room(b, (size_t)len)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)len;
}

void tbuf_json(tbuf_t *b, const char *s) {
    tbuf_add(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': tbuf_add(b, "\\\""); break;
        case '\\': tbuf_add(b, "\\\\"); break;
        case '\n': tbuf_add(b, "\\n"); break;
        case '\r': tbuf_add(b, "\\r"); break;
        case '\t': tbuf_add(b, "\\t"); break;
        default:
            if (*p < 0x20)
                tbuf_printf(b, "\\u%04x", *p);
            else
                tbuf_addn(b, (const char *)p, 1);
        }
    }
    tbuf_add(b, "\"");
}

const char *tbuf_str(const tbuf_t *b) {
    return b->p ? b->p : "";
}

void tbuf_free(tbuf_t *b) {
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* --- escaping --------------------------------------------------------------------- */
/* Decodes one UTF-8 character at s: its code point and length, or -1 (length 1) for a
 * byte that does not start a well-formed one. */
static long utf8_next(const unsigned char *s, size_t *len) {
    *len = 1;
    if (s[0] < 0x80) return s[0];
    if (s[0] >= 0xc2 && s[0] <= 0xdf && (s[1] & 0xc0) == 0x80) {
        *len = 2;
        return (long)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
    }
    if (s[0] >= 0xe0 && s[0] <= 0xef && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
        long cp = (long)(s[0] & 0x0f) << 12 | (long)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
        if (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)) return -1;
        *len = 3;
        return cp;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
        (s[3] & 0xc0) == 0x80) {
        long cp =
            (long)(s[0] & 0x07) << 18 | (long)(s[1] & 0x3f) << 12 | (long)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
        if (cp < 0x10000 || cp > 0x10ffff) return -1;
        *len = 4;
        return cp;
    }
    return -1;
}

static bool is_control(long cp) {
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
           cp == 0x061c;
}

/* What markdown, the robots' tags and mentions act on. */
static bool is_markup(long c) {
    return c > 0 && c < 0x80 && strchr("[]()<>@*_`#~|\\!", (int)c) != NULL;
}

void tpl_escape(tbuf_t *b, const char *s, tpl_format_t format) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t len;
        long cp = utf8_next(p, &len);
        if (cp < 0) {
            tbuf_add(b, "\xef\xbf\xbd"); /* U+FFFD */
        } else if (is_control(cp)) {
            tbuf_add(b, " ");
        } else if (format == TPL_MARKDOWN && is_markup(cp)) {
            /* its full-width form: U+FF01 + (c - '!') */
            unsigned w = 0xff01 + (unsigned)(cp - '!');
            char u[4] = {(char)(0xe0 | w >> 12), (char)(0x80 | (w >> 6 & 0x3f)), (char)(0x80 | (w & 0x3f)),
                         0};
            tbuf_add(b, u);
        } else if (format == TPL_MARKDOWN && cp == ':' && p[1] == '/' && p[2] == '/') {
            tbuf_add(b, "\xef\xbc\x9a"); /* "：//": no autolink */
        } else if (format == TPL_MARKDOWN && strncasecmp((const char *)p, "www.", 4) == 0) {
            tbuf_addn(b, (const char *)p, 3);
            tbuf_add(b, "\xef\xbc\x8e"); /* "www．": no bare autolink either */
            len = 4;
        } else {
            tbuf_addn(b, (const char *)p, len);
        }
        p += len;
    }
}

/* --- names ------------------------------------------------------------------------ */
typedef enum {
    /* lists */
    N_FIRING,
    N_RESOLVED,
    N_ALERTS,
    /* the notice's */
    N_TITLE,
    N_GROUP,
    N_RECEIVER,
    N_N_FIRING,
    N_N_CRITICAL,
    N_N_WARNING,
    N_N_RESOLVED,
    N_MORE,
    N_LATE,
    N_REMINDER,
    N_FIRST_START,
    N_NORMAL,
    N_MADE_AT,
    N_EXTERNAL_URL,
    /* an alert's */
    N_ZONE,
    N_ZONE_NAME,
    N_COUNTY,
    N_COUNTY_NAME,
    N_INDICATOR,
    N_INDICATOR_NAME,
    N_UNIT,
    N_KIND,
    N_KIND_CODE,
    N_SEVERITY,
    N_SEVERITY_CODE,
    N_CRITICAL,
    N_IS_PACE,
    N_IS_GROWTH,
    N_IS_LEVEL,
    N_IS_OVERDUE,
    N_A_FIRING,
    N_A_RESOLVED,
    N_PERIOD,
    N_VALUE,
    N_TARGET,
    N_EXPECTED,
    N_COMPLETION,
    N_GAP,
    N_GAP_ABS,
    N_DEADLINE,
    N_SINCE,
    N_ENDED,
    N_MESSAGE,
    N_COUNT
} name_t;

#define FIRST_ALERT_NAME N_ZONE

/* In the order of name_t. "firing" and "resolved" inside an alert are its flags. */
static const char *const names[N_COUNT] = {
    "firing",     "resolved",       "alerts",       "title",    "group",      "receiver", "n_firing",
    "n_critical", "n_warning",      "n_resolved",   "more",     "late",       "reminder", "first_start",
    "normal",     "made_at",        "external_url", "zone",     "zone_name",  "county",   "county_name",
    "indicator",  "indicator_name", "unit",         "kind",     "kind_code",  "severity", "severity_code",
    "critical",   "is_pace",        "is_growth",    "is_level", "is_overdue", "firing",   "resolved",
    "period",     "value",          "target",       "expected", "completion", "gap",      "gap_abs",
    "deadline",   "since",          "ended",        "message"};

static int name_find(const char *s, bool in_list) {
    if (in_list && strcmp(s, "firing") == 0) return N_A_FIRING;
    if (in_list && strcmp(s, "resolved") == 0) return N_A_RESOLVED;
    for (int i = 0; i < N_COUNT; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

/* --- the tree --------------------------------------------------------------------- */
typedef enum { NODE_TEXT, NODE_VALUE, NODE_SECTION } node_kind_t;

typedef struct node {
    node_kind_t kind;
    char *text; /* NODE_TEXT */
    size_t len;
    int name;      /* NODE_VALUE, NODE_SECTION */
    bool inverted; /* {{^name}} */
    struct node *kids;
    size_t n_kids, cap_kids;
} node_t;

struct tpl {
    node_t root;
};

static void node_clear(node_t *n) {
    for (size_t i = 0; i < n->n_kids; i++)
        node_clear(&n->kids[i]);
    free(n->kids);
    free(n->text);
}

static node_t *node_add(node_t *parent) {
    if (parent->n_kids == parent->cap_kids) {
        size_t cap = parent->cap_kids ? parent->cap_kids * 2 : 8;
        node_t *k = realloc(parent->kids, cap * sizeof *k);
        if (!k) return NULL;
        parent->kids = k;
        parent->cap_kids = cap;
    }
    node_t *n = &parent->kids[parent->n_kids++];
    memset(n, 0, sizeof *n);
    return n;
}

static int add_text(node_t *parent, const char *s, size_t len) {
    node_t *n;
    if (len == 0) return 0;
    if (!(n = node_add(parent)) || !(n->text = malloc(len + 1))) return -1;
    n->kind = NODE_TEXT;
    memcpy(n->text, s, len);
    n->text[len] = '\0';
    n->len = len;
    return 0;
}

static int line_of(const char *start, const char *p) {
    int line = 1;
    for (; start < p; start++)
        line += *start == '\n';
    return line;
}

/* If the tag [ts, te) stands alone on its line, sets *ls to its line's start and *next
 * past its line's end and returns true. */
static bool standalone(const char *text, const char *ts, const char *te, const char **ls, const char **next) {
    const char *a = ts, *z = te;
    while (a > text && (a[-1] == ' ' || a[-1] == '\t'))
        a--;
    if (a > text && a[-1] != '\n') return false;
    while (*z == ' ' || *z == '\t')
        z++;
    if (*z == '\r' && z[1] == '\n') z++;
    if (*z != '\n' && *z != '\0') return false;
    *ls = a;
    *next = *z ? z + 1 : z;
    return true;
}

#define MAX_DEPTH 8

tpl_t *tpl_parse(const char *text, char *err, size_t errsz) {
    tpl_t *t = calloc(1, sizeof *t);
    node_t *stack[MAX_DEPTH + 1];
    int depth = 0, in_list = 0;
    const char *p = text, *open;
    if (!t) {
        snprintf(err, errsz, "%s", _("out of memory"));
        return NULL;
    }
    stack[0] = &t->root;
    while ((open = strstr(p, "{{"))) {
        const char *close = strstr(open + 2, "}}"), *ls = open, *next;
        char tag[64], *name;
        size_t tlen;
        int id;
        if (!close) {
            snprintf(err, errsz, _("line %d: \"{{\" without \"}}\""), line_of(text, open));
            goto fail;
        }
        if (open[2] == '!') { /* a comment: any length, any line */
            if (!standalone(text, open, close + 2, &ls, &next)) ls = open;
            if (add_text(stack[depth], p, (size_t)(ls - p)) < 0) goto oom;
            p = next;
            continue;
        }
        tlen = (size_t)(close - open - 2);
        if (tlen >= sizeof tag) {
            snprintf(err, errsz, _("line %d: a tag longer than %zu bytes"), line_of(text, open),
                     sizeof tag - 1);
            goto fail;
        }
        memcpy(tag, open + 2, tlen);
        tag[tlen] = '\0';
        next = close + 2;
        char sigil = tag[0] && strchr("#^/", tag[0]) ? tag[0] : 0;
        if (sigil && !standalone(text, open, close + 2, &ls, &next)) {
            ls = open;
            next = close + 2;
        }
        if (add_text(stack[depth], p, (size_t)(ls - p)) < 0) goto oom;
        p = next;
        name = text_trim(tag + (sigil ? 1 : 0));
        if (sigil == '/') {
            node_t *sec = stack[depth];
            if (depth == 0 || strcmp(names[sec->name], name) != 0) {
                snprintf(err, errsz, _("line %d: \"{{/%s}}\" closes no open section of that name"),
                         line_of(text, open), name);
                goto fail;
            }
            if (!sec->inverted && sec->name <= N_ALERTS) in_list--;
            depth--;
            continue;
        }
        id = name_find(name, in_list > 0);
        if (id < 0) {
            snprintf(err, errsz, _("line %d: unknown name \"{{%s}}\""), line_of(text, open), name);
            goto fail;
        }
        if (id >= FIRST_ALERT_NAME && in_list == 0) {
            snprintf(
                err, errsz,
                _("line %d: \"{{%s}}\" is an alert's, only inside {{#firing}}, {{#resolved}} or {{#alerts}}"),
                line_of(text, open), name);
            goto fail;
        }
        node_t *n = node_add(stack[depth]);
        if (!n) goto oom;
        n->name = id;
        if (!sigil) {
            if (id <= N_ALERTS) {
                snprintf(err, errsz, _("line %d: \"{{%s}}\" is a list: use {{#%s}}…{{/%s}}"),
                         line_of(text, open), name, name, name);
                goto fail;
            }
            n->kind = NODE_VALUE;
            continue;
        }
        if (depth == MAX_DEPTH) {
            snprintf(err, errsz, _("line %d: sections nested more than %d deep"), line_of(text, open),
                     MAX_DEPTH);
            goto fail;
        }
        n->kind = NODE_SECTION;
        n->inverted = sigil == '^';
        if (id <= N_ALERTS && !n->inverted) {
            if (in_list) {
                snprintf(err, errsz, _("line %d: a list inside a list"), line_of(text, open));
                goto fail;
            }
            in_list++;
        }
        stack[++depth] = n;
    }
    if (add_text(stack[depth], p, strlen(p)) < 0) goto oom;
    if (depth > 0) {
        snprintf(err, errsz, _("\"{{#%s}}\" is not closed"), names[stack[depth]->name]);
        goto fail;
    }
    return t;
oom:
    snprintf(err, errsz, "%s", _("out of memory"));
fail:
    tpl_free(&t);
    return NULL;
}

tpl_t *tpl_load(const char *path, char *err, size_t errsz) {
    char *text, e[256];
    size_t len;
    tpl_t *t;
    if (text_load_file(path, 64 * 1024, &text, &len, NULL, e, sizeof e) < 0) {
        snprintf(err, errsz, "%s", e);
        return NULL;
    }
    t = tpl_parse(text, e, sizeof e);
    free(text);
    if (!t) snprintf(err, errsz, "%s: %s", path, e);
    return t;
}

void tpl_free(tpl_t **t) {
    if (!t || !*t) return;
    node_clear(&(*t)->root);
    free(*t);
    *t = NULL;
}

/* --- values ----------------------------------------------------------------------- */
typedef struct {
    const notice_t *n;
    const tpl_opts_t *o;
    const notice_alert_t *a; /* inside a list section */
    size_t shown_firing, shown_resolved;
} ctx_t;

static const char *kind_zh(alert_kind_t k) {
    switch (k) {
    case ALERT_PACE: return "进度";
    case ALERT_GROWTH: return "增速";
    case ALERT_LEVEL: return "水平";
    case ALERT_OVERDUE: return "逾期";
    }
    return "?";
}

/* The severity an alert is reported with: a resolved one's is what it was. */
static severity_t alert_severity(const notice_alert_t *a) {
    return a->alert.severity == SEV_NONE ? a->alert.previous : a->alert.severity;
}

static void fmt_num(double v, char *out, size_t size) {
    char *e;
    if (!isfinite(v)) {
        *out = '\0';
        return;
    }
    snprintf(out, size, "%.2f", v);
    e = out + strlen(out) - 1;
    while (*e == '0')
        *e-- = '\0';
    if (*e == '.') *e = '\0';
    if (strcmp(out, "-0") == 0) strcpy(out, "0");
}

void tpl_time(int64_t ms, char out[32]) {
    time_t t = (time_t)(ms / 1000) + 8 * 3600;
    struct tm tm;
    if (ms == 0) {
        out[0] = '\0';
        return;
    }
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

void tpl_rfc3339(int64_t ms, char out[40]) {
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char day[32];
    if (ms == 0) {
        strcpy(out, "0001-01-01T00:00:00Z");
        return;
    }
    gmtime_r(&t, &tm);
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 40, "%s.%03dZ", day, (int)(ms % 1000));
}

static size_t count_status(const notice_t *n, notice_status_t st, int sev) {
    size_t c = 0;
    for (size_t i = 0; i < n->n_alerts; i++)
        c += n->alerts[i].status == st && (sev < 0 || alert_severity(&n->alerts[i]) == (severity_t)sev);
    return c;
}

void tpl_group_name(const notice_t *n, char *out, size_t size) {
    bool one = n->n_alerts > 0;
    for (size_t i = 1; i < n->n_alerts; i++)
        one = one && strcmp(n->alerts[i].alert.county, n->alerts[0].alert.county) == 0;
    if (one) {
        const notice_alert_t *a = &n->alerts[0];
        snprintf(out, size, "%s", a->county_name[0] ? a->county_name : a->alert.county);
        return;
    }
    out[0] = '\0';
    for (size_t i = 0; i < n->n_labels && i < 8; i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", len ? "/" : "", n->group_labels[i][1]);
    }
    if (!out[0]) snprintf(out, size, "全市");
    text_truncate_utf8(out);
}

void tpl_title(const notice_t *n, tpl_format_t format, tbuf_t *out) {
    char group[256];
    size_t firing = count_status(n, NOTICE_FIRING, -1), crit = count_status(n, NOTICE_FIRING, SEV_CRITICAL);
    tpl_group_name(n, group, sizeof group);
    if (n->kind == NOTICE_LATE) tbuf_add(out, "[补发] ");
    if (n->kind == NOTICE_REMINDER) tbuf_add(out, "[提醒] ");
    if (n->kind == NOTICE_FIRST_START) tbuf_add(out, "[汇总] ");
    tpl_escape(out, group, format);
    if (firing == 0)
        tbuf_printf(out, ": %zu 项预警已解除", count_status(n, NOTICE_RESOLVED, -1));
    else if (crit)
        tbuf_printf(out, ": %zu 项预警 (%zu 严重)", firing, crit);
    else
        tbuf_printf(out, ": %zu 项预警", firing);
}

static const indicator_t *indicator_of(const ctx_t *c) {
    return c->o->master && c->a->alert.indicator[0] ? master_indicator(c->o->master, c->a->alert.indicator)
                                                    : NULL;
}

/* The value of name in c into buf; *untrusted when it came from a county or the master
 * data (escaped for markup), else ours (cleaned only). */
static const char *value(const ctx_t *c, int name, char *buf, size_t size, bool *untrusted) {
    const notice_alert_t *a = c->a;
    const alert_t *al = a ? &a->alert : NULL;
    const indicator_t *ind;
    *untrusted = false;
    buf[0] = '\0';
    switch ((name_t)name) {
    case N_FIRING:
    case N_RESOLVED:
    case N_ALERTS: break;
    case N_TITLE: { /* escaped already: its brackets are ours */
        tbuf_t t = {0};
        tpl_title(c->n, c->o->format, &t);
        snprintf(buf, size, "%s", tbuf_str(&t));
        text_truncate_utf8(buf);
        tbuf_free(&t);
        break;
    }
    case N_GROUP: tpl_group_name(c->n, buf, size), *untrusted = true; break;
    case N_RECEIVER:
        snprintf(buf, size, "%s", c->n->receiver ? c->n->receiver : ""), *untrusted = true;
        break;
    case N_N_FIRING: snprintf(buf, size, "%zu", count_status(c->n, NOTICE_FIRING, -1)); break;
    case N_N_CRITICAL: snprintf(buf, size, "%zu", count_status(c->n, NOTICE_FIRING, SEV_CRITICAL)); break;
    case N_N_WARNING: snprintf(buf, size, "%zu", count_status(c->n, NOTICE_FIRING, SEV_WARNING)); break;
    case N_N_RESOLVED: snprintf(buf, size, "%zu", count_status(c->n, NOTICE_RESOLVED, -1)); break;
    case N_MORE:
        snprintf(buf, size, "%zu",
                 count_status(c->n, NOTICE_FIRING, -1) - c->shown_firing +
                     count_status(c->n, NOTICE_RESOLVED, -1) - c->shown_resolved);
        break;
    case N_LATE: snprintf(buf, size, "%s", c->n->kind == NOTICE_LATE ? "1" : ""); break;
    case N_REMINDER: snprintf(buf, size, "%s", c->n->kind == NOTICE_REMINDER ? "1" : ""); break;
    case N_FIRST_START: snprintf(buf, size, "%s", c->n->kind == NOTICE_FIRST_START ? "1" : ""); break;
    case N_NORMAL: snprintf(buf, size, "%s", c->n->kind == NOTICE_NORMAL ? "1" : ""); break;
    case N_MADE_AT: {
        char t[32];
        tpl_time(c->n->made_at_ms, t);
        snprintf(buf, size, "%s", t);
        break;
    }
    case N_EXTERNAL_URL: snprintf(buf, size, "%s", c->n->external_url ? c->n->external_url : ""); break;
    case N_ZONE: snprintf(buf, size, "%s", al->zone), *untrusted = true; break;
    case N_ZONE_NAME:
        snprintf(buf, size, "%s", a->zone_name[0] ? a->zone_name : al->zone), *untrusted = true;
        break;
    case N_COUNTY: snprintf(buf, size, "%s", al->county), *untrusted = true; break;
    case N_COUNTY_NAME:
        snprintf(buf, size, "%s", a->county_name[0] ? a->county_name : al->county), *untrusted = true;
        break;
    case N_INDICATOR: snprintf(buf, size, "%s", al->indicator), *untrusted = true; break;
    case N_INDICATOR_NAME:
        ind = indicator_of(c);
        snprintf(buf, size, "%s", ind && ind->name_zh[0] ? ind->name_zh : al->indicator), *untrusted = true;
        break;
    case N_UNIT:
        ind = indicator_of(c);
        snprintf(buf, size, "%s", ind ? ind->unit : ""), *untrusted = true;
        break;
    case N_KIND: snprintf(buf, size, "%s", kind_zh(al->kind)); break;
    case N_KIND_CODE: snprintf(buf, size, "%s", alert_kind_name(al->kind)); break;
    case N_SEVERITY: snprintf(buf, size, "%s", alert_severity(a) == SEV_CRITICAL ? "严重" : "一般"); break;
    case N_SEVERITY_CODE: snprintf(buf, size, "%s", severity_name(alert_severity(a))); break;
    case N_CRITICAL: snprintf(buf, size, "%s", alert_severity(a) == SEV_CRITICAL ? "1" : ""); break;
    case N_IS_PACE: snprintf(buf, size, "%s", al->kind == ALERT_PACE ? "1" : ""); break;
    case N_IS_GROWTH: snprintf(buf, size, "%s", al->kind == ALERT_GROWTH ? "1" : ""); break;
    case N_IS_LEVEL: snprintf(buf, size, "%s", al->kind == ALERT_LEVEL ? "1" : ""); break;
    case N_IS_OVERDUE: snprintf(buf, size, "%s", al->kind == ALERT_OVERDUE ? "1" : ""); break;
    case N_A_FIRING: snprintf(buf, size, "%s", a->status == NOTICE_FIRING ? "1" : ""); break;
    case N_A_RESOLVED: snprintf(buf, size, "%s", a->status == NOTICE_RESOLVED ? "1" : ""); break;
    case N_PERIOD: snprintf(buf, size, "%s", al->period), *untrusted = true; break;
    case N_VALUE: fmt_num(al->value, buf, size); break;
    case N_TARGET: fmt_num(al->target, buf, size); break;
    case N_EXPECTED: fmt_num(al->expected, buf, size); break;
    case N_COMPLETION:
        if (isfinite(al->value) && isfinite(al->target) && al->target != 0)
            snprintf(buf, size, "%.1f", al->value / al->target * 100.0);
        break;
    case N_GAP: {
        char g[64];
        fmt_num(al->gap, g, sizeof g);
        snprintf(buf, size, "%s%s", isfinite(al->gap) && g[0] != '-' && strcmp(g, "0") != 0 ? "+" : "", g);
        break;
    }
    case N_GAP_ABS: fmt_num(fabs(al->gap), buf, size); break;
    case N_DEADLINE: {
        char t[32];
        tpl_time(al->deadline_ms, t);
        snprintf(buf, size, "%s", t);
        break;
    }
    case N_SINCE: {
        char t[32];
        tpl_time(a->starts_at_ms, t);
        snprintf(buf, size, "%s", t);
        break;
    }
    case N_ENDED: {
        char t[32];
        tpl_time(a->ends_at_ms, t);
        snprintf(buf, size, "%s", t);
        break;
    }
    case N_MESSAGE: snprintf(buf, size, "%s", al->message), *untrusted = true; break;
    case N_COUNT: break;
    }
    return buf;
}

static bool set(const char *v) {
    return v[0] && strcmp(v, "0") != 0;
}

static void render_nodes(const node_t *kids, size_t n_kids, ctx_t *c, tbuf_t *out);

/* Renders the alerts of list `name` that are shown, each as the section's inside. */
static void render_list(const node_t *sec, ctx_t *c, tbuf_t *out) {
    size_t shown_f = 0, shown_r = 0;
    for (size_t i = 0; i < c->n->n_alerts; i++) {
        const notice_alert_t *a = &c->n->alerts[i];
        bool firing = a->status == NOTICE_FIRING;
        if (firing ? shown_f++ >= c->shown_firing : shown_r++ >= c->shown_resolved) continue;
        if ((sec->name == N_FIRING && !firing) || (sec->name == N_RESOLVED && firing)) continue;
        c->a = a;
        render_nodes(sec->kids, sec->n_kids, c, out);
        c->a = NULL;
    }
}

static size_t list_len(const ctx_t *c, int name) {
    return name == N_FIRING     ? c->shown_firing
           : name == N_RESOLVED ? c->shown_resolved
                                : c->shown_firing + c->shown_resolved;
}

static void render_nodes(const node_t *kids, size_t n_kids, ctx_t *c, tbuf_t *out) {
    char buf[512];
    bool untrusted;
    for (size_t i = 0; i < n_kids; i++) {
        const node_t *k = &kids[i];
        switch (k->kind) {
        case NODE_TEXT: tbuf_addn(out, k->text, k->len); break;
        case NODE_VALUE:
            value(c, k->name, buf, sizeof buf, &untrusted);
            tpl_escape(out, buf, untrusted ? c->o->format : TPL_TEXT);
            break;
        case NODE_SECTION:
            if (k->name <= N_ALERTS) {
                bool any = list_len(c, k->name) > 0;
                if (k->inverted && !any) render_nodes(k->kids, k->n_kids, c, out);
                if (!k->inverted && any) render_list(k, c, out);
            } else {
                bool on = set(value(c, k->name, buf, sizeof buf, &untrusted));
                if (on != k->inverted) render_nodes(k->kids, k->n_kids, c, out);
            }
            break;
        }
    }
}

int tpl_render(const tpl_t *t, const notice_t *n, const tpl_opts_t *o, tbuf_t *out) {
    ctx_t c = {.n = n, .o = o};
    size_t start = out->n;
    c.shown_firing = count_status(n, NOTICE_FIRING, -1);
    c.shown_resolved = count_status(n, NOTICE_RESOLVED, -1);
    for (;;) {
        out->n = start;
        if (out->p) out->p[start] = '\0';
        render_nodes(t->root.kids, t->root.n_kids, &c, out);
        if (out->oom) return -1;
        if (!o->max_bytes || out->n - start <= o->max_bytes) return 0;
        if (c.shown_resolved > 0)
            c.shown_resolved--;
        else if (c.shown_firing > 0)
            c.shown_firing--;
        else
            break;
    }
    /* even the frame does not fit: cut it */
    out->p[start + o->max_bytes] = '\0';
    text_truncate_utf8(out->p + start);
    out->n = start + strlen(out->p + start);
    return 0;
}

/* --- the built-in templates (deploy/etc/yuebao/notify-templates/, held equal by
 * test_receivers) --------------------------------------------------------------------- */
const char tpl_default_markdown[] =
    "{{! yuebao-notify 默认消息模板: 企业微信、钉钉群机器人 (markdown)。\n"
    "    修改时复制本文件, 在 notify.ini 的 [receiver 名称] 中写 template = 文件路径。\n"
    "    可用的名称见 docs/operations.md。 }}\n"
    "### {{title}}\n"
    "{{#late}}\n"
    "> 补发: 原定 {{made_at}} 发出, 当时未能送达\n"
    "{{/late}}\n"
    "{{#reminder}}\n"
    "> 提醒: 以下预警仍未解除\n"
    "{{/reminder}}\n"
    "{{#first_start}}\n"
    "> 通知服务启动时已在预警中的事项, 汇总发出一次\n"
    "{{/first_start}}\n"
    "{{#firing}}\n"
    "- **{{severity}}** {{zone_name}} ({{county_name}}) {{kind}}: "
    "{{#is_pace}}{{indicator_name}}累计 {{value}}{{unit}}, 为全年目标 {{target}}{{unit}} 的 {{completion}}%, "
    "序时进度应为 {{expected}}%, 落后 {{gap_abs}} 个百分点。请核实进度, 加快推进。{{/is_pace}}"
    "{{#is_growth}}{{indicator_name}}增速 {{value}}%, 目标 {{target}}%, 相差 {{gap_abs}} 个百分点。"
    "请分析原因, 提出措施。{{/is_growth}}"
    "{{#is_level}}{{indicator_name}} {{value}}{{unit}}, 目标 {{target}}{{unit}}, 相差 {{gap_abs}}{{unit}}。"
    "请核实数据, 采取措施。{{/is_level}}"
    "{{#is_overdue}}{{period}} 月报逾期未报 (截止 {{deadline}})。请尽快报送。{{/is_overdue}}\n"
    "{{/firing}}\n"
    "{{#more}}\n"
    "- 另有 {{more}} 项未列出\n"
    "{{/more}}\n"
    "{{#resolved}}\n"
    "- 已解除: {{zone_name}} ({{county_name}}) {{kind}}{{#indicator_name}} "
    "{{indicator_name}}{{/indicator_name}}"
    "{{#is_overdue}} {{period}} 月报已报送{{/is_overdue}} ({{ended}})\n"
    "{{/resolved}}\n"
    "{{#external_url}}\n"
    "\n"
    "[查看详情]({{external_url}})\n"
    "{{/external_url}}\n";

const char tpl_default_text[] =
    "{{! yuebao-notify 默认消息模板: 电子邮件正文 (纯文本)。\n"
    "    修改时复制本文件, 在 notify.ini 的 [receiver 名称] 中写 template = 文件路径。 }}\n"
    "{{title}}\n"
    "\n"
    "{{#late}}\n"
    "补发: 原定 {{made_at}} 发出, 当时未能送达。\n"
    "\n"
    "{{/late}}\n"
    "{{#reminder}}\n"
    "提醒: 以下预警仍未解除。\n"
    "\n"
    "{{/reminder}}\n"
    "{{#first_start}}\n"
    "通知服务启动时已在预警中的事项, 汇总发出一次。\n"
    "\n"
    "{{/first_start}}\n"
    "{{#firing}}\n"
    "* [{{severity}}] {{zone_name}} ({{county_name}}) {{kind}}: "
    "{{#is_pace}}{{indicator_name}}累计 {{value}}{{unit}}, 为全年目标 {{target}}{{unit}} 的 {{completion}}%, "
    "序时进度应为 {{expected}}%, 落后 {{gap_abs}} 个百分点。请核实进度, 加快推进。{{/is_pace}}"
    "{{#is_growth}}{{indicator_name}}增速 {{value}}%, 目标 {{target}}%, 相差 {{gap_abs}} 个百分点。"
    "请分析原因, 提出措施。{{/is_growth}}"
    "{{#is_level}}{{indicator_name}} {{value}}{{unit}}, 目标 {{target}}{{unit}}, 相差 {{gap_abs}}{{unit}}。"
    "请核实数据, 采取措施。{{/is_level}}"
    "{{#is_overdue}}{{period}} 月报逾期未报 (截止 {{deadline}})。请尽快报送。{{/is_overdue}}\n"
    "  自 {{since}} 起\n"
    "{{/firing}}\n"
    "{{#more}}\n"
    "* 另有 {{more}} 项未列出\n"
    "{{/more}}\n"
    "{{#n_resolved}}\n"
    "\n"
    "已解除:\n"
    "{{/n_resolved}}\n"
    "{{#resolved}}\n"
    "* {{zone_name}} ({{county_name}}) {{kind}}{{#indicator_name}} {{indicator_name}}{{/indicator_name}}"
    "{{#is_overdue}} {{period}} 月报已报送{{/is_overdue}} ({{ended}})\n"
    "{{/resolved}}\n"
    "{{#external_url}}\n"
    "\n"
    "详情: {{external_url}}\n"
    "{{/external_url}}\n"
    "\n"
    "-- \n"
    "yuebao-notify, 接收方 {{receiver}}\n";
