/* strbuf.c - a growable, NUL-terminated byte buffer and its JSON and HTML escapes. */
#include "strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

static void grow(strbuf_t *b, size_t more) {
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        fprintf(stderr, "%s\n", _("out of memory"));
        abort();
    }
    b->data = p;
    b->cap = cap;
}

void strbuf_add(strbuf_t *b, const void *s, size_t len) {
    grow(b, len);
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void strbuf_puts(strbuf_t *b, const char *s) { strbuf_add(b, s, strlen(s)); }

void strbuf_vprintf(strbuf_t *b, const char *fmt, va_list ap) {
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, again);
    va_end(again);
    if (n < 0)
        return;
    grow(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void strbuf_printf(strbuf_t *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* The length of the valid UTF-8 sequence at s (1–4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s) {
    size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if (!s[i])
            return 0;
    return n && utf8_valid((const char *)s, n) ? n : 0;
}

void strbuf_json_string(strbuf_t *b, const char *s) {
    if (!s) {
        strbuf_puts(b, "null");
        return;
    }
    strbuf_add(b, "\"", 1);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            strbuf_add(b, esc, 2);
            p++;
        } else if (c < 0x20 || c == 0x7F || c == '<' || c == '>' || c == '&') {
            strbuf_printf(b, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            strbuf_add(b, p, 1);
            p++;
        } else {
            size_t n = utf8_len(p);
            if (n) {
                strbuf_add(b, p, n);
                p += n;
            } else {
                strbuf_puts(b, "\xEF\xBF\xBD");
                p++;
            }
        }
    }
    strbuf_add(b, "\"", 1);
}

void strbuf_json_number(strbuf_t *b, double x, int decimals) {
    if (!isfinite(x)) {
        strbuf_puts(b, "null");
        return;
    }
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.*f", decimals < 0 ? 0 : decimals > 12 ? 12 : decimals, x);
    if (n <= 0 || (size_t)n >= sizeof buf) {
        snprintf(buf, sizeof buf, "%.17g", x);
    } else if (strchr(buf, '.')) {
        char *e = buf + strlen(buf) - 1;
        while (*e == '0')
            *e-- = '\0';
        if (*e == '.')
            *e = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    strbuf_puts(b, buf);
}

void strbuf_html(strbuf_t *b, const char *s) {
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&': strbuf_puts(b, "&amp;"); break;
        case '<': strbuf_puts(b, "&lt;"); break;
        case '>': strbuf_puts(b, "&gt;"); break;
        case '"': strbuf_puts(b, "&quot;"); break;
        case '\'': strbuf_puts(b, "&#39;"); break;
        default: strbuf_add(b, p, 1);
        }
    }
}

void strbuf_reset(strbuf_t *b) {
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *strbuf_take(strbuf_t *b) {
    char *d = b->data ? b->data : strdup("");
    if (!d)
        abort();
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void strbuf_free(strbuf_t *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
