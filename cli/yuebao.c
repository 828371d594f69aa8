/* yuebao - the operator's command line: check county files, see who has reported,
 * print the city's totals and the zones' ranking, follow the scorer's alerts, and
 * export the monthly bulletin.
 * Reads the report and score stores read-only; subscribes to the scorer for alerts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"

static void usage(FILE *out) {
    fprintf(out, "usage: yuebao COMMAND [OPTIONS]\n"
                 "\n"
                 "commands:\n"
                 "  check [--county C] [--outbox FILE] [--no-merge-jan-feb] FILE.csv...\n"
                 "                                   check county files without sending them: the\n"
                 "                                   collector's verdict (with its outbox, also the\n"
                 "                                   jumps against the reports it sent)\n"
                 "  status [--period P]              every zone: reported (revision, time), late,\n"
                 "                                   missing or rejected (with the reason), and the\n"
                 "                                   overdue list (default: the latest period)\n"
                 "  watch [--period P] [--once]      the aggregator's live totals, redrawn in place:\n"
                 "                                   completeness, city totals and growth, arrivals\n"
                 "                                   and rejections (plain lines into a pipe)\n"
                 "  totals --period YYYY-MM          city and county totals with aggregate growth\n"
                 "  ranking [--period P] [--csv]     a period's ranking (default: the latest ranked):\n"
                 "                                   rank, change, total, dimension subtotals, star\n"
                 "  alerts [--county C] [--severity S] [--follow] [--exec CMD]\n"
                 "                                   the scorer's firing alerts, one per line; with\n"
                 "                                   --follow, then every transition as it happens\n"
                 "  keygen NAME                      a CURVE key pair: NAME.key (secret, mode 0600)\n"
                 "                                   and NAME.pub (public)\n"
                 "  export --period P [--format F] [-o FILE]\n"
                 "                                   the monthly bulletin (主要指标完成情况通报): per zone,\n"
                 "                                   each main indicator's YTD amount, growth, target\n"
                 "                                   completion and pace gap, then score, rank, change,\n"
                 "                                   star; a city total row last. Laggards: a pace gap\n"
                 "                                   below -5 points on any main indicator, or a rank\n"
                 "                                   in the last three (of more than three ranked)\n"
                 "\n"
                 "options:\n"
                 "  --store FILE     the report store (default $YUEBAO_STORE, else reports.db)\n"
                 "  --scores FILE    the scorer's score store (ranking; default $YUEBAO_SCORES, else\n"
                 "                   scores.db)\n"
                 "  --master DIR     folder with regions.csv and indicators.csv (default $YUEBAO_MASTER);\n"
                 "                   ranking and alerts use it for names and show codes without it\n"
                 "  --period P       reporting period, e.g. 2017-06 (January through June)\n"
                 "  --county C       check: the reporting unit the files are from; alerts: only this\n"
                 "                   county's zones (code, e.g. 410603, or name, e.g. 山城区)\n"
                 "  --outbox FILE    check: the collector's outbox (read only), to compare the files\n"
                 "                   with the reports it sent (元 instead of 万元?); the files named\n"
                 "                   are judged together, as one batch dropped in the inbox\n"
                 "  --no-merge-jan-feb  check: January is reported on its own, as if the master\n"
                 "                   folder's city.csv said merge_jan_feb = no\n"
                 "  --csv            ranking: CSV (UTF-8, header row) for spreadsheets\n"
                 "  --format F       export: csv (default; UTF-8 with BOM, CRLF), xlsx (one sheet,\n"
                 "                   laggards highlighted; needs -o) or sdmx-csv (one observation a\n"
                 "                   row, codes, for machines)\n"
                 "  -o, --output FILE  export: write FILE (whole or not at all) instead of stdout\n"
                 "  --severity S     alerts: warning (warning and critical, the default) or critical\n"
                 "  --follow         alerts: after the firing alerts, print each transition as it comes\n"
                 "                   until SIGINT or SIGTERM; resyncs by itself after a gap or silence\n"
                 "  --exec CMD       alerts: run CMD with /bin/sh -c once per alert printed, one at a\n"
                 "                   time (killed after 60 s), with the alert in the environment:\n"
                 "                   YUEBAO_ALERT_KIND SEVERITY PREVIOUS TRANSITION ZONE ZONE_NAME COUNTY\n"
                 "                   COUNTY_NAME INDICATOR YEAR PERIOD VALUE TARGET EXPECTED GAP DEADLINE\n"
                 "                   MESSAGE AT (each YUEBAO_ALERT_...; values as printed, times in ms,\n"
                 "                   a number that does not apply is empty)\n"
                 "  --pub EP         alerts: the scorer's PUB (default $YUEBAO_SCORER_PUB, else\n"
                 "                   tcp://127.0.0.1:7303)\n"
                 "  --snapshot EP    alerts: the scorer's snapshot socket (default\n"
                 "                   $YUEBAO_SCORER_SNAPSHOT, else tcp://127.0.0.1:7304)\n"
                 "  --key FILE       alerts: our secret key file for CURVE (default $YUEBAO_KEY); its\n"
                 "                   public half must be in the scorer's subscriber_keys. Without a\n"
                 "                   key, plain ZeroMQ, to ipc:// or loopback only\n"
                 "  --server-key FILE  alerts: the scorer's public key file (default\n"
                 "                   $YUEBAO_SERVER_KEY); watch: the aggregator's (default\n"
                 "                   $YUEBAO_AGGREGATOR_KEY)\n"
                 "  --once           watch: print the screen once and exit\n"
                 "  watch's endpoints: --pub and --snapshot, else $YUEBAO_AGGREGATOR_PUB (default\n"
                 "                   tcp://127.0.0.1:7302) and $YUEBAO_AGGREGATOR_SNAPSHOT (default\n"
                 "                   tcp://127.0.0.1:7305)\n"
                 "  -h, --help       this text\n"
                 "\n"
                 "exit status: 0 done, 1 not found or not answered (an unranked period, a store or\n"
                 "a scorer that is not there), 2 usage or configuration error\n");
}

/* The environment variable name if set and not empty, else dflt. */
static const char *env_or(const char *name, const char *dflt) {
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

master_t *cli_master(const cli_opts_t *o) {
    diag_list_t dl = {0};
    master_t *m;
    if (!o->master_dir) {
        fprintf(stderr, "yuebao: name the master data folder: --master DIR or YUEBAO_MASTER\n");
        return NULL;
    }
    m = master_load(o->master_dir, &dl);
    if (!m) cli_print_diags("yuebao", o->master_dir, &dl);
    diag_clear(&dl);
    return m;
}

void cli_print_diags(const char *who, const char *dir, const diag_list_t *dl) {
    for (size_t i = 0; i < dl->n; i++) {
        char line[1024];
        diag_format(&dl->items[i], line, sizeof line);
        fprintf(stderr, "%s: %s/%s\n", who, dir, line);
    }
}

rstore_t *cli_store(const cli_opts_t *o) {
    char err[1024];
    rstore_t *s = rstore_open(o->store, true, err, sizeof err);
    if (!s) fprintf(stderr, "yuebao: %s\n", err);
    return s;
}

const char *cli_method_words(const char *method) {
    if (!strcmp(method, "efficacy")) return "功效系数法 (efficacy)";
    if (!strcmp(method, "minmax")) return "min-max 0-100 (minmax)";
    return method;
}

bool cli_has_scheme(const cli_opts_t *o, const char *period, char *path, size_t size) {
    snprintf(path, size, "%s/scheme-%.4s.csv", o->master_dir ? o->master_dir : "(master folder)", period);
    return !o->master_dir || access(path, R_OK) == 0;
}

int cli_open(const cli_opts_t *o, const char *cmd, char period[PERIOD_STRLEN], master_t **m, rstore_t **st) {
    period_t p;
    if (!o->period || period_parse(o->period, &p) < 0) {
        fprintf(stderr, "yuebao %s: --period YYYY-MM is required (e.g. 2017-06)\n", cmd);
        return -1;
    }
    period_format(p, period);
    if (!(*m = cli_master(o))) return -1;
    if (!(*st = cli_store(o))) {
        master_destroy(m);
        return -1;
    }
    return 0;
}

int cli_security(const cli_opts_t *o, const char *cmd, const char *server, const char *server_key_file,
                 const char *a, const char *b, sock_security_t *sec) {
    char err[512];
    memset(sec, 0, sizeof *sec);
    if (o->key || server_key_file) {
        if (!o->key || !server_key_file) {
            fprintf(stderr, "yuebao %s: CURVE needs both --key (ours) and --server-key (%s's)\n", cmd,
                    server);
            return -1;
        }
        if (sock_security_load(sec, false, o->key, server_key_file, err, sizeof err) < 0) {
            fprintf(stderr, "yuebao %s: %s\n", cmd, err);
            return -1;
        }
        return 0;
    }
    sec->insecure = true;
    if (!sock_endpoint_is_local(a) || (b && !sock_endpoint_is_local(b))) {
        fprintf(stderr,
                "yuebao %s: %s is not on this host: name your key with --key FILE and %s's with "
                "--server-key FILE (or YUEBAO_KEY and %s)\n",
                cmd, sock_endpoint_is_local(a) ? b : a, server,
                strcmp(cmd, "watch") ? "YUEBAO_SERVER_KEY" : "YUEBAO_AGGREGATOR_KEY");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    static const struct option opts[] = {{"store", required_argument, NULL, 's'},
                                         {"master", required_argument, NULL, 'm'},
                                         {"period", required_argument, NULL, 'p'},
                                         {"county", required_argument, NULL, 'C'},
                                         {"scores", required_argument, NULL, 'S'},
                                         {"csv", no_argument, NULL, 'c'},
                                         {"severity", required_argument, NULL, 'v'},
                                         {"follow", no_argument, NULL, 'f'},
                                         {"exec", required_argument, NULL, 'x'},
                                         {"pub", required_argument, NULL, 'P'},
                                         {"snapshot", required_argument, NULL, 'N'},
                                         {"key", required_argument, NULL, 'K'},
                                         {"server-key", required_argument, NULL, 'k'},
                                         {"once", no_argument, NULL, 'O'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"outbox", required_argument, NULL, 'X'},
                                         {"no-merge-jan-feb", no_argument, NULL, 'J'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    cli_opts_t o = {0};
    const char *cmd;
    int c;
    log_init("yuebao", LOG_WARN);
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    cmd = argv[1];
    o.store = getenv("YUEBAO_STORE") ? getenv("YUEBAO_STORE") : "reports.db";
    o.master_dir = env_or("YUEBAO_MASTER", NULL);
    o.scores = env_or("YUEBAO_SCORES", "scores.db");
    o.pub = env_or("YUEBAO_SCORER_PUB", "tcp://127.0.0.1:7303");
    o.snapshot = env_or("YUEBAO_SCORER_SNAPSHOT", "tcp://127.0.0.1:7304");
    o.key = env_or("YUEBAO_KEY", NULL);
    o.server_key = env_or("YUEBAO_SERVER_KEY", NULL);
    o.agg_pub = env_or("YUEBAO_AGGREGATOR_PUB", "tcp://127.0.0.1:7302");
    o.agg_snapshot = env_or("YUEBAO_AGGREGATOR_SNAPSHOT", "tcp://127.0.0.1:7305");
    o.agg_key_file = env_or("YUEBAO_AGGREGATOR_KEY", NULL);
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 's': o.store = optarg; break;
        case 'm': o.master_dir = optarg; break;
        case 'p': o.period = optarg; break;
        case 'C': o.county = optarg; break;
        case 'S': o.scores = optarg; break;
        case 'c': o.csv = true; break;
        case 'v': o.severity = optarg; break;
        case 'f': o.follow = true; break;
        case 'x': o.exec_cmd = optarg; break;
        /* given on the command line, an endpoint or key is for whichever daemon the
         * command talks to */
        case 'P': o.pub = o.agg_pub = optarg; break;
        case 'N': o.snapshot = o.agg_snapshot = optarg; break;
        case 'O': o.once = true; break;
        case 'K': o.key = optarg; break;
        case 'k': o.server_key = o.agg_key_file = optarg; break;
        case 'F': o.format = optarg; break;
        case 'o': o.output = optarg; break;
        case 'X': o.outbox = optarg; break;
        case 'J': o.no_merge_jan_feb = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    o.args = argv + 1 + optind;
    o.n_args = argc - 1 - optind;
    if (!strcmp(cmd, "check")) return cli_check(&o);
    if (!strcmp(cmd, "status")) return cli_status(&o);
    if (!strcmp(cmd, "totals")) return cli_totals(&o);
    if (!strcmp(cmd, "ranking")) return cli_ranking(&o);
    if (!strcmp(cmd, "alerts")) return cli_alerts(&o);
    if (!strcmp(cmd, "keygen")) return cli_keygen(&o);
    if (!strcmp(cmd, "export")) return cli_export(&o);
    if (!strcmp(cmd, "watch")) return cli_watch(&o);
    fprintf(stderr, "yuebao: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return 2;
}
