/* collector_config.c - the collector's configuration: defaults, file, command line. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "config.h"

#define K(key, type, field)                                                                                  \
    { "collector", key, type, offsetof(collector_config_t, field), sizeof(((collector_config_t *)0)->field) }
static const config_key_t keys[] = {
    K("county", CONF_STRING, county),
    K("aggregator", CONF_STRING, aggregator),
    K("master_dir", CONF_STRING, master_dir),
    K("inbox", CONF_STRING, inbox),
    K("done", CONF_STRING, done),
    K("rejected", CONF_STRING, rejected),
    K("outbox", CONF_STRING, outbox),
    K("window", CONF_INT, window),
    K("retry_min_ms", CONF_INT, retry_min_ms),
    K("retry_max_ms", CONF_INT, retry_max_ms),
    K("settle_ms", CONF_INT, settle_ms),
    K("merge_jan_feb", CONF_BOOL, merge_jan_feb),
    K("keep_settled_days", CONF_INT, keep_settled_days),
    K("reconcile_interval_s", CONF_INT, reconcile_interval_s),
    K("key", CONF_STRING, key),
    K("server_key", CONF_STRING, server_key),
    {NULL, NULL, CONF_STRING, 0, 0},
};
#undef K

static void usage(FILE *out) {
    fprintf(out, "usage: yuebao-collector -c FILE [--set KEY=VALUE]... [--insecure]\n"
                 "       yuebao-collector submit -c FILE [--timeout SECONDS] FILE.csv...\n"
                 "\n"
                 "A county office's collector. The daemon takes every CSV file put into the inbox\n"
                 "folder, checks it, keeps each report in a durable outbox and delivers it to the\n"
                 "aggregator, retrying until it is acknowledged; the file then moves to done/ with a\n"
                 "receipt, or to rejected/ with FILE.errors.txt saying what to fix.\n"
                 "`submit` sends the named files once, prints one line per report and exits 0 if all\n"
                 "were accepted, 1 if any was rejected, 2 on timeout or error (for cron and scripts).\n"
                 "\n"
                 "  -c, --config FILE     INI file with a [collector] section (production: deploy/etc/yuebao;\n"
                 "                        local development: deploy/dev)\n"
                 "  -s, --set KEY=VALUE   override one configuration key\n"
                 "  -t, --timeout SEC     submit: give up waiting for acks after SEC (default 300)\n"
                 "      --insecure        no CURVE: plain ZeroMQ on ipc:// or loopback, for local\n"
                 "                        development only\n"
                 "  -h, --help            this text\n"
                 "\n"
                 "keys (section [collector]):\n"
                 "  county         the reporting unit's code, e.g. 410602 (required)\n"
                 "  aggregator     the aggregator's endpoint          (default tcp://127.0.0.1:7301)\n"
                 "  master_dir     folder with regions.csv and indicators.csv (required)\n"
                 "  inbox, done, rejected   folders            (default inbox, done, rejected)\n"
                 "  outbox         the outbox, SQLite file             (default outbox.db)\n"
                 "  window         reports in flight at most           (default 32)\n"
                 "  retry_min_ms   first ack timeout; doubles per try  (default 2000)\n"
                 "  retry_max_ms   longest ack timeout                 (default 30000)\n"
                 "  settle_ms      inbox quiet time before taking files (default 300)\n"
                 "  merge_jan_feb  January and February reported as 1-2月 (default yes)\n"
                 "  keep_settled_days     stored reports kept to resend if the central office\n"
                 "                 loses them (default 400)\n"
                 "  reconcile_interval_s  how often to ask what the store holds (default 3600)\n"
                 "  key            the county's secret key file, mode 0600 (`yuebao keygen`); the\n"
                 "                 central office lists its public half for this county\n"
                 "  server_key     the aggregator's public key file (its .pub)\n");
}

int collector_config_load(collector_config_t *cfg, int argc, char **argv, bool submit, int *first_arg) {
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},  {"set", required_argument, NULL, 's'},
        {"timeout", required_argument, NULL, 't'}, {"insecure", no_argument, NULL, 'I'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    char *sets[64];
    int n_sets = 0, c;

    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->aggregator, sizeof cfg->aggregator, "tcp://127.0.0.1:7301");
    snprintf(cfg->inbox, sizeof cfg->inbox, "inbox");
    snprintf(cfg->done, sizeof cfg->done, "done");
    snprintf(cfg->rejected, sizeof cfg->rejected, "rejected");
    snprintf(cfg->outbox, sizeof cfg->outbox, "outbox.db");
    cfg->window = 32;
    cfg->retry_min_ms = 2000;
    cfg->retry_max_ms = 30000;
    cfg->settle_ms = 300;
    cfg->submit_timeout_s = 300;
    cfg->merge_jan_feb = true;
    cfg->keep_settled_days = 400;
    cfg->reconcile_interval_s = 3600;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:s:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': snprintf(cfg->config_path, sizeof cfg->config_path, "%s", optarg); break;
        case 's':
            if (n_sets < 64) sets[n_sets++] = optarg;
            break;
        case 't': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 86400) {
                fprintf(stderr, "yuebao-collector: --timeout %s: expected seconds, 1..86400\n", optarg);
                return -1;
            }
            cfg->submit_timeout_s = (int)v;
            break;
        }
        case 'I': cfg->insecure = true; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    *first_arg = optind;
    if (!submit && optind < argc) {
        fprintf(stderr,
                "yuebao-collector: unexpected argument \"%s\" (to send files once: "
                "yuebao-collector submit -c FILE FILE.csv...)\n",
                argv[optind]);
        return -1;
    }
    if (config_apply("yuebao-collector", cfg->config_path, keys, cfg, sets, n_sets) < 0) return -1;
    if (!cfg->county[0] || !cfg->master_dir[0]) {
        fprintf(stderr, "yuebao-collector: %s is not set (-c FILE or --set %s=...)\n",
                !cfg->county[0] ? "county" : "master_dir", !cfg->county[0] ? "county" : "master_dir");
        return -1;
    }
    if (cfg->window < 1 || cfg->window > 10000 || cfg->retry_min_ms < 10 ||
        cfg->retry_max_ms < cfg->retry_min_ms || cfg->settle_ms < 0 || cfg->keep_settled_days < 0 ||
        cfg->keep_settled_days > 36500 || cfg->reconcile_interval_s < 1) {
        fprintf(stderr, "yuebao-collector: window must be 1..10000, retry_min_ms >= 10, "
                        "retry_max_ms >= retry_min_ms, settle_ms >= 0, keep_settled_days 0..36500, "
                        "reconcile_interval_s >= 1\n");
        return -1;
    }
    return 0;
}
