/* collector_config.c - the collector's configuration: defaults, file, command line. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "config.h"
#include "version.h"
#include "i18n.h"

/* The keys of [collector], one row each: what --help lists, what a file may set, and
 * the bounds config_apply holds them to. */
#define TEXT(field, type, def, flags, help)                                                                  \
    CONFIG_TEXT("collector", collector_config_t, field, type, def, flags, help)
#define NUMBER(field, type, def, min, max, help)                                                             \
    CONFIG_NUMBER("collector", collector_config_t, field, type, def, min, max, help)
const config_key_t collector_config_keys[] = {
    TEXT(county, CONF_STRING, NULL, CONF_REQUIRED, N_("the reporting unit's code, e.g. 410602")),
    TEXT(aggregator, CONF_STRING, "tcp://127.0.0.1:7301", 0, N_("the aggregator's endpoint")),
    TEXT(master_dir, CONF_PATH, NULL, CONF_REQUIRED,
         N_("folder with regions.csv, indicators.csv and city.csv (the central office's copy)")),
    TEXT(inbox, CONF_PATH, "inbox", 0, N_("folder the desk officers put the month's CSV files into")),
    TEXT(done, CONF_PATH, "done", 0, N_("folder for delivered files, each with NAME.receipt.txt")),
    TEXT(rejected, CONF_PATH, "rejected", 0, N_("folder for refused files, each with NAME.errors.txt")),
    TEXT(outbox, CONF_PATH, "outbox.db", 0, N_("the outbox, an SQLite file")),
    NUMBER(window, CONF_INT, "32", 1, 10000, N_("reports in flight at most")),
    NUMBER(retry_min_ms, CONF_MS, "2000", 10, CONF_UNBOUNDED, N_("first ack timeout; doubles per try")),
    NUMBER(retry_max_ms, CONF_MS, "30000", 10, CONF_UNBOUNDED, N_("longest ack timeout; at least retry_min_ms")),
    NUMBER(settle_ms, CONF_MS, "300", 0, CONF_UNBOUNDED, N_("inbox quiet time before taking files")),
    NUMBER(keep_settled_days, CONF_INT, "400", 0, 36500,
           N_("days stored reports are kept, to resend if the central office loses them")),
    NUMBER(reconcile_interval_s, CONF_INT, "3600", 1, CONF_UNBOUNDED,
           N_("seconds between asking the aggregator what the store holds")),
    TEXT(key, CONF_PATH, NULL, 0,
         N_("the county's secret key file, mode 0600 (`yuebao keygen`); the central office lists its public "
         "half for this county")),
    TEXT(server_key, CONF_PATH, NULL, 0, N_("the aggregator's public key file (its .pub)")),
    CONFIG_DEPRECATED("collector", collector_config_t, "merge_jan_feb", policy.merge_jan_feb,
                      policy.merge_jan_feb_set, CONF_BOOL, 0, 0,
                      N_("city-wide now: set merge_jan_feb in city.csv in master_dir (the central office's "
                      "copy); given here, it overrides that")),
    {NULL},
};
#undef TEXT
#undef NUMBER

static void usage(FILE *out) {
    fprintf(out,
            _("usage: yuebao-collector -c FILE [--set KEY=VALUE]... [--insecure]\n"
            "       yuebao-collector submit -c FILE [--timeout SECONDS] FILE...\n"
            "\n"
            "A county office's collector. The daemon takes every workbook (.xlsx) and CSV file\n"
            "put into the inbox folder, checks it, keeps each report in a durable outbox and\n"
            "delivers it to the aggregator, retrying until it is acknowledged; the file then\n"
            "moves to done/ with a receipt, or to rejected/ with FILE.errors.txt saying what to\n"
            "fix.\n"
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
            "      --version         the version, the revision it was built from, the wire schema\n"
            "\n"));
    config_usage(out, collector_config_keys);
}

int collector_config_load(collector_config_t *cfg, int argc, char **argv, bool submit, int *first_arg) {
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},  {"set", required_argument, NULL, 's'},
        {"timeout", required_argument, NULL, 't'}, {"insecure", no_argument, NULL, 'I'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},          {NULL, 0, NULL, 0}};
    char *sets[64], err[512];
    int n_sets = 0, c;

    memset(cfg, 0, sizeof *cfg);
    if (config_defaults(collector_config_keys, cfg, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao-collector: %s\n"), err);
        return -1;
    }
    cfg->submit_timeout_s = 300; /* -t, not a key */

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:s:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': snprintf(cfg->config_path, sizeof cfg->config_path, "%s", optarg); break;
        case 's':
            if (n_sets == 64) {
                fprintf(stderr, _("%s: more than %d --set options\n"), "yuebao-collector", 64);
                return -1;
            }
            sets[n_sets++] = optarg;
            break;
        case 't': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 86400) {
                fprintf(stderr, _("yuebao-collector: --timeout %s: expected seconds, 1..86400\n"), optarg);
                return -1;
            }
            cfg->submit_timeout_s = (int)v;
            break;
        }
        case 'I': cfg->insecure = true; break;
        case 'h': usage(stdout); exit(0);
        case 'V': version_print(stdout, "yuebao-collector"); exit(0);
        default: usage(stderr); return -1;
        }
    }
    *first_arg = optind;
    if (!submit && optind < argc) {
        fprintf(stderr,
                _("yuebao-collector: unexpected argument \"%s\" (to send files once: "
                "yuebao-collector submit -c FILE FILE.csv...)\n"),
                argv[optind]);
        return -1;
    }
    if (config_apply("yuebao-collector", cfg->config_path, collector_config_keys, cfg, sets, n_sets) < 0)
        return -1;
    if (cfg->retry_max_ms < cfg->retry_min_ms) {
        fprintf(stderr, _("yuebao-collector: retry_max_ms %d: expected >= retry_min_ms (%d)\n"),
                cfg->retry_max_ms, cfg->retry_min_ms);
        return -1;
    }
    return 0;
}
