/* report.c - the domain report and its rows (see report.h). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

static void *grow(void *items, size_t *cap, size_t n, size_t size, size_t max) {
    size_t ncap;
    void *p;
    if (n < *cap) return items;
    if (n >= max) return NULL;
    ncap = *cap ? *cap * 2 : 16;
    if (ncap > max) ncap = max;
    p = realloc(items, ncap * size);
    if (p) *cap = ncap;
    return p;
}

/* *dst = *src with a note of its own: 0, or -1 on out of memory. */
static int value_copy(report_value_t *dst, const report_value_t *src) {
    char *note = NULL;
    if (src->note && src->note[0] && !(note = strdup(src->note))) return -1;
    *dst = *src;
    dst->note = note;
    return 0;
}

report_value_t *report_add_value(report_t *r, const report_value_t *v) {
    report_value_t *p = grow(r->values, &r->cap_values, r->n_values, sizeof *p, REPORT_MAX_VALUES);
    if (!p) return NULL;
    r->values = p;
    if (value_copy(&p[r->n_values], v) < 0) return NULL;
    return &p[r->n_values++];
}

int report_value_replace(report_value_t *dst, const report_value_t *src) {
    report_value_t copy;
    if (value_copy(&copy, src) < 0) return -1;
    free(dst->note);
    *dst = copy;
    return 0;
}

report_project_t *report_add_project(report_t *r, const report_project_t *pr) {
    report_project_t *p = grow(r->projects, &r->cap_projects, r->n_projects, sizeof *p, REPORT_MAX_PROJECTS);
    if (!p) return NULL;
    r->projects = p;
    p[r->n_projects] = *pr;
    return &p[r->n_projects++];
}

enterprise_t *report_add_enterprise(report_t *r, const enterprise_t *e) {
    enterprise_t *p = grow(r->enterprises, &r->cap_enterprises, r->n_enterprises, sizeof *p, REPORT_MAX_ENTERPRISES);
    if (!p) return NULL;
    r->enterprises = p;
    p[r->n_enterprises] = *e;
    return &p[r->n_enterprises++];
}

void report_clear_enterprises(report_t *r) {
    free(r->enterprises);
    r->enterprises = NULL;
    r->n_enterprises = r->cap_enterprises = 0;
}

const report_value_t *report_find(const report_t *r, const char *indicator) {
    for (size_t i = 0; i < r->n_values; i++)
        if (strcmp(r->values[i].indicator, indicator) == 0) return &r->values[i];
    return NULL;
}

int report_set_text(char **slot, const char *s) {
    char *copy = NULL;
    if (s && !(copy = strdup(s))) return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

int report_copy(report_t *dst, const report_t *src) {
    memset(dst, 0, sizeof *dst);
    memcpy(dst->zone, src->zone, sizeof dst->zone);
    memcpy(dst->period, src->period, sizeof dst->period);
    memcpy(dst->source, src->source, sizeof dst->source);
    dst->revision = src->revision;
    for (size_t i = 0; i < src->n_values; i++)
        if (!report_add_value(dst, &src->values[i])) goto fail;
    for (size_t i = 0; i < src->n_projects; i++)
        if (!report_add_project(dst, &src->projects[i])) goto fail;
    for (size_t i = 0; i < src->n_enterprises; i++)
        if (!report_add_enterprise(dst, &src->enterprises[i])) goto fail;
    if (report_set_text(&dst->problems, src->problems) < 0 ||
        report_set_text(&dst->next_steps, src->next_steps) < 0)
        goto fail;
    return 0;
fail:
    report_clear(dst);
    return -1;
}

void report_clear(report_t *r) {
    for (size_t i = 0; i < r->n_values; i++)
        free(r->values[i].note);
    free(r->values);
    free(r->projects);
    free(r->enterprises);
    free(r->problems);
    free(r->next_steps);
    memset(r, 0, sizeof *r);
}
