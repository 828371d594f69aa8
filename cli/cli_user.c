/* cli_user.c - `yuebao user`: the accounts of yuebao-web (common/account.h). The file is
 * read, changed in memory and replaced atomically; the password is asked twice without
 * echo on a terminal, or read as one line from a pipe (scripts, make demo). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "clock.h"
#include "cli.h"
#include "i18n.h"
#include "text.h"

#define PASSWORD_MAX 256

static const char *users_file(const cli_opts_t *o) {
    const char *env = getenv("YUEBAO_WEB_USERS");
    if (o->users && o->users[0]) return o->users;
    return env && env[0] ? env : "/etc/yuebao/web-users";
}

/* One line from stdin into buf without its newline, echo off on a terminal. 0, or -1
 * (end of input, or too long). */
static int read_line(const char *prompt, char *buf, size_t size, bool tty) {
    struct termios old, quiet;
    bool off = false;
    size_t n;
    if (tty) {
        fputs(prompt, stderr);
        fflush(stderr);
        if (tcgetattr(0, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            off = tcsetattr(0, TCSAFLUSH, &quiet) == 0;
        }
    }
    if (!fgets(buf, (int)size, stdin)) buf[0] = '\0', n = (size_t)-1;
    else n = strlen(buf);
    if (off) {
        tcsetattr(0, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (n == (size_t)-1) return -1;
    if (n && buf[n - 1] == '\n') buf[--n] = '\0';
    else if (n == size - 1) return -1;
    if (n && buf[n - 1] == '\r') buf[--n] = '\0';
    return 0;
}

/* The new password of name, checked, into buf. 0, or 1 (refused, said). */
static int ask_password(const char *name, char *buf, size_t size) {
    char again[PASSWORD_MAX], err[256];
    bool tty = isatty(0);
    if (read_line(_("new password: "), buf, size, tty) < 0) {
        fprintf(stderr, _("yuebao user: no password given (type it, or pipe it as one line)\n"));
        return 1;
    }
    if (account_check_password(name, buf, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao user: %s\n"), err);
        return 1;
    }
    if (tty) {
        if (read_line(_("again: "), again, sizeof again, tty) < 0 || strcmp(again, buf) != 0) {
            fprintf(stderr, _("yuebao user: the two passwords differ; nothing changed\n"));
            explicit_bzero(again, sizeof again);
            return 1;
        }
        explicit_bzero(again, sizeof again);
    }
    return 0;
}

static int save(const char *path, const account_list_t *l) {
    char err[1024];
    if (account_save(path, l, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao user: cannot write the accounts: %s\n"), err);
        return 1;
    }
    return 0;
}

static int list(const account_list_t *l) {
    char c1[64], c2[64], c3[64];
    /* padded by display width: the headings are Chinese in a deployment */
    text_pad(c1, sizeof c1, _("name"), 20);
    text_pad(c2, sizeof c2, _("role"), 16);
    text_pad(c3, sizeof c3, _("state"), 9);
    printf("%s %s %s %s\n", c1, c2, c3, _("changed (UTC)"));
    for (size_t i = 0; i < l->n; i++) {
        char role[64], at[32];
        time_t t = (time_t)(l->v[i].changed_at_ms / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(at, sizeof at, "%Y-%m-%d %H:%M", &tm);
        account_role_text(&l->v[i], role, sizeof role);
        text_pad(c3, sizeof c3, l->v[i].disabled ? _("disabled") : _("active"), 9);
        printf("%-20s %-16s %s %s\n", l->v[i].name, role, c3, at);
    }
    if (l->n == 0) printf(_("(no accounts yet: yuebao user add NAME --role central)\n"));
    return 0;
}

int cli_user(const cli_opts_t *o) {
    const char *path = users_file(o), *action = o->n_args > 0 ? o->args[0] : NULL;
    const char *name = o->n_args > 1 ? o->args[1] : NULL;
    account_list_t l = {0};
    char err[1024], password[PASSWORD_MAX];
    account_t *a = NULL;
    int rc = 0;

    if (!action || (strcmp(action, "list") != 0 && !name) || (strcmp(action, "list") == 0 && name)) {
        fprintf(stderr, _("yuebao user: say add NAME, passwd NAME, disable NAME, enable NAME or list (see "
                          "yuebao user --help)\n"));
        return 2;
    }
    if (strcmp(action, "add") != 0 && o->role) {
        fprintf(stderr, _("yuebao user: --role is for add only\n"));
        return 2;
    }
    if (name && !account_name_valid(name)) {
        fprintf(stderr, _("yuebao user: \"%s\" is not an account name: 1 to 32 of a-z 0-9 . _ - (lower case)\n"),
                name);
        return 2;
    }
    if (account_load(path, &l, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao user: %s\n"), err);
        return 1;
    }
    if (strcmp(action, "list") == 0) {
        rc = list(&l);
        account_list_free(&l);
        return rc;
    }
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.v[i].name, name) == 0) a = &l.v[i];

    if (strcmp(action, "add") == 0) {
        account_t n = {0};
        account_t *v;
        if (!o->role) {
            fprintf(stderr, _("yuebao user add: --role central, viewer or county:CODE is required\n"));
            rc = 2;
        } else if (a) {
            fprintf(stderr, _("yuebao user add: %s already exists (yuebao user passwd %s changes its password)\n"),
                    name, name);
            rc = 1;
        } else if (account_parse_role(o->role, &n.role, n.county, err, sizeof err) < 0) {
            fprintf(stderr, _("yuebao user add: %s\n"), err);
            rc = 2;
        } else if ((rc = ask_password(name, password, sizeof password)) == 0) {
            snprintf(n.name, sizeof n.name, "%s", name);
            n.changed_at_ms = clock_now_ms();
            if (account_hash(password, n.hash) < 0 || !(v = realloc(l.v, (l.n + 1) * sizeof *v))) {
                fprintf(stderr, _("yuebao user: out of memory\n"));
                rc = 1;
            } else {
                l.v = v;
                l.v[l.n++] = n;
                rc = save(path, &l);
                if (rc == 0) printf(_("added %s (%s) to %s\n"), name, o->role, path);
            }
        }
    } else if (!a) {
        fprintf(stderr, _("yuebao user %s: there is no account %s in %s\n"), action, name, path);
        rc = 1;
    } else if (strcmp(action, "passwd") == 0) {
        if ((rc = ask_password(name, password, sizeof password)) == 0) {
            if (account_hash(password, a->hash) < 0) {
                fprintf(stderr, _("yuebao user: out of memory\n"));
                rc = 1;
            } else {
                a->changed_at_ms = clock_now_ms();
                rc = save(path, &l);
                if (rc == 0) printf(_("the password of %s is changed\n"), name);
            }
        }
    } else if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
        a->disabled = strcmp(action, "disable") == 0;
        a->changed_at_ms = clock_now_ms();
        rc = save(path, &l);
        if (rc == 0) printf(a->disabled ? _("%s is disabled: it cannot log in, its sessions end\n")
                                        : _("%s is enabled again\n"),
                            name);
    } else {
        fprintf(stderr, _("yuebao user: \"%s\": say add, passwd, disable, enable or list\n"), action);
        rc = 2;
    }
    explicit_bzero(password, sizeof password);
    account_list_free(&l);
    return rc;
}
