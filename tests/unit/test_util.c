/* test_util.c - filing a file beside its sidecars (util_file_into): a free name, a taken
 * one, and what a process killed half-way through filing leaves behind — a sidecar
 * without its file, which the retry must reuse rather than file the same thing again
 * under "-1" beside a receipt that speaks of nothing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static char tmp[64];
static char in_dir[128], done_dir[128];

static void setup(void) {
    snprintf(tmp, sizeof tmp, "/tmp/yb_util_XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    snprintf(in_dir, sizeof in_dir, "%s/inbox", tmp);
    snprintf(done_dir, sizeof done_dir, "%s/done", tmp);
    cr_assert_eq(util_mkdir_p(in_dir), 0);
    cr_assert_eq(util_mkdir_p(done_dir), 0);
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(util, .init = setup, .fini = teardown);

static const char *const reserved[] = {".receipt.txt", ".errors.txt", NULL};

/* A path under tmp (one static buffer per call site is enough for these tests). */
static const char *at(char *buf, size_t n, const char *dir, const char *name) {
    snprintf(buf, n, "%s/%s", dir, name);
    return buf;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf = calloc(1, 4096);
    cr_assert_not_null(f, "%s", path);
    cr_assert_not_null(buf);
    cr_assert(fread(buf, 1, 4095, f) < 4095);
    fclose(f);
    return buf;
}

static int exists(const char *path) {
    return access(path, F_OK) == 0;
}

/* A file in the inbox, ready to be filed. */
static void put(const char *name, const char *text) {
    char p[256];
    cr_assert_eq(util_write_atomic(at(p, sizeof p, in_dir, name), text, strlen(text)), 0);
}

Test(util, a_free_name_is_kept_and_its_receipt_written_beside) {
    char src[256], out[256], p[256];
    util_sidecar_t side = {".receipt.txt", "delivered\n"};
    put("410602.csv", "a,b\n");
    cr_assert_eq(util_file_into(at(src, sizeof src, in_dir, "410602.csv"), done_dir, NULL, &side, 1, reserved,
                                out, sizeof out),
                 0);
    cr_expect_str_eq(out, at(p, sizeof p, done_dir, "410602.csv"));
    cr_expect(!exists(src), "moved, not copied");
    char *r = slurp(at(p, sizeof p, done_dir, "410602.csv.receipt.txt"));
    cr_expect_str_eq(r, "delivered\n");
    free(r);
}

Test(util, a_name_taken_by_an_earlier_file_gets_minus_one) {
    char src[256], out[256], p[256];
    util_sidecar_t side = {".receipt.txt", "second\n"};
    cr_assert_eq(util_write_atomic(at(p, sizeof p, done_dir, "410602.csv"), "old\n", 4), 0);
    cr_assert_eq(util_write_atomic(at(p, sizeof p, done_dir, "410602.csv.receipt.txt"), "first\n", 6), 0);
    put("410602.csv", "a,b\n");
    cr_assert_eq(util_file_into(at(src, sizeof src, in_dir, "410602.csv"), done_dir, NULL, &side, 1, reserved,
                                out, sizeof out),
                 0);
    cr_expect_str_eq(out, at(p, sizeof p, done_dir, "410602-1.csv"));
    char *r = slurp(at(p, sizeof p, done_dir, "410602.csv.receipt.txt"));
    cr_expect_str_eq(r, "first\n", "the earlier receipt is untouched");
    free(r);
    r = slurp(at(p, sizeof p, done_dir, "410602-1.csv.receipt.txt"));
    cr_expect_str_eq(r, "second\n");
    free(r);
}

/* Killed after the receipt was written and before the file was moved: the retry writes
 * the same receipt, so the name is its own — one file, one receipt, no "-1". */
Test(util, a_receipt_left_by_a_killed_filing_is_reused_not_doubled) {
    char src[256], out[256], p[256];
    util_sidecar_t side = {".receipt.txt", "delivered: 410602.csv\n"};
    cr_assert_eq(
        util_write_atomic(at(p, sizeof p, done_dir, "410602.csv.receipt.txt"), side.text, strlen(side.text)),
        0);
    put("410602.csv", "a,b\n");
    cr_assert_eq(util_file_into(at(src, sizeof src, in_dir, "410602.csv"), done_dir, NULL, &side, 1, reserved,
                                out, sizeof out),
                 0);
    cr_expect_str_eq(out, at(p, sizeof p, done_dir, "410602.csv"));
    cr_expect(!exists(at(p, sizeof p, done_dir, "410602-1.csv")), "not filed a second time");
    cr_expect(!exists(at(p, sizeof p, done_dir, "410602-1.csv.receipt.txt")), "no second receipt");
}

/* Killed between the two sidecars of a file delivered in part: the first is there, the
 * second not yet; the retry writes both under the same name. */
Test(util, one_of_two_sidecars_left_by_a_killed_filing_is_reused) {
    char src[256], out[256], p[256];
    util_sidecar_t sides[2] = {{".receipt.txt", "in part\n"}, {".errors.txt", "row 3: refused\n"}};
    cr_assert_eq(util_write_atomic(at(p, sizeof p, done_dir, "410602.csv.receipt.txt"), "in part\n", 8), 0);
    put("410602.csv", "a,b\n");
    cr_assert_eq(util_file_into(at(src, sizeof src, in_dir, "410602.csv"), done_dir, NULL, sides, 2, reserved,
                                out, sizeof out),
                 0);
    cr_expect_str_eq(out, at(p, sizeof p, done_dir, "410602.csv"));
    char *r = slurp(at(p, sizeof p, done_dir, "410602.csv.errors.txt"));
    cr_expect_str_eq(r, "row 3: refused\n");
    free(r);
}

/* A receipt whose file the desk officer took away is theirs to keep: a different text
 * means a different filing, and the new file goes under "-1". */
Test(util, a_kept_receipt_of_another_filing_is_not_overwritten) {
    char src[256], out[256], p[256];
    util_sidecar_t side = {".receipt.txt", "delivered: June\n"};
    cr_assert_eq(
        util_write_atomic(at(p, sizeof p, done_dir, "410602.csv.receipt.txt"), "delivered: May\n", 15), 0);
    put("410602.csv", "a,b\n");
    cr_assert_eq(util_file_into(at(src, sizeof src, in_dir, "410602.csv"), done_dir, NULL, &side, 1, reserved,
                                out, sizeof out),
                 0);
    cr_expect_str_eq(out, at(p, sizeof p, done_dir, "410602-1.csv"));
    char *r = slurp(at(p, sizeof p, done_dir, "410602.csv.receipt.txt"));
    cr_expect_str_eq(r, "delivered: May\n");
    free(r);
}

/* A reserved sidecar of the other kind (an errors file where a receipt is written) is
 * never one this filing wrote: the name stays taken. */
Test(util, a_reserved_sidecar_of_another_kind_keeps_the_name_taken) {
    char src[256], out[256], p[256];
    util_sidecar_t side = {".receipt.txt", "delivered\n"};
    cr_assert_eq(util_write_atomic(at(p, sizeof p, done_dir, "410602.csv.errors.txt"), "delivered\n", 10), 0);
    put("410602.csv", "a,b\n");
    cr_assert_eq(util_file_into(at(src, sizeof src, in_dir, "410602.csv"), done_dir, NULL, &side, 1, reserved,
                                out, sizeof out),
                 0);
    cr_expect_str_eq(out, at(p, sizeof p, done_dir, "410602-1.csv"));
}
