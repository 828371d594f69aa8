/* yuebao - the operator's command line: check county files, see who has reported,
 * and print the city's totals. Reads the report store read-only. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"

static void usage(FILE *out) {
    fprintf(out, "usage: yuebao COMMAND [OPTIONS]\n"
                 "\n"
                 "commands:\n"
                 "  check [--county C] FILE.csv...  check county files without sending them\n"
                 "  status --period YYYY-MM          every zone: reported (revision, time) or missing;\n"
                 "                                   rejected reports with their reasons\n"
                 "  totals --period YYYY-MM          city and county totals with aggregate growth\n"
                 "\n"
                 "options:\n"
                 "  --store FILE     the report store (default $YUEBAO_STORE, else reports.db)\n"
                 "  --master DIR     folder with regions.csv and indicators.csv (default $YUEBAO_MASTER)\n"
                 "  --period P       reporting period, e.g. 2017-06 (January through June)\n"
                 "  --county C       the reporting unit the files are from (check)\n"
                 "  -h, --help       this text\n");
}

master_t *cli_master(const cli_opts_t *o) {
    diag_list_t dl = {0};
    master_t *m;
    if (!o->master_dir) {
        fprintf(stderr, "yuebao: name the master data folder: --master DIR or YUEBAO_MASTER\n");
        return NULL;
    }
    m = master_load(o->master_dir, &dl);
    for (size_t i = 0; !m && i < dl.n; i++) {
        char line[1024];
        diag_format(&dl.items[i], line, sizeof line);
        fprintf(stderr, "yuebao: %s/%s\n", o->master_dir, line);
    }
    diag_clear(&dl);
    return m;
}

rstore_t *cli_store(const cli_opts_t *o) {
    char err[1024];
    rstore_t *s = rstore_open(o->store, true, err, sizeof err);
    if (!s) fprintf(stderr, "yuebao: %s\n", err);
    return s;
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

int main(int argc, char **argv) {
    static const struct option opts[] = {
        {"store", required_argument, NULL, 's'},  {"master", required_argument, NULL, 'm'},
        {"period", required_argument, NULL, 'p'}, {"county", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
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
    o.master_dir = getenv("YUEBAO_MASTER");
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': o.store = optarg; break;
        case 'm': o.master_dir = optarg; break;
        case 'p': o.period = optarg; break;
        case 'C': o.county = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    o.args = argv + 1 + optind;
    o.n_args = argc - 1 - optind;
    if (!strcmp(cmd, "check")) return cli_check(&o);
    if (!strcmp(cmd, "status")) return cli_status(&o);
    if (!strcmp(cmd, "totals")) return cli_totals(&o);
    fprintf(stderr, "yuebao: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return 2;
}
