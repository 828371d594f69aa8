/* cli_common.c - what the sub-commands of `yuebao` share: master data, the report
 * store opened read-only, a period's start, the CURVE keys to a daemon, and a few ways
 * of saying things the same way everywhere. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

master_t *cli_master(const cli_opts_t *o) {
    diag_list_t dl = {0};
    master_t *m;
    if (!o->master_dir) {
        fprintf(stderr, _("yuebao: name the master data folder: --master DIR, or master = DIR in yuebao.ini "
                          "(see yuebao --help)\n"));
        return NULL;
    }
    m = master_load(o->master_dir, &dl);
    if (!m) cli_print_diags("yuebao", o->master_dir, &dl);
    diag_clear(&dl);
    return m;
}

const county_t *cli_county(const cli_opts_t *o, const master_t *m, const char *cmd, const char *arg) {
    char typed[256];
    const county_t *c;
    snprintf(typed, sizeof typed, "%s", arg);
    if ((c = master_county_find(m, text_trim_spaces(typed))) != NULL) return c;
    fprintf(stderr, _("yuebao %s: no county \"%s\" in %s/regions.csv; give its code or its name, one of:\n"),
            cmd, typed, o->master_dir ? o->master_dir : ".");
    for (size_t i = 0; i < m->n_counties; i++)
        fprintf(stderr, "  %s  %s\n", m->counties[i].code, m->counties[i].name);
    return NULL;
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
    if (!s) fprintf(stderr, _("yuebao: %s\n"), err);
    return s;
}

const char *cli_method_words(const char *method) {
    if (!strcmp(method, "efficacy")) return _("功效系数法 (efficacy)");
    if (!strcmp(method, "minmax")) return _("min-max 0-100 (minmax)");
    return method;
}

bool cli_has_scheme(const cli_opts_t *o, const char *period, char *path, size_t size) {
    snprintf(path, size, "%s/scheme-%.4s.csv", o->master_dir ? o->master_dir : _("(master folder)"), period);
    return !o->master_dir || access(path, R_OK) == 0;
}

int cli_open(const cli_opts_t *o, const char *cmd, char period[PERIOD_STRLEN], master_t **m, rstore_t **st) {
    period_t p;
    if (!o->period || period_parse(o->period, &p) < 0) {
        fprintf(stderr, _("yuebao %s: --period YYYY-MM is required (e.g. 2017-06)\n"), cmd);
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
            fprintf(stderr, _("yuebao %s: CURVE needs both --key (ours) and --server-key (%s's)\n"), cmd,
                    server);
            return -1;
        }
        if (sock_security_load(sec, false, o->key, server_key_file, err, sizeof err) < 0) {
            fprintf(stderr, _("yuebao %s: %s\n"), cmd, err);
            return -1;
        }
        return 0;
    }
    sec->insecure = true;
    if (!sock_endpoint_is_local(a) || (b && !sock_endpoint_is_local(b))) {
        fprintf(stderr,
                _("yuebao %s: %s is not on this host: name your key with --key FILE and %s's with "
                "--server-key FILE (or YUEBAO_KEY and %s)\n"),
                cmd, sock_endpoint_is_local(a) ? b : a, server,
                strcmp(cmd, "alerts") ? "YUEBAO_AGGREGATOR_KEY" : "YUEBAO_SERVER_KEY");
        return -1;
    }
    return 0;
}

void cli_transition_text(transition_t t, char *buf, size_t size) {
    snprintf(buf, size, "%s", transition_name(t));
    for (size_t i = 0; buf[i]; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] = (char)(buf[i] - 'a' + 'A');
}

int64_t cli_alert_when(const alert_t *al) {
    return al->transition == TR_ACTIVE || !al->at_ms ? al->since_ms : al->at_ms;
}

bool cli_named(const char *path, const char *suffix) {
    size_t n = strlen(path), k = strlen(suffix);
    return n > k && !strcasecmp(path + n - k, suffix) && path[n - k - 1] != '/';
}

void cli_folder_of(const char *path, char *dir, size_t size) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

int cli_temp_beside(const char *path, char *tmp, size_t tmpsz, char *dir, size_t dirsz) {
    int fd;
    cli_folder_of(path, dir, dirsz);
    if (snprintf(tmp, tmpsz, "%s/.%s.tmp.%d", dir, util_basename(path), (int)getpid()) >= (int)tmpsz) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) return -1;
    close(fd);
    return 0;
}
