/* json.c - the little JSON a store keeps in a column: flat arrays of strings or numbers
 * (see json.h). A full JSON library would be more than these two shapes need.
 */
#include "json.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends v to buf[*off..size) as a JSON string; bytes from 0x80 up are UTF-8 and pass
 * through. The buffers are sized for the worst case, so it cannot overflow. */
void json_put_string(char *buf, size_t size, size_t *off, const char *v) {
    buf[(*off)++] = '"';
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\') {
            buf[(*off)++] = '\\';
            buf[(*off)++] = (char)*p;
        } else if (*p < 0x20) {
            *off += (size_t)snprintf(buf + *off, size - *off, "\\u%04x", *p);
        } else {
            buf[(*off)++] = (char)*p;
        }
    }
    buf[(*off)++] = '"';
    buf[*off] = '\0';
}

/* Appends s to out[*off..size), as much as fits before a NUL at out[size-1]: -1 if it
 * was cut. *off never passes size - 1, so the next append cannot run past either. */
static int put(char *out, size_t size, size_t *off, const char *s) {
    size_t len = strlen(s), room = size - 1 - *off;
    int rc = len > room ? -1 : 0;
    if (rc < 0) len = room;
    memcpy(out + *off, s, len);
    *off += len;
    out[*off] = '\0';
    return rc;
}

/* v's digits when 1e-4 <= |v| < 1e15: there %.17g takes its fixed notation (the
 * rounded value's exponent X is within -4 <= X < 17), and v = m / 2^k with m < 2^53 and
 * 3 <= k <= 66, so the integer part fits 64 bits and the fraction, times ten at each
 * digit, 128: every digit and the rounding (half to even, on the exact rest) are exact,
 * as printf's are. 0 outside that band. */
static size_t fixed17(double v, char *out) {
    double a = fabs(v);
    char d[18]; /* the 17 significant digits, from the first that is not 0 */
    int nd = 0, point = 0, ex; /* point: how many of d come before the decimal point */
    unsigned k;
    unsigned long long m, ip;
    unsigned __int128 f, one;
    char *o = out;
    if (!(a >= 1e-4 && a < 1e15)) return 0;
    m = (unsigned long long)ldexp(frexp(a, &ex), 53); /* a = m * 2^(ex - 53), exactly */
    k = (unsigned)(53 - ex);
    ip = k >= 64 ? 0 : m >> k;
    one = (unsigned __int128)1 << k;
    f = (unsigned __int128)m & (one - 1);
    if (ip) {
        char rev[20];
        int n = 0;
        while (ip) {
            rev[n++] = (char)('0' + ip % 10);
            ip /= 10;
        }
        while (n)
            d[nd++] = rev[--n];
        point = nd;
    }
    while (nd < 17) {
        unsigned digit;
        f *= 10;
        digit = (unsigned)(f >> k);
        f &= one - 1;
        if (nd == 0 && digit == 0) {
            point--; /* a 0 before the first significant digit */
            continue;
        }
        d[nd++] = (char)('0' + digit);
    }
    if (2 * f > one || (2 * f == one && (d[16] - '0') % 2 == 1)) { /* round up */
        int i = 16;
        while (i >= 0 && d[i] == '9')
            d[i--] = '0';
        if (i >= 0) {
            d[i]++;
        } else { /* 99…9 became 100…0: one digit more before the point, the last 0 goes */
            memmove(d + 1, d, 16);
            d[0] = '1';
            point++;
        }
    }
    while (nd > (point > 0 ? point : 0) && d[nd - 1] == '0') /* %g drops trailing zeros */
        nd--;
    if (signbit(v)) *o++ = '-';
    if (point <= 0) {
        *o++ = '0';
        *o++ = '.'; /* nd > 0: the first digit is not 0 */
        for (int i = point; i < 0; i++)
            *o++ = '0';
        memcpy(o, d, (size_t)nd);
        o += nd;
    } else {
        memcpy(o, d, (size_t)point);
        o += point;
        if (nd > point) {
            *o++ = '.';
            memcpy(o, d + point, (size_t)(nd - point));
            o += nd - point;
        }
    }
    *o = '\0';
    return (size_t)(o - out);
}

size_t json_number(double v, char out[JSON_NUMBER_MAX]) {
    size_t len = fixed17(v, out);
    return len ? len : (size_t)snprintf(out, JSON_NUMBER_MAX, "%.17g", v);
}

int json_put_numbers(const double *v, size_t n, char *out, size_t size) {
    size_t off = 0;
    char num[JSON_NUMBER_MAX];
    if (size == 0) return -1;
    if (put(out, size, &off, "[") < 0) return -1;
    for (size_t i = 0; i < n; i++) {
        if (i && put(out, size, &off, ",") < 0) return -1;
        if (isfinite(v[i]))
            json_number(v[i], num);
        else
            memcpy(num, "null", 5);
        if (put(out, size, &off, num) < 0) return -1;
    }
    return put(out, size, &off, "]");
}

const char *json_ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static int hex4(const char *p, unsigned *v) {
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        *v <<= 4;
        if (c >= '0' && c <= '9')
            *v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            *v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            *v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    return 0;
}

/* Appends code point cp as UTF-8 to out[*n..size-1), dropping what does not fit. */
static void put_utf8(char *out, size_t size, size_t *n, unsigned cp) {
    char u[4];
    size_t len;
    if (cp < 0x80) {
        u[0] = (char)cp;
        len = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3f));
        len = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        len = 3;
    } else {
        u[0] = (char)(0xf0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        len = 4;
    }
    if (*n + len < size) {
        memcpy(out + *n, u, len);
        *n += len;
    }
}

/* Parses the JSON string at p (at its opening quote) into out, truncated to size - 1
 * bytes. Returns the byte after the closing quote, or NULL if it is not a string. */
const char *json_get_string(const char *p, char *out, size_t size) {
    size_t n = 0;
    if (*p++ != '"') return NULL;
    while (*p != '"') {
        unsigned cp, lo;
        if (!*p) return NULL;
        if (*p != '\\') {
            if (n + 1 < size) out[n++] = *p;
            p++;
            continue;
        }
        switch (*++p) {
        case '"':
        case '\\':
        case '/': cp = (unsigned char)*p; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (hex4(p + 1, &cp) < 0) return NULL;
            p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && p[1] == '\\' && p[2] == 'u' && hex4(p + 3, &lo) == 0 &&
                lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            }
            break;
        default: return NULL;
        }
        put_utf8(out, size, &n, cp);
        p++;
    }
    out[n] = '\0';
    return p + 1;
}

/* How many bits x needs: 0 for 0. */
static int bits128(unsigned __int128 x) {
    unsigned long long hi = (unsigned long long)(x >> 64), lo = (unsigned long long)x;
    return hi ? 128 - __builtin_clzll(hi) : lo ? 64 - __builtin_clzll(lo) : 0;
}

/* strtod's answer for the plain decimals fixed17 writes: -?digits(.digits)? with at most
 * 19 significant digits D and s digits after the point. x = D / 10^s is rounded to 53
 * bits exactly, half to even on the exact rest: q = floor(D * 2^j / 10^s) in 128 bits,
 * with j as large as fits, gives at least 54 bits of x and r, the rest, says whether
 * anything lies beyond them. Returns the end of the number, or NULL where strtod must
 * answer: an exponent, a hex or other form, more digits, or x too small for 54 bits. */
static const char *decimal(const char *p, double *v) {
    bool neg = *p == '-';
    unsigned long long d = 0;
    int digits = 0, s = 0, j, shift;
    unsigned __int128 ten = 1, q, r, rest, half;
    unsigned long long mant;
    if (neg) p++;
    if (*p < '0' || *p > '9') return NULL;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (d == 0 && *p == '0') continue; /* a leading 0 */
        if (++digits > 19) return NULL;
        d = d * 10 + (unsigned)(*p - '0');
    }
    if (*p == '.') {
        if (p[1] < '0' || p[1] > '9') return NULL; /* "5." is strtod's to read */
        for (p++; *p >= '0' && *p <= '9'; p++) {
            if (d == 0 && *p == '0') {
                s++;
                continue;
            }
            if (++digits > 19) return NULL;
            d = d * 10 + (unsigned)(*p - '0');
            s++;
        }
    }
    if (*p == 'e' || *p == 'E' || *p == 'x' || *p == 'X' || *p == '.' || s > 27) return NULL;
    if (d == 0) {
        *v = neg ? -0.0 : 0.0;
        return p;
    }
    for (int i = 0; i < s; i++)
        ten *= 10;
    j = 127 - bits128(d);
    q = ((unsigned __int128)d << j) / ten;
    r = ((unsigned __int128)d << j) % ten;
    if (bits128(q) < 54) return NULL;
    shift = bits128(q) - 53;
    mant = (unsigned long long)(q >> shift);
    rest = q & (((unsigned __int128)1 << shift) - 1);
    half = (unsigned __int128)1 << (shift - 1);
    if (rest > half || (rest == half && (r != 0 || (mant & 1)))) mant++;
    *v = ldexp((double)mant, shift - j);
    if (neg) *v = -*v;
    return p;
}

/* Parses a JSON number (or null, as NAN) at p. Returns the byte after it, or NULL. */
const char *json_get_number(const char *p, double *v) {
    char *end;
    const char *fast;
    if (strncmp(p, "null", 4) == 0) {
        *v = NAN;
        return p + 4;
    }
    if ((fast = decimal(p, v)) != NULL) return fast;
    *v = strtod(p, &end);
    return end == p ? NULL : end;
}

/* Parses a JSON array of at most max strings (names != NULL, each 64 bytes) or numbers
 * (into numbers). Returns the count, or -1 if it is not such an array. */
int json_get_array(const char *json, char (*names)[JSON_NAME_MAX], double *numbers, size_t max) {
    const char *p = json_ws(json ? json : "");
    size_t n = 0;
    if (*p++ != '[') return -1;
    p = json_ws(p);
    if (*p == ']') return *json_ws(p + 1) ? -1 : 0;
    for (;;) {
        if (n == max) return -1;
        p = names ? json_get_string(p, names[n], sizeof names[n]) : json_get_number(p, &numbers[n]);
        if (!p) return -1;
        n++;
        p = json_ws(p);
        if (*p == ']') break;
        if (*p++ != ',') return -1;
        p = json_ws(p);
    }
    return *json_ws(p + 1) ? -1 : (int)n;
}
