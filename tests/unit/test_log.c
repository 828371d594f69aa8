/* test_log.c - the log function's levels, log_fatal's exit, and the rate limit.
 *
 * log_fatal is declared _Noreturn: need_positive() below ends in it without a return,
 * which -Wall's -Wreturn-type would flag (and -Werror refuse) if the compiler did not
 * know it never returns. Its printf format attribute is checked the same way by every
 * call in the tree under -Wformat=2.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static int need_positive(int x) {
    if (x > 0) return x;
    log_fatal("need a positive number, got %d", x);
}

static void quiet_log(void) {
    unsetenv("YUEBAO_LOG");
    unsetenv("JOURNAL_STREAM");
    setenv("JOURNAL_STREAM", "1", 1); /* no time stamp: the lines can be compared */
    cr_redirect_stderr();
}

Test(log, a_line_names_the_program_and_its_level, .init = quiet_log) {
    log_init("yuebao-test", LOG_INFO);
    log_debug("not shown at info");
    log_info("zone %s", "jinshan");
    log_warn("%d left", 3);
    fflush(stderr);
    cr_assert_stderr_eq_str("yuebao-test: info: zone jinshan\nyuebao-test: warning: 3 left\n");
}

Test(log, fatal_exits_1_whatever_the_level, .init = quiet_log, .exit_code = 1) {
    log_init("yuebao-test", LOG_ERROR);
    cr_assert_eq(need_positive(2), 2);
    need_positive(-1);
    cr_assert_fail("log_fatal returned");
}

Test(log, the_limit_lets_one_line_through_per_interval_and_counts_the_rest) {
    log_limit_t l = {0};
    unsigned long long skipped = 99;
    cr_assert(log_limit_take(&l, 1000, &skipped));
    cr_assert_eq(skipped, 0);
    cr_assert_not(log_limit_take(&l, 1000 + LOG_LIMIT_MS - 1, &skipped));
    cr_assert_not(log_limit_take(&l, 1000 + LOG_LIMIT_MS - 1, &skipped));
    cr_assert(log_limit_take(&l, 1000 + LOG_LIMIT_MS, &skipped));
    cr_assert_eq(skipped, 2, "the two held back are counted");
}
