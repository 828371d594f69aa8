/* cli.h - private to the operator CLI `yuebao`: one file per sub-command.
 *   yuebao.c       dispatch: the table of sub-commands, their options and --help
 *   cli_common.c   what the sub-commands share: master data, the store, keys, wording
 *   cli_config.c   the defaults: /etc/yuebao/yuebao.ini, ~/.config/yuebao/yuebao.ini, $YUEBAO_*
 *   cli_check.c    `check FILE…`: a desk officer's dry run of county files
 *   cli_template.c `template --county C --period P`: the county's monthly workbook to fill
 *   cli_status.c   `status [--period P]`: every zone's state, late and overdue reports
 *   cli_watch.c    `watch [--period P]`: the aggregator's live totals, redrawn in place
 *   cli_enterprises.c  the key enterprises stopped or cutting output, for status and watch
 *   cli_screen.c   its screen: sections fitted into the terminal's rows and columns
 *   cli_totals.c   `totals --period P`: city and county totals with aggregate growth
 *   cli_ranking.c  `ranking [--period P]`: a period's ranking from the score store
 *   cli_alerts.c   `alerts [--follow]`: the scorer's firing alerts and their transitions
 *   cli_exec.c     `alerts --exec CMD`: the hook run once per alert
 *   cli_export.c   `export --period P`: the monthly bulletin as csv, xlsx or sdmx-csv
 *   cli_export_xlsx.c  the bulletin's xlsx workbook (libxlsxwriter): formats, page setup
 *   cli_bulletin_*.c   its sheets, one file each (cli_bulletin.h)
 *   cli_keygen.c   `keygen NAME`: a CURVE key pair for a daemon, a county or a subscriber
 *   cli_approve.c  `approve`, `publish`, `unlock --period P`: a period's 核准 and 发布
 *   cli_silence.c  `silence add|list|expire`: yuebao-notify's silences
 *   cli_request.c  one signed request to a daemon's control ROUTER, and its reply
 *   cli_user.c     `user add|passwd|disable|enable|list`: yuebao-web's accounts
 * The CLI reads the stores read-only; it never writes behind the aggregator or the
 * scorer. `alerts` talks to the scorer over ZeroMQ only; approve, publish and unlock ask
 * the aggregator, which alone writes the report store.
 */
#ifndef YB_CLI_H
#define YB_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "alert.h"
#include "bulletin.h"
#include "codec.h"
#include "config.h"
#include "master.h"
#include "rstore.h"
#include "sock.h"

/* What a command was given. The settings of cli_config_t (store, master, keys,
 * endpoints) are the command line's, else the configuration's (cli_config_fill). */
typedef struct {
    const char *store;        /* --store, or $YUEBAO_STORE */
    const char *master_dir;   /* --master, or $YUEBAO_MASTER */
    const char *period;       /* --period */
    const char *county;       /* --county */
    const char *scores;       /* --scores, or $YUEBAO_SCORES: the scorer's score store */
    bool csv;                 /* --csv (ranking) */
    const char *severity;     /* --severity (alerts): the least severity shown */
    bool follow;              /* --follow (alerts) */
    const char *exec_cmd;     /* --exec (alerts): a hook run once per alert printed */
    const char *pub;          /* --pub, or $YUEBAO_SCORER_PUB: the scorer's PUB */
    const char *snapshot;     /* --snapshot, or $YUEBAO_SCORER_SNAPSHOT: its snapshot ROUTER */
    const char *key;          /* --key, or $YUEBAO_KEY: our secret key file (CURVE) */
    const char *server_key;   /* --server-key, or $YUEBAO_SERVER_KEY: the scorer's public key */
    const char *agg_pub;      /* watch: --pub, or $YUEBAO_AGGREGATOR_PUB: the aggregator's PUB */
    const char *agg_snapshot; /* watch: --snapshot, or $YUEBAO_AGGREGATOR_SNAPSHOT */
    const char *agg_key_file; /* watch: --server-key, or $YUEBAO_AGGREGATOR_KEY: its public key */
    const char *agg_control;  /* approve, publish, unlock: --control, or $YUEBAO_AGGREGATOR_CONTROL */
    const char *comment;      /* approve, publish, silence add: --comment */
    const char *reason;       /* unlock: --reason */
    bool once;                /* watch: print the screen once and exit */
    const char *format;       /* export: --format csv (default), xlsx or sdmx-csv */
    const char *output;       /* export: -o, --output FILE; stdout without it */
    const char *outbox;       /* check: --outbox FILE, the collector's outbox (read only) */
    bool no_merge_jan_feb;    /* check, template: --no-merge-jan-feb, January reported on its own */
    bool force;               /* template: --force, replace an existing file */
    const char *notify_control;  /* silence: --control, or $YUEBAO_NOTIFY_CONTROL */
    const char *notify_key_file; /* silence: --server-key, or $YUEBAO_NOTIFY_KEY */
    const char *until;           /* silence add: --until */
    const char *matches[8];      /* silence add: --match label=glob, repeated */
    const char *role;            /* user add: --role central|viewer|county:CODE */
    const char *users;           /* user: --users, or $YUEBAO_WEB_USERS: yuebao-web's accounts file */
    int n_matches;
    char **args;              /* remaining arguments */
    int n_args;
} cli_opts_t;

/* ---- cli_config.c: the defaults, from the ini files and the environment -------------- */

#define CLI_PATH_SIZE 1024
#define CLI_CONFIG_FILES 2 /* the host's and the user's */

/* The [yuebao] section: every setting a command takes from the configuration rather
 * than from its own options. "" = none. */
typedef struct {
    char store[CLI_PATH_SIZE];
    char scores[CLI_PATH_SIZE];
    char master[CLI_PATH_SIZE];
    char key[CLI_PATH_SIZE];
    char server_key[CLI_PATH_SIZE]; /* the scorer's public key */
    char scorer_pub[256];
    char scorer_snapshot[256];
    char aggregator_pub[256];
    char aggregator_snapshot[256];
    char aggregator_key[CLI_PATH_SIZE];
    char aggregator_control[256];
    char notify_control[256];
    char notify_key[CLI_PATH_SIZE]; /* yuebao-notify's public key */
    char users[CLI_PATH_SIZE];      /* yuebao-web's accounts file (yuebao user) */
} cli_config_t;

/* Its keys (config.h): name, type, default and help of each. */
extern const config_key_t cli_config_keys[];

/* The environment variable that sets key ("store": "YUEBAO_STORE"), or NULL. */
const char *cli_config_env(const char *key);

/* The files read, in order, into paths: /etc/yuebao/yuebao.ini, then the user's
 * $XDG_CONFIG_HOME/yuebao/yuebao.ini (an absolute XDG_CONFIG_HOME) or else
 * $HOME/.config/yuebao/yuebao.ini (none without HOME). Returns how many. */
size_t cli_config_files(char paths[CLI_CONFIG_FILES][CLI_PATH_SIZE]);

/* c = the table's defaults, then each of files[0..n) that exists (later ones win; an
 * empty value is the default again), then the YUEBAO_* variables that are set and not
 * empty. 0, or -1 with the reason in err: "FILE:LINE: message" for a bad line, "FILE:
 * cannot open: …" for a file that is there but cannot be read, "VAR: message". */
int cli_config_load(cli_config_t *c, const char *const *files, size_t n, char *err, size_t errsz);

/* Points each setting of o the command line left NULL at c's (borrowed: c must outlive
 * o), none for an empty one. */
void cli_config_fill(const cli_config_t *c, cli_opts_t *o);

/* The files, their order and the keys with their variables, for `yuebao --help`. */
void cli_config_usage(FILE *out);

/* ---- cli_common.c ------------------------------------------------------------------- */

/* Whether path's file name ends in suffix (".xlsx"), in any case (Windows names X.XLSX),
 * with a name before it. */
bool cli_named(const char *path, const char *suffix);

/* The folder part of path into dir: "." for a bare name, "/" for one in the root. */
void cli_folder_of(const char *path, char *dir, size_t size);

/* Creates the hidden temporary file a command writes path under ("<dir>/.<name>.tmp.<pid>",
 * mode 0644, refused if it exists) and names it in tmp; dir gets path's folder. Creating
 * it first makes a folder that is missing or not writable fail here, in plain words.
 * 0, or -1 with errno (ENAMETOOLONG: the names do not fit). */
int cli_temp_beside(const char *path, char *tmp, size_t tmpsz, char *dir, size_t dirsz);

/* Loads master data from opts->master_dir, printing errors. NULL on failure. */
master_t *cli_master(const cli_opts_t *o);

/* Prints each problem of dl on stderr as "who: dir/file:line: field: message". */
void cli_print_diags(const char *who, const char *dir, const diag_list_t *dl);

/* --county as typed: a code or a name in regions.csv (410621 or 浚县; spaces around it,
 * full-width ones too, dropped). The county, or NULL after saying on stderr "yuebao CMD:
 * no county …" with every county regions.csv knows, code and name. */
const county_t *cli_county(const cli_opts_t *o, const master_t *m, const char *cmd, const char *arg);

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

/* The CURVE keys for talking to server ("the scorer") at endpoints a and b: --key and
 * server_key_file when either is given (both are then required), else plain ZeroMQ,
 * allowed only when both endpoints are on this host. 0, or -1 with the reason printed
 * as "yuebao CMD: …". */
int cli_security(const cli_opts_t *o, const char *cmd, const char *server, const char *server_key_file,
                 const char *a, const char *b, sock_security_t *sec);

/* A transition as alerts show it and hooks get it: "FIRING", "RESOLVED", … */
void cli_transition_text(transition_t t, char *buf, size_t size);

/* When an alert happened: its transition's time, or for one of a snapshot (TR_ACTIVE)
 * since when it fires. */
int64_t cli_alert_when(const alert_t *al);

/* ---- cli_enterprises.c: key enterprises stopped or cutting output ---------------------- */

typedef struct {
    char zone[ZONE_CODE_SIZE];
    enterprise_t e;
} cli_enterprise_row_t;

typedef struct {
    cli_enterprise_row_t *rows; /* the stops (停产, 半停产, 停产整顿) first, then the cuts (减产) */
    size_t n, cap;
    size_t n_all; /* key enterprises of the scope reported, whatever their status */
} cli_enterprises_t;

/* The key enterprises of period's current reports (county NULL: the city's; else that
 * county's zones) whose status is a stop or a cut, into *out (emptied first). 0, or -1
 * on a store error or out of memory (*out then empty). */
int cli_enterprises_down(rstore_t *st, const master_t *m, const char *period, const char *county,
                         cli_enterprises_t *out);

/* One row in words: "停产  name (code), zone: output … 万元 …%, revenue …; remark". */
void cli_enterprise_line(const master_t *m, const cli_enterprise_row_t *r, char *buf, size_t size);

/* A heading ("… N of M reported") and a line per row; one line when none was reported. */
void cli_enterprises_print(FILE *out, const master_t *m, const cli_enterprises_t *l);

/* Frees l's rows; NULL-safe. */
void cli_enterprises_free(cli_enterprises_t *l);

/* ---- cli_request.c: one signed request to a daemon's control ROUTER ------------------ */

/* Where a request goes and as whom. */
typedef struct {
    const char *endpoint;       /* the daemon's control ROUTER */
    const sock_security_t *sec; /* our key pair and the daemon's public key, or insecure */
    const char *who;            /* the daemon as messages name it: "the aggregator" */
    const char *key_list;       /* the daemon's key list ours must be in: "approver_keys" */
    const char *routing_id;     /* insecure only: "u:<name>:<random>" names us; NULL = random */
} cli_endpoint_t;

/* Sends req (given a fresh message id) to ep and waits up to timeout_ms for the
 * envelope answering it, decoded into *reply (release with msg_clear). 0, or -1 with
 * one line in err: our key refused at the handshake (naming ep->key_list), a failed
 * handshake (a wrong server key, plain against CURVE), no answer in time, an answer that
 * does not decode. Nothing is retried: the caller decides, as a state change must not be
 * sent twice unseen. */
int cli_request(const cli_endpoint_t *ep, msg_t *req, msg_t *reply, int timeout_ms, char *err, size_t errsz);

/* ---- cli_screen.c: sections fitted into a terminal (yuebao watch) --------------------- */

#define SCREEN_MAX_SECTIONS 16

/* One section of a screen: lines[0 .. n_head) its heading, shown whenever the section
 * is, then lines[n_head .. n_head + n_items) its items (borrowed). */
typedef struct {
    const char *const *lines;
    size_t n_head, n_items;
    size_t min_items; /* items it gets before any later section gets more than its own share */
} screen_section_t;

/* How a section is shown: at all (its heading), how many of its items, and how many
 * are summed up instead in one "… N more" line (0: none). */
typedef struct {
    bool shown;
    size_t items, more;
} screen_fit_t;

/* Fits the n sections (most important first, at most SCREEN_MAX_SECTIONS) into rows:
 * first each in turn gets its heading and up to min_items items, then the rows left go
 * to them in the same order up to all their items. A section cut short shows one line
 * fewer and "… N more" in its place; one whose heading and first line do not fit is not
 * shown, nor is any after it. Sets fit[0 .. n); returns the rows used (<= rows). */
size_t screen_layout(size_t rows, const screen_section_t *s, size_t n, screen_fit_t *fit);

/* s cut to cols terminal columns (CJK characters count two) into buf, ending in "…"
 * when cut; never a partial UTF-8 character. */
void screen_cut(const char *s, size_t cols, char *buf, size_t size);

/* Draws the sections as screen_layout fits them into rows × cols, from the top left,
 * over what was there (each row cleared to its end, the rows below cleared), without a
 * line break after the last row, so nothing scrolls; footer (may be NULL) last if a row
 * is left. Returns the rows drawn. */
size_t screen_draw(FILE *out, size_t rows, size_t cols, const screen_section_t *s, size_t n,
                   const char *footer);

/* ---- cli_exec.c: the --exec hook of `yuebao alerts` ----------------------------------- */

typedef struct cli_exec cli_exec_t;

/* Prepares to run cmd (borrowed) through /bin/sh -c with the environment inherited now,
 * less any YUEBAO_ALERT_* in it. stop (may be NULL) is set by the caller's signal
 * handler: a hook running then gets SIGTERM and a short grace. NULL out of memory. */
cli_exec_t *cli_exec_new(const char *cmd, volatile sig_atomic_t *stop);

/* Runs the hook for al and waits for it, at most 60 s (then its process group is
 * killed): stdin on /dev/null, the alert in YUEBAO_ALERT_KIND … AT, names from m (NULL:
 * codes). A hook that fails, hangs or cannot start is reported on stderr, naming the
 * alert's key; the caller goes on with the next alert. */
void cli_exec_run(cli_exec_t *x, const master_t *m, const alert_t *al);

/* Frees *x and sets it to NULL; NULL-safe. */
void cli_exec_destroy(cli_exec_t **x);

/* ---- the sub-commands ------------------------------------------------------------------ */

/* Each returns the process exit status. yuebao.c has parsed into o only the options the
 * command's row in its table names, and refused arguments beyond its count. */
int cli_check(const cli_opts_t *o);
int cli_status(const cli_opts_t *o);
int cli_totals(const cli_opts_t *o);
int cli_ranking(const cli_opts_t *o);
int cli_alerts(const cli_opts_t *o);
int cli_keygen(const cli_opts_t *o);
/* cli_approve.c: approve, publish and unlock a period, through the aggregator */
int cli_approve(const cli_opts_t *o);
int cli_publish(const cli_opts_t *o);
int cli_unlock(const cli_opts_t *o);
/* cli_silence.c: `silence add|list|expire`, through yuebao-notify's control ROUTER */
int cli_silence(const cli_opts_t *o);
int cli_user(const cli_opts_t *o);
int cli_export(const cli_opts_t *o);
int cli_watch(const cli_opts_t *o);
int cli_template(const cli_opts_t *o);
/* cli_user.c: `user add|passwd|disable|enable|list`, yuebao-web's accounts file */
int cli_user(const cli_opts_t *o);

/* ---- cli_export.c: the bulletin's table, shared by its csv and xlsx writers ---------- */

typedef enum {
    EXPORT_SEQ,        /* 序号: 1.. for zones, empty for the city */
    EXPORT_COUNTY,     /* 县区 (全市合计 on the total row) */
    EXPORT_ZONE,       /* 园区 */
    EXPORT_AMOUNT,     /* per main indicator: YTD amount or period-end level */
    EXPORT_GROWTH,     /* growth % */
    EXPORT_COMPLETION, /* target completion % */
    EXPORT_GAP,        /* pace gap, percentage points */
    EXPORT_SCORE,      /* 综合得分 */
    EXPORT_RANK,       /* 排名 */
    EXPORT_CHANGE,     /* 排名变化: prev_rank − rank */
    EXPORT_STAR,       /* 星级 */
    EXPORT_NOTE        /* 备注: 未报, why a laggard, or the city's count of reports */
} export_kind_t;

typedef struct {
    export_kind_t kind;
    size_t k;       /* the bulletin's indicator column (AMOUNT … GAP) */
    char head[256]; /* "主营业务收入本年累计(万元)" */
} export_col_t;

/* The bulletin's columns with their Chinese headers (units in brackets): malloc'd, *n
 * set; NULL out of memory. */
export_col_t *export_columns(const bulletin_t *b, const master_t *m, size_t *n);

/* The number in column c of row (index: its position in the bulletin): true with *x
 * set, false for an empty cell or a text column. */
bool export_number(const bulletin_row_t *row, size_t index, const export_col_t *c, double *x);

/* Fixed decimals of a number column: amounts and growth 1, rates, gaps, scores 2. */
int export_decimals(export_kind_t kind);

/* The cell as the csv shows it, "" when empty: numbers with export_decimals. */
void export_text(const bulletin_t *b, const master_t *m, const bulletin_row_t *row, size_t index,
                 const export_col_t *c, char *buf, size_t size);

/* A star as shown: "" (no December judged), "入门以下", "★3". */
void export_star(int star, char *buf, size_t size);

/* The months a period's bulletin covers: "2017年1-6月", "2017年1月". */
void export_months(const bulletin_t *b, char *buf, size_t size);

/* The bulletin's title: "鹤壁市产业集聚区 2017年1-6月 主要指标完成情况通报", the city
 * from city.csv's city_name (none: "产业集聚区 …"), and while the figures are
 * preliminary (bulletin_t.state_in_title) the data state after it: "…通报（初步数据）". */
void export_title(const bulletin_t *b, const master_t *m, char *buf, size_t size);

/* cli_export_xlsx.c: writes b as the printed bulletin (cover, ranking, main indicators,
 * projects, enterprises, remarks; cli_bulletin.h) to path. 0, or -1 with the reason in
 * err. */
int export_xlsx(const bulletin_t *b, const master_t *m, const char *path, char *err, size_t errsz);

#endif
