/* enterprise.h - the rules of a key enterprise's row (重点企业运行): its 统一社会信用代码
 * and its production status.
 *
 * The 统一社会信用代码 (unified social credit code, GB 32100-2015) is 18 characters:
 *   1     登记管理部门代码: 1 机构编制, 5 民政, 9 工商 (market regulation), Y 其他, …
 *   2     机构类别代码, by department (9: 1 企业, 2 个体工商户, 3 农民专业合作社)
 *   3-8   登记管理机关行政区划码 (six digits)
 *   9-17  主体标识码 (组织机构代码, GB 11714: eight characters and a check character)
 *   18    check character over the first 17
 * in the charset 0-9 A-H J-N P-R T U W-Y (no I, O, S, V, Z). The check character is
 * 31 - (Σ value(c_i) × w_i mod 31), 31 written as 0, with weights 3^(i-1) mod 31 —
 * 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28. A code that fails it was mistyped:
 * one changed or two swapped characters always change the sum mod 31.
 *
 * The production status is one of a fixed list, each with a code (the wire's and the
 * store's) and the Chinese label the monthly report system prints; a county may write
 * either.
 */
#ifndef YB_ENTERPRISE_H
#define YB_ENTERPRISE_H

#include <stdbool.h>
#include <stddef.h>

#define USCC_LEN 18

/* What is wrong with a code, worst first. */
typedef enum {
    USCC_OK = 0,
    USCC_LENGTH,     /* not 18 characters */
    USCC_CHARSET,    /* a character outside 0-9A-HJ-NPQRTUWXY (lower case counts as outside) */
    USCC_DEPARTMENT, /* characters 1-2 are no 登记管理部门码 + 机构类别码 pair of GB 32100 */
    USCC_REGION,     /* characters 3-8 are not six digits */
    USCC_CHECK,      /* the check character (18th) does not match the first 17 */
} uscc_error_t;

/* The value of c in the code's charset (0..30), or -1 if c is not in it. */
int uscc_char_value(char c);

/* The check character for the first 17 characters of s (which must be in the charset),
 * or '\0' if one is not. */
char uscc_check_char(const char *s17);

/* Judges s, a NUL-terminated code as given (no folding: see uscc_normalize). */
uscc_error_t uscc_check(const char *s);

/* What is wrong with code (normalized, as uscc_check judged it: e), in words for a desk
 * officer, into buf: "统一社会信用代码 <shown>: …, <what to do>". shown is the code as the
 * message shows it (escaped by the caller). */
void uscc_explain(const char *shown, const char *code, uscc_error_t e, char *buf, size_t size);

/* Whether characters 9-17 of a code that passed uscc_check satisfy GB 11714's own
 * check character (weights 3 7 9 10 5 8 4 2 mod 11; 10 is X, 11 is 0). GB 32100 says
 * they should; codes issued before the organisation code was dropped do, a few later
 * ones may not, so a failure is worth a warning, never a refusal. */
bool uscc_org_code_ok(const char *s);

/* Copies s into out[size] as a desk officer meant it: spaces and hyphens taken out,
 * full-width letters and digits folded, letters upper-cased. Returns true if anything
 * was changed. out is cut (and the result useless) if s is longer than size - 1. */
bool uscc_normalize(const char *s, char *out, size_t size);

/* The production status of a key enterprise. */
typedef enum {
    ENT_STATUS_NONE = 0,
    ENT_NORMAL,     /* normal      正常生产 */
    ENT_REDUCED,    /* reduced     减产 */
    ENT_STOPPED,    /* stopped     停产 */
    ENT_PARTIAL,    /* partial     半停产 */
    ENT_RECTIFYING, /* rectifying  停产整顿 */
    ENT_NEW,        /* new         新投产 */
    ENT_STATUS_COUNT
} ent_status_t;

/* The status written s (its code, case-insensitive, or its Chinese label, exactly),
 * or ENT_STATUS_NONE. */
ent_status_t ent_status_of(const char *s);

/* The code ("stopped") and the label ("停产") of st; "" for ENT_STATUS_NONE. Static. */
const char *ent_status_code(ent_status_t st);
const char *ent_status_label(ent_status_t st);

/* "正常生产 (normal), 减产 (reduced), …": every status, for a message. Static. */
const char *ent_status_list(void);

/* Whether st is a stop or a cut in output (停产, 半停产, 停产整顿, 减产): what `yuebao
 * status` and `watch` list for the central office. */
bool ent_status_down(ent_status_t st);

#endif
