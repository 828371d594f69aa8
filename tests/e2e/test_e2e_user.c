/* test_e2e_user.c - `yuebao user`, the real binary: accounts added with a piped
 * password, listed without their hashes, a password changed, disabled and enabled, and
 * every refusal with its exit status, leaving the file as it was.
 *
 * The stored hashes are checked with the accounts module itself (account_verify), so
 * "the password piped in is the one that logs in" is what is asserted, not the hash's
 * shape. YUEBAO_NOW pins the clock: 2017-07-15T08:00 Asia/Shanghai is
 * 2017-07-15T00:00:00Z in the file and "2017-07-15 08:00:00" in the list.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "account.h"
#include "e2e_suite.h"

static void setup(void) {
    e2e_suite_setup();
    setenv("YUEBAO_NOW", "2017-07-15T08:00", 1);
    setenv("XDG_CONFIG_HOME", dir, 1); /* no user's yuebao.ini */
    unsetenv("YUEBAO_WEB_USERS");
}

TestSuite(e2e_user, .init = setup, .fini = e2e_suite_teardown, .timeout = 120);

static char out[8192], err[8192];

/* The file's text into buf ("" when missing). */
static void slurp(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "r");
    size_t n = 0;
    if (f) {
        n = fread(buf, 1, size - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
}

/* Runs `yuebao ARGS…` (args NULL-terminated) with input on its stdin (NULL: empty);
 * its stdout and stderr into out and err. Returns the exit status (128+signal). */
static int yuebao_v(const char *input, const char *const *args) {
    static char bin[PATH_MAX];
    static int run;
    char *argv[24], in_path[300], out_path[300], err_path[300];
    int n = 0, st = -1;
    pid_t pid;
    if (!bin[0]) cr_assert_not_null(realpath(e2e_bin("yuebao"), bin), "no %s", e2e_bin("yuebao"));
    argv[n++] = bin;
    for (; *args; args++) {
        cr_assert_lt(n, 23);
        argv[n++] = (char *)*args;
    }
    argv[n] = NULL;
    run++;
    snprintf(in_path, sizeof in_path, "%s/run%d.in", dir, run);
    snprintf(out_path, sizeof out_path, "%s/run%d.out", dir, run);
    snprintf(err_path, sizeof err_path, "%s/run%d.err", dir, run);
    FILE *f = fopen(in_path, "w");
    cr_assert_not_null(f);
    if (input) fputs(input, f);
    fclose(f);
    fflush(NULL);
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int in = open(in_path, O_RDONLY), o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600),
            e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || o < 0 || e < 0) _exit(127);
        dup2(in, 0);
        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    for (int waited = 0; waited < 60000; waited += 10) { /* an Argon2id hash is ~0.1 s */
        int ws;
        pid_t r = waitpid(pid, &ws, WNOHANG);
        if (r == pid) {
            st = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
            break;
        }
        e2e_sleep_ms(10);
    }
    if (st < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        cr_assert_fail("yuebao %s did not finish", argv[1]);
    }
    slurp(out_path, out, sizeof out);
    slurp(err_path, err, sizeof err);
    return st;
}

static int yuebao(const char *input, ...) __attribute__((sentinel));
static int yuebao(const char *input, ...) {
    const char *args[24];
    int n = 0;
    va_list ap;
    va_start(ap, input);
    while ((args[n] = va_arg(ap, const char *)) != NULL)
        cr_assert_lt(++n, 23);
    va_end(ap);
    return yuebao_v(input, args);
}

/* How many entries of dir look like a temporary file ("….tmp.PID"). */
static int temporaries(void) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    cr_assert_not_null(d);
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

static const char *users(void) {
    return P("%s/web-users", dir);
}

/* The account name as the file has it now (asserting the file loads). */
static account_t account(const char *name) {
    account_list_t l = {0};
    char why[512];
    account_t a;
    const account_t *p;
    cr_assert_eq(account_load(users(), &l, why, sizeof why), 0, "%s", why);
    cr_assert_not_null(p = account_find(&l, name), "no %s in the file", name);
    a = *p;
    account_list_free(&l);
    return a;
}

Test(e2e_user, add_list_passwd_disable_enable) {
    struct stat sb;
    char text[4096];
    account_t a;
    cr_assert_eq(yuebao("correct horse\n", "user", "add", "zhang", "--role", "central", "--users", users(), NULL), 0,
                 "%s", err);
    cr_assert(strstr(out, "account zhang added, role central"), "%s", out);
    cr_assert_eq(stat(users(), &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0640, "mode %o", sb.st_mode & 0777);
    slurp(users(), text, sizeof text);
    cr_assert(strstr(text, "\nzhang central active 2017-07-15T00:00:00Z $argon2id$v=19$m=65536,"), "%s", text);
    a = account("zhang");
    cr_assert(account_verify(&a, "correct horse"), "the piped password logs in");
    cr_assert_not(account_verify(&a, "correct horse\n"), "without its newline");

    /* the file from the environment this time, and a county role */
    setenv("YUEBAO_WEB_USERS", users(), 1);
    cr_assert_eq(yuebao("battery staple 1\r\n", "user", "add", "li.county", "--role", "county:410603", NULL), 0,
                 "%s", err);
    a = account("li.county");
    cr_assert_eq(a.role, ACCOUNT_COUNTY);
    cr_assert_str_eq(a.county, "410603");
    cr_assert(account_verify(&a, "battery staple 1"), "a CRLF line's password is without its CR");

    cr_assert_eq(yuebao(NULL, "user", "list", NULL), 0, "%s", err);
    cr_assert(strstr(out, "zhang "), "%s", out);
    cr_assert(strstr(out, "central"), "%s", out);
    cr_assert(strstr(out, "li.county "), "%s", out);
    cr_assert(strstr(out, "county:410603"), "%s", out);
    cr_assert(strstr(out, "active"), "%s", out);
    cr_assert(strstr(out, "2017-07-15 08:00:00"), "%s", out);
    cr_assert_null(strstr(out, "argon2"), "list shows no hash: %s", out);
    cr_assert(strstr(err, "2 accounts in"), "%s", err);

    /* a new password: the old one no longer works, the new one does */
    setenv("YUEBAO_NOW", "2017-07-16T09:30", 1);
    cr_assert_eq(yuebao("a new pass phrase\n", "user", "passwd", "zhang", NULL), 0, "%s", err);
    cr_assert(strstr(out, "password of zhang changed"), "%s", out);
    a = account("zhang");
    cr_assert(account_verify(&a, "a new pass phrase"));
    cr_assert_not(account_verify(&a, "correct horse"));
    cr_assert_eq(a.changed_at_ms, 1500168600000LL, "2017-07-16T01:30:00Z: %lld", (long long)a.changed_at_ms);

    cr_assert_eq(yuebao(NULL, "user", "disable", "li.county", NULL), 0, "%s", err);
    cr_assert(strstr(out, "account li.county disabled"), "%s", out);
    a = account("li.county");
    cr_assert(a.disabled);
    cr_assert_not(account_verify(&a, "battery staple 1"), "a disabled account does not log in");
    cr_assert_eq(yuebao(NULL, "user", "list", NULL), 0, "%s", err);
    cr_assert(strstr(out, "disabled"), "%s", out);
    cr_assert_eq(yuebao(NULL, "user", "disable", "li.county", NULL), 0, "%s", err);
    cr_assert(strstr(out, "already disabled"), "%s", out);
    cr_assert_eq(yuebao(NULL, "user", "enable", "li.county", NULL), 0, "%s", err);
    a = account("li.county");
    cr_assert_not(a.disabled);
    cr_assert(account_verify(&a, "battery staple 1"), "enabled with its password as it was");
    /* no temporary file left beside it */
    cr_assert_eq(temporaries(), 0);
}

/* Each refusal: its exit status, a message naming the problem, the file unchanged. */
Test(e2e_user, refusals_leave_the_file_as_it_was) {
    char before[4096], after[4096];
    const char *u = users();
    cr_assert_eq(yuebao("correct horse\n", "user", "add", "zhang", "--role", "viewer", "--users", u, NULL), 0, "%s",
                 err);
    slurp(u, before, sizeof before);

    struct {
        const char *input, *args[8]; /* after "user", before "--users FILE" */
        int status;
        const char *says;
    } cases[] = {
        {"another pass\n", {"add", "zhang", "--role", "central"}, 1, "zhang already has an account"},
        {"another pass\n", {"passwd", "nobody"}, 1, "no account nobody"},
        {NULL, {"disable", "nobody"}, 1, "no account nobody"},
        {NULL, {"enable", "nobody"}, 1, "no account nobody"},
        {"short\n", {"add", "li", "--role", "central"}, 1, "too short"},
        {"li\n", {"add", "li", "--role", "central"}, 1, "too short"},
        {"wangwu.x.y\n", {"add", "wangwu.x.y", "--role", "central"}, 1, "the account's name"},
        {"xxxxxxxxxxxx\n", {"add", "li", "--role", "central"}, 1, "one character repeated"},
        {"", {"add", "li", "--role", "central"}, 1, "no password given"},
        {"another pass\n", {"add", "li"}, 2, "--role"},
        {"another pass\n", {"add", "li", "--role", "admin"}, 2, "unknown role"},
        {"another pass\n", {"add", "li", "--role", "county:41"}, 2, "6-digit"},
        {"another pass\n", {"add", "Li", "--role", "central"}, 2, "not an account name"},
        {NULL, {"list", "--role", "central"}, 2, "--role is for yuebao user add only"},
        {NULL, {"frob"}, 2, "say add NAME"},
        {NULL, {NULL}, 2, "say add NAME"},
        {NULL, {"list", "extra", "more"}, 2, "unexpected argument"},
        {NULL, {"list", "--store", "x"}, 2, "--store is not an option of user"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[12] = {"user"};
        size_t n = 1;
        for (const char *const *x = cases[i].args; *x; x++)
            args[n++] = *x;
        args[n++] = "--users";
        args[n++] = u;
        args[n] = NULL;
        int st = yuebao_v(cases[i].input, args);
        cr_expect_eq(st, cases[i].status, "case %zu (%s): exit %d: %s", i, args[1], st, err);
        cr_expect(strstr(err, cases[i].says), "case %zu: \"%s\" not in: %s", i, cases[i].says, err);
        slurp(u, after, sizeof after);
        cr_expect_str_eq(after, before, "case %zu changed the file", i);
    }
    account_t a = account("zhang");
    cr_assert(account_verify(&a, "correct horse"), "zhang's password as it was");
}

Test(e2e_user, a_malformed_file_is_refused_with_its_line) {
    const char *u = users();
    FILE *f = fopen(u, "w");
    cr_assert_not_null(f);
    fputs("# accounts\nzhang boss active 2017-07-15T00:00:00Z $argon2id$x\n", f);
    fclose(f);
    cr_assert_eq(yuebao(NULL, "user", "list", "--users", u, NULL), 1);
    cr_assert(strstr(err, P("%s:2: ", u)), "%s", err);
    cr_assert_eq(yuebao("correct horse\n", "user", "add", "li", "--role", "central", "--users", u, NULL), 1);
    cr_assert(strstr(err, P("%s:2: ", u)), "%s", err);
}

Test(e2e_user, a_missing_file_lists_no_accounts) {
    cr_assert_eq(yuebao(NULL, "user", "list", "--users", users(), NULL), 0, "%s", err);
    cr_assert_str_eq(out, "");
    cr_assert(strstr(err, "0 accounts in"), "%s", err);
    cr_assert_not(e2e_exists(users()), "list creates nothing");
}

Test(e2e_user, errors_in_chinese) {
    cr_assert_eq(e2e_set_language("zh_CN.UTF-8"), 0, "zh_CN.UTF-8 is not installed");
    cr_assert_eq(yuebao("short\n", "user", "add", "li", "--role", "central", "--users", users(), NULL), 1);
    cr_assert(strstr(err, "密码太短：至少 10 个字符"), "%s", err);
}
