/* test_json.c - the flat JSON arrays a store keeps in a column: writing strings and
 * numbers, reading them back, and what is refused.
 *
 * Expected texts are typed out by hand from RFC 8259 (escapes, \u00XX for control bytes,
 * surrogate pairs) and from the bytes of the UTF-8 encoding, not produced by the writer.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* json_put_string into a buffer sized as its contract asks: 6 bytes per byte, plus 3. */
static void put_string(const char *v, char *out, size_t size) {
    size_t off = 0;
    cr_assert_geq(size, 6 * strlen(v) + 3);
    json_put_string(out, size, &off, v);
    cr_assert_eq(off, strlen(out), "off %zu is where the NUL went (%zu)", off, strlen(out));
}

/* ---- json_put_string -------------------------------------------------------------- */

Test(json, put_string_plain_and_quote_and_backslash) {
    char out[64];
    put_string("", out, sizeof out);
    cr_assert_str_eq(out, "\"\"");
    put_string("Z01", out, sizeof out);
    cr_assert_str_eq(out, "\"Z01\"");
    put_string("a\"b\\c", out, sizeof out);
    cr_assert_str_eq(out, "\"a\\\"b\\\\c\"");
    put_string("/", out, sizeof out); /* '/' may be written as is */
    cr_assert_str_eq(out, "\"/\"");
}

Test(json, put_string_every_control_byte_as_u00xx) {
    static const char hex[] = "0123456789abcdef";
    char in[2] = {0, 0}, out[32], want[16];
    for (int c = 1; c < 0x20; c++) {
        in[0] = (char)c;
        put_string(in, out, sizeof out);
        /* "\u00XX" with two lower-case hex digits, by hand rather than by printf */
        memcpy(want, "\"\\u00", 5);
        want[5] = hex[c >> 4];
        want[6] = hex[c & 15];
        want[7] = '"';
        want[8] = '\0';
        cr_assert_str_eq(out, want, "byte 0x%02x", c);
    }
    put_string("\n\t\x1f", out, sizeof out);
    cr_assert_str_eq(out, "\"\\u000a\\u0009\\u001f\"");
    /* 0x7f (DEL) is not a control byte to JSON and passes */
    put_string("\x7f", out, sizeof out);
    cr_assert_str_eq(out, "\"\x7f\"");
}

Test(json, put_string_utf8_passes_through) {
    char out[128];
    put_string("园区", out, sizeof out);
    cr_assert_str_eq(out, "\"\xE5\x9B\xAD\xE5\x8C\xBA\"");
    put_string("\xF0\x9F\x98\x80", out, sizeof out); /* U+1F600 */
    cr_assert_str_eq(out, "\"\xF0\x9F\x98\x80\"");
}

Test(json, put_string_appends_at_off) {
    char out[64] = "[";
    size_t off = 1;
    json_put_string(out, sizeof out, &off, "a");
    out[off++] = ',';
    json_put_string(out, sizeof out, &off, "\x01");
    cr_assert_str_eq(out, "[\"a\",\"\\u0001\"");
    cr_assert_eq(off, 13);
}

Test(json, put_string_worst_case_fills_exactly) {
    /* 10 control bytes: 2 quotes + 10 * 6 + NUL = 63 bytes, under the 6 * 10 + 3 asked */
    char v[11], *out = malloc(63);
    size_t off = 0;
    memset(v, 0x01, 10);
    v[10] = '\0';
    cr_assert_not_null(out);
    json_put_string(out, 63, &off, v);
    cr_assert_eq(off, 62);
    cr_assert_eq(out[62], '\0');
    free(out);
}

/* ---- json_put_numbers ------------------------------------------------------------- */

/* The bits of d, to compare doubles exactly (0.0 and -0.0 differ, as they should). */
static unsigned long long bits(double d) {
    unsigned long long u;
    memcpy(&u, &d, sizeof u);
    return u;
}

Test(json, put_numbers_round_trips_bit_for_bit) {
    const double v[] = {0.1, 1e300, -2.2250738585072014e-308, 1.0 / 3.0, 5e-324, -0.0, 42, 0};
    const size_t n = sizeof v / sizeof v[0];
    double back[8];
    char out[3 + 26 * 8];
    cr_assert_eq(json_put_numbers(v, n, out, sizeof out), 0);
    cr_assert_eq(json_get_array(out, NULL, back, 8), (int)n, "%s", out);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(bits(back[i]), bits(v[i]), "[%zu] %.17g came back as %.17g", i, v[i], back[i]);
}

Test(json, put_numbers_text_by_hand) {
    const double v[] = {0.1, 1e300, -2.2250738585072014e-308, 42};
    char out[3 + 26 * 4];
    cr_assert_eq(json_put_numbers(v, 4, out, sizeof out), 0);
    cr_assert_str_eq(out, "[0.10000000000000001,1.0000000000000001e+300,-2.2250738585072014e-308,42]");
}

/* json_number writes what snprintf("%.17g") writes, byte for byte: its own digits where
 * v allows (1e-4 <= |v| < 1e15) and snprintf's elsewhere. Values with a fixed seed:
 * scores, integers, powers of ten and their neighbours, halfway cases (an integer of 15
 * digits plus an odd eighth has 18 digits ending in 5: rounded half to even), any bit
 * pattern. */
static void same_as_printf(double v) {
    char want[32], got[JSON_NUMBER_MAX];
    size_t len = json_number(v, got);
    snprintf(want, sizeof want, "%.17g", v);
    cr_assert_str_eq(got, want, "bits %016llx", bits(v));
    cr_assert_eq(len, strlen(want));
}

static unsigned long long next_random(unsigned long long *x) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

Test(json, number_is_printf_17g_to_the_byte) {
    unsigned long long x = 0x9e3779b97f4a7c15ULL;
    const double fixed[] = {0,     -0.0,  1e-4,     -1e-4,  9.9999999999999991e-5, 1e15,   999999999999999.88,
                            1e14,  0.1,   0.5,      100,    99.999999999999986,    1.0 / 3, 2.0 / 3,
                            1e-3,  1e-2,  0.099999999999999992, 5e-324, 1.7976931348623157e308, 123456.5,
                            60.0,  87.25, 0.30000000000000004};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        same_as_printf(fixed[i]);
    for (int p = -6; p <= 17; p++) {
        double t = pow(10, p);
        same_as_printf(t);
        same_as_printf(nextafter(t, 0));
        same_as_printf(nextafter(t, INFINITY));
        same_as_printf(-t);
    }
    for (int i = 0; i < 20000; i++) {
        unsigned long long r = next_random(&x);
        double u = (double)(r >> 11) / 9007199254740992.0; /* [0, 1) */
        double bitsv;
        same_as_printf(u * 100);                                /* a score */
        same_as_printf(pow(10, -5 + 21 * u) * (r & 1 ? -1 : 1)); /* any magnitude near the band */
        same_as_printf((double)(r % 1000000000000000ULL) + (double)(2 * (r >> 50 & 3) + 1) / 8); /* halfway */
        same_as_printf((double)(r >> 20));                       /* an integer */
        memcpy(&bitsv, &r, sizeof bitsv);
        if (isfinite(bitsv)) same_as_printf(bitsv); /* any bits */
    }
}

/* json_get_number reads what strtod reads, to the bit and to the byte it stops at: its
 * own arithmetic for plain decimals of up to 19 digits, strtod's for the rest. */
static void reads_as_strtod(const char *text) {
    char *want_end;
    double want = strtod(text, &want_end), got = -1;
    const char *end = json_get_number(text, &got);
    if (want_end == text) {
        cr_assert_null(end, "\"%s\" is no number", text);
        return;
    }
    cr_assert_not_null(end, "\"%s\"", text);
    cr_assert_eq(bits(got), bits(want), "\"%s\": %.17g, strtod %.17g", text, got, want);
    cr_assert_eq(end - text, want_end - text, "\"%s\" ends where strtod's does", text);
}

Test(json, get_number_is_strtod_to_the_bit) {
    unsigned long long x = 0x2545f4914f6cdd1dULL;
    static const char *const fixed[] = {
        "0",  "-0",   "0.0",  "-0.000", "1",     "00012", "5.",    ".5",    "-.5",   "1e5",  "1E-3", "0x10",
        "+5", " 5",   "-",    "12.5e2", "1.2.3", "inf",   "nan",   "abc",   "0.0001", "0.00001",
        "9007199254740993", "9007199254740992.5", "1234567890123456789", "12345678901234567890",
        "0.1000000000000000055511151231257827", "123456789012345.125", "123456789012345.375",
        "999999999999999.9", "0.30000000000000004", "87.25,", "60]", "1.7976931348623157e308",
        "4.9406564584124654e-324", "0.000000000000000000000000001"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        reads_as_strtod(fixed[i]);
    for (int i = 0; i < 20000; i++) {
        unsigned long long r = next_random(&x);
        char text[64], num[JSON_NUMBER_MAX];
        double u = (double)(r >> 11) / 9007199254740992.0, bitsv;
        int n = (int)(r % 19) + 1, point = (int)(r >> 8 & 31) % (n + 4);
        size_t at = 0;
        json_number(u * 100, num); /* what the store holds: a score and its subtotals */
        reads_as_strtod(num);
        json_number(pow(10, -5 + 21 * u), num);
        reads_as_strtod(num);
        memcpy(&bitsv, &r, sizeof bitsv);
        if (isfinite(bitsv)) {
            json_number(bitsv, num);
            reads_as_strtod(num);
        }
        /* n random digits with the point anywhere, even after leading zeros */
        if (r >> 40 & 1) text[at++] = '-';
        if (point > n) {
            text[at++] = '0';
            text[at++] = '.';
            for (int z = n; z < point; z++)
                text[at++] = '0';
            point = -1;
        }
        for (int k = 0; k < n; k++) {
            if (k == point && k) text[at++] = '.';
            text[at++] = (char)('0' + next_random(&x) % 10);
        }
        text[at] = '\0';
        reads_as_strtod(text);
    }
}

Test(json, put_numbers_non_finite_as_null) {
    const double v[] = {NAN, INFINITY, -INFINITY, 1.5};
    double back[4];
    char out[3 + 26 * 4];
    cr_assert_eq(json_put_numbers(v, 4, out, sizeof out), 0);
    cr_assert_str_eq(out, "[null,null,null,1.5]");
    cr_assert_eq(json_get_array(out, NULL, back, 4), 4);
    cr_assert(isnan(back[0]) && isnan(back[1]) && isnan(back[2]));
    cr_assert_eq(back[3], 1.5);
}

Test(json, put_numbers_empty) {
    char out[3];
    cr_assert_eq(json_put_numbers(NULL, 0, out, sizeof out), 0);
    cr_assert_str_eq(out, "[]");
}

/* Every size from 0 to one past what is needed, each in a heap block of exactly that
 * size so AddressSanitizer sees a write past its end: never past out[size-1], always a
 * NUL when size > 0, the text a prefix of the whole, and -1 exactly when it was cut. */
Test(json, put_numbers_any_size_is_safe) {
    const double v[] = {-2.2250738585072014e-308, NAN, 0.1};
    const char *whole = "[-2.2250738585072014e-308,null,0.10000000000000001]";
    const size_t need = strlen(whole) + 1;
    for (size_t size = 0; size <= need + 1; size++) {
        char *out = malloc(size ? size : 1);
        int rc;
        cr_assert_not_null(out);
        rc = json_put_numbers(v, 3, out, size);
        if (size >= need) {
            cr_assert_eq(rc, 0, "size %zu", size);
            cr_assert_str_eq(out, whole, "size %zu", size);
        } else {
            cr_assert_eq(rc, -1, "size %zu: a cut array reported as whole", size);
            if (size > 0) {
                cr_assert_lt(strlen(out), size, "size %zu", size);
                cr_assert_eq(strncmp(out, whole, strlen(out)), 0, "size %zu: \"%s\"", size, out);
            }
        }
        free(out);
    }
}

Test(json, put_numbers_cut_array_does_not_parse) {
    const double v[] = {1, 2, 3};
    double back[3];
    char out[6]; /* "[1,2,3]" needs 8 */
    cr_assert_eq(json_put_numbers(v, 3, out, sizeof out), -1);
    cr_assert_eq(json_get_array(out, NULL, back, 3), -1, "\"%s\"", out);
}

/* ---- json_get_string -------------------------------------------------------------- */

Test(json, get_string_escapes) {
    char out[64];
    const char *in = "\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\"rest";
    const char *end = json_get_string(in, out, sizeof out);
    cr_assert_not_null(end);
    cr_assert_str_eq(end, "rest");
    cr_assert_str_eq(out, "q\" b\\ s/ \b\f\n\r\t");
}

Test(json, get_string_u_escapes_to_utf8) {
    char out[64];
    cr_assert_not_null(json_get_string("\"\\u0041\\u00e9\\u56ED\"", out, sizeof out));
    cr_assert_str_eq(out, "A\xC3\xA9\xE5\x9B\xAD"); /* A, é (2 bytes), 园 (3 bytes) */
    /* U+1F600 as the pair D83D DE00 is one 4-byte character, not two 3-byte halves */
    cr_assert_not_null(json_get_string("\"\\ud83d\\ude00!\"", out, sizeof out));
    cr_assert_str_eq(out, "\xF0\x9F\x98\x80!");
    /* the last code point: DBFF DFFF is U+10FFFF */
    cr_assert_not_null(json_get_string("\"\\uDBFF\\uDFFF\"", out, sizeof out));
    cr_assert_str_eq(out, "\xF4\x8F\xBF\xBF");
    /* raw UTF-8 inside the string is kept as it is */
    cr_assert_not_null(json_get_string("\"园区\"", out, sizeof out));
    cr_assert_str_eq(out, "园区");
}

Test(json, get_string_cut_to_size_minus_one) {
    char out[5];
    const char *in = "\"abcdefgh\" tail";
    const char *end = json_get_string(in, out, sizeof out);
    cr_assert_not_null(end);
    cr_assert_str_eq(out, "abcd");
    cr_assert_str_eq(end, " tail", "the whole string is consumed though it was cut");
    /* a multi-byte character that does not fit is dropped whole, not split */
    cr_assert_not_null(json_get_string("\"ab\\u56ed\"", out, sizeof out));
    cr_assert_str_eq(out, "ab");
    cr_assert_not_null(json_get_string("\"a\\u56ed\"", out, sizeof out));
    cr_assert_str_eq(out, "a\xE5\x9B\xAD");
}

Test(json, get_string_refuses) {
    char out[16];
    cr_assert_null(json_get_string("abc", out, sizeof out), "no opening quote");
    cr_assert_null(json_get_string("\"a\\x\"", out, sizeof out), "\\x is not an escape");
    cr_assert_null(json_get_string("\"a\\u12g4\"", out, sizeof out), "not four hex digits");
    cr_assert_null(json_get_string("\"a\\u12\"", out, sizeof out), "\\u cut short");
    cr_assert_null(json_get_string("\"abc", out, sizeof out), "unterminated");
    cr_assert_null(json_get_string("\"abc\\", out, sizeof out), "unterminated after a backslash");
    cr_assert_null(json_get_string("\"abc\\\"", out, sizeof out), "the escaped quote does not close");
}

/* ---- json_get_number -------------------------------------------------------------- */

Test(json, get_number) {
    double v = 0;
    const char *end = json_get_number("null,", &v);
    cr_assert_not_null(end);
    cr_assert(isnan(v));
    cr_assert_str_eq(end, ",");
    end = json_get_number("-12.5e1]", &v);
    cr_assert_not_null(end);
    cr_assert_eq(v, -125.0);
    cr_assert_str_eq(end, "]");
    cr_assert_null(json_get_number("x", &v));
    cr_assert_null(json_get_number("]", &v));
}

/* ---- json_get_array --------------------------------------------------------------- */

Test(json, get_array_names) {
    char names[3][JSON_NAME_MAX];
    cr_assert_eq(json_get_array("[\"output\",\"tax\\u0020paid\",\"园区\"]", names, NULL, 3), 3);
    cr_assert_str_eq(names[0], "output");
    cr_assert_str_eq(names[1], "tax paid");
    cr_assert_str_eq(names[2], "园区");
}

Test(json, get_array_name_longer_than_max_is_cut) {
    char names[1][JSON_NAME_MAX], in[JSON_NAME_MAX + 16];
    in[0] = '[';
    in[1] = '"';
    memset(in + 2, 'x', JSON_NAME_MAX + 8);
    strcpy(in + 2 + JSON_NAME_MAX + 8, "\"]");
    cr_assert_eq(json_get_array(in, names, NULL, 1), 1);
    cr_assert_eq(strlen(names[0]), JSON_NAME_MAX - 1);
}

Test(json, get_array_numbers) {
    double v[4];
    cr_assert_eq(json_get_array("[1,-2.5,null,3e2]", NULL, v, 4), 4);
    cr_assert_eq(v[0], 1.0);
    cr_assert_eq(v[1], -2.5);
    cr_assert(isnan(v[2]));
    cr_assert_eq(v[3], 300.0);
}

Test(json, get_array_empty) {
    double v[1];
    char names[1][JSON_NAME_MAX];
    cr_assert_eq(json_get_array("[]", NULL, v, 1), 0);
    cr_assert_eq(json_get_array(" [ ] ", names, NULL, 1), 0);
    cr_assert_eq(json_get_array("[]", NULL, v, 0), 0, "an empty array fits max 0");
}

Test(json, get_array_white_space_everywhere) {
    double v[2];
    char names[2][JSON_NAME_MAX];
    cr_assert_eq(json_get_array(" \t\r\n[ \n1 ,\t2\r\n] \n", NULL, v, 2), 2);
    cr_assert_eq(v[0], 1.0);
    cr_assert_eq(v[1], 2.0);
    cr_assert_eq(json_get_array("\n[\t\"a\" ,  \"b\"\n]\t", names, NULL, 2), 2);
    cr_assert_str_eq(names[0], "a");
    cr_assert_str_eq(names[1], "b");
}

Test(json, get_array_refuses) {
    double v[2];
    char names[2][JSON_NAME_MAX];
    cr_assert_eq(json_get_array(NULL, NULL, v, 2), -1, "NULL is not an array");
    cr_assert_eq(json_get_array("", NULL, v, 2), -1);
    cr_assert_eq(json_get_array("[1,2]x", NULL, v, 2), -1, "trailing garbage");
    cr_assert_eq(json_get_array("[1,2] ,", NULL, v, 2), -1, "trailing garbage after white space");
    cr_assert_eq(json_get_array("[]x", NULL, v, 2), -1, "trailing garbage after an empty array");
    cr_assert_eq(json_get_array("[ ] [", names, NULL, 2), -1, "a second array");
    cr_assert_eq(json_get_array("[1,2,3]", NULL, v, 2), -1, "more than max");
    cr_assert_eq(json_get_array("[1]", NULL, v, 0), -1, "more than max 0");
    cr_assert_eq(json_get_array("[1,2", NULL, v, 2), -1, "unclosed");
    cr_assert_eq(json_get_array("[1,]", NULL, v, 2), -1, "a trailing comma");
    cr_assert_eq(json_get_array("[,1]", NULL, v, 2), -1);
    cr_assert_eq(json_get_array("[1 2]", NULL, v, 2), -1, "no comma");
    cr_assert_eq(json_get_array("{\"a\":1}", NULL, v, 2), -1, "an object");
    cr_assert_eq(json_get_array("[[1]]", NULL, v, 2), -1, "nested");
    cr_assert_eq(json_get_array("[1]", names, NULL, 2), -1, "a number where names are read");
    cr_assert_eq(json_get_array("[\"a\"]", NULL, v, 2), -1, "a name where numbers are read");
    cr_assert_eq(json_get_array("[\"a\\q\"]", names, NULL, 2), -1, "an invalid escape inside");
}
