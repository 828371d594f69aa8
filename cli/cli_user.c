/* cli_user.c - `yuebao user add|passwd|disable|enable|list`: yuebao-web's accounts.
 *
 * The accounts file (common/account.h; --users, $YUEBAO_WEB_USERS, `users =` in
 * yuebao.ini, default /etc/yuebao/web-users) is written by this command alone and read
 * by yuebao-web, which re-reads it when it changes. Each change reads the whole file,
 * changes one account and writes it back atomically, holding "<file>.lock" meanwhile so
 * two operators changing accounts at once cannot lose one another's change.
 *
 * A password is read from the terminal twice without echo when stdin is one; otherwise
 * one line from stdin, so scripts and the demo can pipe it (never an argument: the
 * process list and the shell's history would show it). It is checked
 * (account_check_password), hashed with Argon2id and wiped; `list` never shows hashes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "account.h"
#include "cli.h"
#include "clock.h"
#include "i18n.h"
#include "lockfile.h"
#include "text.h"

#define PASSWORD_BUF 1100 /* account_check_password refuses more than 1024 bytes */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
}

/* One line from fd 0 into buf, without its end of line, byte by byte (nothing read
 * beyond it). 0, or -1: end of input before any byte (1), too long (2), interrupted or a
 * read error (3). */
static int read_line(char *buf, size_t size) {
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t k = read(0, &c, 1);
        if (k < 0) {
            if (errno == EINTR && !interrupted) continue;
            return 3;
        }
        if (k == 0) {
            if (n == 0) return 1;
            break;
        }
        if (c == '\n') break;
        if (n + 1 >= size) {
            /* the rest of the line is not the next answer */
            while (read(0, &c, 1) == 1 && c != '\n') {
            }
            return 2;
        }
        buf[n++] = c;
    }
    if (n && buf[n - 1] == '\r') n--;
    buf[n] = '\0';
    return 0;
}

/* Prompts on stderr and reads one line from the terminal on fd 0 with echo off; echo is
 * restored whatever happens (SIGINT and SIGTERM included, which then end the read). */
static int read_hidden(const char *prompt, char *buf, size_t size) {
    struct termios old, quiet;
    struct sigaction sa, old_int, old_term;
    int rc;
    fputs(prompt, stderr);
    fflush(stderr);
    if (tcgetattr(0, &old) < 0) return 3;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: the read returns */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    if (tcsetattr(0, TCSAFLUSH, &quiet) < 0) {
        rc = 3;
    } else {
        rc = read_line(buf, size);
        tcsetattr(0, TCSAFLUSH, &old);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (interrupted) fputc('\n', stderr);
    return rc;
}

/* The new password of name into buf, checked. 0, or the exit status after saying why. */
static int new_password(const char *cmd, const char *name, char *buf, size_t size) {
    char again[PASSWORD_BUF], err[256];
    int rc;
    if (isatty(0)) {
        char prompt[200];
        snprintf(prompt, sizeof prompt, _("new password for %s: "), name);
        rc = read_hidden(prompt, buf, size);
        if (rc == 0) rc = read_hidden(_("the same again: "), again, sizeof again);
        if (rc == 0 && strcmp(buf, again) != 0) {
            explicit_bzero(again, sizeof again);
            fprintf(stderr, _("yuebao user %s: the two passwords differ; nothing changed\n"), cmd);
            return 1;
        }
        explicit_bzero(again, sizeof again);
    } else {
        rc = read_line(buf, size);
    }
    if (rc != 0) {
        fprintf(stderr,
                rc == 1   ? _("yuebao user %s: no password given (one line on stdin, or type it at a terminal)\n")
                : rc == 2 ? _("yuebao user %s: the password is too long; nothing changed\n")
                          : _("yuebao user %s: the password could not be read; nothing changed\n"),
                cmd);
        return 1;
    }
    if (account_check_password(name, buf, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao user %s: %s; nothing changed\n"), cmd, err);
        return 1;
    }
    return 0;
}

/* The file's accounts into l, after taking its lock (*lock; -1 for list, which only
 * reads). 0, or the exit status after saying why. */
static int open_accounts(const cli_opts_t *o, const char *cmd, bool lock, int *lockfd, account_list_t *l) {
    char err[1024];
    *lockfd = -1;
    if (lock && (*lockfd = lockfile_acquire(o->users, NULL, err, sizeof err)) < 0) {
        fprintf(stderr, _("yuebao user %s: %s\n"), cmd, err);
        return 1;
    }
    if (account_load(o->users, l, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao user %s: %s\n"), cmd, err);
        lockfile_release(lockfd);
        return 1;
    }
    return 0;
}

/* Writes l back and releases the lock. 0, or 1 after saying why. */
static int save_accounts(const cli_opts_t *o, const char *cmd, int *lockfd, account_list_t *l) {
    char err[1024];
    int rc = 0;
    if (account_save(o->users, l, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao user %s: %s; nothing changed\n"), cmd, err);
        rc = 1;
    }
    lockfile_release(lockfd);
    account_list_free(l);
    return rc;
}

static int add(const cli_opts_t *o, const char *name) {
    account_t a;
    account_list_t l = {0};
    char err[256], password[PASSWORD_BUF];
    int lockfd, rc;
    memset(&a, 0, sizeof a);
    if (!o->role) {
        fprintf(stderr, _("yuebao user add: say the role with --role central, --role viewer or --role county:CODE\n"));
        return 2;
    }
    if (account_parse_role(o->role, &a.role, a.county, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao user add: --role: %s\n"), err);
        return 2;
    }
    snprintf(a.name, sizeof a.name, "%s", name);
    if ((rc = open_accounts(o, "add", true, &lockfd, &l)) != 0) return rc;
    if (account_find(&l, name)) {
        fprintf(stderr, _("yuebao user add: %s already has an account (yuebao user passwd %s to change its password)\n"),
                name, name);
        rc = 1;
    } else if ((rc = new_password("add", name, password, sizeof password)) == 0) {
        account_t *v;
        if (account_hash(password, a.hash) < 0) {
            fprintf(stderr, _("yuebao user add: the password could not be hashed (out of memory)\n"));
            rc = 1;
        } else if (!(v = realloc(l.v, (l.n + 1) * sizeof *v))) {
            fprintf(stderr, _("yuebao user add: out of memory\n"));
            rc = 1;
        } else {
            char role[32];
            a.changed_at_ms = clock_now_ms();
            l.v = v;
            l.v[l.n++] = a;
            if ((rc = save_accounts(o, "add", &lockfd, &l)) == 0) {
                account_role_text(&a, role, sizeof role);
                printf(_("account %s added, role %s, in %s\n"), name, role, o->users);
            }
        }
    }
    explicit_bzero(password, sizeof password);
    explicit_bzero(&a, sizeof a);
    lockfile_release(&lockfd);
    account_list_free(&l);
    return rc;
}

/* passwd, disable and enable: one change to an account that must exist. */
static int change(const cli_opts_t *o, const char *cmd, const char *name) {
    account_list_t l = {0};
    account_t *a;
    char password[PASSWORD_BUF];
    int lockfd, rc;
    if ((rc = open_accounts(o, cmd, true, &lockfd, &l)) != 0) return rc;
    if (!(a = (account_t *)account_find(&l, name))) {
        fprintf(stderr, _("yuebao user %s: there is no account %s in %s (yuebao user list)\n"), cmd, name, o->users);
        rc = 1;
    } else if (!strcmp(cmd, "passwd")) {
        if ((rc = new_password(cmd, name, password, sizeof password)) == 0) {
            if (account_hash(password, a->hash) < 0) {
                fprintf(stderr, _("yuebao user passwd: the password could not be hashed (out of memory)\n"));
                rc = 1;
            } else {
                a->changed_at_ms = clock_now_ms();
                if ((rc = save_accounts(o, cmd, &lockfd, &l)) == 0)
                    printf(_("password of %s changed\n"), name);
            }
        }
        explicit_bzero(password, sizeof password);
    } else {
        bool disable = !strcmp(cmd, "disable");
        if (a->disabled == disable) {
            printf(disable ? _("account %s is already disabled\n") : _("account %s is already enabled\n"), name);
        } else {
            a->disabled = disable;
            a->changed_at_ms = clock_now_ms();
            if ((rc = save_accounts(o, cmd, &lockfd, &l)) == 0)
                printf(disable ? _("account %s disabled: it can no longer log in\n")
                               : _("account %s enabled: it can log in again\n"),
                       name);
        }
    }
    lockfile_release(&lockfd);
    account_list_free(&l);
    return rc;
}

static int list(const cli_opts_t *o) {
    account_list_t l = {0};
    int lockfd, rc;
    if ((rc = open_accounts(o, "list", false, &lockfd, &l)) != 0) return rc;
    if (l.n) {
        char head[4][64];
        text_pad(head[0], sizeof head[0], _("name"), 33);
        text_pad(head[1], sizeof head[1], _("role"), 15);
        text_pad(head[2], sizeof head[2], _("state"), 9);
        printf("%s %s %s %s\n", head[0], head[1], head[2], _("changed (Asia/Shanghai)"));
    }
    for (size_t i = 0; i < l.n; i++) {
        const account_t *a = &l.v[i];
        char role[32], when[20], state[64];
        account_role_text(a, role, sizeof role);
        clock_format(a->changed_at_ms, when);
        text_pad(state, sizeof state, a->disabled ? C_("account", "disabled") : C_("account", "active"), 9);
        printf("%-33s %-15s %s %s\n", a->name, role, state, when);
    }
    fprintf(stderr, ngettext("yuebao user: %zu account in %s\n", "yuebao user: %zu accounts in %s\n", l.n), l.n,
            o->users);
    account_list_free(&l);
    return 0;
}

int cli_user(const cli_opts_t *o) {
    const char *what = o->n_args ? o->args[0] : "";
    bool named = !strcmp(what, "add") || !strcmp(what, "passwd") || !strcmp(what, "disable") ||
                 !strcmp(what, "enable");
    char shown[80];
    if (!(named && o->n_args == 2) && !(!strcmp(what, "list") && o->n_args == 1)) {
        fprintf(stderr, _("yuebao user: say add NAME --role R, passwd NAME, disable NAME, enable NAME or list; "
                          "see yuebao user --help\n"));
        return 2;
    }
    if (o->role && strcmp(what, "add") != 0) {
        fprintf(stderr, _("yuebao user %s: --role is for yuebao user add only\n"), what);
        return 2;
    }
    if (!o->users || !o->users[0]) {
        fprintf(stderr, _("yuebao user %s: no accounts file: say --users FILE\n"), what);
        return 2;
    }
    if (!named) return list(o);
    if (!account_name_valid(o->args[1])) {
        fprintf(stderr,
                _("yuebao user %s: \"%s\" is not an account name: 1 to 32 characters of a-z 0-9 . _ - "
                  "(lower case)\n"),
                what, text_shown(o->args[1], shown, sizeof shown));
        return 2;
    }
    if (!strcmp(what, "add")) return add(o, o->args[1]);
    return change(o, what, o->args[1]);
}
