/* web_config.c - yuebao-web's configuration: the table of [web] keys, the command line,
 * and the checks one key cannot make alone. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "i18n.h"
#include "version.h"
#include "web_server.h"

#define TEXT(field, type, def, flags, help) CONFIG_TEXT("web", web_config_t, field, type, def, flags, help)
#define NUMBER(field, type, def, min, max, help) CONFIG_NUMBER("web", web_config_t, field, type, def, min, max, help)
#define BOOL(field, def, help) CONFIG_BOOL("web", web_config_t, field, def, help)
const config_key_t web_config_keys[] = {
    TEXT(listen, CONF_STRING, "0.0.0.0:8443", 0, N_("address:port the browser connects to ([v6]:port for IPv6)")),
    BOOL(insecure, "no", N_("plain HTTP without TLS: refused unless listen is a loopback address")),
    TEXT(tls_cert, CONF_PATH, "/etc/yuebao/web-cert.pem", 0, N_("the TLS certificate chain, PEM")),
    TEXT(tls_key, CONF_PATH, "/etc/yuebao/web-key.pem", 0, N_("the TLS certificate's private key, PEM")),
    TEXT(users, CONF_PATH, "/etc/yuebao/web-users", 0,
         N_("the accounts file, written by `yuebao user` (re-read when it changes)")),
    TEXT(audit, CONF_PATH, "/var/log/yuebao/web-audit.log", 0,
         N_("the audit log of logins, lock-outs, downloads and refusals (\"\": only the journal)")),
    TEXT(assets, CONF_PATH, "/usr/share/yuebao/web", 0, N_("the folder of the pages' scripts, styles and charts")),
    TEXT(cli, CONF_PATH, "/usr/bin/yuebao", 0, N_("the yuebao command, which writes the bulletin downloads")),
    TEXT(trusted_proxy, CONF_STRING, "", 0,
         N_("the reverse proxy's address whose X-Forwarded-For is believed (\"\": none)")),
    NUMBER(session_minutes, CONF_INT, "480", 5, 10080, N_("a session ends this long after its login")),
    NUMBER(idle_minutes, CONF_INT, "30", 1, 10080, N_("… or after this long unused")),
    NUMBER(login_attempts, CONF_INT, "5", 1, 100, N_("wrong passwords in a row before a lock-out")),
    NUMBER(lockout_minutes, CONF_INT, "15", 1, 1440, N_("how long a lock-out lasts")),
    NUMBER(max_viewers, CONF_INT, "1000", 1, 20000, N_("live pages connected at once")),
    TEXT(store, CONF_PATH, "/var/lib/yuebao/reports.db", 0, N_("the aggregator's report store, read-only")),
    TEXT(scores, CONF_PATH, "/var/lib/yuebao/scores.db", 0, N_("the scorer's score store, read-only")),
    TEXT(master, CONF_PATH, "/etc/yuebao/master", 0, N_("the city's master data folder")),
    TEXT(aggregator_pub, CONF_STRING, "tcp://127.0.0.1:7302", 0, N_("the aggregator's events endpoint")),
    TEXT(aggregator_snapshot, CONF_STRING, "tcp://127.0.0.1:7305", 0, N_("the aggregator's snapshot endpoint")),
    TEXT(scorer_pub, CONF_STRING, "tcp://127.0.0.1:7303", 0, N_("the scorer's rankings and alerts endpoint")),
    TEXT(scorer_snapshot, CONF_STRING, "tcp://127.0.0.1:7304", 0, N_("the scorer's snapshot endpoint")),
    TEXT(key, CONF_PATH, "", 0,
         N_("this process's secret key file, mode 0600 (\"\": plain ZeroMQ, only on ipc:// or loopback)")),
    TEXT(aggregator_key, CONF_PATH, "", 0, N_("the aggregator's public key file (its .pub)")),
    TEXT(scorer_key, CONF_PATH, "", 0, N_("the scorer's public key file (its .pub)")),
    {NULL},
};
#undef TEXT
#undef NUMBER
#undef BOOL

static void usage(FILE *out) {
    fprintf(out, _("usage: yuebao-web -c FILE [--set KEY=VALUE]... [--insecure]\n"
                   "\n"
                   "The central office's browser front: this month's completeness, totals, ranking and alerts,\n"
                   "live, with a page per zone and county and the bulletin to download. Accounts come from\n"
                   "`yuebao user add`; the stores are opened read-only.\n"
                   "\n"
                   "  -c, --config FILE     INI file with a [web] section (production: deploy/etc/yuebao;\n"
                   "                        local development: deploy/dev)\n"
                   "  -s, --set KEY=VALUE   override one configuration key\n"
                   "      --insecure        plain HTTP, only on a loopback address, for local development\n"
                   "  -h, --help            this text\n"
                   "      --version         the version, the revision it was built from, the wire schema\n"
                   "\n"));
    config_usage(out, web_config_keys);
    fprintf(out, _("\nsignals: SIGTERM/SIGINT stop (the live pages reconnect to the next start).\n"));
}

bool web_listen_is_loopback(const char *listen) {
    char host[128];
    const char *colon;
    struct in_addr a4;
    struct in6_addr a6;
    if (listen[0] == '[') {
        const char *end = strchr(listen, ']');
        if (!end || (size_t)(end - listen - 1) >= sizeof host) return false;
        snprintf(host, sizeof host, "%.*s", (int)(end - listen - 1), listen + 1);
        return inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
    }
    colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host) return false;
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    if (strcmp(host, "localhost") == 0) return true;
    return inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

/* What one row cannot judge. */
static int check(const web_config_t *c) {
    if (c->insecure && !web_listen_is_loopback(c->listen)) {
        fprintf(stderr,
                _("yuebao-web: plain HTTP is refused on %s: passwords and reports would cross the network "
                  "unencrypted.\n  Give tls_cert and tls_key (and drop --insecure), or listen on 127.0.0.1 "
                  "for local development.\n"),
                c->listen);
        return -1;
    }
    if (!c->insecure && (!c->tls_cert[0] || !c->tls_key[0])) {
        fprintf(stderr, _("yuebao-web: HTTPS needs tls_cert and tls_key (docs/operations.md says how to make "
                          "them)\n"));
        return -1;
    }
    if (c->idle_minutes > c->session_minutes) {
        fprintf(stderr, _("yuebao-web: idle_minutes (%d) must not exceed session_minutes (%d)\n"), c->idle_minutes,
                c->session_minutes);
        return -1;
    }
    return 0;
}

int web_config_load(web_config_t *c, int argc, char **argv) {
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"set", required_argument, NULL, 's'},
                                         {"insecure", no_argument, NULL, 'I'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"version", no_argument, NULL, 'V'},
                                         {NULL, 0, NULL, 0}};
    char *sets[64], err[512];
    int n_sets = 0, ch;
    bool insecure = false;

    memset(c, 0, sizeof *c);
    if (config_defaults(web_config_keys, c, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao-web: %s\n"), err);
        return -1;
    }
    optind = 1;
    while ((ch = getopt_long(argc, argv, "c:s:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': snprintf(c->config_path, sizeof c->config_path, "%s", optarg); break;
        case 's':
            if (n_sets == 64) {
                fprintf(stderr, _("yuebao-web: at most 64 --set options\n"));
                return -1;
            }
            sets[n_sets++] = optarg;
            break;
        case 'I': insecure = true; break;
        case 'h': usage(stdout); return 1;
        case 'V': version_print(stdout, "yuebao-web"); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, _("yuebao-web: unexpected argument \"%s\" (see --help)\n"), argv[optind]);
        return -1;
    }
    if (config_apply("yuebao-web", c->config_path, web_config_keys, c, sets, n_sets) < 0) return -1;
    if (insecure) c->insecure = true;
    return check(c);
}
