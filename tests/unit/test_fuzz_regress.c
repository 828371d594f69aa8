/* test_fuzz_regress.c - replays every kept fuzz input and every seed through the fuzz
 * targets' own code (tests/fuzz/fuzz_targets.c), under the sanitizers of `make test`.
 *
 * tests/fuzz/regress/<target>/ holds the inputs that once crashed a fuzzer (or broke a
 * property it checks); tests/fuzz/corpus/<target>/ the seeds. Every one must run to the
 * end; each envelope seed must decode, and each CSV seed must give reports. A folder that cannot be read
 * fails the test, so an empty run cannot pass for a good one.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../fuzz/fuzz_targets.h"

/* tests/fuzz, found from $YUEBAO_EXAMPLES (the repository's examples/) or the cwd. */
static void fuzz_dir(char *out, size_t size, const char *sub) {
    const char *ex = getenv("YUEBAO_EXAMPLES");
    if (ex && *ex)
        snprintf(out, size, "%s/../tests/fuzz/%s", ex, sub);
    else
        snprintf(out, size, "tests/fuzz/%s", sub);
}

static uint8_t *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    cr_assert_geq(n, 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n, "%s: short read", path);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

typedef int (*target_fn)(const uint8_t *, size_t);

/* The file names under dir (regular files, not hidden), sorted; caller frees. */
static size_t list_files(const char *dir, char ***names) {
    struct dirent **ents = NULL;
    size_t n = 0;
    int k = scandir(dir, &ents, NULL, alphasort);
    cr_assert_geq(k, 0, "%s: %s", dir, strerror(errno));
    *names = calloc((size_t)k + 1, sizeof **names);
    cr_assert_not_null(*names);
    for (int i = 0; i < k; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
        if (ents[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            (*names)[n++] = strdup(ents[i]->d_name);
        free(ents[i]);
    }
    free(ents);
    return n;
}

static void free_names(char **names, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

#define MAX_FILES 4096

/* Runs every file of tests/fuzz/<sub> through fn; results[i] is file i's result.
 * Returns the number of files, their names in *names (free with free_names). */
static size_t replay(const char *sub, target_fn fn, int *results, char ***names) {
    char dir[2048], path[4096];
    size_t n;
    fuzz_dir(dir, sizeof dir, sub);
    cr_assert_eq(fuzz_init(), 0, "the sample master data does not load");
    n = list_files(dir, names);
    if (n > MAX_FILES) {
        free_names(*names, n);
        cr_assert_fail("%s: more than %d files", dir, MAX_FILES);
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t *buf;
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, (*names)[i]);
        buf = read_all(path, &len);
        results[i] = fn(buf, len);
        free(buf);
    }
    return n;
}

TestSuite(fuzz_regress, .fini = fuzz_fini);

Test(fuzz_regress, envelope_seeds_decode) {
    static int decoded[MAX_FILES];
    char **names;
    size_t n = replay("corpus/envelope", fuzz_envelope_one, decoded, &names);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(decoded[i], 1, "seed %s does not decode", names[i]);
    free_names(names, n);
    cr_assert_geq(n, 8, "only %zu envelope seeds", n);
}

Test(fuzz_regress, csv_seeds_parse) {
    /* every seed has rows that parse, even the sample's .bad.csv: its mistakes are for
     * validation, which fuzz_csv_one runs on each report */
    static int reports[MAX_FILES];
    char **names;
    size_t n = replay("corpus/csv", fuzz_csv_one, reports, &names);
    for (size_t i = 0; i < n; i++)
        cr_expect_gt(reports[i], 0, "seed %s gives no report", names[i]);
    free_names(names, n);
    cr_assert_geq(n, 5, "only %zu CSV seeds", n);
}

/* The kept findings: each must run to the end (a crash or a violated property aborts). */
Test(fuzz_regress, envelope_findings_replay) {
    static int results[MAX_FILES];
    char **names;
    size_t n = replay("regress/envelope", fuzz_envelope_one, results, &names);
    free_names(names, n);
}

Test(fuzz_regress, csv_findings_replay) {
    static int results[MAX_FILES];
    char **names;
    size_t n = replay("regress/csv", fuzz_csv_one, results, &names);
    free_names(names, n);
}
