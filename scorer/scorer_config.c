/* scorer_config.c - the scorer's configuration: defaults, file, command line. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "version.h"
#include "i18n.h"
#include "scorer.h"

/* The keys of [scorer], one row each: what --help lists, what a file may set, and the
 * bounds config_apply holds them to. check() below judges what one row cannot. */
#define TEXT(field, type, def, flags, help)                                                                  \
    CONFIG_TEXT("scorer", scorer_config_t, field, type, def, flags, help)
#define NUMBER(field, type, def, min, max, help)                                                             \
    CONFIG_NUMBER("scorer", scorer_config_t, field, type, def, min, max, help)
#define DEPRECATED(key, field, type, min, max, help)                                                         \
    CONFIG_DEPRECATED("scorer", scorer_config_t, key, policy.field, policy.field##_set, type, min, max, help)
const config_key_t scorer_config_keys[] = {
    TEXT(master_dir, CONF_PATH, NULL, CONF_REQUIRED, N_("folder with regions.csv, indicators.csv and city.csv")),
    TEXT(rules_dir, CONF_PATH, NULL, 0,
         N_("folder with scheme-YYYY.csv, targets-YYYY.csv, pacing.csv, stars.csv (default: master_dir); both "
         "reloaded on SIGHUP")),
    TEXT(store, CONF_PATH, "reports.db", 0, N_("the aggregator's report store, read-only")),
    TEXT(scores, CONF_PATH, "scores.db", 0, N_("rankings and alert state, an SQLite file")),
    TEXT(events, CONF_STRING, "tcp://127.0.0.1:7302", 0, N_("the aggregator's events endpoint")),
    TEXT(publish, CONF_STRING, "tcp://127.0.0.1:7303", 0, N_("rankings and alerts endpoint")),
    TEXT(snapshot, CONF_STRING, "tcp://127.0.0.1:7304", 0, N_("snapshot endpoint")),
    TEXT(method, CONF_STRING, "efficacy", 0, N_("efficacy (功效系数法) or minmax")),
    NUMBER(equal_score, CONF_DOUBLE, "100", -CONF_UNBOUNDED, CONF_UNBOUNDED,
           N_("score when every zone has the same value")),
    NUMBER(missing_score, CONF_DOUBLE, "0", -CONF_UNBOUNDED, CONF_UNBOUNDED, N_("score of a value not reported")),
    NUMBER(pace_warning_pp, CONF_DOUBLE, "-2", -CONF_UNBOUNDED, CONF_UNBOUNDED,
           N_("pace gap below this: warning")),
    NUMBER(pace_critical_pp, CONF_DOUBLE, "-5", -CONF_UNBOUNDED, CONF_UNBOUNDED,
           N_("pace gap below this: critical; at most pace_warning_pp")),
    NUMBER(growth_warning_pp, CONF_DOUBLE, "-1", -CONF_UNBOUNDED, CONF_UNBOUNDED,
           N_("growth gap at or below this: warning")),
    NUMBER(growth_critical_pp, CONF_DOUBLE, "-3", -CONF_UNBOUNDED, CONF_UNBOUNDED,
           N_("growth gap at or below this: critical; at most growth_warning_pp")),
    NUMBER(level_critical_pct, CONF_DOUBLE, "10", 0, 100,
           N_("below a level target by more than this %: critical")),
    TEXT(reporting_since, CONF_STRING, NULL, 0,
         N_("first period every zone must report, YYYY-MM (default: the first due after the first start on this "
         "score store)")),
    NUMBER(coalesce_ms, CONF_MS, "200", 0, CONF_UNBOUNDED, N_("recompute after events are quiet this long")),
    NUMBER(coalesce_max_ms, CONF_MS, "2000", 0, CONF_UNBOUNDED,
           N_("… or this long after the first at most; at least coalesce_ms")),
    NUMBER(heartbeat_ms, CONF_MS, "1000", 10, CONF_UNBOUNDED, N_("publisher heartbeat interval")),
    TEXT(key, CONF_PATH, NULL, 0, N_("this process's secret key file, mode 0600 (`yuebao keygen`)")),
    TEXT(events_server_key, CONF_PATH, NULL, 0, N_("the aggregator's public key file (its .pub)")),
    TEXT(subscriber_keys, CONF_PATH, NULL, 0,
         N_("\"<public key> <name> [comment]\" lines: who may subscribe to rankings, alerts and snapshots "
         "(reloaded on SIGHUP)")),
    NUMBER(silence_ms, CONF_MS, "5000", 20, CONF_UNBOUNDED,
           N_("no heartbeat from the aggregator this long: resync; at least 2 x heartbeat_ms")),
    NUMBER(check_ms, CONF_MS, "60000", 100, CONF_UNBOUNDED, N_("deadlines re-checked this often")),
    NUMBER(zones_at_once, CONF_INT, "512", 1, 1000000,
           N_("a full pass judges the targets of this many zones at a time: fewer, less memory")),
    DEPRECATED("merge_jan_feb", merge_jan_feb, CONF_BOOL, 0, 0,
               N_("city-wide now: set merge_jan_feb in city.csv in master_dir; given here, it overrides that")),
    DEPRECATED("deadline_day", deadline_day, CONF_INT, 1, 28,
               N_("city-wide now: set deadline_day in city.csv in master_dir; given here, it overrides that")),
    {NULL},
};
#undef TEXT
#undef NUMBER
#undef DEPRECATED

static void usage(FILE *out) {
    fprintf(out, _("usage: yuebao-scorer -c FILE [--set KEY=VALUE]... [--insecure]\n"
                 "\n"
                 "Ranks the zones by the assessment scheme each time reports arrive, judges stars,\n"
                 "targets and deadlines, and publishes rankings and alert transitions.\n"
                 "\n"
                 "  -c, --config FILE     INI file with a [scorer] section (production: deploy/etc/yuebao;\n"
                 "                        local development: deploy/dev)\n"
                 "  -s, --set KEY=VALUE   override one configuration key\n"
                 "      --insecure        no CURVE: plain ZeroMQ on ipc:// or loopback, for local\n"
                 "                        development only\n"
                 "  -h, --help            this text\n"
            "      --version         the version, the revision it was built from, the wire schema\n"
                 "\n"));
    config_usage(out, scorer_config_keys);
    fprintf(out, _("\n"
                 "The clock can be pinned with YUEBAO_NOW=2017-07-05 (demos, tests, replays).\n"
                 "signals: SIGHUP reloads master data, rules and subscriber_keys; SIGTERM/SIGINT stop.\n"));
}

void scorer_config_params(const scorer_config_t *cfg, score_params_t *p, thresholds_t *t) {
    int method = score_method_parse(cfg->method);
    p->method = method < 0 ? METHOD_EFFICACY : (score_method_t)method;
    p->equal_score = cfg->equal_score;
    p->missing_score = cfg->missing_score;
    t->pace_warning_pp = cfg->pace_warning_pp;
    t->pace_critical_pp = cfg->pace_critical_pp;
    t->growth_warning_pp = cfg->growth_warning_pp;
    t->growth_critical_pp = cfg->growth_critical_pp;
    t->level_critical_frac = cfg->level_critical_pct / 100.0;
}

/* What one row cannot judge: the method's name, a period, one key against another. */
static int check(const scorer_config_t *cfg) {
    period_t p;
    if (score_method_parse(cfg->method) < 0) {
        fprintf(stderr, _("yuebao-scorer: method \"%s\": expected efficacy or minmax\n"), cfg->method);
        return -1;
    }
    if (cfg->pace_critical_pp > cfg->pace_warning_pp || cfg->growth_critical_pp > cfg->growth_warning_pp) {
        fprintf(stderr,
                _("yuebao-scorer: a critical threshold must lie at or below its warning threshold "
                "(pace %g/%g, growth %g/%g)\n"),
                cfg->pace_critical_pp, cfg->pace_warning_pp, cfg->growth_critical_pp, cfg->growth_warning_pp);
        return -1;
    }
    if (cfg->reporting_since[0] && period_parse(cfg->reporting_since, &p) < 0) {
        fprintf(stderr, _("yuebao-scorer: reporting_since \"%s\" is not a period (YYYY-MM)\n"),
                cfg->reporting_since);
        return -1;
    }
    if (cfg->coalesce_max_ms < cfg->coalesce_ms || cfg->silence_ms < 2 * cfg->heartbeat_ms) {
        fprintf(stderr, _("yuebao-scorer: timings: need coalesce_ms <= coalesce_max_ms and silence_ms >= 2 x "
                        "heartbeat_ms\n"));
        return -1;
    }
    return 0;
}

int scorer_config_load(scorer_config_t *cfg, int argc, char **argv) {
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"set", required_argument, NULL, 's'},
                                         {"insecure", no_argument, NULL, 'I'},
                                         {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
                                         {NULL, 0, NULL, 0}};
    char *sets[64], err[512];
    int n_sets = 0, c;

    memset(cfg, 0, sizeof *cfg);
    if (config_defaults(scorer_config_keys, cfg, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao-scorer: %s\n"), err);
        return -1;
    }

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': snprintf(cfg->config_path, sizeof cfg->config_path, "%s", optarg); break;
        case 's':
            if (n_sets == 64) {
                fprintf(stderr, _("%s: more than %d --set options\n"), "yuebao-scorer", 64);
                return -1;
            }
            sets[n_sets++] = optarg;
            break;
        case 'I': cfg->insecure = true; break;
        case 'h': usage(stdout); exit(0);
        case 'V': version_print(stdout, "yuebao-scorer"); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, _("yuebao-scorer: unexpected argument \"%s\"\n"), argv[optind]);
        usage(stderr);
        return -1;
    }
    if (config_apply("yuebao-scorer", cfg->config_path, scorer_config_keys, cfg, sets, n_sets) < 0) return -1;
    if (!cfg->rules_dir[0]) snprintf(cfg->rules_dir, sizeof cfg->rules_dir, "%s", cfg->master_dir);
    return check(cfg);
}
