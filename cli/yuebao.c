/* yuebao - the operator's command line: check county files, write a county's monthly
 * workbook to fill in, see who has reported, print the city's totals and the zones'
 * ranking, follow the scorer's alerts, and export the monthly bulletin.
 * Reads the report and score stores read-only; subscribes to the scorer for alerts.
 *
 * Dispatch is a table, one row per sub-command: its name, the function that runs it,
 * the options it takes (a set of the options below), how many arguments, and its help.
 * Each sub-command parses only its own options, so one it does not take is refused with
 * its name and the sub-command's (exit 2) instead of being silently ignored, and
 * `yuebao CMD --help` shows exactly what CMD takes. Defaults come from the configuration
 * (cli_config.c: /etc/yuebao/yuebao.ini, ~/.config/yuebao/yuebao.ini, YUEBAO_STORE, …)
 * whatever the command, read after the command line is parsed, so --help works even
 * when a file is bad; only what is typed is judged against the command's options.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "codec.h"
#include "i18n.h"
#include "log.h"
#include "version.h"

/* ---- the options: one set for every sub-command, each taking the ones it needs ------ */

enum {
    OPT_STORE = 1u << 0,
    OPT_SCORES = 1u << 1,
    OPT_MASTER = 1u << 2,
    OPT_PERIOD = 1u << 3,
    OPT_COUNTY = 1u << 4,
    OPT_CSV = 1u << 5,
    OPT_SEVERITY = 1u << 6,
    OPT_FOLLOW = 1u << 7,
    OPT_EXEC = 1u << 8,
    OPT_PUB = 1u << 9,
    OPT_SNAPSHOT = 1u << 10,
    OPT_KEY = 1u << 11,
    OPT_SERVER_KEY = 1u << 12,
    OPT_ONCE = 1u << 13,
    OPT_FORMAT = 1u << 14,
    OPT_OUTPUT = 1u << 15,
    OPT_OUTBOX = 1u << 16,
    OPT_NO_MERGE = 1u << 17,
    OPT_FORCE = 1u << 18,
    OPT_CONTROL = 1u << 19,
    OPT_COMMENT = 1u << 20,
    OPT_REASON = 1u << 21,
    OPT_MATCH = 1u << 22,
    OPT_UNTIL = 1u << 23,
    OPT_ROLE = 1u << 24,
    OPT_USERS = 1u << 25,
};

/* getopt values of the long options: above any character, so that an error's optopt
 * tells a long option from a short one. -o is the short form of --output. */
enum {
    V_STORE = 256,
    V_SCORES,
    V_MASTER,
    V_PERIOD,
    V_COUNTY,
    V_CSV,
    V_SEVERITY,
    V_FOLLOW,
    V_EXEC,
    V_PUB,
    V_SNAPSHOT,
    V_KEY,
    V_SERVER_KEY,
    V_ONCE,
    V_FORMAT,
    V_OUTBOX,
    V_NO_MERGE,
    V_FORCE,
    V_CONTROL,
    V_COMMENT,
    V_REASON,
    V_MATCH,
    V_UNTIL,
    V_ROLE,
    V_USERS,
    V_HELP,
    V_OUTPUT = 'o',
};

/* What an option's value is, for the shell's completion (yuebao __complete). */
typedef enum {
    VAL_FLAG, /* none: the option alone */
    VAL_FILE, /* a file name */
    VAL_DIR,  /* a folder */
    VAL_WORD, /* one of words (or for --county, the counties of the master data) */
    VAL_TEXT  /* anything: a period, an endpoint, a command */
} value_t;

static const struct {
    struct option opt;
    unsigned bit;
    value_t value;
    const char *words; /* VAL_WORD: the values, space-separated; NULL: the counties */
} options[] = {
    {{"store", required_argument, NULL, V_STORE}, OPT_STORE, VAL_FILE, NULL},
    {{"scores", required_argument, NULL, V_SCORES}, OPT_SCORES, VAL_FILE, NULL},
    {{"master", required_argument, NULL, V_MASTER}, OPT_MASTER, VAL_DIR, NULL},
    {{"period", required_argument, NULL, V_PERIOD}, OPT_PERIOD, VAL_TEXT, NULL},
    {{"county", required_argument, NULL, V_COUNTY}, OPT_COUNTY, VAL_WORD, NULL},
    {{"csv", no_argument, NULL, V_CSV}, OPT_CSV, VAL_FLAG, NULL},
    {{"severity", required_argument, NULL, V_SEVERITY}, OPT_SEVERITY, VAL_WORD, "warning critical"},
    {{"follow", no_argument, NULL, V_FOLLOW}, OPT_FOLLOW, VAL_FLAG, NULL},
    {{"exec", required_argument, NULL, V_EXEC}, OPT_EXEC, VAL_TEXT, NULL},
    {{"pub", required_argument, NULL, V_PUB}, OPT_PUB, VAL_TEXT, NULL},
    {{"snapshot", required_argument, NULL, V_SNAPSHOT}, OPT_SNAPSHOT, VAL_TEXT, NULL},
    {{"key", required_argument, NULL, V_KEY}, OPT_KEY, VAL_FILE, NULL},
    {{"server-key", required_argument, NULL, V_SERVER_KEY}, OPT_SERVER_KEY, VAL_FILE, NULL},
    {{"once", no_argument, NULL, V_ONCE}, OPT_ONCE, VAL_FLAG, NULL},
    {{"format", required_argument, NULL, V_FORMAT}, OPT_FORMAT, VAL_WORD, "csv xlsx sdmx-csv"},
    {{"output", required_argument, NULL, V_OUTPUT}, OPT_OUTPUT, VAL_FILE, NULL},
    {{"outbox", required_argument, NULL, V_OUTBOX}, OPT_OUTBOX, VAL_FILE, NULL},
    {{"no-merge-jan-feb", no_argument, NULL, V_NO_MERGE}, OPT_NO_MERGE, VAL_FLAG, NULL},
    {{"force", no_argument, NULL, V_FORCE}, OPT_FORCE, VAL_FLAG, NULL},
    {{"control", required_argument, NULL, V_CONTROL}, OPT_CONTROL, VAL_TEXT, NULL},
    {{"comment", required_argument, NULL, V_COMMENT}, OPT_COMMENT, VAL_TEXT, NULL},
    {{"reason", required_argument, NULL, V_REASON}, OPT_REASON, VAL_TEXT, NULL},
    {{"match", required_argument, NULL, V_MATCH}, OPT_MATCH, VAL_TEXT, NULL},
    {{"until", required_argument, NULL, V_UNTIL}, OPT_UNTIL, VAL_TEXT, NULL},
    {{"role", required_argument, NULL, V_ROLE}, OPT_ROLE, VAL_TEXT, NULL},
    {{"users", required_argument, NULL, V_USERS}, OPT_USERS, VAL_FILE, NULL},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

/* The options whose default the configuration gives (cli_config.c): a command that
 * takes none of them (keygen) runs whatever the files say. */
#define OPT_CONFIGURED                                                                                       \
    (OPT_STORE | OPT_SCORES | OPT_MASTER | OPT_PUB | OPT_SNAPSHOT | OPT_KEY | OPT_SERVER_KEY | OPT_CONTROL |       \
     OPT_USERS)

/* ---- the sub-commands -------------------------------------------------------------- */

typedef struct {
    const char *name;
    int (*run)(const cli_opts_t *o); /* returns the exit status */
    unsigned options;                /* the OPT_ bits it takes; --help always */
    int max_args;                    /* arguments after the options at most; -1 any number */
    const char *args_hint;           /* for an argument too many: what to write instead */
    const char *summary;             /* its line in `yuebao --help` */
    const char *help;                /* `yuebao CMD --help` */
} command_t;

static const command_t commands[] = {
    {"check", cli_check, OPT_MASTER | OPT_COUNTY | OPT_OUTBOX | OPT_NO_MERGE, -1, NULL,
     N_("check county files without sending them: the collector's verdict"),
     N_("usage: yuebao check [--master DIR] [--county C] [--outbox FILE] [--no-merge-jan-feb] FILE...\n"
     "\n"
     "Checks county files (workbooks .xlsx, CSV) without sending them: the collector's\n"
     "verdict on each, cell by cell or line by line (with its outbox, also the jumps\n"
     "against the reports it sent). Exit 1 when a file has errors.\n"
     "\n"
     "  --master DIR     folder with regions.csv and indicators.csv (default $YUEBAO_MASTER)\n"
     "  --county C       the reporting unit the files are from: its code or name\n"
     "                   (e.g. 410602 or 鹤山区)\n"
     "  --outbox FILE    the collector's outbox (read only), to compare the files with the\n"
     "                   reports it sent (元 instead of 万元?); the files named are judged\n"
     "                   together, as one batch dropped in the inbox\n"
     "  --no-merge-jan-feb  January is reported on its own, as if the master folder's\n"
     "                   city.csv said merge_jan_feb = no\n"
     "  -h, --help       this text\n")},
    {"template", cli_template,
     OPT_COUNTY | OPT_PERIOD | OPT_OUTPUT | OPT_FORCE | OPT_STORE | OPT_MASTER | OPT_NO_MERGE, 0,
     N_("name the workbook with -o FILE.xlsx"), N_("a county's monthly report workbook (月报模板) to fill in Excel"),
     N_("usage: yuebao template --county C --period P [-o FILE.xlsx] [--force] [--store FILE]\n"
     "                       [--master DIR] [--no-merge-jan-feb]\n"
     "\n"
     "Writes a county's monthly report workbook (月报模板), to fill in Excel and drop into\n"
     "the collector's inbox: 主要指标 (every zone of the county × every indicator, with its\n"
     "unit and the previous period's figures for reference), 重点项目 and 存在问题及下一步\n"
     "措施. Headers and names are locked; the yellow cells take numbers only and say their\n"
     "unit when selected. The workbook carries its county and period, so a template of\n"
     "another county or month is refused when it comes back.\n"
     "\n"
     "  --county C       the county: its code or name in regions.csv (e.g. 410621 or 浚县)\n"
     "  --period P       the reporting period, e.g. 2017-06 (1-6月)\n"
     "  -o, --output FILE  the workbook (default C-P.xlsx in the current folder, e.g.\n"
     "                   410621-2017-06.xlsx); written whole under a hidden name, then named\n"
     "  --force          replace FILE if it exists (without it, an existing file is kept)\n"
     "  --store FILE     the report store, for the previous period's figures (上期)\n"
     "                   (default $YUEBAO_STORE, else reports.db); without one they are empty\n"
     "  --master DIR     folder with regions.csv and indicators.csv (default $YUEBAO_MASTER)\n"
     "  --no-merge-jan-feb  January is reported on its own, as if the master folder's\n"
     "                   city.csv said merge_jan_feb = no: a template for January, and\n"
     "                   February's 上期 is January\n"
     "  -h, --help       this text\n")},
    {"status", cli_status, OPT_STORE | OPT_SCORES | OPT_MASTER | OPT_PERIOD, 0, NULL,
     N_("every zone: reported, late, missing or rejected, and the overdue list"),
     N_("usage: yuebao status [--period P] [--store FILE] [--scores FILE] [--master DIR]\n"
     "\n"
     "Every zone of a period: reported (revision, time), late, missing or rejected (with\n"
     "the reason); the figures accepted on a county's 说明; whether the period is ranked;\n"
     "and the overdue list as the scorer judges it.\n"
     "\n"
     "  --period P       reporting period, e.g. 2017-06 (default: the latest with a report)\n"
     "  --store FILE     the report store (default $YUEBAO_STORE, else reports.db)\n"
     "  --scores FILE    the scorer's score store, for the ranking and the overdue list\n"
     "                   (default $YUEBAO_SCORES, else scores.db)\n"
     "  --master DIR     folder with regions.csv and indicators.csv (default $YUEBAO_MASTER)\n"
     "  -h, --help       this text\n"
     "\n"
     "The deadline is day $YUEBAO_DEADLINE_DAY (default 10) of the next month, 24:00.\n")},
    {"watch", cli_watch,
     OPT_PERIOD | OPT_ONCE | OPT_MASTER | OPT_STORE | OPT_PUB | OPT_SNAPSHOT | OPT_KEY | OPT_SERVER_KEY, 0,
     NULL, N_("the aggregator's live totals, redrawn in place"),
     N_("usage: yuebao watch [--period P] [--once] [--master DIR] [--store FILE] [--pub EP]\n"
     "                    [--snapshot EP] [--key FILE --server-key FILE]\n"
     "\n"
     "The aggregator's live totals, redrawn in place: completeness, city totals and growth,\n"
     "arrivals and rejections, and the key enterprises stopped or cutting output (plain\n"
     "lines into a pipe). Until SIGINT or SIGTERM.\n"
     "\n"
     "  --period P       the period shown, e.g. 2017-06 (default: the latest with reports)\n"
     "  --once           print the screen once and exit\n"
     "  --master DIR     names from regions.csv and indicators.csv (default $YUEBAO_MASTER);\n"
     "                   codes without it\n"
     "  --store FILE     the report store, read for the key enterprises when the file is\n"
     "                   there (default $YUEBAO_STORE); without it they are not shown\n"
     "  --pub EP         the aggregator's PUB (default $YUEBAO_AGGREGATOR_PUB, else\n"
     "                   tcp://127.0.0.1:7302)\n"
     "  --snapshot EP    its snapshot socket (default $YUEBAO_AGGREGATOR_SNAPSHOT, else\n"
     "                   tcp://127.0.0.1:7305)\n"
     "  --key FILE       our secret key file for CURVE (default $YUEBAO_KEY); its public\n"
     "                   half must be in the aggregator's subscriber_keys. Without a key,\n"
     "                   plain ZeroMQ, to ipc:// or loopback only\n"
     "  --server-key FILE  the aggregator's public key file (default $YUEBAO_AGGREGATOR_KEY)\n"
     "  -h, --help       this text\n")},
    {"totals", cli_totals, OPT_STORE | OPT_MASTER | OPT_PERIOD | OPT_COUNTY, 0, NULL,
     N_("city and county totals with aggregate growth"),
     N_("usage: yuebao totals --period P [--county C] [--store FILE] [--master DIR]\n"
     "\n"
     "A period's totals per indicator from the report store: the city's, or one county's,\n"
     "with aggregate growth (never a mean of growth rates) and how many zones reported.\n"
     "\n"
     "  --period P       reporting period, e.g. 2017-06 (January through June); required\n"
     "  --county C       only this county's zones (code or name, e.g. 410603 or 山城区)\n"
     "  --store FILE     the report store (default $YUEBAO_STORE, else reports.db)\n"
     "  --master DIR     folder with regions.csv and indicators.csv (default $YUEBAO_MASTER)\n"
     "  -h, --help       this text\n")},
    {"ranking", cli_ranking, OPT_SCORES | OPT_MASTER | OPT_PERIOD | OPT_CSV, 0,
     N_("name the period with --period YYYY-MM"), N_("a period's ranking: rank, change, total, subtotals, star"),
     N_("usage: yuebao ranking [--period P] [--csv] [--scores FILE] [--master DIR]\n"
     "\n"
     "A period's ranking as the scorer stored it: rank, change since the previous period,\n"
     "total, dimension subtotals, star. Exit 1 when the period is not ranked.\n"
     "\n"
     "  --period P       reporting period, e.g. 2017-06 (default: the latest ranked)\n"
     "  --csv            CSV (UTF-8, header row) for spreadsheets\n"
     "  --scores FILE    the scorer's score store (default $YUEBAO_SCORES, else scores.db)\n"
     "  --master DIR     names from regions.csv (default $YUEBAO_MASTER); codes without it\n"
     "  -h, --help       this text\n")},
    {"alerts", cli_alerts,
     OPT_MASTER | OPT_COUNTY | OPT_SEVERITY | OPT_FOLLOW | OPT_EXEC | OPT_PUB | OPT_SNAPSHOT | OPT_KEY |
         OPT_SERVER_KEY,
     0, NULL, N_("the scorer's firing alerts; with --follow, every transition as it happens"),
     N_("usage: yuebao alerts [--county C] [--severity S] [--follow] [--exec CMD] [--master DIR]\n"
     "                     [--pub EP] [--snapshot EP] [--key FILE --server-key FILE]\n"
     "\n"
     "The scorer's firing alerts, one per line; with --follow, then every transition as it\n"
     "happens.\n"
     "\n"
     "  --county C       only this county's zones (code, e.g. 410603, or name, e.g. 山城区)\n"
     "  --severity S     warning (warning and critical, the default) or critical\n"
     "  --follow         after the firing alerts, print each transition as it comes until\n"
     "                   SIGINT or SIGTERM; resyncs by itself after a gap or silence\n"
     "  --exec CMD       run CMD with /bin/sh -c once per alert printed, one at a time\n"
     "                   (killed after 60 s), with the alert in the environment:\n"
     "                   YUEBAO_ALERT_KIND SEVERITY PREVIOUS TRANSITION ZONE ZONE_NAME COUNTY\n"
     "                   COUNTY_NAME INDICATOR YEAR PERIOD VALUE TARGET EXPECTED GAP DEADLINE\n"
     "                   MESSAGE AT (each YUEBAO_ALERT_...; values as printed, times in ms,\n"
     "                   a number that does not apply is empty)\n"
     "  --master DIR     names from regions.csv (default $YUEBAO_MASTER); codes without it\n"
     "  --pub EP         the scorer's PUB (default $YUEBAO_SCORER_PUB, else\n"
     "                   tcp://127.0.0.1:7303)\n"
     "  --snapshot EP    the scorer's snapshot socket (default $YUEBAO_SCORER_SNAPSHOT, else\n"
     "                   tcp://127.0.0.1:7304)\n"
     "  --key FILE       our secret key file for CURVE (default $YUEBAO_KEY); its public\n"
     "                   half must be in the scorer's subscriber_keys. Without a key, plain\n"
     "                   ZeroMQ, to ipc:// or loopback only\n"
     "  --server-key FILE  the scorer's public key file (default $YUEBAO_SERVER_KEY)\n"
     "  -h, --help       this text\n")},
    {"approve", cli_approve, OPT_PERIOD | OPT_COUNTY | OPT_COMMENT | OPT_MASTER | OPT_CONTROL | OPT_KEY | OPT_SERVER_KEY,
     0, NULL, N_("approve (核准) a period for the city or one county: its reports are locked"),
     N_("usage: yuebao approve --period P [--county C] [--comment TEXT] [--master DIR]\n"
     "                      [--control EP] [--key FILE --server-key FILE]\n"
     "\n"
     "Approves (核准) a period: from then on the aggregator rejects every new revision of it,\n"
     "telling the county who approved it and when. For the whole city, or with --county for\n"
     "one county (the office approving county by county). Sent to the aggregator as a\n"
     "request signed by our key; the aggregator stores the transition (who, when, comment)\n"
     "and publishes it.\n"
     "\n"
     "  --period P       the period, e.g. 2017-05; required\n"
     "  --county C       only this county (code or name, e.g. 410621 or 浚县)\n"
     "  --comment TEXT   kept with the record\n"
     "  --master DIR     regions.csv, for a county's name (default $YUEBAO_MASTER)\n"
     "  --control EP     the aggregator's control endpoint (default\n"
     "                   $YUEBAO_AGGREGATOR_CONTROL, else tcp://127.0.0.1:7307)\n"
     "  --key FILE       our approver's secret key file (default $YUEBAO_KEY); its public\n"
     "                   half must be in the aggregator's approver_keys, whose name for it\n"
     "                   is stored as who did it. Without a key, plain ZeroMQ, to ipc:// or\n"
     "                   loopback only (a development aggregator run --insecure)\n"
     "  --server-key FILE  the aggregator's public key file (default $YUEBAO_AGGREGATOR_KEY)\n"
     "  -h, --help       this text\n"
     "\n"
     "Exit 0 when done, 1 when the aggregator refused (the reason is printed) or did not\n"
     "answer, 2 for a usage error.\n")},
    {"publish", cli_publish, OPT_PERIOD | OPT_COMMENT | OPT_CONTROL | OPT_KEY | OPT_SERVER_KEY, 0, NULL,
     N_("publish (发布) an approved period: its ranking is frozen as published"),
     N_("usage: yuebao publish --period P [--comment TEXT] [--control EP]\n"
     "                      [--key FILE --server-key FILE]\n"
     "\n"
     "Publishes (发布) an approved period, for the whole city: it stays locked, and the\n"
     "scorer freezes its ranking as published (version 1); a correction after an unlock\n"
     "makes a new version (更正版) instead of rewriting it. Refused before the period is\n"
     "approved (for the city, or every county).\n"
     "\n"
     "  --period P       the period, e.g. 2017-05; required\n"
     "  --comment TEXT   kept with the record\n"
     "  --control EP     the aggregator's control endpoint (default\n"
     "                   $YUEBAO_AGGREGATOR_CONTROL, else tcp://127.0.0.1:7307)\n"
     "  --key FILE       our approver's secret key file (default $YUEBAO_KEY); its public\n"
     "                   half must be in the aggregator's approver_keys, whose name for it\n"
     "                   is stored as who did it. Without a key, plain ZeroMQ, to ipc:// or\n"
     "                   loopback only (a development aggregator run --insecure)\n"
     "  --server-key FILE  the aggregator's public key file (default $YUEBAO_AGGREGATOR_KEY)\n"
     "  -h, --help       this text\n"
     "\n"
     "Exit 0 when done, 1 when the aggregator refused (the reason is printed) or did not\n"
     "answer, 2 for a usage error.\n")},
    {"unlock", cli_unlock, OPT_PERIOD | OPT_COUNTY | OPT_REASON | OPT_MASTER | OPT_CONTROL | OPT_KEY | OPT_SERVER_KEY,
     0, NULL, N_("unlock an approved or published period, with a reason, for corrections"),
     N_("usage: yuebao unlock --period P [--county C] --reason TEXT [--master DIR]\n"
     "                     [--control EP] [--key FILE --server-key FILE]\n"
     "\n"
     "Reopens (解锁) an approved or published period, or one county approved on its own, so\n"
     "that corrections are taken again. The reason is required and kept with the record.\n"
     "A published ranking stays as it was published; a corrected one is a new version.\n"
     "\n"
     "  --period P       the period, e.g. 2017-05; required\n"
     "  --county C       only this county (approved on its own)\n"
     "  --reason TEXT    why; required\n"
     "  --master DIR     regions.csv, for a county's name (default $YUEBAO_MASTER)\n"
     "  --control EP     the aggregator's control endpoint (default\n"
     "                   $YUEBAO_AGGREGATOR_CONTROL, else tcp://127.0.0.1:7307)\n"
     "  --key FILE       our approver's secret key file (default $YUEBAO_KEY); its public\n"
     "                   half must be in the aggregator's approver_keys, whose name for it\n"
     "                   is stored as who did it. Without a key, plain ZeroMQ, to ipc:// or\n"
     "                   loopback only (a development aggregator run --insecure)\n"
     "  --server-key FILE  the aggregator's public key file (default $YUEBAO_AGGREGATOR_KEY)\n"
     "  -h, --help       this text\n"
     "\n"
     "Exit 0 when done, 1 when the aggregator refused (the reason is printed) or did not\n"
     "answer, 2 for a usage error.\n")},
    {"silence", cli_silence, OPT_MATCH | OPT_UNTIL | OPT_COMMENT | OPT_CONTROL | OPT_KEY | OPT_SERVER_KEY, 2,
     N_("say add, list or expire ID"), N_("silence yuebao-notify's messages for some alerts, for a while"),
     N_("usage: yuebao silence add --match LABEL=VALUE... --until WHEN [--comment TEXT]\n"
     "       yuebao silence list\n"
     "       yuebao silence expire ID\n"
     "                     [--control EP] [--key FILE --server-key FILE]\n"
     "\n"
     "Silences mute yuebao-notify's messages for the alerts they match until they end by\n"
     "themselves (or are expired); the alerts still fire, and are told again if they\n"
     "still do then. Each is stored with who added it (the name beside our key in\n"
     "notify's silence_keys) and audited.\n"
     "\n"
     "  --match L=V      every one must match: zone, county, kind, severity, indicator or\n"
     "                   period, the value a glob (zone=shancheng, county=4106*, kind=overdue)\n"
     "  --until WHEN     when it ends: 2017-07-20, 2017-07-20T18:00 (Asia/Shanghai), or a\n"
     "                   duration from now: 2h, 3d\n"
     "  --comment TEXT   why, for the others\n"
     "  --control EP     yuebao-notify's control endpoint (default $YUEBAO_NOTIFY_CONTROL,\n"
     "                   else tcp://127.0.0.1:7306)\n"
     "  --key FILE       our secret key file (default $YUEBAO_KEY); its public half must be\n"
     "                   in notify's silence_keys. Without a key, plain ZeroMQ, to ipc:// or\n"
     "                   loopback only (a development yuebao-notify run --insecure)\n"
     "  --server-key FILE  yuebao-notify's public key file (default $YUEBAO_NOTIFY_KEY)\n"
     "  -h, --help       this text\n"
     "\n"
     "Exit 0 when done, 1 when yuebao-notify refused (the reason is printed) or did not\n"
     "answer, 2 for a usage error.\n")},
    {"user", cli_user, OPT_USERS | OPT_ROLE, 2, N_("say add NAME, passwd NAME, disable NAME, enable NAME or list"),
     N_("yuebao-web's accounts: add, passwd, disable, enable, list"),
     N_("usage: yuebao user add NAME --role central|viewer|county:CODE [--users FILE]\n"
     "       yuebao user passwd NAME [--users FILE]\n"
     "       yuebao user disable NAME [--users FILE]\n"
     "       yuebao user enable NAME [--users FILE]\n"
     "       yuebao user list [--users FILE]\n"
     "\n"
     "The accounts of yuebao-web, the central office's browser front, in one file that\n"
     "yuebao-web re-reads when it changes. NAME is 1 to 32 of a-z 0-9 . _ - (logins are\n"
     "lower case). A role is central (everything), viewer (the city's view, read only,\n"
     "without who sent which revision) or county:CODE (that county's zones only, e.g.\n"
     "county:410603). add and passwd read the password twice without echo at a terminal,\n"
     "else one line from stdin (echo 'pass phrase' | yuebao user add …); at least 10\n"
     "characters, not the name, not one character repeated. Only its Argon2id hash is\n"
     "kept. disable keeps the account but refuses its logins; enable lets it in again.\n"
     "list shows name, role, state and when the password or state last changed.\n"
     "\n"
     "  --role R         add: central, viewer or county:CODE\n"
     "  --users FILE     the accounts file (default $YUEBAO_WEB_USERS, else\n"
     "                   /etc/yuebao/web-users); written whole under a hidden name, then\n"
     "                   renamed, mode 0640\n"
     "  -h, --help       this text\n"
     "\n"
     "Exit 0 when done, 1 when refused (a name that exists or does not, a weak password,\n"
     "a file that cannot be read or written), 2 for a usage error.\n")},
    {"keygen", cli_keygen, 0, 1, NULL, N_("a CURVE key pair: NAME.key (secret, mode 0600) and NAME.pub"),
     N_("usage: yuebao keygen NAME\n"
     "\n"
     "Writes a CURVE key pair: NAME.key (secret, mode 0600) and NAME.pub (public), and says\n"
     "where each goes. NAME may carry a folder. An existing key is never overwritten.\n"
     "\n"
     "  -h, --help       this text\n")},
    {"export", cli_export, OPT_STORE | OPT_SCORES | OPT_MASTER | OPT_PERIOD | OPT_FORMAT | OPT_OUTPUT | OPT_COUNTY,
     0,
     N_("write the file with -o FILE"), N_("the monthly bulletin (主要指标完成情况通报) as csv, xlsx or sdmx-csv"),
     N_("usage: yuebao export --period P [--format F] [-o FILE] [--county C] [--store FILE]\n"
     "                     [--scores FILE] [--master DIR]\n"
     "\n"
     "The monthly bulletin (主要指标完成情况通报): per zone, each main indicator's YTD amount,\n"
     "growth, target completion and pace gap, then score, rank, change, star; a city total\n"
     "row last. Laggards: a pace gap below -5 points on any main indicator, or a rank in the\n"
     "last three (of more than three ranked).\n"
     "\n"
     "  --period P       reporting period, e.g. 2017-06; required\n"
     "  --county C       one county's zones only (410621 or 浚县), its total row last\n"
     "                   (浚县合计); ranks stay the city's\n"
     "  --format F       csv (UTF-8 with BOM, CRLF), xlsx (the bulletin to print: cover,\n"
     "                   ranking, indicators, projects, enterprises, remarks; A4; needs\n"
     "                   -o) or sdmx-csv (one observation a row, codes, for\n"
     "                   machines); default: xlsx for -o FILE.xlsx, else csv\n"
     "  -o, --output FILE  write FILE (whole or not at all) instead of stdout\n"
     "  --store FILE     the report store (default $YUEBAO_STORE, else reports.db)\n"
     "  --scores FILE    the scorer's score store (default $YUEBAO_SCORES, else scores.db)\n"
     "  --master DIR     folder with regions.csv, indicators.csv and the rules\n"
     "                   (default $YUEBAO_MASTER)\n"
     "  -h, --help       this text\n")},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out) {
    fprintf(out, _("usage: yuebao COMMAND [OPTIONS] [ARGUMENTS]\n"
                 "       yuebao COMMAND --help    (or yuebao help COMMAND) what it does, its options\n"
                 "       yuebao --version\n"
                 "\n"
                 "commands:\n"));
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, _(commands[i].summary));
    fprintf(out, _("\n"
                 "Each command takes only its own options and refuses any other.\n"
                 "\n"));
    cli_config_usage(out);
    fprintf(out, _("\n"
                 "exit status: 0 done, 1 not found or not answered (an unranked period, a store or\n"
                 "a scorer that is not there), 2 usage or configuration error\n"));
}

static const command_t *find_command(const char *name) {
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i].name, name)) return &commands[i];
    return NULL;
}

/* `yuebao CMD --help`: its text, and where the defaults it names come from. */
static void print_help(const command_t *cmd) {
    fputs(_(cmd->help), stdout);
    if (cmd->options & OPT_CONFIGURED)
        fputs(_("\nThe defaults of the stores, the master folder, the keys and the endpoints are also\n"
                "keys of yuebao.ini, which is read before the environment (see yuebao --help).\n"),
              stdout);
}

/* ---- refusals ------------------------------------------------------------------------ */

/* "--csv" of "--csv=1", into buf. */
static const char *option_name(const char *arg, char *buf, size_t size) {
    snprintf(buf, size, "%.*s", (int)strcspn(arg, "="), arg);
    return buf;
}

/* The bit of the long option name (without "--"), 0 if there is none. */
static unsigned option_bit(const char *name) {
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (!strcmp(options[i].opt.name, name)) return options[i].bit;
    return 0;
}

/* " (check, totals and alerts take it)": the commands that take option bit. */
static void print_takers(unsigned bit) {
    int n = 0, shown = 0;
    for (size_t i = 0; i < N_COMMANDS; i++)
        n += (commands[i].options & bit) != 0;
    fputs(" (", stderr);
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (commands[i].options & bit)
            fprintf(stderr, "%s%s", ++shown == 1 ? "" : shown == n ? _(" and ") : ", ", commands[i].name);
    fputs(ngettext(" takes it)", " take it)", (unsigned long)n), stderr);
}

/* How many of the long options longs[] start with name: more than one, and getopt_long
 * could not tell which was meant. */
static int n_starting(const struct option *longs, const char *name) {
    int n = 0;
    for (const struct option *l = longs; l->name; l++)
        n += !strncmp(l->name, name, strlen(name));
    return n;
}

/* An option getopt would not take: c is what it returned ('?' or ':'), arg the command
 * line element in error, longs the command's options. Says why on stderr, naming the
 * option and the command; returns 2. */
static int refuse_option(const command_t *cmd, const struct option *longs, int c, const char *arg) {
    char name[64];
    unsigned bit;
    if (c == ':')
        fprintf(stderr, _("yuebao %s: %s needs a value"), cmd->name, arg);
    else if (optopt >= 256) /* a long option of ours given a value it does not take */
        fprintf(stderr, _("yuebao %s: %s takes no value (not \"%s\")"), cmd->name,
                option_name(arg, name, sizeof name), arg);
    else if (optopt == V_OUTPUT) { /* the one short option, --output's */
        fprintf(stderr, _("yuebao %s: -o is not an option of %s"), cmd->name, cmd->name);
        print_takers(OPT_OUTPUT);
    } else if (optopt)
        fprintf(stderr, _("yuebao %s: unknown option -%c"), cmd->name, optopt);
    else if (!strncmp(arg, "--", 2) && (bit = option_bit(option_name(arg + 2, name, sizeof name))) != 0) {
        fprintf(stderr, _("yuebao %s: --%s is not an option of %s"), cmd->name, name, cmd->name);
        print_takers(bit);
    } else if (!strncmp(arg, "--", 2) && name[0] && n_starting(longs, name) > 1) {
        int k = 0;
        fprintf(stderr, _("yuebao %s: --%s could be any of"), cmd->name, name);
        for (const struct option *l = longs; l->name; l++)
            if (!strncmp(l->name, name, strlen(name))) fprintf(stderr, "%s --%s", k++ ? "," : "", l->name);
    } else {
        fprintf(stderr, _("yuebao %s: unknown option %s"), cmd->name, option_name(arg, name, sizeof name));
    }
    fprintf(stderr, _("; see yuebao %s --help\n"), cmd->name);
    return 2;
}

/* ---- parsing ------------------------------------------------------------------------- */

/* Reads argv[0..argc) — argv[0] the command's name — into o with the options cmd takes.
 * Returns -1 when cmd is to run; else the exit status: 0 after printing its help, 2
 * after refusing an option or argument (said on stderr). */
static int parse(const command_t *cmd, int argc, char **argv, cli_opts_t *o) {
    struct option longs[N_OPTIONS + 2];
    char shorts[8] = ":h";
    size_t n = 0;
    int c;
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (cmd->options & options[i].bit) longs[n++] = options[i].opt;
    longs[n++] = (struct option){"help", no_argument, NULL, V_HELP};
    longs[n] = (struct option){NULL, 0, NULL, 0};
    if (cmd->options & OPT_OUTPUT) strcat(shorts, "o:");
    optind = 1;
    opterr = 0; /* we say it, naming the command */
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        switch (c) {
        case V_STORE: o->store = optarg; break;
        case V_SCORES: o->scores = optarg; break;
        case V_MASTER: o->master_dir = optarg; break;
        case V_PERIOD: o->period = optarg; break;
        case V_COUNTY: o->county = optarg; break;
        case V_CSV: o->csv = true; break;
        case V_SEVERITY: o->severity = optarg; break;
        case V_FOLLOW: o->follow = true; break;
        case V_EXEC: o->exec_cmd = optarg; break;
        /* given on the command line, an endpoint or key is for whichever daemon the
         * command talks to */
        case V_PUB: o->pub = o->agg_pub = optarg; break;
        case V_SNAPSHOT: o->snapshot = o->agg_snapshot = optarg; break;
        case V_KEY: o->key = optarg; break;
        case V_SERVER_KEY: o->server_key = o->agg_key_file = o->notify_key_file = optarg; break;
        case V_ONCE: o->once = true; break;
        case V_FORMAT: o->format = optarg; break;
        case V_OUTPUT: o->output = optarg; break;
        case V_OUTBOX: o->outbox = optarg; break;
        case V_NO_MERGE: o->no_merge_jan_feb = true; break;
        case V_FORCE: o->force = true; break;
        case V_CONTROL: o->agg_control = o->notify_control = optarg; break;
        case V_COMMENT: o->comment = optarg; break;
        case V_REASON: o->reason = optarg; break;
        case V_UNTIL: o->until = optarg; break;
        case V_ROLE: o->role = optarg; break;
        case V_USERS: o->users = optarg; break;
        case V_MATCH:
            if (o->n_matches == 8) {
                fprintf(stderr, _("yuebao %s: at most 8 --match\n"), cmd->name);
                return 2;
            }
            o->matches[o->n_matches++] = optarg;
            break;
        case 'h':
        case V_HELP: print_help(cmd); return 0;
        default: /* the element in error is the one before optind (glibc moves past it) */
            return refuse_option(cmd, longs, c, argv[optind - 1 > 0 ? optind - 1 : 0]);
        }
    }
    o->args = argv + optind;
    o->n_args = argc - optind;
    if (cmd->max_args >= 0 && o->n_args > cmd->max_args) {
        fprintf(stderr, _("yuebao %s: unexpected argument \"%s\": %s takes %s; "), cmd->name,
                o->args[cmd->max_args], cmd->name, cmd->max_args == 0   ? _("no arguments")
                : cmd->max_args == 1 ? _("one argument")
                                     : _("two arguments"));
        if (cmd->args_hint)
            fprintf(stderr, "%s\n", _(cmd->args_hint));
        else
            fprintf(stderr, _("see yuebao %s --help\n"), cmd->name);
        return 2;
    }
    return -1;
}

/* ---- completion: the shell asks, the tables answer ------------------------------------ */

/* The counties of the master folder the configuration names, each code and each name
 * on a line; nothing without one or when it does not load. */
static void complete_counties(void) {
    static cli_config_t conf;
    char files[CLI_CONFIG_FILES][CLI_PATH_SIZE], err[2048];
    const char *names[CLI_CONFIG_FILES];
    size_t n = cli_config_files(files);
    diag_list_t dl = {0};
    master_t *m;
    for (size_t i = 0; i < n; i++)
        names[i] = files[i];
    if (cli_config_load(&conf, names, n, err, sizeof err) < 0 || !conf.master[0]) return;
    if ((m = master_load(conf.master, &dl)) != NULL)
        for (size_t i = 0; i < m->n_counties; i++)
            printf("%s\n%s\n", m->counties[i].code, m->counties[i].name);
    diag_clear(&dl);
    master_destroy(&m);
}

/* `yuebao __complete [CMD [OPTION]]`, what deploy/bash-completion/yuebao asks, one
 * answer a line, from the tables above (so completion can never offer what the parser
 * refuses): without CMD the commands; with CMD its options, each with what its value
 * is ("--period text", "--csv flag"; flag, file, dir, word or text), and "@args file"
 * when it takes arguments; with an option whose value is a word, the words (--county:
 * the counties' codes and names, from the configured master folder). Says nothing of
 * what it does not know and always exits 0: a Tab must never print an error. */
static int complete(int argc, char **argv) {
    static const char *const kind[] = {"flag", "file", "dir", "word", "text"};
    const command_t *cmd;
    const char *opt;
    if (argc < 1) {
        for (size_t i = 0; i < N_COMMANDS; i++)
            puts(commands[i].name);
        puts("help");
        return 0;
    }
    if (!(cmd = find_command(argv[0]))) return 0;
    if (argc < 2) {
        for (size_t i = 0; i < N_OPTIONS; i++)
            if (cmd->options & options[i].bit)
                printf("--%s %s\n", options[i].opt.name, kind[options[i].value]);
        if (cmd->options & OPT_OUTPUT) puts("-o file");
        puts("--help flag");
        if (cmd->max_args != 0) puts("@args file");
        return 0;
    }
    opt = !strcmp(argv[1], "-o") ? "output" : !strncmp(argv[1], "--", 2) ? argv[1] + 2 : "";
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const char *w = options[i].words;
        if (!(cmd->options & options[i].bit) || strcmp(options[i].opt.name, opt) ||
            options[i].value != VAL_WORD)
            continue;
        if (!w) {
            complete_counties();
            break;
        }
        while (*w) {
            size_t n = strcspn(w, " ");
            printf("%.*s\n", (int)n, w);
            w += n + (w[n] == ' ');
        }
    }
    return 0;
}

/* Fills what the command line left unset from the configuration files and the
 * environment (cli_config.c) into conf. 0, or -1 with the reason on stderr. */
static int configure(cli_config_t *conf, cli_opts_t *o) {
    char files[CLI_CONFIG_FILES][CLI_PATH_SIZE], err[2048];
    const char *names[CLI_CONFIG_FILES];
    size_t n = cli_config_files(files);
    for (size_t i = 0; i < n; i++)
        names[i] = files[i];
    if (cli_config_load(conf, names, n, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao: %s\n"), err);
        return -1;
    }
    cli_config_fill(conf, o);
    return 0;
}

int main(int argc, char **argv) {
    static cli_config_t conf; /* what o's settings point into, until the end */
    const command_t *cmd;
    cli_opts_t o = {0};
    int rc;
    i18n_init(); /* first: every message after it is in the locale's language */
    log_init("yuebao", LOG_WARN);
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
        (!strcmp(argv[1], "help") && argc == 2)) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "__complete")) return complete(argc - 2, argv + 2); /* for the shell, not listed */
    if (!strcmp(argv[1], "--version")) {
        version_print(stdout, "yuebao");
        return 0;
    }
    if (!strcmp(argv[1], "help")) { /* yuebao help COMMAND */
        if (argc > 3 || !(cmd = find_command(argv[2]))) {
            if (argc > 3)
                fprintf(stderr, _("yuebao help: one command at a time\n"));
            else
                fprintf(stderr, _("yuebao help: unknown command \"%s\"\n"), argv[2]);
            usage(stderr);
            return 2;
        }
        print_help(cmd);
        return 0;
    }
    if (!(cmd = find_command(argv[1]))) {
        fprintf(stderr, _("yuebao: unknown command \"%s\"\n"), argv[1]);
        usage(stderr);
        return 2;
    }
    if ((rc = parse(cmd, argc - 1, argv + 1, &o)) >= 0) return rc;
    if ((cmd->options & OPT_CONFIGURED) && configure(&conf, &o) < 0) return 2;
    return cmd->run(&o);
}
