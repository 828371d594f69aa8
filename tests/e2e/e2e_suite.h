/* e2e_suite.h - the scaffolding of an end-to-end suite whose tests each run in one
 * temporary folder with one aggregator: the folder `dir` and the aggregator `agg`, the
 * suite's .init and .fini, and the few assertions every such suite makes about them
 * (the aggregator started and stopped cleanly, a query's value, a file that appeared).
 *
 *     #include "e2e_suite.h"
 *     TestSuite(e2e_x, .init = e2e_suite_setup, .fini = e2e_suite_teardown, .timeout = 60);
 *
 * It is a header of static functions and variables, not a part of e2e.c, because each
 * suite (each test binary) has its own folder and aggregator and asserts with Criterion
 * on them. Include it in one .c file only. Functions a suite does not use are marked
 * __attribute__((unused)), so -Wall stays quiet about them.
 */
#ifndef YB_E2E_SUITE_H
#define YB_E2E_SUITE_H

#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "e2e.h"

#define P(...) e2e_fmt(__VA_ARGS__)

/* The test's temporary folder and its aggregator (agg.pid 0 until started). */
static char dir[256];
static e2e_agg_t agg;

/* .init: a fresh temporary folder, no aggregator yet. */
__attribute__((unused)) static void e2e_suite_setup(void) {
    cr_assert_eq(e2e_tmpdir(dir, sizeof dir), 0, "cannot create a temporary folder");
    memset(&agg, 0, sizeof agg);
}

/* .fini: kills whatever still runs and removes the folders (e2e_cleanup). */
__attribute__((unused)) static void e2e_suite_teardown(void) {
    e2e_cleanup();
}

/* Starts the aggregator in dir (listen NULL = ipc in dir; extra NULL-terminated or
 * NULL, as for e2e_agg_start) and asserts it became ready, with the end of its log. */
__attribute__((unused)) static void start_aggregator(const char *listen, const char *const *extra) {
    cr_assert_eq(e2e_agg_start(&agg, dir, listen, extra), 0, "the aggregator did not become ready:\n%s",
                 e2e_tail(agg.err_log, 3000));
}

/* Stops the aggregator and asserts it stopped cleanly: exit 0 (a sanitizer report or a
 * crash shows here, with the end of its log). */
__attribute__((unused)) static void stop_aggregator(void) {
    int st = e2e_agg_stop(&agg);
    cr_assert_eq(st, 0, "the aggregator exited with %d; end of its log:\n%s", st,
                 e2e_tail(agg.err_log, 3000));
}

/* The formatted query's integer against the aggregator's store (e2e_sql_int). */
__attribute__((unused, format(printf, 1, 2))) static int64_t sql(const char *fmt, ...) {
    char q[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q, sizeof q, fmt, ap);
    va_end(ap);
    return e2e_sql_int(agg.store, "%s", q);
}

/* Waits up to 20 s (scaled) for a file a daemon writes; on failure shows the end of
 * log (the writer's stderr log). */
__attribute__((unused)) static void wait_for_file(const char *path, const char *log) {
    for (int waited = 0; !e2e_exists(path) && waited < e2e_scaled_ms(20000); waited += 50)
        e2e_sleep_ms(50);
    cr_assert(e2e_exists(path), "no %s; collector log:\n%s", path, e2e_tail(log, 3000));
}

#endif
