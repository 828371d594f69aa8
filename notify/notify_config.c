/* notify_config.c - yuebao-notify's configuration: the [notify] keys (one table, as the
 * other daemons'), and the sections a table cannot hold because the operator names
 * them: [route] and [route NAME] (the routing tree), [inhibit NAME] (inhibit rules) and
 * [receiver NAME] (handed key by key to receiver_set, receiver.h).
 *
 * One pass over the file with libinih: [notify] rows go through config_set (so the
 * table's parser, bounds and messages hold), the named sections are read here. A route
 * names its parent (default: the root), which must come earlier in the file, so the
 * tree is in file order and a child always follows its parent (route_match relies on
 * it). Durations are "30s", "5m", "4h", "1d" (or "0").
 */
#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "i18n.h"
#include "notifier.h"
#include "receiver.h"
#include "version.h"

#define TEXT(field, type, def, flags, help)                                                                  \
    CONFIG_TEXT("notify", notify_config_t, field, type, def, flags, help)
#define NUMBER(field, type, def, min, max, help)                                                             \
    CONFIG_NUMBER("notify", notify_config_t, field, type, def, min, max, help)
const config_key_t notify_config_keys[] = {
    TEXT(master_dir, CONF_PATH, "", 0, N_("folder with regions.csv: zone and county names in the messages")),
    TEXT(store, CONF_PATH, "notify.db", 0,
         N_("the notification store: outbox, sent log, group states, silences")),
    TEXT(subscribe, CONF_STRING, "tcp://127.0.0.1:7303", 0, N_("the scorer's publish endpoint (alerts)")),
    TEXT(snapshot, CONF_STRING, "tcp://127.0.0.1:7304", 0, N_("the scorer's snapshot endpoint")),
    TEXT(control, CONF_STRING, "tcp://127.0.0.1:7306", 0,
         N_("our control endpoint: `yuebao silence` adds, lists and expires silences here")),
    TEXT(key, CONF_PATH, NULL, 0, N_("this process's secret key file, mode 0600 (`yuebao keygen`)")),
    TEXT(server_key, CONF_PATH, NULL, 0, N_("the scorer's public key file (its .pub)")),
    TEXT(silence_keys, CONF_PATH, NULL, 0,
         N_("\"<public key> <name> [comment]\" lines: who may add and expire silences (reloaded on SIGHUP)")),
    TEXT(quiet, CONF_STRING, "21:00-08:00", 0, N_("quiet hours: no reminder in them (\"\" = none)")),
    TEXT(working_days, CONF_STRING, "mon-fri", 0,
         N_("days reminders go out: mon-fri, all, or a list (mon,tue,…)")),
    TEXT(remind_at, CONF_STRING, "09:00", 0,
         N_("reminders at this time of day on working days (\"\" = repeat_interval after the last message)")),
    TEXT(timezone, CONF_STRING, "Asia/Shanghai", 0, N_("the offices' time zone (Asia/Shanghai only)")),
    TEXT(external_url, CONF_STRING, "", 0, N_("a link shown in the messages (e.g. the office's web page)")),
    NUMBER(silence_ms, CONF_MS, "5000", 20, CONF_UNBOUNDED, N_("no word from the scorer this long: resync")),
    NUMBER(tick_ms, CONF_MS, "1000", 10, 60000, N_("groups are looked at this often at the most")),
    NUMBER(retry_min_ms, CONF_MS, "1000", 10, CONF_UNBOUNDED, N_("first retry after a failed delivery")),
    NUMBER(retry_max_ms, CONF_MS, "300000", 10, CONF_UNBOUNDED, N_("retries back off up to this")),
    NUMBER(late_ms, CONF_MS, "300000", 0, CONF_UNBOUNDED,
           N_("a message this much older than when it goes out is said to be late")),
    NUMBER(max_pending, CONF_INT, "100", 1, 100000,
           N_("per receiver: messages owed beyond this are dropped, oldest first (logged)")),
    {NULL},
};
#undef TEXT
#undef NUMBER

static void usage(FILE *out) {
    fprintf(out, _("usage: yuebao-notify -c FILE [--set KEY=VALUE]... [--insecure]\n"
                   "\n"
                   "Follows the scorer's alerts and tells people: routes them by county, severity\n"
                   "and kind to 企业微信/钉钉 group robots, webhooks, e-mail or a command; one\n"
                   "message per group, inhibition, silences, reminders; never twice.\n"
                   "\n"
                   "  -c, --config FILE     INI file: [notify], [route], [route NAME], [inhibit NAME],\n"
                   "                        [receiver NAME] (deploy/etc/yuebao/notify.ini)\n"
                   "  -s, --set KEY=VALUE   override one [notify] key\n"
                   "      --insecure        no CURVE: plain ZeroMQ on ipc:// or loopback, for local\n"
                   "                        development only\n"
                   "  -h, --help            this text\n"
                   "      --version         the version, the revision it was built from, the wire schema\n"
                   "\n"));
    config_usage(out, notify_config_keys);
    fprintf(out, _("\n"
                   "[route] / [route NAME]: parent, match_county (a glob: 4106*), match_severity\n"
                   "  (warning, critical: at least), match_kind (pace,growth,level,overdue), receiver,\n"
                   "  group_by (county,kind,zone,severity,indicator,period), group_wait, group_interval,\n"
                   "  repeat_interval (30s, 5m, 4h, 1d), continue (yes/no).\n"
                   "[inhibit NAME]: source_kind, source_severity, target_kind, equal (labels); none\n"
                   "  given: an overdue report mutes its zone's target alerts.\n"
                   "[receiver NAME]: type = wecom|dingtalk|webhook|email|exec and its keys.\n"
                   "The clock can be pinned with YUEBAO_NOW=2017-07-05T09:00 (tests, demos).\n"
                   "signals: SIGHUP reloads silence_keys; SIGTERM/SIGINT stop.\n"));
}

/* ---- the named sections ------------------------------------------------------------------ */

typedef struct {
    notify_config_t *cfg;
    char err[512];
    bool failed;
    char section[128];
    int current; /* route, inhibit or receiver index of the section being read, -1 none */
    enum { S_NONE, S_NOTIFY, S_ROUTE, S_INHIBIT, S_RECEIVER } kind;
} reader_t;

static int parse_duration(const char *s, int64_t *ms) {
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || v < 0) return -1;
    if (!strcmp(end, "ms"))
        *ms = (int64_t)v;
    else if (!strcmp(end, "s"))
        *ms = (int64_t)(v * 1000);
    else if (!strcmp(end, "m"))
        *ms = (int64_t)(v * 60000);
    else if (!strcmp(end, "h"))
        *ms = (int64_t)(v * 3600000);
    else if (!strcmp(end, "d"))
        *ms = (int64_t)(v * 86400000);
    else if (!*end && v == 0)
        *ms = 0;
    else
        return -1;
    return 0;
}

static int parse_kinds(const char *s, unsigned *bits) {
    char buf[128], *save = NULL;
    *bits = 0;
    snprintf(buf, sizeof buf, "%s", s);
    for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        int k = alert_kind_parse(t);
        if (k < 0) return -1;
        *bits |= 1u << k;
    }
    return *bits ? 0 : -1;
}

static int parse_labels(const char *s, unsigned *bits) {
    char buf[128], *save = NULL;
    *bits = 0;
    snprintf(buf, sizeof buf, "%s", s);
    for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        int l = notify_label_parse(t);
        if (l < 0) return -1;
        *bits |= 1u << l;
    }
    return *bits ? 0 : -1;
}

static int parse_bool(const char *s, bool *b) {
    if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcasecmp(s, "on") || !strcmp(s, "1"))
        *b = true;
    else if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcasecmp(s, "off") || !strcmp(s, "0"))
        *b = false;
    else
        return -1;
    return 0;
}

static int find_route(const notify_config_t *cfg, const char *name) {
    for (size_t i = 0; i < cfg->routes.n; i++)
        if (!strcmp(cfg->routes.routes[i].name, name)) return (int)i;
    return -1;
}

static route_t new_route(const char *name, int parent) {
    route_t r;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", name);
    r.parent = parent;
    r.group_wait_ms = r.group_interval_ms = r.repeat_interval_ms = -1;
    return r;
}

/* Starts a new section when the name changes: 0, or -1 with r->err. */
static int begin_section(reader_t *r, const char *section) {
    notify_config_t *cfg = r->cfg;
    const char *name;
    if (!strcmp(r->section, section)) return 0;
    snprintf(r->section, sizeof r->section, "%s", section);
    r->current = -1;
    if (!strcmp(section, "notify")) {
        r->kind = S_NOTIFY;
        return 0;
    }
    if (!strcmp(section, "route")) {
        r->kind = S_ROUTE;
        r->current = 0;
        return 0;
    }
    if (!strncmp(section, "route ", 6) || !strncmp(section, "inhibit ", 8) ||
        !strncmp(section, "receiver ", 9)) {
        name = strchr(section, ' ') + 1;
        if (!*name || strlen(name) >= NOTIFY_NAME_LEN ||
            strspn(name, "abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != strlen(name)) {
            snprintf(r->err, sizeof r->err, _("[%s]: a name is letters, digits, _ - . (at most %d)"), section,
                     NOTIFY_NAME_LEN - 1);
            return -1;
        }
    } else {
        snprintf(r->err, sizeof r->err,
                 _("unknown section [%s]: notify, route, route NAME, inhibit NAME or receiver NAME"),
                 section);
        return -1;
    }
    if (section[1] == 'o') { /* route NAME */
        r->kind = S_ROUTE;
        if (!strcmp(name, "root") || find_route(cfg, name) >= 0) {
            snprintf(r->err, sizeof r->err, _("[%s]: a route of that name comes earlier"), section);
            return -1;
        }
        if (cfg->routes.n == NOTIFY_MAX_ROUTES) {
            snprintf(r->err, sizeof r->err, _("more than %d routes"), NOTIFY_MAX_ROUTES);
            return -1;
        }
        r->current = (int)cfg->routes.n;
        cfg->routes.routes[cfg->routes.n++] = new_route(name, 0);
    } else if (section[0] == 'i') {
        r->kind = S_INHIBIT;
        if (cfg->n_inhibits == NOTIFY_MAX_INHIBITS) {
            snprintf(r->err, sizeof r->err, _("more than %d inhibit rules"), NOTIFY_MAX_INHIBITS);
            return -1;
        }
        r->current = (int)cfg->n_inhibits;
        memset(&cfg->inhibits[cfg->n_inhibits], 0, sizeof cfg->inhibits[0]);
        snprintf(cfg->inhibits[cfg->n_inhibits].name, NOTIFY_NAME_LEN, "%s", name);
        cfg->inhibits[cfg->n_inhibits].equal = 1u << LABEL_ZONE;
        cfg->inhibits[cfg->n_inhibits].source_severity = SEV_WARNING;
        cfg->n_inhibits++;
        cfg->default_inhibit = false;
    } else {
        char err[256];
        r->kind = S_RECEIVER;
        if (notify_config_receiver(cfg, name)) {
            snprintf(r->err, sizeof r->err, _("[%s]: a receiver of that name comes earlier"), section);
            return -1;
        }
        if (cfg->n_receivers == NOTIFY_MAX_RECEIVERS) {
            snprintf(r->err, sizeof r->err, _("more than %d receivers"), NOTIFY_MAX_RECEIVERS);
            return -1;
        }
        if (!(cfg->receivers[cfg->n_receivers] = receiver_new(name, err, sizeof err))) {
            snprintf(r->err, sizeof r->err, "[%s]: %s", section, err);
            return -1;
        }
        r->current = (int)cfg->n_receivers++;
    }
    return 0;
}

static int route_key(reader_t *r, route_t *rt, const char *key, const char *value) {
    int64_t ms;
    if (!strcmp(key, "parent")) {
        int p = find_route(r->cfg, !strcmp(value, "root") ? "" : value);
        if (r->current == 0) goto no_parent;
        if (p < 0 || p >= r->current) {
            snprintf(r->err, sizeof r->err, _("parent \"%s\": no route of that name earlier in the file"),
                     value);
            return -1;
        }
        rt->parent = p;
    } else if (!strcmp(key, "match_county")) {
        snprintf(rt->match_county, sizeof rt->match_county, "%s", value);
    } else if (!strcmp(key, "match_severity")) {
        int s = severity_parse(value);
        if (s != SEV_WARNING && s != SEV_CRITICAL) {
            snprintf(r->err, sizeof r->err, _("match_severity \"%s\": warning or critical"), value);
            return -1;
        }
        rt->match_severity = (severity_t)s;
    } else if (!strcmp(key, "match_kind")) {
        if (parse_kinds(value, &rt->match_kinds) < 0) {
            snprintf(r->err, sizeof r->err, _("match_kind \"%s\": a list of pace, growth, level, overdue"),
                     value);
            return -1;
        }
    } else if (!strcmp(key, "receiver")) {
        snprintf(rt->receiver, sizeof rt->receiver, "%s", value);
    } else if (!strcmp(key, "group_by")) {
        if (parse_labels(value, &rt->group_by) < 0) {
            snprintf(r->err, sizeof r->err,
                     _("group_by \"%s\": a list of county, zone, kind, severity, indicator, period"), value);
            return -1;
        }
    } else if (!strcmp(key, "group_wait") || !strcmp(key, "group_interval") ||
               !strcmp(key, "repeat_interval")) {
        if (parse_duration(value, &ms) < 0) {
            snprintf(r->err, sizeof r->err, _("%s \"%s\": a duration such as 30s, 5m, 4h, 1d"), key, value);
            return -1;
        }
        if (key[6] == 'w')
            rt->group_wait_ms = ms;
        else if (key[6] == 'i')
            rt->group_interval_ms = ms;
        else
            rt->repeat_interval_ms = ms;
    } else if (!strcmp(key, "continue")) {
        if (parse_bool(value, &rt->cont) < 0) {
            snprintf(r->err, sizeof r->err, _("continue \"%s\": yes or no"), value);
            return -1;
        }
    } else {
        snprintf(r->err, sizeof r->err, _("unknown key \"%s\" in section [%s]"), key, r->section);
        return -1;
    }
    return 0;
no_parent:
    snprintf(r->err, sizeof r->err, _("the root [route] has no parent"));
    return -1;
}

static int inhibit_key(reader_t *r, inhibit_t *in, const char *key, const char *value) {
    int rc = 0;
    if (!strcmp(key, "source_kind"))
        rc = parse_kinds(value, &in->source_kinds);
    else if (!strcmp(key, "target_kind"))
        rc = parse_kinds(value, &in->target_kinds);
    else if (!strcmp(key, "equal"))
        rc = parse_labels(value, &in->equal);
    else if (!strcmp(key, "source_severity")) {
        int s = severity_parse(value);
        rc = s == SEV_WARNING || s == SEV_CRITICAL ? 0 : -1;
        if (!rc) in->source_severity = (severity_t)s;
    } else {
        snprintf(r->err, sizeof r->err, _("unknown key \"%s\" in section [%s]"), key, r->section);
        return -1;
    }
    if (rc < 0) snprintf(r->err, sizeof r->err, _("%s \"%s\": not understood"), key, value);
    return rc;
}

static int on_value(void *user, const char *section, const char *key, const char *value) {
    reader_t *r = user;
    char err[256];
    if (r->failed) return 1;
    if (begin_section(r, section) < 0) goto failed;
    switch (r->kind) {
    case S_NOTIFY:
        if (config_set(notify_config_keys, r->cfg, key, value, err, sizeof err) < 0) {
            snprintf(r->err, sizeof r->err, "[notify] %s", err);
            goto failed;
        }
        break;
    case S_ROUTE:
        if (route_key(r, &r->cfg->routes.routes[r->current], key, value) < 0) goto failed;
        break;
    case S_INHIBIT:
        if (inhibit_key(r, &r->cfg->inhibits[r->current], key, value) < 0) goto failed;
        break;
    case S_RECEIVER:
        if (receiver_set(r->cfg->receivers[r->current], key, value, err, sizeof err) < 0) {
            snprintf(r->err, sizeof r->err, "[%s] %s: %s", r->section, key, err);
            goto failed;
        }
        break;
    default: goto failed;
    }
    return 1;
failed:
    r->failed = true;
    return 0;
}

int notify_config_read(notify_config_t *cfg, const char *path, char *err, size_t errsz) {
    reader_t r;
    int rc;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    r.current = -1;
    rc = ini_parse(path, on_value, &r);
    if (rc == -1) {
        snprintf(err, errsz, _("%s: cannot open: %s"), path, strerror(errno));
        return -1;
    }
    if (r.failed) {
        snprintf(err, errsz, "%s:%d: %s", path, rc, r.err);
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errsz, _("%s:%d: not a key = value line or [section]"), path, rc);
        return -1;
    }
    return 0;
}

struct receiver *notify_config_receiver(const notify_config_t *cfg, const char *name) {
    for (size_t i = 0; i < cfg->n_receivers; i++)
        if (!strcmp(receiver_name(cfg->receivers[i]), name)) return cfg->receivers[i];
    return NULL;
}

int notify_config_check(notify_config_t *cfg, char *err, size_t errsz) {
    char why[256];
    if (strcmp(cfg->timezone, "Asia/Shanghai") != 0) {
        snprintf(err, errsz, _("timezone \"%s\": only Asia/Shanghai (UTC+8, the offices' clock)"),
                 cfg->timezone);
        return -1;
    }
    if (notify_parse_quiet(cfg->quiet, &cfg->cal.quiet_from_min, &cfg->cal.quiet_to_min) < 0) {
        snprintf(err, errsz, _("quiet \"%s\": HH:MM-HH:MM, e.g. 21:00-08:00"), cfg->quiet);
        return -1;
    }
    if (notify_parse_days(cfg->working_days, &cfg->cal.working_days) < 0) {
        snprintf(err, errsz, _("working_days \"%s\": mon-fri, all, or a list such as mon,tue,wed"),
                 cfg->working_days);
        return -1;
    }
    if (notify_parse_time_of_day(cfg->remind_at, &cfg->cal.remind_at_min) < 0) {
        snprintf(err, errsz, _("remind_at \"%s\": HH:MM, e.g. 09:00, or empty"), cfg->remind_at);
        return -1;
    }
    if (cfg->cal.remind_at_min >= 0 &&
        notify_in_quiet(&cfg->cal, (int64_t)cfg->cal.remind_at_min * 60000 - 8LL * 3600000)) {
        snprintf(err, errsz, _("remind_at %s falls in the quiet hours %s"), cfg->remind_at, cfg->quiet);
        return -1;
    }
    if (cfg->retry_max_ms < cfg->retry_min_ms) {
        snprintf(err, errsz, _("retry_max_ms must be at least retry_min_ms"));
        return -1;
    }
    if (!cfg->n_receivers) {
        snprintf(err, errsz, _("no [receiver NAME] section: nobody to tell"));
        return -1;
    }
    for (size_t i = 0; i < cfg->n_receivers; i++)
        if (receiver_check(cfg->receivers[i], why, sizeof why) < 0) {
            snprintf(err, errsz, "[receiver %s]: %s", receiver_name(cfg->receivers[i]), why);
            return -1;
        }
    if (!cfg->routes.routes[0].receiver[0]) {
        snprintf(err, errsz, _("[route]: the root route needs a receiver (receiver = NAME)"));
        return -1;
    }
    for (size_t i = 0; i < cfg->routes.n; i++) {
        const route_t *rt = &cfg->routes.routes[i];
        if (rt->receiver[0] && !notify_config_receiver(cfg, rt->receiver)) {
            snprintf(err, errsz, _("[route %s]: receiver \"%s\" has no [receiver %s] section"),
                     i ? rt->name : "root", rt->receiver, rt->receiver);
            return -1;
        }
    }
    if (cfg->default_inhibit) {
        cfg->inhibits[0] = inhibit_default();
        cfg->n_inhibits = 1;
    }
    for (size_t i = 0; i < cfg->n_inhibits; i++)
        if (!cfg->inhibits[i].source_kinds || !cfg->inhibits[i].target_kinds) {
            snprintf(err, errsz, _("[inhibit %s]: needs source_kind and target_kind"), cfg->inhibits[i].name);
            return -1;
        }
    return 0;
}

void notify_config_free(notify_config_t *cfg) {
    for (size_t i = 0; i < cfg->n_receivers; i++)
        receiver_free(&cfg->receivers[i]);
    cfg->n_receivers = 0;
}

/* The config before any file: defaults, the root route, the built-in inhibit rule. */
int notify_config_init(notify_config_t *cfg, char *err, size_t errsz) {
    memset(cfg, 0, sizeof *cfg);
    if (config_defaults(notify_config_keys, cfg, err, errsz) < 0) return -1;
    cfg->routes.routes[0] = new_route("", -1);
    cfg->routes.n = 1;
    cfg->default_inhibit = true;
    return 0;
}

int notify_config_load(notify_config_t *cfg, int argc, char **argv) {
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"set", required_argument, NULL, 's'},
        {"insecure", no_argument, NULL, 'I'},     {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
    char *sets[64], err[1024];
    int n_sets = 0, c;
    if (notify_config_init(cfg, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao-notify: %s\n"), err);
        return -1;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': snprintf(cfg->config_path, sizeof cfg->config_path, "%s", optarg); break;
        case 's':
            if (n_sets == 64) {
                fprintf(stderr, _("%s: more than %d --set options\n"), "yuebao-notify", 64);
                return -1;
            }
            sets[n_sets++] = optarg;
            break;
        case 'I': cfg->insecure = true; break;
        case 'h': usage(stdout); exit(0);
        case 'V': version_print(stdout, "yuebao-notify"); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, _("yuebao-notify: unexpected argument \"%s\"\n"), argv[optind]);
        usage(stderr);
        return -1;
    }
    if (!cfg->config_path[0]) {
        fprintf(stderr, _("yuebao-notify: -c FILE is required (routes and receivers live there)\n"));
        return -1;
    }
    if (notify_config_read(cfg, cfg->config_path, err, sizeof err) < 0 ||
        config_set_all(notify_config_keys, cfg, sets, n_sets, err, sizeof err) < 0 ||
        notify_config_check(cfg, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao-notify: %s\n"), err);
        return -1;
    }
    return 0;
}
