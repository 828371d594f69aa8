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
    CONFIG_TEXT("collector", conf_t, name, CONF_STRING, NULL, 0, "a name"),
    CONFIG_NUMBER("collector", conf_t, window, CONF_INT, NULL, -CONF_UNBOUNDED, CONF_UNBOUNDED,
                  "reports in flight"),
    CONFIG_BOOL("collector", conf_t, insecure, NULL, "no keys"),
    CONFIG_TEXT("paths", conf_t, store, CONF_PATH, NULL, 0, "the store"),
    CONFIG_NUMBER("paths", conf_t, retry_ms, CONF_MS, NULL, -CONF_UNBOUNDED, CONF_UNBOUNDED, "a timeout"),
    {NULL},
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

/* ---- the table's defaults, bounds and help ------------------------------------------- */

typedef struct {
    char endpoint[32];
    char folder[16];
    int day;
    int heartbeat_ms;
    double rate;
    bool merge;
    char county[8];
} pol_t;

#define ROW_TEXT(field, type, def, flags, help) CONFIG_TEXT("city", pol_t, field, type, def, flags, help)
#define ROW_NUM(field, type, def, min, max, help)                                                            \
    CONFIG_NUMBER("city", pol_t, field, type, def, min, max, help)
static const config_key_t policy[] = {
    ROW_TEXT(endpoint, CONF_STRING, "tcp://127.0.0.1:7301", 0, "where to connect"),
    ROW_TEXT(folder, CONF_PATH, "inbox", 0, "where files come in"),
    ROW_NUM(day, CONF_INT, "10", 1, 28, "day of the month"),
    ROW_NUM(heartbeat_ms, CONF_MS, "1000", 10, CONF_UNBOUNDED, "heartbeat interval"),
    ROW_NUM(rate, CONF_DOUBLE, "2.5", 0, CONF_UNBOUNDED, "per second"),
    CONFIG_BOOL("city", pol_t, merge, "yes", "January with February"),
    ROW_TEXT(county, CONF_STRING, NULL, CONF_REQUIRED, "the reporting unit"),
    {NULL},
};

static pol_t pol;

Test(config, defaults_come_from_the_table) {
    memset(&pol, 0, sizeof pol);
    cr_assert_eq(config_defaults(policy, &pol, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(pol.endpoint, "tcp://127.0.0.1:7301");
    cr_assert_str_eq(pol.folder, "inbox");
    cr_assert_eq(pol.day, 10);
    cr_assert_eq(pol.heartbeat_ms, 1000);
    cr_assert_float_eq(pol.rate, 2.5, 1e-12);
    cr_assert(pol.merge);
    cr_assert_str_eq(pol.county, "", "no default: left as the caller set it");
}

Test(config, values_at_the_bounds_are_taken_and_past_them_refused) {
    memset(&pol, 0, sizeof pol);
    cr_assert_eq(config_defaults(policy, &pol, err, sizeof err), 0, "%s", err);
    cr_assert_eq(config_set(policy, &pol, "day", "1", err, sizeof err), 0, "%s", err);
    cr_assert_eq(pol.day, 1);
    cr_assert_eq(config_set(policy, &pol, "day", "28", err, sizeof err), 0, "%s", err);
    cr_assert_eq(pol.day, 28);
    cr_assert_eq(config_set(policy, &pol, "day", "29", err, sizeof err), -1);
    cr_assert_str_eq(err, "day 29: expected 1..28");
    cr_assert_eq(config_set(policy, &pol, "day", "0", err, sizeof err), -1);
    cr_assert_eq(pol.day, 28, "a refused value leaves the field as it was");
    cr_assert_eq(config_set(policy, &pol, "heartbeat_ms", "10", err, sizeof err), 0, "%s", err);
    cr_assert_eq(config_set(policy, &pol, "heartbeat_ms", "9", err, sizeof err), -1);
    cr_assert_str_eq(err, "heartbeat_ms 9: expected >= 10");
    cr_assert_eq(config_set(policy, &pol, "heartbeat_ms", "2147483647", err, sizeof err), 0, "%s", err);
    cr_assert_eq(config_set(policy, &pol, "rate", "0", err, sizeof err), 0, "%s", err);
    cr_assert_eq(config_set(policy, &pol, "rate", "-0.5", err, sizeof err), -1);
    cr_assert_str_eq(err, "rate -0.5: expected >= 0");
    cr_assert_eq(config_set(policy, &pol, "rate", "inf", err, sizeof err), -1);
    assert_says(err, "is not a number");
}

Test(config, a_value_out_of_bounds_in_a_file_names_file_and_line) {
    memset(&pol, 0, sizeof pol);
    cr_assert_eq(config_defaults(policy, &pol, err, sizeof err), 0, "%s", err);
    write_file("[city]\nday = 12\nday = 31\n");
    cr_assert_eq(config_read(path, policy, &pol, err, sizeof err), -1);
    assert_names_line(3);
    assert_says(err, "day 31: expected 1..28");
}

Test(config, a_table_whose_default_breaks_its_bounds_is_refused) {
    static const config_key_t bad[] = {
        ROW_NUM(day, CONF_INT, "31", 1, 28, "day of the month"),
        {NULL},
    };
    memset(&pol, 0, sizeof pol);
    cr_assert_eq(config_defaults(bad, &pol, err, sizeof err), -1);
    assert_says(err, "default of day 31: expected 1..28");
}

Test(config, a_malformed_table_is_refused) {
    static const config_key_t twice[] = {
        ROW_NUM(day, CONF_INT, "10", 1, 28, "day of the month"),
        CONFIG_NUMBER("other", pol_t, day, CONF_INT, "10", 1, 28, "the same key again"),
        {NULL},
    };
    static const config_key_t no_help[] = {
        ROW_NUM(day, CONF_INT, "10", 1, 28, ""),
        {NULL},
    };
    static const config_key_t no_size[] = {
        {.section = "city",
         .key = "folder",
         .type = CONF_PATH,
         .offset = offsetof(pol_t, folder),
         .help = "x"},
        {NULL},
    };
    static const config_key_t empty_range[] = {
        ROW_NUM(day, CONF_INT, NULL, 28, 1, "day of the month"),
        {NULL},
    };
    static const config_key_t bad_default[] = {
        CONFIG_BOOL("city", pol_t, merge, "maybe", "January with February"),
        {NULL},
    };
    cr_assert_eq(config_defaults(twice, &pol, err, sizeof err), -1);
    assert_says(err, "listed twice");
    cr_assert_eq(config_defaults(no_help, &pol, err, sizeof err), -1);
    assert_says(err, "help");
    cr_assert_eq(config_defaults(no_size, &pol, err, sizeof err), -1);
    assert_says(err, "size");
    cr_assert_eq(config_defaults(empty_range, &pol, err, sizeof err), -1);
    assert_says(err, "bounds");
    cr_assert_eq(config_defaults(bad_default, &pol, err, sizeof err), -1);
    assert_says(err, "\"maybe\" is not yes or no");
}

/* config_apply prints its message; this reads what it printed. */
static void apply_says(const config_key_t *t, void *base, char *const *items, int n, const char *words) {
    char text[1024] = "";
    FILE *saved = stderr, *f = tmpfile();
    size_t len;
    cr_assert_not_null(f);
    stderr = f;
    cr_assert_eq(config_apply("prog", "", t, base, items, n), -1);
    stderr = saved;
    rewind(f);
    len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    assert_says(text, words);
}

Test(config, a_required_key_left_empty_is_named) {
    char *ok[] = {"county=410602"}, *bad[] = {"day=40"};
    memset(&pol, 0, sizeof pol);
    cr_assert_eq(config_defaults(policy, &pol, err, sizeof err), 0, "%s", err);
    apply_says(
        policy, &pol, NULL, 0,
        "prog: county is not set (the reporting unit): set it in [city] of the -c FILE, or --set county=...");
    apply_says(policy, &pol, bad, 1, "prog: --set day=40: day 40: expected 1..28");
    cr_assert_eq(config_apply("prog", "", policy, &pol, ok, 1), 0);
    cr_assert_str_eq(pol.county, "410602");
}

Test(config, usage_lists_every_key_with_type_bounds_and_default) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    config_usage(f, policy);
    fclose(f);
    assert_says(text, "keys (section [city], or --set KEY=VALUE):\n");
    assert_says(text, "  endpoint      text    where to connect (default tcp://127.0.0.1:7301)\n");
    assert_says(text, "  folder        path    where files come in (default inbox)\n");
    assert_says(text, "  day           int     day of the month (1..28, default 10)\n");
    assert_says(text, "  heartbeat_ms  ms      heartbeat interval (>= 10, default 1000)\n");
    assert_says(text, "  rate          number  per second (>= 0, default 2.5)\n");
    assert_says(text, "  merge         yes|no  January with February (default yes)\n");
    assert_says(text, "  county        text    the reporting unit (required)\n");
    free(text);
}

Test(config, usage_wraps_a_long_help_line_under_its_column) {
    static const config_key_t t[] = {
        ROW_NUM(day, CONF_INT, "10", 1, 28,
                "reports are due by this day of the next month, 24:00 Asia/Shanghai, a day every month has; "
                "the live totals count who reported on time"),
        {NULL},
    };
    char *text = NULL, *line, *save = NULL;
    size_t len = 0;
    int n = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    config_usage(f, t);
    fclose(f);
    /* heading, the entry's first line, then continuations under the help column (12) */
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
        cr_assert_leq(strlen(line), 100, "line %d is %zu columns: %s", n, strlen(line), line);
        if (n >= 2)
            cr_assert(strspn(line, " ") == 12, "line %d is not under the help column: \"%s\"", n, line);
    }
    cr_assert_eq(n, 3, "the help line took two lines");
    free(text);
}

/* ---- deprecated keys ------------------------------------------------------------------ */

typedef struct {
    int day;
    bool day_given;
    int other;
} old_t;

static const config_key_t old_keys[] = {
    CONFIG_NUMBER("old", old_t, other, CONF_INT, "3", 0, 9, "a current key"),
    CONFIG_DEPRECATED("old", old_t, "day", day, day_given, CONF_INT, 1, 28, "set day in city.csv instead"),
    {NULL},
};

Test(config, a_deprecated_key_is_taken_flagged_and_held_to_its_bounds) {
    old_t o;
    memset(&o, 0, sizeof o);
    cr_assert_eq(config_defaults(old_keys, &o, err, sizeof err), 0, "%s", err);
    cr_assert_not(o.day_given, "not given: no default, no flag");
    cr_assert_eq(o.day, 0);
    write_file("[old]\nday = 20\n");
    cr_assert_eq(config_read(path, old_keys, &o, err, sizeof err), 0, "%s", err);
    cr_assert(o.day_given);
    cr_assert_eq(o.day, 20);
    o.day_given = false;
    cr_assert_eq(config_set(old_keys, &o, "day", "29", err, sizeof err), -1);
    cr_assert_str_eq(err, "day 29: expected 1..28");
    cr_assert_not(o.day_given, "a refused value is not given");
}

Test(config, a_deprecated_key_with_a_default_is_a_table_error) {
    static const config_key_t bad[] = {
        {.section = "old",
         .key = "day",
         .type = CONF_INT,
         .offset = offsetof(old_t, day),
         .def = "10",
         .min = 1,
         .max = 28,
         .flags = CONF_DEPRECATED,
         .seen = offsetof(old_t, day_given),
         .help = "x"},
        {NULL},
    };
    old_t o;
    cr_assert_eq(config_defaults(bad, &o, err, sizeof err), -1);
    assert_says(err, "deprecated");
}

Test(config, usage_lists_deprecated_keys_last_under_their_own_heading) {
    char *text = NULL, *current, *heading, *day;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    config_usage(f, old_keys);
    fclose(f);
    current = strstr(text, "  other  int  a current key (0..9, default 3)\n");
    heading = strstr(text, "deprecated keys");
    day = strstr(text, "  day    int  set day in city.csv instead (1..28)\n");
    cr_assert(current && heading && day && current < heading && heading < day, "%s", text);
    free(text);
}
