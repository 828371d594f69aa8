/* aggregator_config.c - the aggregator's configuration: defaults, file, command line. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "config.h"

#define K(key, type, field)                                                                                  \
    {                                                                                                        \
        "aggregator", key, type, offsetof(aggregator_config_t, field),                                       \
            sizeof(((aggregator_config_t *)0)->field)                                                        \
    }
static const config_key_t keys[] = {
    K("master_dir", CONF_STRING, master_dir),
    K("store", CONF_STRING, store),
    K("listen", CONF_STRING, listen),
    K("publish", CONF_STRING, publish),
    K("snapshot", CONF_STRING, snapshot),
    K("deadline_day", CONF_INT, deadline_day),
    K("merge_jan_feb", CONF_BOOL, merge_jan_feb),
    K("batch_max", CONF_INT, batch_max),
    K("heartbeat_ms", CONF_INT, heartbeat_ms),
    K("key", CONF_STRING, key),
    K("authorized_keys", CONF_STRING, authorized_keys),
    K("subscriber_keys", CONF_STRING, subscriber_keys),
    K("rate_limit", CONF_DOUBLE, rate_limit),
    K("rate_burst", CONF_INT, rate_burst),
    K("allow_zone_removal", CONF_BOOL, allow_zone_removal),
    K("clock_skew_s", CONF_INT, clock_skew_s),
    {NULL, NULL, CONF_STRING, 0, 0},
};
#undef K

static void usage(FILE *out) {
    fprintf(out,
            "usage: yuebao-aggregator -c FILE [--set KEY=VALUE]... [--insecure]\n"
            "\n"
            "Receives county reports over ZeroMQ, validates them, stores them in SQLite and\n"
            "acknowledges each only after it is committed; publishes \"report accepted\" and\n"
            "\"report rejected\" events and the live totals per period, county and city.\n"
            "\n"
            "  -c, --config FILE     INI file with an [aggregator] section (production: deploy/etc/yuebao;\n"
            "                        local development: deploy/dev)\n"
            "  -s, --set KEY=VALUE   override one configuration key\n"
            "      --insecure        no CURVE: plain ZeroMQ on ipc:// or loopback, for local\n"
            "                        development only (the county is whatever the collector claims)\n"
            "  -h, --help            this text\n"
            "\n"
            "keys (section [aggregator]):\n"
            "  master_dir     folder with regions.csv and indicators.csv (reloaded on SIGHUP)\n"
            "  store          report store, SQLite file           (default reports.db)\n"
            "  listen         endpoint for collectors             (default tcp://127.0.0.1:7301)\n"
            "  publish        endpoint for events and live totals, empty for none\n"
            "                                                     (default tcp://127.0.0.1:7302)\n"
            "  snapshot       endpoint serving the live totals' snapshot, empty for none; none\n"
            "                 either without publish              (default tcp://127.0.0.1:7305)\n"
            "  deadline_day   reports are due by this day of the next month, 24:00 Asia/Shanghai;\n"
            "                 the live totals count who reported on time (default 10)\n"
            "  merge_jan_feb  January and February reported as 1-2月 (default yes)\n"
            "  batch_max      reports per group commit at most    (default 512)\n"
            "  heartbeat_ms   publisher heartbeat interval        (default 1000)\n"
            "  key            this server's secret key file, mode 0600 (`yuebao keygen`)\n"
            "  authorized_keys  \"<public key> <county> [comment]\" lines: who may report, for\n"
            "                 which county (reloaded on SIGHUP)\n"
            "  subscriber_keys  \"<public key> <name> [comment]\" lines: who may subscribe to the\n"
            "                 events (reloaded on SIGHUP)\n"
            "  rate_limit     reports per second per county, 0 = none (default 100)\n"
            "  rate_burst     reports a county may send at once  (default 5000)\n"
            "  allow_zone_removal  master data may drop zones that have reports in the store\n"
            "                 (default no: such a reload is refused, such a start fails)\n"
            "  clock_skew_s   seconds a county's clock may be ahead of ours: a report for the period\n"
            "                 starting that soon is taken; one for our next month gets RETRY, one\n"
            "                 further ahead is rejected   (default 600)\n"
            "\n"
            "signals: SIGHUP reloads master data and the key lists; SIGTERM/SIGINT stop after the\n"
            "current batch.\n");
}

int aggregator_config_load(aggregator_config_t *cfg, int argc, char **argv) {
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"set", required_argument, NULL, 's'},
                                         {"insecure", no_argument, NULL, 'I'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    char *sets[64];
    int n_sets = 0, c;

    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->store, sizeof cfg->store, "reports.db");
    snprintf(cfg->listen, sizeof cfg->listen, "tcp://127.0.0.1:7301");
    snprintf(cfg->publish, sizeof cfg->publish, "tcp://127.0.0.1:7302");
    snprintf(cfg->snapshot, sizeof cfg->snapshot, "tcp://127.0.0.1:7305");
    cfg->deadline_day = 10;
    cfg->merge_jan_feb = true;
    cfg->batch_max = 512;
    cfg->heartbeat_ms = 1000;
    cfg->rate_limit = 100;
    cfg->rate_burst = 5000;
    cfg->clock_skew_s = 600;

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
        fprintf(stderr, "yuebao-aggregator: unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        return -1;
    }
    if (config_apply("yuebao-aggregator", cfg->config_path, keys, cfg, sets, n_sets) < 0) return -1;
    if (!cfg->master_dir[0]) {
        fprintf(stderr, "yuebao-aggregator: master_dir is not set: name the folder with regions.csv "
                        "and indicators.csv (-c FILE or --set master_dir=DIR)\n");
        return -1;
    }
    if (cfg->batch_max < 1 || cfg->batch_max > 100000) {
        fprintf(stderr, "yuebao-aggregator: batch_max %d: expected 1..100000\n", cfg->batch_max);
        return -1;
    }
    if (cfg->rate_limit < 0 || cfg->rate_burst < 1) {
        fprintf(stderr, "yuebao-aggregator: rate_limit %g / rate_burst %d: expected >= 0 and >= 1\n",
                cfg->rate_limit, cfg->rate_burst);
        return -1;
    }
    if (!cfg->publish[0]) cfg->snapshot[0] = '\0'; /* no updates to follow: no snapshot either */
    if (cfg->deadline_day < 1 || cfg->deadline_day > 28) {
        fprintf(stderr, "yuebao-aggregator: deadline_day %d: expected 1..28 (a day every month has)\n",
                cfg->deadline_day);
        return -1;
    }
    if (cfg->clock_skew_s < 0 || cfg->clock_skew_s > 86400) {
        fprintf(stderr, "yuebao-aggregator: clock_skew_s %d: expected 0..86400 (a day)\n", cfg->clock_skew_s);
        return -1;
    }
    if (cfg->heartbeat_ms < 10) {
        fprintf(stderr, "yuebao-aggregator: heartbeat_ms %d: expected >= 10\n", cfg->heartbeat_ms);
        return -1;
    }
    return 0;
}
