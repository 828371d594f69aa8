/* cli_config.c - where the defaults of `yuebao` come from: two ini files, the
 * environment, then the command line.
 *
 * An operator's stores, master folder, keys and the daemons' endpoints are the same for
 * every command, so they are written once, in the [yuebao] section of
 *
 *   /etc/yuebao/yuebao.ini          the host's (deploy/install.sh installs an example)
 *   ~/.config/yuebao/yuebao.ini     the user's ($XDG_CONFIG_HOME/yuebao/yuebao.ini when
 *                                   that is set, as the XDG base directory spec says)
 *
 * read in that order, then the YUEBAO_* environment variables the CLI has always taken
 * (kept for scripts and cron jobs), then the command line's options: each later one
 * wins. The keys are one table (util/config.h, as the daemons' are), so the defaults,
 * the checks, the errors ("file:line: message") and the list in `yuebao --help` come
 * from one row each; the row's environment variable sits beside it in from_env[].
 *
 * A file that is not there is skipped without a word; one that is there but cannot be
 * read, or holds a line the table refuses, is an error: the command does not run on
 * half a configuration. An empty value ("key =") means the built-in default, or none
 * where there is no default, as an empty environment variable always has.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "text.h"

#ifndef CLI_SYSTEM_CONFIG
#define CLI_SYSTEM_CONFIG "/etc/yuebao/yuebao.ini"
#endif

#define TEXT(field, type, def, help) CONFIG_TEXT("yuebao", cli_config_t, field, type, def, 0, help)
const config_key_t cli_config_keys[] = {
    TEXT(store, CONF_PATH, "reports.db", N_("the aggregator's report store, an SQLite file, read only")),
    TEXT(scores, CONF_PATH, "scores.db", N_("the scorer's score store (rankings, alerts), read only")),
    TEXT(master, CONF_PATH, NULL, N_("folder with regions.csv, indicators.csv, city.csv and the rules")),
    TEXT(key, CONF_PATH, NULL,
         N_("our secret key file for CURVE (yuebao keygen); none: plain ZeroMQ, to this host only")),
    TEXT(server_key, CONF_PATH, NULL, N_("the scorer's public key file (alerts)")),
    TEXT(scorer_pub, CONF_STRING, "tcp://127.0.0.1:7303", N_("the scorer's PUB endpoint (alerts --follow)")),
    TEXT(scorer_snapshot, CONF_STRING, "tcp://127.0.0.1:7304", N_("the scorer's snapshot endpoint (alerts)")),
    TEXT(aggregator_pub, CONF_STRING, "tcp://127.0.0.1:7302", N_("the aggregator's PUB endpoint (watch)")),
    TEXT(aggregator_snapshot, CONF_STRING, "tcp://127.0.0.1:7305",
         N_("the aggregator's snapshot endpoint (watch)")),
    TEXT(aggregator_key, CONF_PATH, NULL, N_("the aggregator's public key file (watch, approve, publish, unlock)")),
    TEXT(aggregator_control, CONF_STRING, "tcp://127.0.0.1:7307",
         N_("the aggregator's control endpoint (approve, publish, unlock)")),
    TEXT(notify_control, CONF_STRING, "tcp://127.0.0.1:7306", N_("yuebao-notify's control endpoint (silence)")),
    TEXT(notify_key, CONF_PATH, NULL, N_("yuebao-notify's public key file (silence)")),
    TEXT(users, CONF_PATH, "/etc/yuebao/web-users", N_("yuebao-web's accounts file (user)")),
    {NULL},
};
#undef TEXT

/* The environment variable of each key, in the table's order. */
static const struct {
    const char *key, *env;
} from_env[] = {
    {"store", "YUEBAO_STORE"},
    {"scores", "YUEBAO_SCORES"},
    {"master", "YUEBAO_MASTER"},
    {"key", "YUEBAO_KEY"},
    {"server_key", "YUEBAO_SERVER_KEY"},
    {"scorer_pub", "YUEBAO_SCORER_PUB"},
    {"scorer_snapshot", "YUEBAO_SCORER_SNAPSHOT"},
    {"aggregator_pub", "YUEBAO_AGGREGATOR_PUB"},
    {"aggregator_snapshot", "YUEBAO_AGGREGATOR_SNAPSHOT"},
    {"aggregator_key", "YUEBAO_AGGREGATOR_KEY"},
    {"aggregator_control", "YUEBAO_AGGREGATOR_CONTROL"},
    {"notify_control", "YUEBAO_NOTIFY_CONTROL"},
    {"notify_key", "YUEBAO_NOTIFY_KEY"},
    {"users", "YUEBAO_WEB_USERS"},
};
#define N_FROM_ENV (sizeof from_env / sizeof from_env[0])

const char *cli_config_env(const char *key) {
    for (size_t i = 0; i < N_FROM_ENV; i++)
        if (!strcmp(from_env[i].key, key)) return from_env[i].env;
    return NULL;
}

size_t cli_config_files(char paths[CLI_CONFIG_FILES][CLI_PATH_SIZE]) {
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    size_t n = 0;
    snprintf(paths[n++], CLI_PATH_SIZE, "%s", CLI_SYSTEM_CONFIG);
    /* the spec: a relative XDG_CONFIG_HOME is invalid and ignored */
    if (xdg && xdg[0] == '/')
        snprintf(paths[n++], CLI_PATH_SIZE, "%s/yuebao/yuebao.ini", xdg);
    else if (home && home[0])
        snprintf(paths[n++], CLI_PATH_SIZE, "%s/.config/yuebao/yuebao.ini", home);
    return n;
}

/* An empty value is the row's default again ("key =" in a file, VAR= in a shell). */
static void empty_is_default(cli_config_t *c) {
    for (const config_key_t *k = cli_config_keys; k->key; k++) {
        char *field = (char *)c + k->offset;
        if (!field[0] && k->def) snprintf(field, k->size, "%s", k->def);
    }
}

int cli_config_load(cli_config_t *c, const char *const *files, size_t n, char *err, size_t errsz) {
    char msg[1024];
    memset(c, 0, sizeof *c);
    if (config_defaults(cli_config_keys, c, err, errsz) < 0) return -1;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(files[i], &sb) < 0) {
            if (errno == ENOENT || errno == ENOTDIR) continue;
            /* else config_read says why it cannot open it */
        } else if (S_ISDIR(sb.st_mode)) { /* ini_parse would read it as an empty file */
            snprintf(err, errsz, _("%s: a folder, not a file"), files[i]);
            return -1;
        }
        if (config_read(files[i], cli_config_keys, c, err, errsz) < 0) return -1;
        empty_is_default(c);
    }
    for (size_t i = 0; i < N_FROM_ENV; i++) {
        const char *v = getenv(from_env[i].env);
        if (!v || !*v) continue;
        if (config_set(cli_config_keys, c, from_env[i].key, v, msg, sizeof msg) < 0) {
            snprintf(err, errsz, "%s: %s", from_env[i].env, msg);
            return -1;
        }
    }
    return 0;
}

/* s, or NULL for "" (none). */
static const char *or_null(const char *s) {
    return s[0] ? s : NULL;
}

void cli_config_fill(const cli_config_t *c, cli_opts_t *o) {
    if (!o->store) o->store = c->store;
    if (!o->scores) o->scores = c->scores;
    if (!o->master_dir) o->master_dir = or_null(c->master);
    if (!o->key) o->key = or_null(c->key);
    if (!o->server_key) o->server_key = or_null(c->server_key);
    if (!o->pub) o->pub = c->scorer_pub;
    if (!o->snapshot) o->snapshot = c->scorer_snapshot;
    if (!o->agg_pub) o->agg_pub = c->aggregator_pub;
    if (!o->agg_snapshot) o->agg_snapshot = c->aggregator_snapshot;
    if (!o->agg_key_file) o->agg_key_file = or_null(c->aggregator_key);
    if (!o->agg_control) o->agg_control = c->aggregator_control;
    if (!o->notify_control) o->notify_control = c->notify_control;
    if (!o->notify_key_file) o->notify_key_file = or_null(c->notify_key);
    if (!o->users) o->users = c->users;
}

void cli_config_usage(FILE *out) {
    fprintf(out,
            _("configuration: the defaults of every command come from, each later one winning:\n"
              "  %-31s the host's\n"
              "  %-31s yours ($XDG_CONFIG_HOME/yuebao/yuebao.ini when that is set)\n"
              "  the environment                 YUEBAO_STORE … (for scripts)\n"
              "  the command line                --store … (what each command's help lists)\n"
              "A file holds a [yuebao] section of key = value lines. One that is not there is\n"
              "skipped; a bad one is an error naming its file and line. The keys, with their\n"
              "environment variables:\n"),
            CLI_SYSTEM_CONFIG, "~/.config/yuebao/yuebao.ini");
    for (const config_key_t *k = cli_config_keys; k->key; k++) {
        char head[160];
        if (k->def)
            snprintf(head, sizeof head, "%s = %s", k->key, k->def);
        else
            snprintf(head, sizeof head, "%s", k->key);
        fprintf(out, "  %s  ($%s)\n      %s\n", head, cli_config_env(k->key), _(k->help));
    }
}
