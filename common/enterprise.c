/* enterprise.c - 统一社会信用代码 (GB 32100-2015) and production statuses (see enterprise.h).
 *
 * The check character is computed, never looked up: the charset's order is the
 * standard's (0-9 then the 21 letters it keeps), and the weights are powers of 3 mod 31,
 * written out as the standard prints them so that a reader can compare. The pairs of
 * 登记管理部门码 and 机构类别码 are the standard's table (GB 32100-2015 表 1).
 */
#include "enterprise.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"

static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int uscc_char_value(char c) {
    const char *p;
    if (!c) return -1;
    p = strchr(charset, c);
    return p ? (int)(p - charset) : -1;
}

char uscc_check_char(const char *s17) {
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = uscc_char_value(s17[i]);
        if (v < 0) return '\0';
        sum += v * weights[i];
    }
    return charset[(31 - sum % 31) % 31];
}

/* 登记管理部门码 → the 机构类别码 it has (GB 32100-2015 表 1). */
static const struct {
    char dept;
    const char *kinds;
} departments[] = {
    {'1', "1239"},  /* 机构编制: 机关, 事业单位, 群众团体, 其他 */
    {'2', "19"},    /* 外交 */
    {'3', "123459"}, /* 司法行政: 律师, 公证, 基层法律服务, 司法鉴定, 仲裁 */
    {'4', "19"},    /* 文化 */
    {'5', "1239"},  /* 民政: 社会团体, 民办非企业单位, 基金会 */
    {'6', "129"},   /* 旅游 */
    {'7', "129"},   /* 宗教 */
    {'8', "19"},    /* 工会 */
    {'9', "123"},   /* 工商: 企业, 个体工商户, 农民专业合作社 */
    {'A', "19"},    /* 中央军委改革和编制办公室 */
    {'N', "1239"},  /* 农业: 组级, 村级, 乡镇级集体经济组织 */
    {'Y', "1"},     /* 其他 */
};

static bool department_ok(char dept, char kind) {
    for (size_t i = 0; i < sizeof departments / sizeof *departments; i++)
        if (departments[i].dept == dept) return kind && strchr(departments[i].kinds, kind) != NULL;
    return false;
}

uscc_error_t uscc_check(const char *s) {
    if (strlen(s) != USCC_LEN) return USCC_LENGTH;
    for (int i = 0; i < USCC_LEN; i++)
        if (uscc_char_value(s[i]) < 0) return USCC_CHARSET;
    if (!department_ok(s[0], s[1])) return USCC_DEPARTMENT;
    for (int i = 2; i < 8; i++)
        if (s[i] < '0' || s[i] > '9') return USCC_REGION;
    if (uscc_check_char(s) != s[17]) return USCC_CHECK;
    return USCC_OK;
}

void uscc_explain(const char *shown, const char *code, uscc_error_t e, char *buf, size_t size) {
    switch (e) {
    case USCC_OK:
        snprintf(buf, size, _("统一社会信用代码 %s is valid"), shown);
        break;
    case USCC_LENGTH:
        snprintf(buf, size, _("统一社会信用代码 %s has %zu characters; a code has 18: copy it from the 营业执照"),
                 shown, strlen(code));
        break;
    case USCC_CHARSET:
        snprintf(buf, size,
                 _("统一社会信用代码 %s holds a character a code cannot have; a code is digits and capital "
                   "letters without I, O, S, V and Z"),
                 shown);
        break;
    case USCC_DEPARTMENT:
        snprintf(buf, size,
                 _("统一社会信用代码 %s begins with %.2s, which is no registration department and kind (an "
                   "enterprise's code begins with 91, 92 or 93)"),
                 shown, code);
        break;
    case USCC_REGION:
        snprintf(buf, size,
                 _("统一社会信用代码 %s: characters 3 to 8 are the registering office's region code, six digits"),
                 shown);
        break;
    case USCC_CHECK:
        snprintf(buf, size,
                 _("统一社会信用代码 %s: the check character (the last) should be %c for the first 17; a "
                   "character was mistyped or two were swapped: copy the code from the 营业执照 again"),
                 shown, uscc_check_char(code));
        break;
    }
}

bool uscc_org_code_ok(const char *s) {
    static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0, c;
    char want;
    if (strlen(s) != USCC_LEN) return false;
    for (int i = 0; i < 8; i++) {
        char ch = s[8 + i];
        /* GB 11714: digits as themselves, letters A..Z as 10..35 */
        if (ch >= '0' && ch <= '9') sum += (ch - '0') * w[i];
        else if (ch >= 'A' && ch <= 'Z') sum += (ch - 'A' + 10) * w[i];
        else return false;
    }
    c = 11 - sum % 11;
    want = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
    return s[16] == want;
}

bool uscc_normalize(const char *s, char *out, size_t size) {
    size_t o = 0;
    bool changed = false;
    if (!size) return false;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 1 < size;) {
        unsigned char c = *p;
        /* full-width ０-９ (EF BC 90-99), Ａ-Ｚ (EF BC A1-BA), ａ-ｚ (EF BD 81-9A) */
        if (c == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
            out[o++] = (char)('0' + (p[2] - 0x90));
            p += 3;
            changed = true;
        } else if (c == 0xEF && p[1] == 0xBC && p[2] >= 0xA1 && p[2] <= 0xBA) {
            out[o++] = (char)('A' + (p[2] - 0xA1));
            p += 3;
            changed = true;
        } else if (c == 0xEF && p[1] == 0xBD && p[2] >= 0x81 && p[2] <= 0x9A) {
            out[o++] = (char)('A' + (p[2] - 0x81));
            p += 3;
            changed = true;
        } else if (c == 0xE3 && p[1] == 0x80 && p[2] == 0x80) { /* the ideographic space */
            p += 3;
            changed = true;
        } else if (c == ' ' || c == '-' || c == '\t') {
            p++;
            changed = true;
        } else if (c >= 'a' && c <= 'z') {
            out[o++] = (char)(c - 'a' + 'A');
            p++;
            changed = true;
        } else {
            out[o++] = (char)c;
            p++;
        }
    }
    out[o] = '\0';
    return changed;
}

static const struct {
    const char *code, *label;
} statuses[ENT_STATUS_COUNT] = {
    [ENT_STATUS_NONE] = {"", ""},
    [ENT_NORMAL] = {"normal", "正常生产"},
    [ENT_REDUCED] = {"reduced", "减产"},
    [ENT_STOPPED] = {"stopped", "停产"},
    [ENT_PARTIAL] = {"partial", "半停产"},
    [ENT_RECTIFYING] = {"rectifying", "停产整顿"},
    [ENT_NEW] = {"new", "新投产"},
};

ent_status_t ent_status_of(const char *s) {
    if (!s || !s[0]) return ENT_STATUS_NONE;
    for (int i = 1; i < ENT_STATUS_COUNT; i++)
        if (!strcasecmp(s, statuses[i].code) || !strcmp(s, statuses[i].label)) return (ent_status_t)i;
    return ENT_STATUS_NONE;
}

const char *ent_status_code(ent_status_t st) {
    return st > 0 && st < ENT_STATUS_COUNT ? statuses[st].code : "";
}

const char *ent_status_label(ent_status_t st) {
    return st > 0 && st < ENT_STATUS_COUNT ? statuses[st].label : "";
}

const char *ent_status_list(void) {
    return "正常生产 (normal), 减产 (reduced), 停产 (stopped), 半停产 (partial), 停产整顿 (rectifying), "
           "新投产 (new)";
}

bool ent_status_down(ent_status_t st) {
    return st == ENT_REDUCED || st == ENT_STOPPED || st == ENT_PARTIAL || st == ENT_RECTIFYING;
}
