/* strset.c - a sorted set of short strings (see strset.h). */
#include "strset.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b) {
    return strcmp(a, b);
}

int strset_add(strset_t *set, const char *v) {
    if (strlen(v) >= STRSET_LEN) return 0; /* longer than any code the store accepts */
    if (set->n == set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 64;
        void *p = realloc(set->items, ncap * sizeof *set->items);
        if (!p) return -1;
        set->items = p;
        set->cap = ncap;
    }
    memcpy(set->items[set->n++], v, strlen(v) + 1);
    return 0;
}

void strset_seal(strset_t *set) {
    size_t j = 0;
    if (set->n > 1) qsort(set->items, set->n, sizeof *set->items, cmp_str);
    for (size_t i = 0; i < set->n; i++)
        if (j == 0 || strcmp(set->items[j - 1], set->items[i]) != 0)
            memmove(set->items[j++], set->items[i], STRSET_LEN);
    set->n = j;
}

bool strset_has(const strset_t *set, const char *v) {
    return set->n && bsearch(v, set->items, set->n, sizeof *set->items, cmp_str) != NULL;
}

void strset_free(strset_t *set) {
    free(set->items);
    memset(set, 0, sizeof *set);
}
