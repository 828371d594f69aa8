/* test_account.c - yuebao-web's accounts file: roles, names, the file's round trip and
 * its refusals (FILE:LINE), Argon2id hash and verify, the password rules.
 *
 * Hand checks: 2026-01-01 is day 20 454 since the epoch; + 335 days (Jan..Nov of a
 * common year) = 20 789 for 2 December; × 86 400 s = 1 796 169 600, + 8 h = 1 796 198 400
 * for 2026-12-02T08:00:00Z. 2026-12-01T09:30:00Z is 22 h 30 min before it.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"

#define T_0800_MS 1796198400000LL /* 2026-12-02T08:00:00Z */
/* a real Argon2id string's shape (not verified by the parser, only its prefix) */
#define FAKE_HASH "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

static char dir[64], path[128], err[512];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/test_account.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/web-users", dir);
}

static void teardown(void) {
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(account, .init = setup, .fini = teardown, .timeout = 60);

static void write_file(const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(account, roles_parse_and_print_back) {
    account_t a = {0};
    cr_assert_eq(account_parse_role("central", &a.role, a.county, err, sizeof err), 0);
    cr_assert_eq(a.role, ACCOUNT_CENTRAL);
    cr_assert_str_eq(a.county, "");
    cr_assert_eq(account_parse_role("viewer", &a.role, a.county, err, sizeof err), 0);
    cr_assert_eq(a.role, ACCOUNT_VIEWER);
    cr_assert_eq(account_parse_role("county:410603", &a.role, a.county, err, sizeof err), 0);
    cr_assert_eq(a.role, ACCOUNT_COUNTY);
    cr_assert_str_eq(a.county, "410603");
    char text[32];
    account_role_text(&a, text, sizeof text);
    cr_assert_str_eq(text, "county:410603");
    a.role = ACCOUNT_VIEWER;
    account_role_text(&a, text, sizeof text);
    cr_assert_str_eq(text, "viewer");
}

Test(account, bad_roles_are_refused_with_a_reason) {
    account_role_t r;
    char county[ACCOUNT_COUNTY_MAX];
    const char *bad[] = {"", "Central", "admin", "county:", "county:41060", "county:4106031", "county:41060x",
                         "county: 410603", NULL};
    for (int i = 0; bad[i]; i++) {
        err[0] = '\0';
        cr_assert_eq(account_parse_role(bad[i], &r, county, err, sizeof err), -1, "\"%s\" taken", bad[i]);
        cr_assert(err[0], "\"%s\": no reason", bad[i]);
    }
}

Test(account, names) {
    cr_assert(account_name_valid("zhangsan"));
    cr_assert(account_name_valid("li.county_2-b"));
    cr_assert(account_name_valid("a"));
    cr_assert(account_name_valid("abcdefghijklmnopqrstuvwxyz012345")); /* 32 */
    cr_assert_not(account_name_valid("abcdefghijklmnopqrstuvwxyz0123456")); /* 33 */
    cr_assert_not(account_name_valid(""));
    cr_assert_not(account_name_valid(NULL));
    cr_assert_not(account_name_valid("ZhangSan"));
    cr_assert_not(account_name_valid("zhang san"));
    cr_assert_not(account_name_valid("张三"));
    cr_assert_not(account_name_valid("a/b"));
}

Test(account, a_missing_file_is_no_accounts) {
    account_list_t l = {0};
    cr_assert_eq(account_load(path, &l, err, sizeof err), 0, "%s", err);
    cr_assert_eq(l.n, 0);
    cr_assert_null(account_find(&l, "zhang"));
    account_list_free(&l);
}

Test(account, the_documented_file_loads) {
    account_list_t l = {0};
    const account_t *a;
    write_file("# comment\n"
               "\n"
               "zhangsan central active 2026-12-02T08:00:00Z " FAKE_HASH "\n"
               "  # indented comment\n"
               "li.county county:410603 disabled 2026-12-01T09:30:00Z " FAKE_HASH "\r\n"
               "wang viewer active 2026-12-02T08:00:01Z\t" FAKE_HASH);
    cr_assert_eq(account_load(path, &l, err, sizeof err), 0, "%s", err);
    cr_assert_eq(l.n, 3);
    cr_assert_not_null(a = account_find(&l, "zhangsan"));
    cr_assert_eq(a->role, ACCOUNT_CENTRAL);
    cr_assert_not(a->disabled);
    cr_assert_eq(a->changed_at_ms, T_0800_MS);
    cr_assert_str_eq(a->hash, FAKE_HASH);
    cr_assert_not_null(a = account_find(&l, "li.county"));
    cr_assert_eq(a->role, ACCOUNT_COUNTY);
    cr_assert_str_eq(a->county, "410603");
    cr_assert(a->disabled);
    cr_assert_eq(a->changed_at_ms, T_0800_MS - (22 * 60 + 30) * 60 * 1000LL); /* 22 h 30 min before */
    cr_assert_not_null(a = account_find(&l, "wang"));
    cr_assert_eq(a->changed_at_ms, T_0800_MS + 1000);
    cr_assert_null(account_find(&l, "li"));
    account_list_free(&l);
    cr_assert_null(l.v);
}

Test(account, save_then_load_is_the_same_list_with_mode_0640) {
    account_t v[2] = {0};
    account_list_t l = {v, 2}, back = {0};
    struct stat sb;
    char tmpl[200];
    snprintf(v[0].name, sizeof v[0].name, "zhangsan");
    v[0].role = ACCOUNT_CENTRAL;
    v[0].changed_at_ms = T_0800_MS;
    snprintf(v[0].hash, sizeof v[0].hash, "%s", FAKE_HASH);
    snprintf(v[1].name, sizeof v[1].name, "li");
    v[1].role = ACCOUNT_COUNTY;
    snprintf(v[1].county, sizeof v[1].county, "410621");
    v[1].disabled = true;
    v[1].changed_at_ms = T_0800_MS + 3600000;
    snprintf(v[1].hash, sizeof v[1].hash, "%s", FAKE_HASH "x");
    umask(077); /* the mode is 0640 whatever the umask */
    cr_assert_eq(account_save(path, &l, err, sizeof err), 0, "%s", err);
    umask(022);
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0640, "mode %o", sb.st_mode & 0777);
    cr_assert_eq(account_load(path, &back, err, sizeof err), 0, "%s", err);
    cr_assert_eq(back.n, 2);
    cr_assert_eq(memcmp(&back.v[0], &v[0], sizeof v[0]), 0);
    cr_assert_eq(memcmp(&back.v[1], &v[1], sizeof v[1]), 0);
    account_list_free(&back);
    /* the line as documented, and no temporary file left beside it */
    FILE *f = fopen(path, "r");
    char text[2048];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cr_assert(strstr(text, "\nli county:410621 disabled 2026-12-02T09:00:00Z " FAKE_HASH "x\n"), "%s", text);
    snprintf(tmpl, sizeof tmpl, "%s/.web-users.tmp.%d", dir, (int)getpid());
    cr_assert_eq(access(tmpl, F_OK), -1);
    /* an empty list writes a file that loads as empty */
    l.n = 0;
    cr_assert_eq(account_save(path, &l, err, sizeof err), 0, "%s", err);
    cr_assert_eq(account_load(path, &back, err, sizeof err), 0, "%s", err);
    cr_assert_eq(back.n, 0);
}

Test(account, save_into_a_missing_folder_says_why) {
    account_list_t l = {0};
    char p[200];
    snprintf(p, sizeof p, "%s/no/such/web-users", dir);
    cr_assert_eq(account_save(p, &l, err, sizeof err), -1);
    cr_assert(strstr(err, p), "%s", err);
    cr_assert(strstr(err, strerror(ENOENT)), "%s", err);
}

/* Each malformed line is refused with FILE:LINE (line 3: after a comment and a good
 * line), and the list comes back empty. */
Test(account, a_malformed_line_is_refused_with_file_and_line) {
    const char *bad[] = {
        "zhangsan central active 2026-12-02T08:00:00Z",                         /* 4 fields */
        "zhangsan central active 2026-12-02T08:00:00Z " FAKE_HASH " extra",     /* 6 */
        "Zhang central active 2026-12-02T08:00:00Z " FAKE_HASH,                 /* upper case */
        "li admin active 2026-12-02T08:00:00Z " FAKE_HASH,                      /* role */
        "li county:4106 active 2026-12-02T08:00:00Z " FAKE_HASH,                /* county */
        "li viewer enabled 2026-12-02T08:00:00Z " FAKE_HASH,                    /* state */
        "li viewer active 2026-12-02 " FAKE_HASH,                               /* time */
        "li viewer active 2026-13-02T08:00:00Z " FAKE_HASH,                     /* month 13 */
        "li viewer active 2026-12-02T08:00:00Z $2y$10$bcrypthashbcrypthash",   /* not argon2id */
        "wang viewer active 2026-12-02T08:00:00Z " FAKE_HASH,                   /* twice */
        NULL,
    };
    char text[1024], want[200];
    snprintf(want, sizeof want, "%s:3: ", path);
    for (int i = 0; bad[i]; i++) {
        account_list_t l = {0};
        snprintf(text, sizeof text, "# accounts\nwang viewer active 2026-12-02T08:00:00Z %s\n%s\n", FAKE_HASH,
                 bad[i]);
        write_file(text);
        err[0] = '\0';
        cr_assert_eq(account_load(path, &l, err, sizeof err), -1, "taken: %s", bad[i]);
        cr_assert_eq(strncmp(err, want, strlen(want)), 0, "%s: %s", bad[i], err);
        cr_assert_gt(strlen(err), strlen(want), "no reason for %s", bad[i]);
        cr_assert_eq(l.n, 0);
        cr_assert_null(l.v);
    }
}

Test(account, an_unreadable_file_is_an_error_not_empty) {
    account_list_t l = {0};
    cr_assert_eq(mkdir(path, 0700), 0); /* a folder where the file should be */
    cr_assert_eq(account_load(path, &l, err, sizeof err), -1);
    cr_assert(strstr(err, path), "%s", err);
}

Test(account, password_rules) {
    cr_assert_eq(account_check_password("zhang", "correct horse", err, sizeof err), 0, "%s", err);
    cr_assert_eq(account_check_password("zhang", "短密码但有十个字符啊", err, sizeof err), 0, "10 CJK: %s", err);
    cr_assert_eq(account_check_password("zhang", "short", err, sizeof err), -1);
    cr_assert_eq(account_check_password("zhang", "九个字符的中文密码", err, sizeof err), -1, "9 characters, 27 bytes");
    cr_assert_eq(account_check_password("zhangsan.x", "zhangsan.x", err, sizeof err), -1, "the name");
    cr_assert_eq(account_check_password("zhangsan.x", "ZhangSan.X", err, sizeof err), -1, "the name, any case");
    cr_assert_eq(account_check_password("zhang", "aaaaaaaaaaaa", err, sizeof err), -1, "one character");
    cr_assert_eq(account_check_password("zhang", "啊啊啊啊啊啊啊啊啊啊", err, sizeof err), -1, "one CJK character");
    cr_assert_eq(account_check_password("zhang", "aaaaaaaaaaab", err, sizeof err), 0, "%s", err);
    cr_assert_eq(account_check_password("zhang", "tab\there12345", err, sizeof err), -1, "a control character");
    cr_assert_eq(account_check_password("zhang", "bad\xC3utf8-1234", err, sizeof err), -1, "not UTF-8");
    err[0] = '\0';
    cr_assert_eq(account_check_password("zhang", "", err, sizeof err), -1);
    cr_assert(err[0]);
}

Test(account, hash_and_verify_right_wrong_and_disabled) {
    account_t a = {0};
    snprintf(a.name, sizeof a.name, "zhang");
    a.role = ACCOUNT_CENTRAL;
    cr_assert_eq(account_hash("correct horse", a.hash), 0);
    cr_assert_eq(strncmp(a.hash, "$argon2id$", 10), 0, "%s", a.hash);
    cr_assert(strstr(a.hash, "m=65536"), "MEMLIMIT_INTERACTIVE: %s", a.hash);
    cr_assert(account_verify(&a, "correct horse"));
    cr_assert_not(account_verify(&a, "correct horsE"));
    cr_assert_not(account_verify(&a, ""));
    a.disabled = true;
    cr_assert_not(account_verify(&a, "correct horse"), "disabled");
    /* an account without a hash never matches */
    account_t none = {0};
    cr_assert_not(account_verify(&none, ""));
    cr_assert_not(account_verify(NULL, "x"));
}

Test(account, the_dummy_hash_is_argon2id_once_per_process) {
    const char *d = account_dummy_hash();
    cr_assert_eq(strncmp(d, "$argon2id$", 10), 0, "%s", d);
    cr_assert_eq(account_dummy_hash(), d, "made once");
    account_t a = {0};
    snprintf(a.hash, sizeof a.hash, "%s", d);
    cr_assert_not(account_verify(&a, "correct horse"));
}
