/* text.c - county file bytes into UTF-8 (see text.h).
 *
 * Detection is deliberately simple: a file that is valid UTF-8 is UTF-8 (GB18030 text
 * with Chinese characters is almost never valid UTF-8 by accident), anything else is
 * tried as GB18030 through iconv, which also covers GBK and GB2312.
 */
#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

bool utf8_valid(const char *s, size_t len) {
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else
            return false;
        if ((size_t)(end - p) <= n) return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

/* in[0..len) from encoding `from` into NUL-terminated UTF-8. 0 or -1. */
static int from_encoding(const char *from, const char *in, size_t len, char **out, size_t *outlen) {
    iconv_t cd = iconv_open("UTF-8", from);
    size_t cap = len * 2 + 16, left_in = len, left_out = cap;
    char *buf, *src = (char *)in, *dst;
    if (cd == (iconv_t)-1) return -1;
    buf = malloc(cap + 1);
    if (!buf) {
        iconv_close(cd);
        return -1;
    }
    dst = buf;
    /* GB18030 has 1..4 bytes per character and UTF-16 2 or 4, UTF-8 at most 4 per
     * character (3 for a 2-byte UTF-16 unit), so 2×len+16 is always enough; any failure
     * is undecodable input. */
    if (iconv(cd, &src, &left_in, &dst, &left_out) == (size_t)-1) {
        free(buf);
        iconv_close(cd);
        return -1;
    }
    iconv_close(cd);
    *dst = '\0';
    *out = buf;
    *outlen = (size_t)(dst - buf);
    return 0;
}

int text_to_utf8(const char *in, size_t len, char **out, size_t *outlen, const char **encoding, char *err,
                 size_t errsz) {
    const char *enc = "UTF-8";
    /* Excel's "Unicode text" is UTF-16 LE with a BOM (and tabs: csv.c's business) */
    if (len >= 2 && ((unsigned char)in[0] == 0xFF && (unsigned char)in[1] == 0xFE)) {
        if (len % 2 || from_encoding("UTF-16LE", in + 2, len - 2, out, outlen) < 0) goto utf16_bad;
        enc = "UTF-16LE (BOM)";
    } else if (len >= 2 && ((unsigned char)in[0] == 0xFE && (unsigned char)in[1] == 0xFF)) {
        if (len % 2 || from_encoding("UTF-16BE", in + 2, len - 2, out, outlen) < 0) goto utf16_bad;
        enc = "UTF-16BE (BOM)";
    }
    if (enc[4] == '1') {
        /* decoded: the result must pass the same checks as any UTF-8 text */
        if (memchr(*out, '\0', *outlen) || !utf8_valid(*out, *outlen)) {
            free(*out);
            *out = NULL;
            goto utf16_bad;
        }
        if (encoding) *encoding = enc;
        return 0;
    }
    if (len >= 3 && !memcmp(in, "\xEF\xBB\xBF", 3)) {
        in += 3;
        len -= 3;
        enc = "UTF-8 (BOM)";
    }
    if (memchr(in, '\0', len)) {
        snprintf(err, errsz,
                 _("contains NUL bytes: not a text file (UTF-16 without a BOM, or a binary file such as a "
                 "workbook); save the sheet as CSV UTF-8"));
        return -1;
    }
    if (utf8_valid(in, len)) {
        char *buf = malloc(len + 1);
        if (!buf) {
            snprintf(err, errsz, _("out of memory"));
            return -1;
        }
        memcpy(buf, in, len);
        buf[len] = '\0';
        *out = buf;
        *outlen = len;
    } else if (strcmp(enc, "UTF-8") == 0 && from_encoding("GB18030", in, len, out, outlen) == 0) {
        enc = "GB18030";
    } else {
        snprintf(err, errsz, _("neither UTF-8 nor GB18030 text; save the sheet as CSV (UTF-8) and try again"));
        return -1;
    }
    if (encoding) *encoding = enc;
    return 0;
utf16_bad:
    snprintf(err, errsz, _("starts as UTF-16 text but does not decode as UTF-16; save the sheet as CSV UTF-8"));
    return -1;
}

int text_load_file(const char *path, size_t max_bytes, char **out, size_t *outlen, const char **encoding,
                   char *err, size_t errsz) {
    FILE *f = fopen(path, "rb");
    char *raw = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    if (!f) {
        snprintf(err, errsz, _("%s: cannot open: %s"), path, strerror(errno));
        return -1;
    }
    /* read at most max_bytes + 1: one byte more tells a file that is too large */
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *p;
            if (ncap > max_bytes + 1) ncap = max_bytes + 1;
            if (ncap <= cap) break;
            p = realloc(raw, ncap);
            if (!p) {
                snprintf(err, errsz, _("%s: out of memory"), path);
                goto out;
            }
            raw = p;
            cap = ncap;
        }
        size_t k = fread(raw + n, 1, cap - n, f);
        n += k;
        if (k == 0) break;
    }
    if (ferror(f)) {
        snprintf(err, errsz, _("%s: read error: %s"), path, strerror(errno));
        goto out;
    }
    if (n > max_bytes) {
        snprintf(err, errsz, _("%s: larger than %zu bytes"), path, max_bytes);
        goto out;
    }
    {
        char inner[256];
        if (text_to_utf8(raw ? raw : "", n, out, outlen, encoding, inner, sizeof inner) < 0) {
            snprintf(err, errsz, "%s: %s", path, inner);
            goto out;
        }
    }
    rc = 0;
out:
    free(raw);
    fclose(f);
    return rc;
}

/* Width of one code point on a terminal: the East Asian wide and full-width ranges. */
static int cp_width(uint32_t cp) {
    if (cp == 0) return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

int text_width(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;
    while (*p) {
        uint32_t cp;
        int n;
        if (*p < 0x80) {
            cp = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            n = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            n = 3;
        } else {
            cp = *p & 0x07;
            n = 4;
        }
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                n = i;
                break;
            }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        w += cp_width(cp);
        p += n;
    }
    return w;
}

void text_pad(char *buf, size_t size, const char *s, int width) {
    int pad = width - text_width(s);
    int k = snprintf(buf, size, "%s", s);
    size_t off = k > 0 ? (size_t)k : 0;
    while (pad-- > 0 && off + 1 < size)
        buf[off++] = ' ';
    if (off < size) buf[off] = '\0';
}

const char *text_shown(const char *s, char *buf, size_t size) {
    return text_escape_bytes(s, strlen(s), buf, size); /* one escaping for messages and logs */
}

/* The code point of the valid UTF-8 sequence s[0..n), n 2..4. */
static unsigned utf8_code_point(const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    if (n == 2) return (unsigned)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    if (n == 3) return (unsigned)(u[0] & 0x0F) << 12 | (unsigned)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    return (unsigned)(u[0] & 0x07) << 18 | (unsigned)(u[1] & 0x3F) << 12 | (unsigned)(u[2] & 0x3F) << 6 |
           (u[3] & 0x3F);
}

/* True for the characters that reorder or break a displayed line: the bidi controls
 * (U+061C, U+200E-200F, U+202A-202E, U+2066-2069) and U+2028/2029. */
static bool bidi_or_separator(const char *s, size_t n) {
    unsigned cp = utf8_code_point(s, n);
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

const char *text_escape_controls(const char *s, char *buf, size_t size) {
    return text_escape_bytes(s, strlen(s), buf, size);
}

const char *text_escape_bytes(const void *bytes, size_t len, char *buf, size_t size) {
    const char *s = bytes;
    size_t o = 0, i = 0;
    bool cut = false;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        char esc[8];
        const char *piece = s + i;
        size_t plen;
        if (n > len - i || !utf8_valid(s + i, n)) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            piece = esc;
            n = 1;
        } else if (c < 0x20 || c == 0x7F) {
            if (c == '\n' || c == '\t' || c == '\r')
                snprintf(esc, sizeof esc, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
            else
                snprintf(esc, sizeof esc, "\\x%02x", c);
            piece = esc;
        } else if (c == 0xC2 && (unsigned char)s[i + 1] < 0xA0) { /* U+0080..U+009F (n is 2) */
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned char)s[i + 1]);
            piece = esc;
        } else if (n >= 2 && bidi_or_separator(s + i, n)) { /* reorders or breaks the line */
            snprintf(esc, sizeof esc, "\\u%04x", utf8_code_point(s + i, n));
            piece = esc;
        }
        plen = piece == s + i ? n : strlen(piece);
        /* room for this piece, and for "..." if more follows */
        if (o + plen + (i + n < len ? 3 : 0) > size - 1) {
            cut = true;
            break;
        }
        memcpy(buf + o, piece, plen);
        o += plen;
        i += n;
    }
    if (cut) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

bool text_has_controls(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F || (*p == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0)) return true;
    return false;
}

char *text_trim(char *s) {
    char *start = s, *end;
    while (*start == ' ' || *start == '\t' || *start == '\r' || *start == '\n')
        start++;
    end = start + strlen(start);
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
        end--;
    *end = '\0';
    if (start != s) memmove(s, start, (size_t)(end - start) + 1);
    return s;
}

void text_copy(char *dst, size_t size, const char *src) {
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void text_truncate_utf8(char *s) {
    size_t n = strlen(s), start = n, need;
    unsigned char c;
    /* back to the lead byte of the last character (at most 3 continuation bytes) */
    while (start > 0 && n - start < 4 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0) {
        if (n && !utf8_valid(s, n)) s[0] = '\0';
        return;
    }
    c = (unsigned char)s[start - 1];
    need = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (need == 0 || n - (start - 1) < need) s[start - 1] = '\0';
}

/* The length of the space character at s (U+3000, U+00A0 or ASCII white space), or 0. */
static size_t space_at(const char *s) {
    const unsigned char *u = (const unsigned char *)s;
    if (*u == ' ' || *u == '\t' || *u == '\r' || *u == '\n') return 1;
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) return 3; /* U+3000 */
    if (u[0] == 0xC2 && u[1] == 0xA0) return 2;                 /* U+00A0 */
    return 0;
}

char *text_trim_spaces(char *s) {
    char *start = s, *end;
    size_t k;
    while ((k = space_at(start)) > 0)
        start += k;
    end = start + strlen(start);
    for (;;) {
        if (end > start && space_at(end - 1) == 1)
            end--;
        else if (end - start >= 2 && space_at(end - 2) == 2)
            end -= 2;
        else if (end - start >= 3 && space_at(end - 3) == 3)
            end -= 3;
        else
            break;
    }
    *end = '\0';
    if (start != s) memmove(s, start, (size_t)(end - start) + 1);
    return s;
}

unsigned text_fold_width(const char *s, char *buf, size_t size) {
    static const char signs[] = "+-.,%()/"; /* U+FF0B U+FF0D U+FF0E U+FF0C U+FF05 U+FF08 U+FF09 U+FF0F */
    static const unsigned char sign_cp[] = {0x0B, 0x0D, 0x0E, 0x0C, 0x05, 0x08, 0x09, 0x0F};
    const unsigned char *u = (const unsigned char *)s;
    unsigned changed = 0;
    size_t o = 0;
    while (*u && o + 1 < size) {
        /* U+FF01..U+FF5E are EF BC 81..EF BD 9E; the ones wanted here all lie in EF BC xx */
        if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x80 && u[2] <= 0xBF) {
            unsigned low = u[2] - 0x80u; /* the character is U+FF00 + low */
            char c = 0;
            if (low >= 0x10 && low <= 0x19) {
                c = (char)('0' + (low - 0x10));
                changed |= TEXT_FOLD_DIGITS;
            } else {
                for (size_t i = 0; i < sizeof sign_cp; i++)
                    if (low == sign_cp[i]) {
                        c = signs[i];
                        changed |= TEXT_FOLD_SIGNS;
                    }
            }
            if (c) {
                buf[o++] = c;
                u += 3;
                continue;
            }
        }
        if ((u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) || (u[0] == 0xC2 && u[1] == 0xA0)) {
            buf[o++] = ' ';
            u += u[0] == 0xE3 ? 3 : 2;
            changed |= TEXT_FOLD_SPACES;
            continue;
        }
        {
            /* copy one whole character, or stop where it would not fit */
            size_t n = *u < 0x80 ? 1 : (*u & 0xE0) == 0xC0 ? 2 : (*u & 0xF0) == 0xE0 ? 3 : (*u & 0xF8) == 0xF0 ? 4 : 1;
            size_t have = strnlen((const char *)u, n);
            if (have < n) n = have;
            if (o + n >= size) break;
            memcpy(buf + o, u, n);
            o += n;
            u += n;
        }
    }
    buf[o] = '\0';
    return changed;
}
