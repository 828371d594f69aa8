/* report.h - one zone's monthly report: one zone × one period × one revision.
 *
 * The domain form of a report, independent of CSV and of the wire: the collector
 * builds it from CSV rows, the codec maps it to and from protobuf, validation and the
 * store read it.
 */
#ifndef YB_REPORT_H
#define YB_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "master.h"
#include "period.h"

#define REPORT_MAX_VALUES 256
#define REPORT_MAX_PROJECTS 256
#define REPORT_MAX_ENTERPRISES 512 /* a county's 重点企业 per zone: tens, at most a few hundred */
#define REPORT_MAX_TEXT 16384 /* bytes of 存在问题 or 下一步措施 */
#define REPORT_MAX_NOTE 512   /* bytes of a value's 说明, its terminating NUL included */

typedef struct {
    char indicator[48];
    double amount;
    bool has_growth;
    double growth_pct;
    unsigned line; /* source line, 0 if unknown */
    char *note;    /* the reporter's 说明 for this figure (it confirms a jump the soft checks
                    * would refuse), at most REPORT_MAX_NOTE bytes with its NUL; NULL if none,
                    * never "". Owned by the report the value is in: few figures carry one,
                    * so a value does not carry its room inline */
} report_value_t;

typedef struct {
    char code[64];
    char name[256];
    bool has_total;
    double total_investment;
    bool has_ytd;
    double ytd_investment;
    char status[64];
    unsigned line;
} report_project_t;

/* One key enterprise's month (重点企业运行). Amounts are year-to-date, in 万元. */
typedef struct {
    char code[24];      /* 统一社会信用代码: 18 characters once valid (enterprise.h); room for a
                         * wrong one, which validation names */
    char name[256];     /* 企业名称 */
    char industry[128]; /* 行业, as the county writes it (e.g. 汽车零部件制造) */
    bool has_output;
    double output_value; /* 工业总产值, YTD */
    bool has_output_growth;
    double output_growth_pct;
    bool has_revenue;
    double revenue; /* 营业收入, YTD */
    bool has_revenue_growth;
    double revenue_growth_pct;
    char status[32];  /* the status code (enterprise.h: "stopped"); a county's label is
                       * turned into it on input */
    char remark[512]; /* 备注: why stopped, what changed */
    unsigned line;    /* source line (a workbook's row), 0 if unknown */
} enterprise_t;

typedef struct {
    char zone[ZONE_CODE_SIZE];
    char period[PERIOD_STRLEN]; /* "YYYY-MM" once parsed; as received otherwise */
    uint32_t revision;
    report_value_t *values;
    size_t n_values, cap_values;
    report_project_t *projects;
    size_t n_projects, cap_projects;
    enterprise_t *enterprises; /* 重点企业运行, in the order given */
    size_t n_enterprises, cap_enterprises;
    char *problems;   /* NULL if none */
    char *next_steps; /* NULL if none */
    char source[128]; /* source file name, informational */
} report_t;

/* Appends a copy of v (its note copied too: v's own note stays the caller's; an empty
 * note becomes NULL). Returns a pointer to it, or NULL when out of memory or
 * REPORT_MAX_VALUES is reached. */
report_value_t *report_add_value(report_t *r, const report_value_t *v);

/* Replaces *dst, a value of a report, with a copy of src as report_add_value copies.
 * 0, or -1 on out of memory (dst unchanged). */
int report_value_replace(report_value_t *dst, const report_value_t *src);

/* Appends a project row (copied); NULL on out of memory or REPORT_MAX_PROJECTS. */
report_project_t *report_add_project(report_t *r, const report_project_t *p);

/* Appends an enterprise row (copied); NULL on out of memory or REPORT_MAX_ENTERPRISES. */
enterprise_t *report_add_enterprise(report_t *r, const enterprise_t *e);

/* Drops r's enterprise rows (a file that carries them replaces them as a whole). */
void report_clear_enterprises(report_t *r);

/* The value for that indicator code, or NULL. */
const report_value_t *report_find(const report_t *r, const char *indicator);

/* Replaces problems / next_steps with a copy of s (NULL clears). 0, or -1 on OOM. */
int report_set_text(char **slot, const char *s);

/* Deep copy of src into dst (dst uninitialised). 0, or -1 on out of memory. */
int report_copy(report_t *dst, const report_t *src);

/* Frees what r owns and zeroes it; r itself is not freed. */
void report_clear(report_t *r);

#endif
