/* test_config.c - table-driven INI configuration: defaults, file, overrides, errors.
 *
 * A small test table with a string, an int and a bool in two sections; each test writes
 * an INI file to a temporary folder and checks the values or the error an operator reads.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

typedef struct {
    char name[16];
    int window;
    bool insecure;
    char store[64];
    int retry_ms;
} conf_t;

static const config_key_t table[] = {
    {"collector", "name", CONF_STRING, offsetof(conf_t, name), sizeof(((conf_t *)0)->name)},
    {"collector", "window", CONF_INT, offsetof(conf_t, window), 0},
    {"collector", "insecure", CONF_BOOL, offsetof(conf_t, insecure), 0},
    {"paths", "store", CONF_STRING, offsetof(conf_t, store), sizeof(((conf_t *)0)->store)},
    {"paths", "retry_ms", CONF_INT, offsetof(conf_t, retry_ms), 0},
    {NULL, NULL, CONF_STRING, 0, 0},
};

static char tmpdir[64], path[128];
static conf_t c;
static char err[512];

static void defaults(conf_t *x) {
    memset(x, 0, sizeof *x);
    snprintf(x->name, sizeof x->name, "default");
    x->window = 32;
    x->insecure = false;
    snprintf(x->store, sizeof x->store, "/var/lib/yuebao/outbox.db");
    x->retry_ms = 500;
}

static void setup(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_config_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(path, sizeof path, "%s/test.conf", tmpdir);
    defaults(&c);
    err[0] = '\0';
}

static void teardown(void) {
    unlink(path);
    rmdir(tmpdir);
}

TestSuite(config, .init = setup, .fini = teardown);

static void write_file(const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(fputs(text, f) >= 0, true);
    fclose(f);
}

#define assert_says(msg, words)                                                                              \
    cr_assert_not_null(strstr((msg), (words)), "\"%s\" lacks \"%s\"", (msg), (words))

/* "path:line:" at the start of err */
static void assert_names_line(int line) {
    char expect[192];
    snprintf(expect, sizeof expect, "%s:%d:", path, line);
    cr_assert_eq(strncmp(err, expect, strlen(expect)), 0, "\"%s\" should start with \"%s\"", err, expect);
}

/* ---- reading ------------------------------------------------------------------------- */

Test(config, reads_strings_ints_and_bools) {
    write_file("; yuebao collector\n"
               "[collector]\n"
               "name = 410671\n"
               "window = 64\n"
               "insecure = yes\n"
               "\n"
               "[paths]\n"
               "# comment\n"
               "store = outbox/410671.db\n"
               "retry_ms = -1\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(c.name, "410671");
    cr_assert_eq(c.window, 64);
    cr_assert(c.insecure);
    cr_assert_str_eq(c.store, "outbox/410671.db", "relative paths stay as written");
    cr_assert_eq(c.retry_ms, -1);
}

Test(config, keys_not_in_the_file_keep_their_defaults) {
    write_file("[collector]\nwindow = 8\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.window, 8);
    cr_assert_str_eq(c.name, "default");
    cr_assert_str_eq(c.store, "/var/lib/yuebao/outbox.db");
    cr_assert_eq(c.retry_ms, 500);
    cr_assert_not(c.insecure);
}

Test(config, an_empty_file_is_fine) {
    write_file("");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.window, 32);
}

Test(config, bool_words) {
    static const char *const yes[] = {"yes", "true", "1", "on", "Yes", "TRUE"};
    static const char *const no[] = {"no", "false", "0", "off", "No", "FALSE"};
    char text[64];
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        c.insecure = false;
        snprintf(text, sizeof text, "[collector]\ninsecure = %s\n", yes[i]);
        write_file(text);
        cr_assert_eq(config_read(path, table, &c, err, sizeof err), 0, "%s: %s", yes[i], err);
        cr_assert(c.insecure, "\"%s\" means yes", yes[i]);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        c.insecure = true;
        snprintf(text, sizeof text, "[collector]\ninsecure = %s\n", no[i]);
        write_file(text);
        cr_assert_eq(config_read(path, table, &c, err, sizeof err), 0, "%s: %s", no[i], err);
        cr_assert_not(c.insecure, "\"%s\" means no", no[i]);
    }
}

Test(config, same_key_name_in_another_section_is_not_the_same_key) {
    write_file("[paths]\nwindow = 4\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), -1);
    assert_names_line(2);
    assert_says(err, "window");
    cr_assert_eq(c.window, 32);
}

/* ---- errors ---------------------------------------------------------------------------- */

Test(config, unknown_key_names_file_and_line) {
    write_file("[collector]\n"
               "name = 410671\n"
               "widnow = 64\n"
               "window = 8\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), -1);
    assert_names_line(3);
    assert_says(err, "widnow");
    assert_says(err, "collector");
}

Test(config, unknown_section_names_file_and_line) {
    write_file("[collector]\n"
               "name = 410671\n"
               "[colector]\n"
               "window = 64\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), -1);
    assert_names_line(4);
    assert_says(err, "colector");
}

Test(config, key_before_any_section_is_unknown) {
    write_file("window = 64\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), -1);
    assert_names_line(1);
    assert_says(err, "window");
}

Test(config, bad_int_names_file_line_and_value) {
    static const char *const bad[] = {"abc", "12x", "", "1.5", "99999999999"};
    char text[64];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "[collector]\nname = x\nwindow = %s\n", bad[i]);
        write_file(text);
        err[0] = '\0';
        cr_assert_eq(config_read(path, table, &c, err, sizeof err), -1, "\"%s\" is not an int", bad[i]);
        assert_names_line(3);
        assert_says(err, "window");
        if (bad[i][0]) assert_says(err, bad[i]);
    }
}

Test(config, bad_bool_names_file_line_and_value) {
    write_file("[collector]\ninsecure = maybe\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), -1);
    assert_names_line(2);
    assert_says(err, "insecure");
    assert_says(err, "maybe");
}

Test(config, string_too_long_is_an_error) {
    write_file("[collector]\nname = a-name-much-longer-than-sixteen-bytes\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), -1);
    assert_names_line(2);
    assert_says(err, "name");
    assert_says(err, "15");
    cr_assert_str_eq(c.name, "default", "a rejected value is not half-copied");
}

Test(config, a_line_that_is_not_key_value_is_an_error) {
    write_file("[collector]\nname = x\nthis line has no equals sign\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), -1);
    assert_names_line(3);
}

Test(config, first_error_is_the_one_reported) {
    write_file("[collector]\nwindow = many\nwidnow = 3\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), -1);
    assert_names_line(2);
    assert_says(err, "many");
}

Test(config, missing_file_names_the_file) {
    char missing[192];
    snprintf(missing, sizeof missing, "%s/nope.conf", tmpdir);
    cr_assert_eq(config_read(missing, table, &c, err, sizeof err), -1);
    assert_says(err, missing);
    assert_says(err, "No such file");
    cr_assert_eq(c.window, 32);
}

/* ---- overrides ------------------------------------------------------------------------------- */

Test(config, set_overrides_the_file) {
    write_file("[collector]\nwindow = 64\ninsecure = yes\n[paths]\nstore = a.db\n");
    cr_assert_eq(config_read(path, table, &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(config_set(table, &c, "window", "4", err, sizeof err), 0, "%s", err);
    cr_assert_eq(config_set(table, &c, "insecure", "no", err, sizeof err), 0, "%s", err);
    cr_assert_eq(config_set(table, &c, "store", "/tmp/b.db", err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.window, 4);
    cr_assert_not(c.insecure);
    cr_assert_str_eq(c.store, "/tmp/b.db");
}

Test(config, set_rejects_unknown_keys_and_bad_values) {
    cr_assert_eq(config_set(table, &c, "widnow", "4", err, sizeof err), -1);
    assert_says(err, "widnow");
    err[0] = '\0';
    cr_assert_eq(config_set(table, &c, "window", "four", err, sizeof err), -1);
    assert_says(err, "window");
    assert_says(err, "four");
    cr_assert_eq(c.window, 32);
    err[0] = '\0';
    cr_assert_eq(config_set(table, &c, "insecure", "perhaps", err, sizeof err), -1);
    assert_says(err, "perhaps");
    cr_assert_not(c.insecure);
}
