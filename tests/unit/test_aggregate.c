/* test_aggregate.c - live totals: sums, aggregate growth, ratio ranges.
 *
 * Every figure is worked out by hand. The aggregate growth of zones is
 * Σamount / Σ(amount / (1 + g/100)) − 1, each zone's base recovered from its own growth:
 *   A: 110 at +10%  → base 110/1.1 = 100
 *   B: 240 at +20%  → base 240/1.2 = 200
 *   total 350 over a base of 300 → +16.667%, not the mean of the rates (+15%).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "aggregate.h"

#define EPS 1e-9

static aggregate_t a;

static void setup(void) {
    memset(&a, 0, sizeof a);
}

TestSuite(aggregate, .init = setup);

static double growth(void) {
    double g = NAN;
    cr_assert(aggregate_growth(&a, &g), "a growth was expected");
    return g;
}

Test(aggregate, growth_weighs_zones_by_their_base) {
    aggregate_add(&a, 110, true, 10);
    aggregate_add(&a, 240, true, 20);
    cr_assert_eq(a.n, 2);
    cr_assert_float_eq(a.sum, 350, EPS);
    cr_assert_float_eq(growth(), 100.0 * 350.0 / 300.0 - 100.0, EPS); /* 16.6667 */
    cr_assert_float_eq(growth(), 16.666666666666667, 1e-9);
    cr_assert(fabs(growth() - 15.0) > 1.0, "not the mean of the growth rates");
}

Test(aggregate, a_fall_and_a_rise_can_cancel) {
    aggregate_add(&a, 110, true, 10); /* base 100 */
    aggregate_add(&a, 90, true, -10); /* base 100 */
    cr_assert_float_eq(a.sum, 200, EPS);
    cr_assert_float_eq(growth(), 0.0, EPS);
}

Test(aggregate, zone_without_growth_counts_in_the_sum_only) {
    aggregate_add(&a, 110, true, 10);
    aggregate_add(&a, 240, true, 20);
    aggregate_add(&a, 50, false, 0);
    cr_assert_eq(a.n, 3);
    cr_assert_eq(a.n_growth, 2);
    cr_assert_float_eq(a.sum, 400, EPS);
    cr_assert_float_eq(growth(), 16.666666666666667, 1e-9);
}

Test(aggregate, impossible_growth_is_ignored_for_the_growth) {
    aggregate_add(&a, 110, true, 10);
    aggregate_add(&a, 30, true, -100); /* -100% would mean a base of infinity */
    aggregate_add(&a, 20, true, NAN);
    cr_assert_eq(a.n, 3);
    cr_assert_eq(a.n_growth, 1);
    cr_assert_float_eq(a.sum, 160, EPS);
    cr_assert_float_eq(growth(), 10.0, EPS);
}

Test(aggregate, no_growth_without_growth_figures) {
    double g = 123;
    cr_assert_not(aggregate_growth(&a, &g), "empty");
    aggregate_add(&a, 50, false, 0);
    cr_assert_not(aggregate_growth(&a, &g), "only a zone without growth");
    cr_assert_float_eq(a.sum, 50, EPS);
}

Test(aggregate, no_growth_on_a_zero_base) {
    double g = 123;
    aggregate_add(&a, 0, true, 5); /* a zone that reported nothing yet this year */
    cr_assert_not(aggregate_growth(&a, &g));
    aggregate_add(&a, 110, true, 10);
    cr_assert_float_eq(growth(), 10.0, EPS);
}

Test(aggregate, remove_restores_the_previous_growth) {
    aggregate_add(&a, 110, true, 10);
    aggregate_add(&a, 240, true, 20);
    aggregate_add(&a, 50, false, 0);
    aggregate_remove(&a, 240, true, 20);
    cr_assert_eq(a.n, 2);
    cr_assert_eq(a.n_growth, 1);
    cr_assert_float_eq(a.sum, 160, EPS);
    cr_assert_float_eq(growth(), 10.0, 1e-9);
    aggregate_remove(&a, 50, false, 0);
    cr_assert_eq(a.n, 1);
    cr_assert_eq(a.n_growth, 1);
    cr_assert_float_eq(a.sum, 110, EPS);
    cr_assert_float_eq(growth(), 10.0, 1e-9);
}

Test(aggregate, a_revision_replaces_its_predecessors_contribution) {
    aggregate_add(&a, 110, true, 10);
    aggregate_add(&a, 240, true, 20);
    /* A corrects its report: 132 at +20% (base 110) */
    aggregate_remove(&a, 110, true, 10);
    aggregate_add(&a, 132, true, 20);
    cr_assert_eq(a.n, 2);
    cr_assert_eq(a.n_growth, 2);
    cr_assert_float_eq(a.sum, 372, EPS);
    cr_assert_float_eq(growth(), 20.0, 1e-9); /* 372 / 310 = 1.2 */
}

Test(aggregate, removing_everything_leaves_no_growth) {
    double g;
    aggregate_add(&a, 110, true, 10);
    aggregate_remove(&a, 110, true, 10);
    cr_assert_eq(a.n, 0);
    cr_assert_eq(a.n_growth, 0);
    cr_assert_not(aggregate_growth(&a, &g));
    cr_assert_float_eq(aggregate_mean(&a), 0, EPS);
    aggregate_remove(&a, 110, true, 10); /* nothing left to remove: no underflow */
    cr_assert_eq(a.n, 0);
    cr_assert_eq(a.n_growth, 0);
}

Test(aggregate, ratios_mean_min_max) {
    cr_assert_float_eq(aggregate_mean(&a), 0, EPS);
    aggregate_add(&a, 3.01, false, 0);
    aggregate_add(&a, 1.28, false, 0);
    aggregate_add(&a, 2.5, false, 0);
    cr_assert_eq(a.n, 3);
    cr_assert_float_eq(aggregate_mean(&a), 6.79 / 3, 1e-12); /* 2.26333… */
    cr_assert_float_eq(a.min, 1.28, EPS);
    cr_assert_float_eq(a.max, 3.01, EPS);
}

Test(aggregate, min_max_of_one_value_and_of_negatives) {
    aggregate_add(&a, -6.2, false, 0);
    cr_assert_float_eq(a.min, -6.2, EPS);
    cr_assert_float_eq(a.max, -6.2, EPS);
    aggregate_add(&a, -1.5, false, 0);
    cr_assert_float_eq(a.min, -6.2, EPS);
    cr_assert_float_eq(a.max, -1.5, EPS);
    cr_assert_float_eq(aggregate_mean(&a), -3.85, 1e-12);
}
