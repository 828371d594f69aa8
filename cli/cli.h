/* cli.h - private to the operator CLI `yuebao`: one file per sub-command.
 *   yuebao.c       dispatch, shared options, --help
 *   cli_check.c    `check FILE…`: a desk officer's dry run of county files
 *   cli_status.c   `status --period P`: who has reported, who has not
 *   cli_totals.c   `totals --period P`: city and county totals with aggregate growth
 * The CLI reads the report store read-only; it never writes behind the aggregator.
 */
#ifndef YB_CLI_H
#define YB_CLI_H

#include "master.h"
#include "rstore.h"

typedef struct {
    const char *store;      /* --store, or $YUEBAO_STORE */
    const char *master_dir; /* --master, or $YUEBAO_MASTER */
    const char *period;     /* --period */
    const char *county;     /* --county */
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

/* Each returns the process exit status. */
int cli_check(const cli_opts_t *o);
int cli_status(const cli_opts_t *o);
int cli_totals(const cli_opts_t *o);

#endif
