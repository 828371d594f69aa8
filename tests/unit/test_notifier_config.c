/* test_notifier_config.c - yuebao-notify's configuration: its table, the shipped ini
 * files (production and development) read whole, and the named sections' refusals,
 * each naming the file, the line and the key. Receivers are the stub's (it takes any
 * key), so this tests the core's reading, not the receivers'. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notifier.h"

static char err[1024];

static const char *deploy(const char *rel) {
    static char path[1024];
    const char *ex = getenv("YUEBAO_EXAMPLES");
    snprintf(path, sizeof path, "%s%sdeploy/%s", ex && *ex ? ex : "", ex && *ex ? "/../" : "", rel);
    return path;
}

static int load(notify_config_t *c, const char *path) {
    cr_assert_eq(notify_config_init(c, err, sizeof err), 0, "%s", err);
    if (notify_config_read(c, path, err, sizeof err) < 0) return -1;
    return notify_config_check(c, err, sizeof err);
}

Test(notifier_config, the_defaults) {
    notify_config_t c;
    cr_assert_eq(notify_config_init(&c, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(c.store, "notify.db");
    cr_assert_str_eq(c.subscribe, "tcp://127.0.0.1:7303");
    cr_assert_str_eq(c.snapshot, "tcp://127.0.0.1:7304");
    cr_assert_str_eq(c.control, "tcp://127.0.0.1:7306");
    cr_assert_str_eq(c.quiet, "21:00-08:00");
    cr_assert_str_eq(c.working_days, "mon-fri");
    cr_assert_str_eq(c.remind_at, "09:00");
    cr_assert_eq(c.max_pending, 100);
    cr_assert_eq(c.routes.n, 1, "the root route");
}

Test(notifier_config, the_shipped_files_read_whole) {
    notify_config_t c;
    route_t e;
    cr_assert_eq(load(&c, deploy("etc/yuebao/notify.ini")), 0, "%s", err);
    cr_assert_eq(c.routes.n, 3);
    cr_assert_eq(c.n_receivers, 2);
    cr_assert_eq(c.n_inhibits, 1);
    cr_assert_str_eq(c.master_dir, "/etc/yuebao");
    e = route_effective(&c.routes, 1);
    cr_assert_str_eq(e.name, "critical");
    cr_assert_eq(e.match_severity, SEV_CRITICAL);
    cr_assert(e.cont);
    cr_assert_eq(e.repeat_interval_ms, 86400000, "inherited from the root");
    cr_assert_eq(e.group_wait_ms, 30000);
    cr_assert_eq(c.cal.remind_at_min, 540);
    cr_assert_eq(c.cal.working_days, 0x3e);
    notify_config_free(&c);
    cr_assert_eq(load(&c, deploy("dev/notify.ini")), 0, "%s", err);
    cr_assert_eq(c.n_receivers, 1);
    cr_assert_eq(c.n_inhibits, 1, "the built-in rule");
    cr_assert_eq(c.inhibits[0].source_kinds, 1u << ALERT_OVERDUE);
    notify_config_free(&c);
}

/* Writes text to a temporary file and loads it: the error in err. */
static int try(const char *text) {
    char path[] = "/tmp/yb_notify_conf_XXXXXX";
    int fd = mkstemp(path), rc;
    notify_config_t c;
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    rc = load(&c, path);
    notify_config_free(&c);
    unlink(path);
    return rc;
}

#define OK_TAIL "[receiver r]\ntype = webhook\n"

Test(notifier_config, bad_sections_and_keys_are_named_with_their_line) {
    cr_assert_eq(try("[route]\nreceiver = r\n" OK_TAIL), 0, "%s", err);
    cr_assert_eq(try("[route]\nreceiver = r\n[route a]\nparent = b\n" OK_TAIL), -1);
    cr_assert(strstr(err, ":4: parent \"b\""), "%s", err);
    cr_assert_eq(try("[route]\nreceiver = r\ngroup_wait = soon\n" OK_TAIL), -1);
    cr_assert(strstr(err, ":3: group_wait \"soon\""), "%s", err);
    cr_assert_eq(try("[route]\nreceiver = r\n[route a]\nmatch_kind = weather\n" OK_TAIL), -1);
    cr_assert(strstr(err, "match_kind"), "%s", err);
    cr_assert_eq(try("[routes]\nreceiver = r\n" OK_TAIL), -1);
    cr_assert(strstr(err, "unknown section [routes]"), "%s", err);
    cr_assert_eq(try("[route]\nreceiver = nobody\n" OK_TAIL), -1);
    cr_assert(strstr(err, "receiver \"nobody\" has no [receiver nobody] section"), "%s", err);
    cr_assert_eq(try("[notify]\nquiet = night\n[route]\nreceiver = r\n" OK_TAIL), -1);
    cr_assert(strstr(err, "quiet \"night\""), "%s", err);
    cr_assert_eq(try("[notify]\ntimezone = Europe/Paris\n[route]\nreceiver = r\n" OK_TAIL), -1);
    cr_assert(strstr(err, "Asia/Shanghai"), "%s", err);
    cr_assert_eq(try("[notify]\nremind_at = 22:00\n[route]\nreceiver = r\n" OK_TAIL), -1);
    cr_assert(strstr(err, "quiet hours"), "%s", err);
    cr_assert_eq(try("[notify]\nmax_pending = 0\n[route]\nreceiver = r\n" OK_TAIL), -1);
    cr_assert(strstr(err, ":2:"), "%s", err);
    cr_assert_eq(try("[route]\nreceiver = r\n[inhibit x]\nequal = zone\n" OK_TAIL), -1);
    cr_assert(strstr(err, "[inhibit x]: needs source_kind and target_kind"), "%s", err);
    cr_assert_eq(try("[route]\n"), -1);
    cr_assert(strstr(err, "nobody to tell"), "%s", err);
}
