/* cli.h - private to the operator CLI `yuebao`: one file per sub-command.
 *   yuebao.c       dispatch, shared options, --help
 *   cli_check.c    `check FILE…`: a desk officer's dry run of county files
 *   cli_status.c   `status --period P`: who has reported, who has not
 *   cli_totals.c   `totals --period P`: city and county totals with aggregate growth
 *   cli_ranking.c  `ranking [--period P]`: a period's ranking from the score store
 *   cli_alerts.c   `alerts [--follow]`: the scorer's firing alerts and their transitions
 *   cli_keygen.c   `keygen NAME`: a CURVE key pair for a daemon, a county or a subscriber
 * The CLI reads the stores read-only; it never writes behind the aggregator or the
 * scorer. `alerts` talks to the scorer over ZeroMQ only.
 */
#ifndef YB_CLI_H
#define YB_CLI_H

#include <stdbool.h>

#include "master.h"
#include "rstore.h"

typedef struct {
    const char *store;      /* --store, or $YUEBAO_STORE */
    const char *master_dir; /* --master, or $YUEBAO_MASTER */
    const char *period;     /* --period */
    const char *county;     /* --county */
    const char *scores;     /* --scores, or $YUEBAO_SCORES: the scorer's score store */
    bool csv;               /* --csv (ranking) */
    const char *severity;   /* --severity (alerts): the least severity shown */
    bool follow;            /* --follow (alerts) */
    const char *exec_cmd;   /* --exec (alerts): a hook run once per alert printed */
    const char *pub;        /* --pub, or $YUEBAO_SCORER_PUB: the scorer's PUB */
    const char *snapshot;   /* --snapshot, or $YUEBAO_SCORER_SNAPSHOT: its snapshot ROUTER */
    const char *key;        /* --key, or $YUEBAO_KEY: our secret key file (CURVE) */
    const char *server_key; /* --server-key, or $YUEBAO_SERVER_KEY: the scorer's public key */
    char **args;            /* remaining arguments */
    int n_args;
} cli_opts_t;

/* Loads master data from opts->master_dir, printing errors. NULL on failure. */
master_t *cli_master(const cli_opts_t *o);

/* Opens the store read-only, printing the error. NULL on failure. */
rstore_t *cli_store(const cli_opts_t *o);

/* The common start of a report-reading command: parses --period into period (canonical
 * "YYYY-MM"), loads master data and opens the store. 0, or -1 with the reason printed
 * (nothing left open). */
int cli_open(const cli_opts_t *o, const char *cmd, char period[PERIOD_STRLEN], master_t **m, rstore_t **st);

/* The scoring method in people's words: "功效系数法 (efficacy)". */
const char *cli_method_words(const char *method);

/* The scheme file period's year needs (DIR/scheme-YYYY.csv) into path; false when the
 * master folder is named and the file is not there (the year cannot be ranked). */
bool cli_has_scheme(const cli_opts_t *o, const char *period, char *path, size_t size);

/* Each returns the process exit status. */
int cli_check(const cli_opts_t *o);
int cli_status(const cli_opts_t *o);
int cli_totals(const cli_opts_t *o);
int cli_ranking(const cli_opts_t *o);
int cli_alerts(const cli_opts_t *o);
int cli_keygen(const cli_opts_t *o);

#endif
