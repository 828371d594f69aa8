/* scorer_config.c - the scorer's configuration: defaults, file, command line. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "scorer.h"

#define K(key, type, field)                                                                                  \
    { "scorer", key, type, offsetof(scorer_config_t, field), sizeof(((scorer_config_t *)0)->field) }
static const config_key_t keys[] = {
    K("master_dir", CONF_STRING, master_dir),
    K("rules_dir", CONF_STRING, rules_dir),
    K("store", CONF_STRING, store),
    K("scores", CONF_STRING, scores),
    K("events", CONF_STRING, events),
    K("publish", CONF_STRING, publish),
    K("snapshot", CONF_STRING, snapshot),
    K("merge_jan_feb", CONF_BOOL, merge_jan_feb),
    K("method", CONF_STRING, method),
    K("equal_score", CONF_DOUBLE, equal_score),
    K("missing_score", CONF_DOUBLE, missing_score),
    K("pace_warning_pp", CONF_DOUBLE, pace_warning_pp),
    K("pace_critical_pp", CONF_DOUBLE, pace_critical_pp),
    K("growth_warning_pp", CONF_DOUBLE, growth_warning_pp),
    K("growth_critical_pp", CONF_DOUBLE, growth_critical_pp),
    K("level_critical_pct", CONF_DOUBLE, level_critical_pct),
    K("reporting_since", CONF_STRING, reporting_since),
    K("deadline_day", CONF_INT, deadline_day),
    K("coalesce_ms", CONF_INT, coalesce_ms),
    K("coalesce_max_ms", CONF_INT, coalesce_max_ms),
    K("heartbeat_ms", CONF_INT, heartbeat_ms),
    K("key", CONF_STRING, key),
    K("events_server_key", CONF_STRING, events_server_key),
    K("subscriber_keys", CONF_STRING, subscriber_keys),
    K("silence_ms", CONF_INT, silence_ms),
    K("check_ms", CONF_INT, check_ms),
    {NULL, NULL, CONF_STRING, 0, 0},
};
#undef K

static void usage(FILE *out) {
    fprintf(out, "usage: yuebao-scorer -c FILE [--set KEY=VALUE]... [--insecure]\n"
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
                 "\n"
                 "keys (section [scorer]):\n"
                 "  master_dir        folder with regions.csv and indicators.csv\n"
                 "  rules_dir         folder with scheme-YYYY.csv, targets-YYYY.csv, pacing.csv,\n"
                 "                    stars.csv (default: master_dir); both reloaded on SIGHUP\n"
                 "  store             the aggregator's report store, read-only (default reports.db)\n"
                 "  scores            rankings and alert state, SQLite        (default scores.db)\n"
                 "  events            the aggregator's events endpoint  (default tcp://127.0.0.1:7302)\n"
                 "  publish           rankings and alerts endpoint      (default tcp://127.0.0.1:7303)\n"
                 "  snapshot          snapshot endpoint                 (default tcp://127.0.0.1:7304)\n"
                 "  merge_jan_feb     January and February reported as 1-2月 (default yes)\n"
                 "  method            efficacy (功效系数法) or minmax       (default efficacy)\n"
                 "  equal_score       score when every zone has the same value (default 100)\n"
                 "  missing_score     score of a value not reported     (default 0)\n"
                 "  pace_warning_pp   pace gap below this: warning      (default -2)\n"
                 "  pace_critical_pp  pace gap below this: critical     (default -5)\n"
                 "  growth_warning_pp   growth gap at or below: warning (default -1)\n"
                 "  growth_critical_pp  growth gap at or below: critical (default -3)\n"
                 "  level_critical_pct  below a level target by more than this %%: critical (default 10)\n"
                 "  reporting_since   first period every zone must report (default: the first due after\n"
                 "                    the first start on this score store)\n"
                 "  deadline_day      reports are due by this day of the next month, 24:00 (default 10)\n"
                 "  coalesce_ms       recompute after events are quiet this long  (default 200)\n"
                 "  coalesce_max_ms   … or this long after the first at most     (default 2000)\n"
                 "  heartbeat_ms      publisher heartbeat interval      (default 1000)\n"
                 "  silence_ms        no heartbeat from the aggregator this long: resync (default 5000)\n"
                 "  check_ms          deadlines re-checked this often   (default 60000)\n"
                 "  key               this process's secret key file, mode 0600 (`yuebao keygen`)\n"
                 "  events_server_key the aggregator's public key file (its .pub)\n"
                 "  subscriber_keys   \"<public key> <name> [comment]\" lines: who may subscribe to\n"
                 "                    rankings, alerts and snapshots (reloaded on SIGHUP)\n"
                 "\n"
                 "The clock can be pinned with YUEBAO_NOW=2017-07-05 (demos, tests, replays).\n"
                 "signals: SIGHUP reloads master data, rules and subscriber_keys; SIGTERM/SIGINT stop.\n");
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

static int check(const scorer_config_t *cfg) {
    period_t p;
    if (!cfg->master_dir[0]) {
        fprintf(stderr, "yuebao-scorer: master_dir is not set: name the folder with regions.csv and "
                        "indicators.csv (-c FILE or --set master_dir=DIR)\n");
        return -1;
    }
    if (score_method_parse(cfg->method) < 0) {
        fprintf(stderr, "yuebao-scorer: method \"%s\": expected efficacy or minmax\n", cfg->method);
        return -1;
    }
    if (cfg->pace_critical_pp > cfg->pace_warning_pp || cfg->growth_critical_pp > cfg->growth_warning_pp) {
        fprintf(stderr,
                "yuebao-scorer: a critical threshold must lie at or below its warning threshold "
                "(pace %g/%g, growth %g/%g)\n",
                cfg->pace_critical_pp, cfg->pace_warning_pp, cfg->growth_critical_pp, cfg->growth_warning_pp);
        return -1;
    }
    if (cfg->level_critical_pct < 0 || cfg->level_critical_pct > 100) {
        fprintf(stderr, "yuebao-scorer: level_critical_pct %g: expected 0..100\n", cfg->level_critical_pct);
        return -1;
    }
    if (cfg->reporting_since[0] && period_parse(cfg->reporting_since, &p) < 0) {
        fprintf(stderr, "yuebao-scorer: reporting_since \"%s\" is not a period (YYYY-MM)\n",
                cfg->reporting_since);
        return -1;
    }
    if (cfg->deadline_day < 1 || cfg->deadline_day > 28) {
        fprintf(stderr, "yuebao-scorer: deadline_day %d: expected 1..28\n", cfg->deadline_day);
        return -1;
    }
    if (cfg->coalesce_ms < 0 || cfg->coalesce_max_ms < cfg->coalesce_ms || cfg->heartbeat_ms < 10 ||
        cfg->silence_ms < 2 * cfg->heartbeat_ms || cfg->check_ms < 100) {
        fprintf(stderr, "yuebao-scorer: timings: need 0 <= coalesce_ms <= coalesce_max_ms, heartbeat_ms "
                        ">= 10, silence_ms >= 2 x heartbeat_ms, check_ms >= 100\n");
        return -1;
    }
    return 0;
}

int scorer_config_load(scorer_config_t *cfg, int argc, char **argv) {
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"set", required_argument, NULL, 's'},
                                         {"insecure", no_argument, NULL, 'I'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    char *sets[64];
    int n_sets = 0, c;

    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->store, sizeof cfg->store, "reports.db");
    snprintf(cfg->scores, sizeof cfg->scores, "scores.db");
    snprintf(cfg->events, sizeof cfg->events, "tcp://127.0.0.1:7302");
    snprintf(cfg->publish, sizeof cfg->publish, "tcp://127.0.0.1:7303");
    snprintf(cfg->snapshot, sizeof cfg->snapshot, "tcp://127.0.0.1:7304");
    snprintf(cfg->method, sizeof cfg->method, "efficacy");
    cfg->merge_jan_feb = true;
    cfg->equal_score = 100;
    cfg->missing_score = 0;
    cfg->pace_warning_pp = -2;
    cfg->pace_critical_pp = -5;
    cfg->growth_warning_pp = -1;
    cfg->growth_critical_pp = -3;
    cfg->level_critical_pct = 10;
    cfg->deadline_day = 10;
    cfg->coalesce_ms = 200;
    cfg->coalesce_max_ms = 2000;
    cfg->heartbeat_ms = 1000;
    cfg->silence_ms = 5000;
    cfg->check_ms = 60000;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': snprintf(cfg->config_path, sizeof cfg->config_path, "%s", optarg); break;
        case 's':
            if (n_sets < 64) sets[n_sets++] = optarg;
            break;
        case 'I': cfg->insecure = true; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "yuebao-scorer: unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        return -1;
    }
    if (config_apply("yuebao-scorer", cfg->config_path, keys, cfg, sets, n_sets) < 0) return -1;
    if (!cfg->rules_dir[0]) snprintf(cfg->rules_dir, sizeof cfg->rules_dir, "%s", cfg->master_dir);
    return check(cfg);
}
