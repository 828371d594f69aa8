/* strset.h - a set of short strings (keys such as "2017-06", "2017 Z01"): added in any
 * order; strset_seal() sorts them and drops repeats, after which strset_has() works.
 * Sorted by strcmp, so fixed-width keys such as periods come out in time order.
 * A {0} strset_t is empty and ready.
 */
#ifndef YB_STRSET_H
#define YB_STRSET_H

#include <stdbool.h>
#include <stddef.h>

#define STRSET_LEN 96
typedef struct {
    char (*items)[STRSET_LEN];
    size_t n, cap;
} strset_t;

/* Adds a copy of v. A string of STRSET_LEN bytes or more is not kept (0: no key that
 * long is ever looked up). 0, or -1 out of memory. */
int strset_add(strset_t *set, const char *v);

/* Sorts the set and drops repeats; call after the last add, before strset_has. */
void strset_seal(strset_t *set);

/* True if v is in the sealed set. */
bool strset_has(const strset_t *set, const char *v);

/* Frees the items and empties the set; safe on an empty set. */
void strset_free(strset_t *set);

#endif
