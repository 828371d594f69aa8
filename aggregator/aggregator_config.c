/* aggregator_config.c - the aggregator's configuration: defaults, file, command line. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregator.h"
#include "config.h"
#include "version.h"
#include "i18n.h"

/* The keys of [aggregator], one row each: what --help lists, what a file may set, and
 * the bounds config_apply holds them to. */
#define TEXT(field, type, def, flags, help)                                                                  \
    CONFIG_TEXT("aggregator", aggregator_config_t, field, type, def, flags, help)
#define NUMBER(field, type, def, min, max, help)                                                             \
    CONFIG_NUMBER("aggregator", aggregator_config_t, field, type, def, min, max, help)
#define BOOL(field, def, help) CONFIG_BOOL("aggregator", aggregator_config_t, field, def, help)
#define DEPRECATED(key, field, type, min, max, help)                                                         \
    CONFIG_DEPRECATED("aggregator", aggregator_config_t, key, policy.field, policy.field##_set, type, min, max, \
                      help)
const config_key_t aggregator_config_keys[] = {
    TEXT(master_dir, CONF_PATH, NULL, CONF_REQUIRED,
         N_("folder with regions.csv, indicators.csv and city.csv (the city-wide policy), reloaded on SIGHUP")),
    TEXT(store, CONF_PATH, "reports.db", 0, N_("the report store, an SQLite file")),
    TEXT(listen, CONF_STRING, "tcp://127.0.0.1:7301", 0, N_("endpoint for the collectors")),
    TEXT(publish, CONF_STRING, "tcp://127.0.0.1:7302", 0,
         N_("endpoint for events and live totals; empty for none")),
    TEXT(snapshot, CONF_STRING, "tcp://127.0.0.1:7305", 0,
         N_("endpoint serving the live totals' snapshot; empty for none, and none without publish")),
    TEXT(control, CONF_STRING, "", 0,
         N_("endpoint for approvers' requests (yuebao approve, publish, unlock), e.g. tcp://127.0.0.1:7307; "
            "empty for none")),
    DEPRECATED("deadline_day", deadline_day, CONF_INT, 1, 28,
               N_("city-wide now: set deadline_day in the master folder's city.csv; given here, it overrides that")),
    DEPRECATED("merge_jan_feb", merge_jan_feb, CONF_BOOL, 0, 0,
               N_("city-wide now: set merge_jan_feb in the master folder's city.csv; given here, it overrides "
                  "that")),
    NUMBER(batch_max, CONF_INT, "512", 1, 100000, N_("reports per group commit at most")),
    NUMBER(heartbeat_ms, CONF_MS, "1000", 10, CONF_UNBOUNDED, N_("publisher heartbeat interval")),
    TEXT(key, CONF_PATH, NULL, 0, N_("this server's secret key file, mode 0600 (`yuebao keygen`)")),
    TEXT(authorized_keys, CONF_PATH, NULL, 0,
         N_("\"<public key> <county> [comment]\" lines: who may report, for which county (reloaded on SIGHUP)")),
    TEXT(subscriber_keys, CONF_PATH, NULL, 0,
         N_("\"<public key> <name> [comment]\" lines: who may subscribe to the events (reloaded on SIGHUP)")),
    TEXT(approver_keys, CONF_PATH, NULL, 0,
         N_("\"<public key> <name> [comment]\" lines: who may approve, publish and unlock periods on the control "
            "endpoint; the name is stored with each transition (reloaded on SIGHUP)")),
    NUMBER(rate_limit, CONF_DOUBLE, "100", 0, CONF_UNBOUNDED, N_("reports per second per county, 0 = no limit")),
    NUMBER(rate_burst, CONF_INT, "5000", 1, CONF_UNBOUNDED, N_("reports a county may send at once")),
    BOOL(allow_zone_removal, "no",
         N_("master data may drop zones that have reports in the store (no: such a reload is refused, such a "
         "start fails)")),
    NUMBER(clock_skew_s, CONF_INT, "600", 0, 86400,
           N_("seconds a county's clock may be ahead of ours: a report for the period starting that soon is "
           "taken; one for our next month gets RETRY, one further ahead is rejected")),
    {NULL},
};
#undef TEXT
#undef NUMBER
#undef BOOL
#undef DEPRECATED

static void usage(FILE *out) {
    fprintf(out,
            _("usage: yuebao-aggregator -c FILE [--set KEY=VALUE]... [--insecure]\n"
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
            "      --version         the version, the revision it was built from, the wire schema\n"
            "\n"));
    config_usage(out, aggregator_config_keys);
    fprintf(out, _("\n"
                 "signals: SIGHUP reloads master data and the key lists; SIGTERM/SIGINT stop after the\n"
                 "current batch.\n"));
}

int aggregator_config_load(aggregator_config_t *cfg, int argc, char **argv) {
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"set", required_argument, NULL, 's'},
                                         {"insecure", no_argument, NULL, 'I'},
                                         {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
                                         {NULL, 0, NULL, 0}};
    char *sets[64], err[512];
    int n_sets = 0, c;

    memset(cfg, 0, sizeof *cfg);
    if (config_defaults(aggregator_config_keys, cfg, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao-aggregator: %s\n"), err);
        return -1;
    }

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': snprintf(cfg->config_path, sizeof cfg->config_path, "%s", optarg); break;
        case 's':
            if (n_sets == 64) {
                fprintf(stderr, _("%s: more than %d --set options\n"), "yuebao-aggregator", 64);
                return -1;
            }
            sets[n_sets++] = optarg;
            break;
        case 'I': cfg->insecure = true; break;
        case 'h': usage(stdout); exit(0);
        case 'V': version_print(stdout, "yuebao-aggregator"); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, _("yuebao-aggregator: unexpected argument \"%s\"\n"), argv[optind]);
        usage(stderr);
        return -1;
    }
    if (config_apply("yuebao-aggregator", cfg->config_path, aggregator_config_keys, cfg, sets, n_sets) < 0)
        return -1;
    if (!cfg->publish[0]) cfg->snapshot[0] = '\0'; /* no updates to follow: no snapshot either */
    return 0;
}
