/* xlsx.c - an Excel workbook (.xlsx) into a table_t, over libzip and expat (see xlsx.h).
 *
 * An .xlsx file is a ZIP of XML parts tied together by relationship parts: _rels/.rels
 * names the workbook (xl/workbook.xml as a rule), the workbook lists its sheets in order
 * with a relationship id each, and the workbook's own .rels maps those ids to the sheet
 * parts and names the shared strings and the styles. Nothing ties a sheet's position to
 * its file name (sheet3.xml may be the first sheet), so only the relationships are
 * believed; part names are compared without case, as the packaging spec says.
 *
 * Every part is streamed: read from libzip in 64 KiB chunks into expat, whose callbacks
 * keep only what the table needs. Shared strings are kept in one arena (one allocation
 * however many there are); a sheet's cells are collected a row at a time and the row is
 * added to the table when it ends. Element names are matched by their local name, so a
 * prefixed namespace (<x:row>, written by some .NET tools) reads the same; extension
 * subtrees (<extLst>, <mc:AlternateContent>) are skipped whole.
 *
 * The limits are checked twice: against the sizes the ZIP directory declares before a
 * byte is unpacked (so a bomb is refused at once), and against the bytes really read
 * (so a directory that lies gains nothing). Merged ranges come after the cells in a sheet
 * part, so they are applied to the finished sheet; the work that takes is bounded too,
 * as overlapping ranges could otherwise cost rows x ranges.
 */
#include "xlsx.h"

#include <errno.h>
#include <expat.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "i18n.h"

/* --- what a person reads: every message in one place, translated where it is used ----- */
#define MSG_OPEN _("%s: cannot open: %s")
#define MSG_EMPTY _("the file is empty; save the workbook in Excel as .xlsx (Excel 工作簿) and drop it again")
#define MSG_OLE2                                                                                             \
    _("this is an Excel 97-2003 .xls workbook (or a password-protected one); save it as .xlsx (Excel "       \
      "工作簿) without a password and drop it again")
#define MSG_NOT_ZIP                                                                                          \
    _("not an Excel workbook (.xlsx): the file is not a ZIP container (a CSV file must be named .csv)")
#define MSG_ZIP_BAD _("not a readable Excel workbook (.xlsx): %s")
#define MSG_ZIP_CUT                                                                                          \
    _("a damaged or incomplete ZIP (was the copy cut short?); copy the workbook again, or save it again in " \
      "Excel")
#define MSG_ODS                                                                                              \
    _("this is an OpenDocument spreadsheet (.ods); save it as .xlsx (Excel 工作簿) and drop it again")
#define MSG_XLSB                                                                                             \
    _("this is an Excel binary workbook (.xlsb); save it as .xlsx (Excel 工作簿) and drop it again")
#define MSG_NO_WORKBOOK _("not an Excel workbook (.xlsx): the ZIP has no workbook part (%s)")
#define MSG_NOT_WORKBOOK                                                                                     \
    _("%s: the main part is <%s>, not a workbook (a Word or PowerPoint file renamed .xlsx?)")
#define MSG_PART_MISSING _("%s: part missing (%s names it)")
#define MSG_NO_REL _("%s: sheet \"%s\" has no relationship \"%s\" in %s")
#define MSG_PART_BIG _("%s: more than %zu MiB uncompressed; refused (a damaged file or a ZIP bomb)")
#define MSG_TOTAL_BIG                                                                                        \
    _("the parts to read unpack to more than %zu MiB; refused (a damaged file or a ZIP bomb)")
#define MSG_ENCRYPTED                                                                                        \
    _("%s: encrypted inside the ZIP; save the workbook without a password and drop it again")
#define MSG_ZIP_READ _("%s: cannot unpack: %s")
#define MSG_XML _("%s: line %lu: %s")
#define MSG_DTD _("a document type declaration (DTD), which no workbook part has")
#define MSG_NOMEM _("out of memory")
#define MSG_ROW_NUMBER _("row number \"%s\" is not 1 to 1048576")
#define MSG_ROW_ORDER _("row %u comes after row %u (rows must be in order)")
#define MSG_CELL_REF _("cell reference \"%s\" is not a cell of a sheet (A1 to XFD1048576)")
#define MSG_CELL_ROW _("%s!%s: cell of row %u inside row %u")
#define MSG_CELL_ORDER _("%s!%s: cell out of order in its row")
#define MSG_CELL_PAST _("%s: a cell past column XFD (16384)")
#define MSG_SST_INDEX _("%s!%s: shared string %s does not exist (the workbook has %zu)")
#define MSG_NUMBER _("%s!%s: \"%s\" is not a number")
#define MSG_BOOL _("%s!%s: \"%s\" is not a boolean (0 or 1)")
#define MSG_CELL_TYPE _("%s!%s: unknown cell type \"%s\"")
#define MSG_MERGE_REF _("merged range \"%s\" is not a range of cells")
#define MSG_MERGE_WORK _("%s: too many or overlapping merged ranges")
#define MSG_CELLS _("the workbook holds more than %zu cells; refused")
#define MSG_TEXT _("the workbook's text is more than %zu MiB; refused")
#define MSG_SHEETS _("more than %u sheets; refused")
#define MSG_SST_MANY _("more than %u shared strings; refused")
#define MSG_XFS _("more than %u cell formats (Excel's own limit); refused")
#define MSG_NUMFMTS _("more than %u custom number formats; refused")

#define CHUNK 65536
#define MERGE_MAX_WORK ((size_t)1 << 26)

/* --- small growing buffers ---------------------------------------------------------- */
typedef struct {
    char *p;
    size_t n, cap; /* p[n] is always '\0' once anything was added */
} buf_t;

static int buf_add(buf_t *b, const char *s, size_t len) {
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + len + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
    return 0;
}

/* Makes room for one more item in *items (n used, *cap allocated); 0 or -1. */
static int vec_room(void **items, size_t n, size_t *cap, size_t size) {
    if (n < *cap) return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap > SIZE_MAX / size) return -1;
    void *p = realloc(*items, ncap * size);
    if (!p) return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

/* --- the workbook being read -------------------------------------------------------- */
typedef struct {
    char *id, *type, *target; /* target resolved to a part name */
} rel_t;

typedef struct {
    char *name, *rid;
    int state;
} wsheet_t;

typedef struct {
    zip_t *za;
    locale_t c_locale; /* numbers are read with '.' whatever the process locale */
    size_t read_total; /* uncompressed bytes read so far, over every part */
    size_t n_cells;    /* cells kept in the table so far */
    size_t text_bytes; /* bytes of cell text kept so far */
    bool failed;
    char msg[512];
    /* from the parts */
    bool date1904;
    buf_t sst;       /* the shared strings, each NUL-terminated */
    size_t *sst_off; /* offset of each in sst.p */
    size_t n_sst, cap_sst;
    unsigned char *xf_kind; /* per cell format (the s attribute): FMT_DATE, FMT_PERCENT or 0 */
    size_t n_xf;
    table_t *out;
} book_t;

static void fail(book_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(book_t *b, const char *fmt, ...) {
    va_list ap;
    if (b->failed) return;
    b->failed = true;
    va_start(ap, fmt);
    vsnprintf(b->msg, sizeof b->msg, fmt, ap);
    va_end(ap);
}

/* --- streaming one part through expat ----------------------------------------------- */
typedef struct xml xml_t;
struct xml {
    book_t *b;
    XML_Parser p;
    const char *part;
    unsigned skip;  /* depth inside a skipped extension subtree */
    char root[32];  /* local name of the document element */
    buf_t *collect; /* character data goes here while set */
    void (*start)(xml_t *x, const char *name, const char **atts);
    void (*end)(xml_t *x, const char *name);
};

static void xfail(xml_t *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xfail(xml_t *x, const char *fmt, ...) {
    char what[384];
    va_list ap;
    if (x->b->failed) return;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    fail(x->b, MSG_XML, x->part, (unsigned long)XML_GetCurrentLineNumber(x->p), what);
    XML_StopParser(x->p, XML_FALSE);
}

/* The local part of an expat namespace name "uri|local". */
static const char *local(const char *name) {
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

/* The value of the attribute without a namespace named name, or NULL. */
static const char *attr(const char **atts, const char *name) {
    for (; atts[0]; atts += 2)
        if (!strchr(atts[0], '|') && strcmp(atts[0], name) == 0) return atts[1];
    return NULL;
}

/* The value of a namespaced attribute whose local name is name (r:id), or NULL. */
static const char *attr_ns(const char **atts, const char *name) {
    for (; atts[0]; atts += 2)
        if (strchr(atts[0], '|') && strcmp(local(atts[0]), name) == 0) return atts[1];
    return NULL;
}

static bool attr_true(const char **atts, const char *name) {
    const char *v = attr(atts, name);
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    xml_t *x = ud;
    const char *l = local(name);
    if (!x->root[0]) snprintf(x->root, sizeof x->root, "%s", l);
    if (x->skip || strcmp(l, "extLst") == 0 || strcmp(l, "AlternateContent") == 0) {
        x->skip++;
        return;
    }
    if (x->start) x->start(x, l, atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
    xml_t *x = ud;
    if (x->skip) {
        x->skip--;
        return;
    }
    if (x->end) x->end(x, local(name));
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
    xml_t *x = ud;
    if (x->collect && !x->skip && buf_add(x->collect, s, (size_t)len) < 0) xfail(x, MSG_NOMEM);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal) {
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    xfail(ud, MSG_DTD);
}

/* The index of part name in the ZIP, or -1 if it has none. */
static zip_int64_t part_find(book_t *b, const char *name) {
    return zip_name_locate(b->za, name, ZIP_FL_NOCASE);
}

/* The uncompressed size the ZIP directory declares for part name; 0 if absent. */
static size_t part_size(book_t *b, const char *name) {
    zip_stat_t st;
    zip_int64_t i = part_find(b, name);
    if (i < 0 || zip_stat_index(b->za, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) return 0;
    return st.size > SIZE_MAX ? SIZE_MAX : (size_t)st.size;
}

/* Streams part name through expat into x's handlers. 0 done, 1 the ZIP has no such
 * part, -1 failed (the message in b). */
static int part_parse(book_t *b, const char *name, xml_t *x) {
    zip_stat_t st;
    zip_int64_t i = part_find(b, name);
    zip_file_t *zf;
    size_t n_part = 0;
    int rc = 0;
    if (i < 0) return 1;
    if (zip_stat_index(b->za, (zip_uint64_t)i, 0, &st) == 0) {
        if ((st.valid & ZIP_STAT_SIZE) && st.size > XLSX_MAX_PART_BYTES) {
            fail(b, MSG_PART_BIG, name, XLSX_MAX_PART_BYTES >> 20);
            return -1;
        }
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
            fail(b, MSG_ENCRYPTED, name);
            return -1;
        }
    }
    if (!(zf = zip_fopen_index(b->za, (zip_uint64_t)i, 0))) {
        fail(b, MSG_ZIP_READ, name, zip_strerror(b->za));
        return -1;
    }
    x->b = b;
    x->part = name;
    if (!(x->p = XML_ParserCreateNS(NULL, '|'))) {
        zip_fclose(zf);
        fail(b, MSG_NOMEM);
        return -1;
    }
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_text);
    XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
    for (;;) {
        void *chunk = XML_GetBuffer(x->p, CHUNK);
        zip_int64_t n;
        if (!chunk) {
            fail(b, MSG_NOMEM);
            rc = -1;
            break;
        }
        if ((n = zip_fread(zf, chunk, CHUNK)) < 0) {
            fail(b, MSG_ZIP_READ, name, zip_file_strerror(zf));
            rc = -1;
            break;
        }
        n_part += (size_t)n;
        b->read_total += (size_t)n;
        if (n_part > XLSX_MAX_PART_BYTES) {
            fail(b, MSG_PART_BIG, name, XLSX_MAX_PART_BYTES >> 20);
            rc = -1;
            break;
        }
        if (b->read_total > XLSX_MAX_TOTAL_BYTES) {
            fail(b, MSG_TOTAL_BIG, XLSX_MAX_TOTAL_BYTES >> 20);
            rc = -1;
            break;
        }
        if (XML_ParseBuffer(x->p, (int)n, n == 0) != XML_STATUS_OK) {
            if (!b->failed)
                fail(b, MSG_XML, name, (unsigned long)XML_GetCurrentLineNumber(x->p),
                     XML_ErrorString(XML_GetErrorCode(x->p)));
            rc = -1;
            break;
        }
        if (b->failed) { /* a handler failed without stopping the parser */
            rc = -1;
            break;
        }
        if (n == 0) break;
    }
    XML_ParserFree(x->p);
    x->p = NULL;
    zip_fclose(zf);
    return rc;
}

/* --- part names and relationships --------------------------------------------------- */

/* The part a relationship target names, seen from part `from` ("" for the package
 * root): "worksheets/sheet1.xml" from "xl/workbook.xml" is "xl/worksheets/sheet1.xml",
 * "/xl/a.xml" is "xl/a.xml", ".." climbs. NULL out of memory. */
static char *part_resolve(const char *from, const char *target) {
    const char *slash = strrchr(from, '/');
    size_t dir = *target == '/' ? 0 : slash ? (size_t)(slash - from) + 1 : 0;
    size_t len = dir + strlen(target) + 1, n = 0;
    char *path = malloc(len), *out = malloc(len);
    if (!path || !out) {
        free(path);
        free(out);
        return NULL;
    }
    snprintf(path, len, "%.*s%s", (int)dir, from, target);
    for (char *seg = path, *next; seg; seg = next) {
        next = strchr(seg, '/');
        if (next) *next++ = '\0';
        if (*seg == '\0' || strcmp(seg, ".") == 0) continue;
        if (strcmp(seg, "..") == 0) { /* drop the last segment written */
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0) n--;
            continue;
        }
        if (n > 0) out[n++] = '/';
        size_t sl = strlen(seg);
        memcpy(out + n, seg, sl);
        n += sl;
    }
    out[n] = '\0';
    free(path);
    return out;
}

/* The relationships part of part name: "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels". */
static void rels_name(const char *name, char *out, size_t size) {
    const char *slash = strrchr(name, '/');
    if (slash)
        snprintf(out, size, "%.*s_rels/%s.rels", (int)(slash - name + 1), name, slash + 1);
    else
        snprintf(out, size, "_rels/%s.rels", name);
}

typedef struct {
    xml_t x;
    const char *from; /* the part whose relationships these are */
    rel_t *items;
    size_t n, cap;
    const rel_t **by_id; /* items sorted by id (then file order), for rels_by_id() */
} rels_t;

static void rels_start(xml_t *x, const char *name, const char **atts) {
    rels_t *r = (rels_t *)x;
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
    const char *mode = attr(atts, "TargetMode");
    if (strcmp(name, "Relationship") != 0 || !id || !type || !target) return;
    if (mode && strcmp(mode, "External") == 0) return;
    if (vec_room((void **)&r->items, r->n, &r->cap, sizeof *r->items) < 0) {
        xfail(x, MSG_NOMEM);
        return;
    }
    rel_t *rel = &r->items[r->n];
    rel->id = strdup(id);
    rel->type = strdup(type);
    rel->target = part_resolve(r->from, target);
    r->n++;
    if (!rel->id || !rel->type || !rel->target) xfail(x, MSG_NOMEM);
}

static void rels_free(rels_t *r) {
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].id);
        free(r->items[i].type);
        free(r->items[i].target);
    }
    free(r->items);
    free(r->by_id);
}

static int rel_cmp(const void *a, const void *b) {
    const rel_t *x = *(const rel_t *const *)a, *y = *(const rel_t *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x > y) - (x < y);
}

/* Sorts r's items by id into r->by_id, so that finding the relationship of each of many
 * sheets is not a search of every relationship for every sheet; 0 or -1 out of memory. */
static int rels_index(rels_t *r) {
    if (!r->n) return 0;
    if (!(r->by_id = malloc(r->n * sizeof *r->by_id))) return -1;
    for (size_t i = 0; i < r->n; i++)
        r->by_id[i] = &r->items[i];
    qsort(r->by_id, r->n, sizeof *r->by_id, rel_cmp);
    return 0;
}

/* Reads the relationships of part `from` (their part's name into name); 0 read, 1 there
 * are none, -1 failed. */
static int rels_read(book_t *b, const char *from, char *name, size_t size, rels_t *r) {
    memset(r, 0, sizeof *r);
    r->from = from;
    r->x.start = rels_start;
    rels_name(from, name, size);
    return part_parse(b, name, &r->x);
}

/* The target of the first relationship whose type ends in "/kind", or NULL. Type URIs
 * differ between transitional and strict OOXML; their last segment does not. */
static const rel_t *rels_by_type(const rels_t *r, const char *kind) {
    size_t kl = strlen(kind);
    for (size_t i = 0; i < r->n; i++) {
        size_t tl = strlen(r->items[i].type);
        if (tl > kl && r->items[i].type[tl - kl - 1] == '/' && strcmp(r->items[i].type + tl - kl, kind) == 0)
            return &r->items[i];
    }
    return NULL;
}

/* The first relationship (in file order) with this id, or NULL; needs rels_index(). */
static const rel_t *rels_by_id(const rels_t *r, const char *id) {
    size_t n = r->by_id ? r->n : 0, lo = 0, hi = n; /* find the first by_id[lo] >= id */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->by_id[mid]->id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(r->by_id[lo]->id, id) == 0 ? r->by_id[lo] : NULL;
}

/* --- workbook.xml: sheet names, order, state; the date system ----------------------- */
typedef struct {
    xml_t x;
    wsheet_t *items;
    size_t n, cap;
    bool date1904;
} workbook_t;

static void workbook_start(xml_t *x, const char *name, const char **atts) {
    workbook_t *w = (workbook_t *)x;
    if (strcmp(name, "workbookPr") == 0) {
        w->date1904 = attr_true(atts, "date1904");
        return;
    }
    if (strcmp(name, "sheet") != 0) return;
    if (w->n >= XLSX_MAX_SHEETS) {
        xfail(x, MSG_SHEETS, XLSX_MAX_SHEETS);
        return;
    }
    const char *sname = attr(atts, "name"), *rid = attr_ns(atts, "id"), *state = attr(atts, "state");
    if (vec_room((void **)&w->items, w->n, &w->cap, sizeof *w->items) < 0) {
        xfail(x, MSG_NOMEM);
        return;
    }
    wsheet_t *s = &w->items[w->n++];
    s->name = strdup(sname ? sname : "");
    s->rid = strdup(rid ? rid : "");
    s->state = !state ? 0 : strcmp(state, "veryHidden") == 0 ? 2 : strcmp(state, "hidden") == 0 ? 1 : 0;
    if (!s->name || !s->rid) xfail(x, MSG_NOMEM);
}

static void workbook_free(workbook_t *w) {
    for (size_t i = 0; i < w->n; i++) {
        free(w->items[i].name);
        free(w->items[i].rid);
    }
    free(w->items);
}

/* --- strings ------------------------------------------------------------------------ */

static int hex4(const char *s) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t utf8_put(char *out, unsigned cp) {
    if (cp < 0x80) return out[0] = (char)cp, 1;
    if (cp < 0x800) return out[0] = (char)(0xC0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3F)), 2;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12), out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18), out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F)), out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes Excel's escapes in place: "_xHHHH_" is the character U+HHHH (how a workbook
 * holds a control character such as the CR of "_x000D_", or a literal "_x" as
 * "_x005F_x"); a surrogate pair of escapes is one character. NUL and a lone surrogate
 * are left as written. Never lengthens the text. */
static void unescape(buf_t *t) {
    size_t r = 0, w = 0;
    while (r < t->n) {
        int cp;
        if (t->p[r] == '_' && r + 7 <= t->n && t->p[r + 1] == 'x' && t->p[r + 6] == '_' &&
            (cp = hex4(t->p + r + 2)) > 0) {
            size_t used = 7;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                int lo;
                if (r + 14 <= t->n && t->p[r + 7] == '_' && t->p[r + 8] == 'x' && t->p[r + 13] == '_' &&
                    (lo = hex4(t->p + r + 9)) >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    used = 14;
                } else
                    cp = -1;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF)
                cp = -1;
            if (cp > 0) {
                w += utf8_put(t->p + w, (unsigned)cp);
                r += used;
                continue;
            }
        }
        t->p[w++] = t->p[r++];
    }
    t->n = w;
    if (t->p) t->p[w] = '\0';
}

typedef struct {
    xml_t x;
    buf_t cur;
    bool in_si;
    unsigned in_rph; /* inside a phonetic run, whose text is not the cell's */
} sst_t;

static void sst_start(xml_t *x, const char *name, const char **atts) {
    sst_t *s = (sst_t *)x;
    (void)atts;
    if (strcmp(name, "si") == 0) {
        s->in_si = true;
        s->cur.n = 0;
        if (s->cur.p) s->cur.p[0] = '\0';
    } else if (strcmp(name, "rPh") == 0)
        s->in_rph++;
    else if (strcmp(name, "t") == 0 && s->in_si && !s->in_rph)
        x->collect = &s->cur;
}

static void sst_end(xml_t *x, const char *name) {
    sst_t *s = (sst_t *)x;
    book_t *b = x->b;
    if (strcmp(name, "t") == 0)
        x->collect = NULL;
    else if (strcmp(name, "rPh") == 0 && s->in_rph)
        s->in_rph--;
    else if (strcmp(name, "si") == 0 && s->in_si) {
        s->in_si = false;
        unescape(&s->cur);
        if (b->n_sst >= XLSX_MAX_SHARED_STRINGS) {
            xfail(x, MSG_SST_MANY, XLSX_MAX_SHARED_STRINGS);
            return;
        }
        if (vec_room((void **)&b->sst_off, b->n_sst, &b->cap_sst, sizeof *b->sst_off) < 0 ||
            buf_add(&b->sst, s->cur.p ? s->cur.p : "", s->cur.n + 1) < 0) {
            xfail(x, MSG_NOMEM);
            return;
        }
        b->sst_off[b->n_sst++] = b->sst.n - s->cur.n - 1;
    }
}

/* --- styles.xml: which cell formats are dates, which percentages --------------------- */

enum { FMT_DATE = 1, FMT_PERCENT = 2 };

/* Excel's built-in date and time formats: 14-22 and 45-47 everywhere, 27-36 and 50-58 in
 * the Chinese, Japanese and Korean locales (yyyy"年"m"月"d"日" and the like). */
static bool builtin_date(unsigned id) {
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

/* True if a number format code has one of chars outside quoted text, [brackets]
 * (colours, locales, elapsed [h]), and escaped or spacing characters: what the code
 * shows rather than what it quotes. */
static bool code_has(const char *code, const char *chars) {
    for (const char *p = code; *p; p++) {
        switch (*p) {
        case '"':
            while (p[1] && p[1] != '"')
                p++;
            if (p[1]) p++;
            break;
        case '[':
            while (p[1] && p[1] != ']')
                p++;
            if (p[1]) p++;
            break;
        case '\\':
        case '_':
        case '*':
            if (p[1]) p++;
            break;
        default:
            if (strchr(chars, *p)) return true;
        }
    }
    return false;
}

/* The kind of number format code: a date or time (it shows y, m, d or h), else a
 * percentage (a % that shows the value times 100; a quoted "%" or an escaped \% is
 * only shown). */
static unsigned char code_kind(const char *code) {
    return code_has(code, "yYmMdDhH") ? FMT_DATE : code_has(code, "%") ? FMT_PERCENT : 0;
}

/* Excel's built-in formats by id: the dates, and 9 (0%) and 10 (0.00%). */
static unsigned char builtin_kind(unsigned id) {
    return builtin_date(id) ? FMT_DATE : id == 9 || id == 10 ? FMT_PERCENT : 0;
}

typedef struct {
    xml_t x;
    bool in_numfmts, in_cellxfs;
    struct {
        unsigned id;
        unsigned char kind; /* FMT_DATE, FMT_PERCENT or 0 */
    } * fmts;
    size_t n_fmts, cap_fmts;
    unsigned *xf; /* numFmtId of each cell format */
    size_t n_xf, cap_xf;
} styles_t;

static unsigned uattr(const char **atts, const char *name) {
    const char *v = attr(atts, name);
    unsigned long n = v ? strtoul(v, NULL, 10) : 0;
    return n > UINT32_MAX ? 0 : (unsigned)n;
}

static void styles_start(xml_t *x, const char *name, const char **atts) {
    styles_t *s = (styles_t *)x;
    if (strcmp(name, "numFmts") == 0)
        s->in_numfmts = true;
    else if (strcmp(name, "cellXfs") == 0)
        s->in_cellxfs = true;
    else if (strcmp(name, "numFmt") == 0 && s->in_numfmts) {
        const char *code = attr(atts, "formatCode");
        if (s->n_fmts >= XLSX_MAX_NUMBER_FORMATS) {
            xfail(x, MSG_NUMFMTS, XLSX_MAX_NUMBER_FORMATS);
            return;
        }
        if (vec_room((void **)&s->fmts, s->n_fmts, &s->cap_fmts, sizeof *s->fmts) < 0) {
            xfail(x, MSG_NOMEM);
            return;
        }
        s->fmts[s->n_fmts].id = uattr(atts, "numFmtId");
        s->fmts[s->n_fmts++].kind = code ? code_kind(code) : 0;
    } else if (strcmp(name, "xf") == 0 && s->in_cellxfs) {
        if (s->n_xf >= XLSX_MAX_CELL_FORMATS) {
            xfail(x, MSG_XFS, XLSX_MAX_CELL_FORMATS);
            return;
        }
        if (vec_room((void **)&s->xf, s->n_xf, &s->cap_xf, sizeof *s->xf) < 0) {
            xfail(x, MSG_NOMEM);
            return;
        }
        s->xf[s->n_xf++] = uattr(atts, "numFmtId");
    }
}

static void styles_end(xml_t *x, const char *name) {
    styles_t *s = (styles_t *)x;
    if (strcmp(name, "numFmts") == 0)
        s->in_numfmts = false;
    else if (strcmp(name, "cellXfs") == 0)
        s->in_cellxfs = false;
}

/* Reads the styles part (if any) into b->xf_kind; 0 or -1. */
static int styles_read(book_t *b, const char *name) {
    styles_t s;
    int rc;
    memset(&s, 0, sizeof s);
    s.x.start = styles_start;
    s.x.end = styles_end;
    rc = part_parse(b, name, &s.x);
    if (rc == 0 && s.n_xf) {
        if (!(b->xf_kind = calloc(s.n_xf, sizeof *b->xf_kind))) {
            fail(b, MSG_NOMEM);
            rc = -1;
        } else {
            b->n_xf = s.n_xf;
            for (size_t i = 0; i < s.n_xf; i++) {
                size_t f = 0;
                while (f < s.n_fmts && s.fmts[f].id != s.xf[i])
                    f++; /* a few dozen as a rule, XLSX_MAX_NUMBER_FORMATS at most */
                b->xf_kind[i] = f < s.n_fmts ? s.fmts[f].kind : builtin_kind(s.xf[i]);
            }
        }
    }
    free(s.fmts);
    free(s.xf);
    return rc < 0 ? -1 : 0;
}

/* --- a worksheet part --------------------------------------------------------------- */
typedef struct {
    size_t c1, c2;
    unsigned r1, r2;
} merge_t;

typedef struct {
    xml_t x;
    table_sheet_t *sheet;
    /* the row being read */
    bool in_row, row_hidden;
    unsigned row, last_row;
    size_t next_col;
    table_cell_t *cells; /* its cells so far, up to its last value */
    size_t n_cells, cap_cells;
    /* the cell being read */
    bool in_c, has_f, in_is;
    unsigned in_rph, style;
    size_t col;
    char type[16];
    buf_t v, is;
    merge_t *merges;
    size_t n_merges, cap_merges;
} sheet_t;

/* True if s (ASCII space trimmed) is a plain decimal number as a workbook stores one, and
 * sets *out; no hex, inf or nan. */
static bool number_parse(book_t *b, const char *s, double *out) {
    const char *p = s;
    char *end;
    size_t digits = 0;
    while (*p == ' ')
        p++;
    const char *start = p;
    if (*p == '-' || *p == '+') p++;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (!digits) return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+') p++;
        if (*p < '0' || *p > '9') return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    while (*p == ' ')
        p++;
    if (*p) return false;
    *out = strtod_l(start, &end, b->c_locale);
    return isfinite(*out);
}

static long days_from_civil(long y, unsigned m, unsigned d) { /* H. Hinnant's algorithm */
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

/* An ISO 8601 date cell (t="d", "2017-06-01" or "2017-06-01T08:30:00") as an Excel
 * serial; false if it is not one from 1900-03-01 on. */
static bool iso_date(const char *s, double *out) {
    unsigned y, mo, d, h = 0, mi = 0;
    double sec = 0;
    int n = 0;
    if (sscanf(s, "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3 || n != 10) return false;
    if (s[n] == 'T') {
        int m2 = 0;
        if (sscanf(s + n + 1, "%2u:%2u%n", &h, &mi, &m2) != 2) return false;
        n += 1 + m2;
        if (s[n] == ':') {
            char *end;
            sec = strtod(s + n + 1, &end);
            n = (int)(end - s);
        }
        if (s[n] == 'Z') n++;
    }
    if (s[n] || y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        sec < 0 || sec >= 61)
        return false;
    long serial = days_from_civil(y, mo, d) - days_from_civil(1899, 12, 30);
    if (serial < 61) return false; /* before Excel's phantom 1900-02-29 the serials shift */
    *out = (double)serial + (h * 3600.0 + mi * 60.0 + sec) / 86400.0;
    return true;
}

static void sheet_start(xml_t *x, const char *name, const char **atts) {
    sheet_t *s = (sheet_t *)x;
    if (strcmp(name, "row") == 0) {
        const char *r = attr(atts, "r");
        unsigned long n = s->last_row + 1ul;
        if (r) {
            char *end = NULL;
            n = (*r >= '1' && *r <= '9') ? strtoul(r, &end, 10) : 0;
            if (n == 0 || *end || n > TABLE_MAX_ROWS) {
                xfail(x, MSG_ROW_NUMBER, r);
                return;
            }
        }
        if (n > TABLE_MAX_ROWS) {
            xfail(x, MSG_ROW_NUMBER, "1048577");
            return;
        }
        if (n <= s->last_row) {
            xfail(x, MSG_ROW_ORDER, (unsigned)n, s->last_row);
            return;
        }
        s->in_row = true;
        s->row = s->last_row = (unsigned)n;
        s->row_hidden = attr_true(atts, "hidden");
        s->next_col = 0;
    } else if (strcmp(name, "c") == 0 && s->in_row) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        char cell[16];
        unsigned row = s->row;
        size_t col = s->next_col;
        if (r && table_cell_parse(r, &col, &row) < 0) {
            xfail(x, MSG_CELL_REF, r);
            return;
        }
        if (!r && col >= TABLE_MAX_COLS) {
            xfail(x, MSG_CELL_PAST, s->sheet->name);
            return;
        }
        table_cell_name(col, row, cell);
        if (row != s->row) {
            xfail(x, MSG_CELL_ROW, s->sheet->name, cell, row, s->row);
            return;
        }
        if (col < s->next_col) {
            xfail(x, MSG_CELL_ORDER, s->sheet->name, cell);
            return;
        }
        s->in_c = true;
        s->col = col;
        s->next_col = col + 1;
        s->style = uattr(atts, "s");
        snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
        s->has_f = s->in_is = false;
        s->in_rph = 0;
        s->v.n = s->is.n = 0;
        if (s->v.p) s->v.p[0] = '\0';
        if (s->is.p) s->is.p[0] = '\0';
    } else if (s->in_c) {
        if (strcmp(name, "v") == 0)
            x->collect = &s->v;
        else if (strcmp(name, "f") == 0)
            s->has_f = true;
        else if (strcmp(name, "is") == 0)
            s->in_is = true;
        else if (strcmp(name, "rPh") == 0)
            s->in_rph++;
        else if (strcmp(name, "t") == 0 && s->in_is && !s->in_rph)
            x->collect = &s->is;
    } else if (strcmp(name, "mergeCell") == 0) {
        const char *ref = attr(atts, "ref");
        char a[16], z[16];
        merge_t m;
        const char *colon = ref ? strchr(ref, ':') : NULL;
        if (!ref || !colon || (size_t)(colon - ref) >= sizeof a || strlen(colon + 1) >= sizeof z) {
            xfail(x, MSG_MERGE_REF, ref ? ref : "");
            return;
        }
        snprintf(a, sizeof a, "%.*s", (int)(colon - ref), ref);
        snprintf(z, sizeof z, "%s", colon + 1);
        if (table_cell_parse(a, &m.c1, &m.r1) < 0 || table_cell_parse(z, &m.c2, &m.r2) < 0 || m.c2 < m.c1 ||
            m.r2 < m.r1) {
            xfail(x, MSG_MERGE_REF, ref);
            return;
        }
        if (vec_room((void **)&s->merges, s->n_merges, &s->cap_merges, sizeof *s->merges) < 0) {
            xfail(x, MSG_NOMEM);
            return;
        }
        s->merges[s->n_merges++] = m;
    }
}

/* Gives *c kind and a copy of text[0..len); false out of memory (the parser stopped). */
static bool cell_set(sheet_t *s, table_cell_t *c, table_kind_t kind, const char *text, size_t len) {
    c->kind = kind;
    if (table_cell_set_text(c, text, len) == 0) return true;
    xfail(&s->x, MSG_NOMEM);
    return false;
}

/* Makes the finished cell's value from its type, <v> and <is>, into *c; false failed. */
static bool cell_value(sheet_t *s, table_cell_t *c) {
    xml_t *x = &s->x;
    book_t *b = x->b;
    const char *v = s->v.p ? s->v.p : "";
    buf_t *text = NULL;
    char cell[16];
    table_cell_name(s->col, s->row, cell);
    c->from_formula = s->has_f;
    if (strcmp(s->type, "n") == 0) {
        if (!*v) return true;
        if (!number_parse(b, v, &c->number)) {
            xfail(x, MSG_NUMBER, s->sheet->name, cell, v);
            return false;
        }
        c->is_date = s->style < b->n_xf && b->xf_kind[s->style] == FMT_DATE;
        c->is_percent = s->style < b->n_xf && b->xf_kind[s->style] == FMT_PERCENT;
        if (c->is_date && b->date1904) {
            char moved[32];
            c->number += 1462; /* days from 1900-01-00 to 1904-01-01 in Excel's reckoning */
            snprintf(moved, sizeof moved, "%.15g", c->number);
            return cell_set(s, c, TABLE_NUMBER, moved, strlen(moved));
        }
        return cell_set(s, c, TABLE_NUMBER, v, s->v.n);
    }
    if (strcmp(s->type, "s") == 0) {
        const char *p = v;
        size_t i = 0, digits = 0;
        if (!*v) return true;
        while (*p == ' ')
            p++;
        for (; *p >= '0' && *p <= '9' && i <= b->n_sst; p++, digits++)
            i = i * 10 + (size_t)(*p - '0');
        while (*p == ' ')
            p++;
        if (*p || !digits || i >= b->n_sst) {
            xfail(x, MSG_SST_INDEX, s->sheet->name, cell, v, b->n_sst);
            return false;
        }
        const char *str = b->sst.p + b->sst_off[i];
        return !*str || cell_set(s, c, TABLE_TEXT, str, strlen(str));
    }
    if (strcmp(s->type, "b") == 0) {
        if (!*v) return true;
        if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
            xfail(x, MSG_BOOL, s->sheet->name, cell, v);
            return false;
        }
        return *v == '1' ? cell_set(s, c, TABLE_TEXT, "TRUE", 4) : cell_set(s, c, TABLE_TEXT, "FALSE", 5);
    }
    if (strcmp(s->type, "d") == 0 && *v && iso_date(v, &c->number)) {
        c->is_date = true;
        return cell_set(s, c, TABLE_NUMBER, v, s->v.n);
    }
    if (strcmp(s->type, "inlineStr") == 0)
        text = &s->is;
    else if (strcmp(s->type, "str") == 0 || strcmp(s->type, "e") == 0 || strcmp(s->type, "d") == 0)
        text = &s->v;
    else {
        xfail(x, MSG_CELL_TYPE, s->sheet->name, cell, s->type);
        return false;
    }
    if (strcmp(s->type, "e") != 0) unescape(text);
    return !text->n || cell_set(s, c, TABLE_TEXT, text->p, text->n);
}

/* Ends a cell: a value goes into the row's cells at its column, the gap before it filled
 * with EMPTY cells; an empty one is left out (rows end at their last value). */
static void cell_finish(sheet_t *s) {
    xml_t *x = &s->x;
    book_t *b = x->b;
    table_cell_t c;
    memset(&c, 0, sizeof c);
    table_cell_clear(&c);
    s->in_c = false;
    x->collect = NULL;
    if (!cell_value(s, &c)) {
        table_cell_clear(&c);
        return;
    }
    if (c.kind == TABLE_EMPTY) {
        table_cell_clear(&c);
        return;
    }
    if (b->n_cells + s->col + 1 > XLSX_MAX_CELLS) {
        table_cell_clear(&c);
        xfail(x, MSG_CELLS, XLSX_MAX_CELLS);
        return;
    }
    b->text_bytes += strlen(c.text);
    if (b->text_bytes > XLSX_MAX_TEXT_BYTES) {
        table_cell_clear(&c);
        xfail(x, MSG_TEXT, XLSX_MAX_TEXT_BYTES >> 20);
        return;
    }
    if (s->col >= s->cap_cells) {
        size_t cap = s->cap_cells ? s->cap_cells : 16;
        while (cap <= s->col)
            cap *= 2;
        table_cell_t *p = realloc(s->cells, cap * sizeof *p);
        if (!p) {
            table_cell_clear(&c);
            xfail(x, MSG_NOMEM);
            return;
        }
        s->cells = p;
        s->cap_cells = cap;
    }
    for (; s->n_cells < s->col; s->n_cells++) {
        memset(&s->cells[s->n_cells], 0, sizeof *s->cells);
        table_cell_clear(&s->cells[s->n_cells]);
    }
    s->cells[s->n_cells++] = c;
}

/* Ends a row: one that holds a value joins the sheet, its cells handed over. */
static void row_finish(sheet_t *s) {
    xml_t *x = &s->x;
    table_row_t *row;
    s->in_row = false;
    if (!s->n_cells) return;
    if (!(row = table_row_add(s->sheet, s->row, s->n_cells))) {
        xfail(x, MSG_NOMEM);
        return;
    }
    memcpy(row->cells, s->cells, s->n_cells * sizeof *s->cells); /* the texts change owner */
    row->hidden = s->row_hidden;
    x->b->n_cells += s->n_cells;
    s->n_cells = 0;
}

static void sheet_end(xml_t *x, const char *name) {
    sheet_t *s = (sheet_t *)x;
    if (strcmp(name, "v") == 0 || strcmp(name, "t") == 0)
        x->collect = NULL;
    else if (strcmp(name, "rPh") == 0 && s->in_rph)
        s->in_rph--;
    else if (strcmp(name, "is") == 0)
        s->in_is = false;
    else if (strcmp(name, "c") == 0 && s->in_c)
        cell_finish(s);
    else if (strcmp(name, "row") == 0 && s->in_row)
        row_finish(s);
}

/* Leaves each merged range's value in its top-left cell only, then drops the empty
 * cells that leaves at the ends of rows and the rows left with none. */
static int merges_apply(book_t *b, sheet_t *s) {
    table_sheet_t *sh = s->sheet;
    size_t work = 0, kept = 0;
    for (size_t m = 0; m < s->n_merges; m++) {
        const merge_t *mg = &s->merges[m];
        size_t lo = 0, hi = sh->n_rows;
        while (lo < hi) { /* the first row at or after r1 */
            size_t mid = lo + (hi - lo) / 2;
            if (sh->rows[mid].ref < mg->r1)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t r = lo; r < sh->n_rows && sh->rows[r].ref <= mg->r2; r++) {
            table_row_t *row = &sh->rows[r];
            if (++work > MERGE_MAX_WORK) {
                fail(b, MSG_MERGE_WORK, sh->name);
                return -1;
            }
            for (size_t c = mg->c1; c <= mg->c2 && c < row->n_cells; c++) {
                if (++work > MERGE_MAX_WORK) {
                    fail(b, MSG_MERGE_WORK, sh->name);
                    return -1;
                }
                if (row->ref != mg->r1 || c != mg->c1) table_cell_clear(&row->cells[c]);
            }
        }
    }
    if (!s->n_merges) return 0;
    for (size_t r = 0; r < sh->n_rows; r++) {
        table_row_t *row = &sh->rows[r];
        while (row->n_cells && row->cells[row->n_cells - 1].kind == TABLE_EMPTY)
            row->n_cells--;
        if (!row->n_cells) {
            free(row->cells);
            continue;
        }
        sh->rows[kept++] = *row;
    }
    sh->n_rows = kept;
    return 0;
}

/* Reads the worksheet part into sheet; 0 or -1. */
static int sheet_read(book_t *b, const char *part, table_sheet_t *sheet, const char *named_by) {
    sheet_t s;
    int rc;
    memset(&s, 0, sizeof s);
    s.x.start = sheet_start;
    s.x.end = sheet_end;
    s.sheet = sheet;
    rc = part_parse(b, part, &s.x);
    if (rc == 1) fail(b, MSG_PART_MISSING, part, named_by);
    if (rc == 0) rc = merges_apply(b, &s);
    for (size_t i = 0; i < s.n_cells; i++)
        table_cell_clear(&s.cells[i]); /* a row cut short */
    free(s.cells);
    free(s.v.p);
    free(s.is.p);
    free(s.merges);
    return rc == 0 ? 0 : -1;
}

/* --- the whole workbook ------------------------------------------------------------- */

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcasecmp(s + n - t, tail) == 0;
}

/* True if the ZIP's "mimetype" entry says OpenDocument spreadsheet. */
static bool is_ods(book_t *b) {
    static const char want[] = "application/vnd.oasis.opendocument.spreadsheet";
    char got[sizeof want] = {0};
    zip_file_t *f = zip_fopen(b->za, "mimetype", 0);
    if (!f) return false;
    zip_int64_t n = zip_fread(f, got, sizeof got - 1);
    zip_fclose(f);
    return n == (zip_int64_t)(sizeof want - 1) && memcmp(got, want, sizeof want - 1) == 0;
}

/* Adds part name's declared size to *total; -1 (message in b) past a limit. */
static int budget(book_t *b, const char *name, size_t *total) {
    size_t sz = part_size(b, name);
    if (sz > XLSX_MAX_PART_BYTES) {
        fail(b, MSG_PART_BIG, name, XLSX_MAX_PART_BYTES >> 20);
        return -1;
    }
    if ((*total += sz) > XLSX_MAX_TOTAL_BYTES) {
        fail(b, MSG_TOTAL_BIG, XLSX_MAX_TOTAL_BYTES >> 20);
        return -1;
    }
    return 0;
}

/* The part the workbook's relationship of this kind names, else where Excel puts it. */
static char *rel_part(const rels_t *r, const char *kind, const char *wb_part, const char *fallback) {
    const rel_t *rel = rels_by_type(r, kind);
    return rel ? strdup(rel->target) : part_resolve(wb_part, fallback);
}

static int book_read(book_t *b) {
    rels_t root, wrels;
    workbook_t wb;
    char root_rels[32], wb_rels[512];
    char *wb_part = NULL, *sst_part = NULL, *styles_part = NULL;
    char **parts = NULL;
    int rc = -1;
    memset(&wrels, 0, sizeof wrels);
    memset(&wb, 0, sizeof wb);
    wb.x.start = workbook_start;

    /* _rels/.rels names the workbook; without it, where Excel puts it. */
    if (rels_read(b, "", root_rels, sizeof root_rels, &root) < 0) {
        rels_free(&root);
        goto out;
    }
    const rel_t *office = rels_by_type(&root, "officeDocument");
    wb_part = strdup(office ? office->target : "xl/workbook.xml");
    rels_free(&root);
    if (!wb_part) {
        fail(b, MSG_NOMEM);
        goto out;
    }
    if (ends_with(wb_part, ".bin")) {
        fail(b, MSG_XLSB);
        goto out;
    }
    int found = part_parse(b, wb_part, &wb.x);
    if (found < 0) goto out;
    if (found == 1) {
        if (is_ods(b))
            fail(b, MSG_ODS);
        else
            fail(b, MSG_NO_WORKBOOK, wb_part);
        goto out;
    }
    if (strcmp(wb.x.root, "workbook") != 0) {
        fail(b, MSG_NOT_WORKBOOK, wb_part, wb.x.root);
        goto out;
    }
    b->date1904 = wb.date1904;
    if ((found = rels_read(b, wb_part, wb_rels, sizeof wb_rels, &wrels)) < 0) goto out;
    if (rels_index(&wrels) < 0) {
        fail(b, MSG_NOMEM);
        goto out;
    }
    if (found == 1 && wb.n) {
        fail(b, MSG_PART_MISSING, wb_rels, wb_part);
        goto out;
    }

    /* Every part to read, and its declared size, before unpacking any. */
    sst_part = rel_part(&wrels, "sharedStrings", wb_part, "sharedStrings.xml");
    styles_part = rel_part(&wrels, "styles", wb_part, "styles.xml");
    if (!sst_part || !styles_part || (wb.n && !(parts = calloc(wb.n, sizeof *parts)))) {
        fail(b, MSG_NOMEM);
        goto out;
    }
    size_t total = b->read_total;
    if (budget(b, sst_part, &total) < 0 || budget(b, styles_part, &total) < 0) goto out;
    for (size_t i = 0; i < wb.n; i++) {
        const rel_t *sr = rels_by_id(&wrels, wb.items[i].rid);
        if (!sr) {
            fail(b, MSG_NO_REL, wb_part, wb.items[i].name, wb.items[i].rid, wb_rels);
            goto out;
        }
        if (!ends_with(sr->type, "/worksheet")) continue; /* a chart sheet: no cells */
        if (!(parts[i] = strdup(sr->target))) {
            fail(b, MSG_NOMEM);
            goto out;
        }
        if (budget(b, parts[i], &total) < 0) goto out;
    }

    sst_t sst;
    memset(&sst, 0, sizeof sst);
    sst.x.start = sst_start;
    sst.x.end = sst_end;
    found = part_parse(b, sst_part, &sst.x);
    free(sst.cur.p);
    if (found < 0 || styles_read(b, styles_part) < 0) goto out;

    for (size_t i = 0; i < wb.n; i++) {
        table_sheet_t *sheet = table_sheet_add(b->out, wb.items[i].name, wb.items[i].state);
        if (!sheet) {
            fail(b, MSG_NOMEM);
            goto out;
        }
        if (parts[i] && sheet_read(b, parts[i], sheet, wb_rels) < 0) goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; parts && i < wb.n; i++)
        free(parts[i]);
    free(parts);
    rels_free(&wrels);
    workbook_free(&wb);
    free(wb_part);
    free(sst_part);
    free(styles_part);
    return rc;
}

/* What the first bytes say the file is: 0 a ZIP, -1 not (message in b). */
static int magic_check(book_t *b, const unsigned char *p, size_t n) {
    static const unsigned char ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (n == 0)
        fail(b, MSG_EMPTY);
    else if (n >= 8 && memcmp(p, ole2, 8) == 0)
        fail(b, MSG_OLE2);
    else if (n < 4 || p[0] != 'P' || p[1] != 'K' || !((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6)))
        fail(b, MSG_NOT_ZIP);
    return b->failed ? -1 : 0;
}

static void zip_fail(book_t *b, int code) {
    zip_error_t ze;
    if (code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS) { /* it starts as a ZIP: cut short or damaged */
        fail(b, MSG_ZIP_CUT);
        return;
    }
    zip_error_init_with_code(&ze, code);
    fail(b, MSG_ZIP_BAD, zip_error_strerror(&ze));
    zip_error_fini(&ze);
}

/* Reads the open ZIP into out; closes it. */
static int book_finish(book_t *b, const char *name, table_t *out, char *err, size_t errsz) {
    int rc = -1;
    memset(out, 0, sizeof *out);
    out->is_workbook = true;
    b->out = out;
    if (!(b->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0)))
        fail(b, MSG_NOMEM);
    else
        rc = book_read(b);
    if (b->c_locale) freelocale(b->c_locale);
    zip_discard(b->za);
    free(b->sst.p);
    free(b->sst_off);
    free(b->xf_kind);
    if (rc < 0) {
        table_free(out);
        snprintf(err, errsz, "%s: %s", name, b->msg);
    }
    return rc;
}

int xlsx_read(const char *path, table_t *out, char *err, size_t errsz) {
    book_t b;
    unsigned char head[8];
    size_t n;
    int code = 0;
    FILE *f = fopen(path, "rb");
    memset(&b, 0, sizeof b);
    memset(out, 0, sizeof *out);
    if (!f) {
        snprintf(err, errsz, MSG_OPEN, path, strerror(errno));
        return -1;
    }
    n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (magic_check(&b, head, n) < 0 || !(b.za = zip_open(path, ZIP_RDONLY, &code))) {
        if (!b.failed) zip_fail(&b, code);
        snprintf(err, errsz, "%s: %s", path, b.msg);
        return -1;
    }
    return book_finish(&b, path, out, err, errsz);
}

int xlsx_read_mem(const void *data, size_t len, const char *name, table_t *out, char *err, size_t errsz) {
    book_t b;
    zip_error_t ze;
    zip_source_t *src;
    memset(&b, 0, sizeof b);
    memset(out, 0, sizeof *out);
    zip_error_init(&ze);
    if (magic_check(&b, data, len) == 0) {
        if (!(src = zip_source_buffer_create(data, len, 0, &ze)))
            fail(&b, MSG_NOMEM);
        else if (!(b.za = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
            zip_source_free(src);
            zip_fail(&b, zip_error_code_zip(&ze));
        }
    }
    zip_error_fini(&ze);
    if (b.failed) {
        snprintf(err, errsz, "%s: %s", name, b.msg);
        return -1;
    }
    return book_finish(&b, name, out, err, errsz);
}
