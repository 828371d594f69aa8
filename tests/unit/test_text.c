/* test_text.c - county file bytes into UTF-8: validation, BOM, GB18030, width, padding.
 *
 * GB18030 input is produced here with iconv from UTF-8 strings, so the round trip
 * checks the decoding against an independent encoder rather than hand-typed bytes.
 */
#include <criterion/criterion.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

#define V(s) utf8_valid((s), sizeof(s) - 1)

/* text_copy writes what snprintf(dst, size, "%s", src) writes: whole when it fits,
 * cut to size - 1 bytes when not, "" with size 1. */
Test(text, copy_is_snprintf_s_without_the_formatter) {
    static const char *const src[] = {"", "jinshan", "410602", "鹤壁经济技术开发区", "exactly8"};
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
        for (size_t size = 1; size <= 12; size++) {
            char got[16], want[16];
            memset(got, 'x', sizeof got);
            text_copy(got, size, src[i]);
            snprintf(want, size, "%s", src[i]);
            cr_assert_str_eq(got, want, "\"%s\" into %zu bytes", src[i], size);
            cr_assert_eq(got[size], 'x', "nothing written past the %zu bytes", size);
        }
}

Test(text, utf8_valid_accepts_ascii_and_cjk) {
    cr_assert(V(""));
    cr_assert(V("zone,period"));
    cr_assert(V("园区代码,统计期"));
    cr_assert(V("\xC2\xA9"));         /* U+00A9, 2 bytes */
    cr_assert(V("\xF0\x9F\x98\x80")); /* U+1F600, 4 bytes */
    cr_assert(V("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last code point */
    cr_assert(V("\xEF\xBB\xBF"
                "abc")); /* a BOM is valid UTF-8 */
}

Test(text, utf8_valid_refuses_overlongs) {
    cr_assert_not(V("\xC0\xAF")); /* '/' in 2 bytes */
    cr_assert_not(V("\xC1\xBF"));
    cr_assert_not(V("\xE0\x80\xAF"));     /* '/' in 3 bytes */
    cr_assert_not(V("\xE0\x9F\xBF"));     /* U+07FF in 3 bytes */
    cr_assert_not(V("\xF0\x8F\xBF\xBF")); /* U+FFFF in 4 bytes */
}

Test(text, utf8_valid_refuses_surrogates_and_beyond_unicode) {
    cr_assert_not(V("\xED\xA0\x80"));     /* U+D800 */
    cr_assert_not(V("\xED\xBF\xBF"));     /* U+DFFF */
    cr_assert(V("\xED\x9F\xBF"));         /* U+D7FF, just below */
    cr_assert_not(V("\xF4\x90\x80\x80")); /* U+110000 */
    cr_assert_not(V("\xF5\x80\x80\x80"));
    cr_assert_not(V("\xFF"));
}

Test(text, utf8_valid_refuses_truncated_and_stray_bytes) {
    cr_assert_not(V("\xE5\x9B")); /* 园 without its last byte */
    cr_assert_not(V("abc\xE5"));
    cr_assert_not(V("\xF0\x9F\x98"));
    cr_assert_not(V("\x80")); /* a continuation byte alone */
    cr_assert_not(V("\xE5"
                    "a"
                    "\x9B")); /* interrupted */
    /* the length bounds the check: 园 cut short by len */
    cr_assert_not(utf8_valid("\xE5\x9B\xAD", 2));
    cr_assert(utf8_valid("\xE5\x9B\xAD", 3));
}

Test(text, plain_utf8_is_copied) {
    char *out = NULL, err[256];
    size_t len = 0;
    const char *enc = NULL;
    cr_assert_eq(text_to_utf8("园区,a\n", strlen("园区,a\n"), &out, &len, &enc, err, sizeof err), 0);
    cr_assert_str_eq(enc, "UTF-8");
    cr_assert_str_eq(out, "园区,a\n");
    cr_assert_eq(len, strlen("园区,a\n"));
    free(out);
}

Test(text, bom_is_stripped) {
    static const char in[] = "\xEF\xBB\xBFzone,period\n";
    char *out = NULL, err[256];
    size_t len = 0;
    const char *enc = NULL;
    cr_assert_eq(text_to_utf8(in, sizeof in - 1, &out, &len, &enc, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(enc, "UTF-8 (BOM)");
    cr_assert_str_eq(out, "zone,period\n");
    cr_assert_eq(len, strlen("zone,period\n"));
    free(out);
}

/* The GB18030 bytes of a UTF-8 string, by iconv. */
static size_t to_gb18030(const char *utf8, char *gb, size_t size) {
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    char *src = (char *)utf8, *dst = gb;
    size_t in_left = strlen(utf8), out_left = size - 1;
    cr_assert_neq(cd, (iconv_t)-1);
    cr_assert_neq(iconv(cd, &src, &in_left, &dst, &out_left), (size_t)-1);
    iconv_close(cd);
    *dst = '\0';
    return (size_t)(dst - gb);
}

Test(text, gb18030_round_trip) {
    const char *utf8 = "园区代码,统计期,指标,本年累计,同比增长(%)\n"
                       "金山产业集聚区,2017年1-6月,闲置资源(厂房、土地)盘活率,17.84,\n";
    char gb[1024], *out = NULL, err[256];
    size_t n = to_gb18030(utf8, gb, sizeof gb), len = 0;
    const char *enc = NULL;
    cr_assert_not(utf8_valid(gb, n), "GB18030 Chinese is not valid UTF-8");
    cr_assert_eq(text_to_utf8(gb, n, &out, &len, &enc, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(enc, "GB18030");
    cr_assert_str_eq(out, utf8);
    cr_assert_eq(len, strlen(utf8));
    free(out);
}

Test(text, gb18030_four_byte_characters) {
    /* U+20000 (𠀀) and U+00E9 (é) take four-byte GB18030 codes */
    const char *utf8 = "项目\xF0\xA0\x80\x80 caf\xC3\xA9";
    char gb[256], *out = NULL, err[256];
    size_t n = to_gb18030(utf8, gb, sizeof gb), len = 0;
    const char *enc = NULL;
    cr_assert_eq(text_to_utf8(gb, n, &out, &len, &enc, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(enc, "GB18030");
    cr_assert_str_eq(out, utf8);
    free(out);
}

/* Excel's "Unicode text": UTF-16 LE with a BOM, decoded (hand-encoded: z o n e 园). */
Test(text, utf16le_with_bom_is_decoded) {
    static const char in[] = "\xFF\xFEz\0o\0n\0e\0\xED\x56";
    char *out = NULL, err[256] = "";
    const char *enc = NULL;
    size_t len = 0;
    cr_assert_eq(text_to_utf8(in, sizeof in - 1, &out, &len, &enc, err, sizeof err), 0, "%s", err);
    cr_expect_str_eq(out, "zone\xE5\x9B\xAD");
    cr_expect_eq(len, 7);
    cr_expect_str_eq(enc, "UTF-16LE (BOM)");
    free(out);
}

Test(text, nul_bytes_are_refused) {
    /* UTF-16 without a BOM (or any binary file) */
    static const char in[] = "z\0o\0n\0e\0";
    char *out = NULL, err[256] = "";
    const char *enc = NULL;
    size_t len = 0;
    cr_assert_eq(text_to_utf8(in, sizeof in - 1, &out, &len, &enc, err, sizeof err), -1);
    cr_assert_null(out);
    cr_assert(strstr(err, "NUL"), "%s", err);
    cr_assert(strstr(err, "UTF-8"), "the message says what to do instead: %s", err);
}

Test(text, undecodable_bytes_are_refused) {
    /* 0xFF is neither UTF-8 nor GB18030 */
    static const char in[] = "abc\xFF\xFF";
    char *out = NULL, err[256] = "";
    size_t len = 0;
    cr_assert_eq(text_to_utf8(in, sizeof in - 1, &out, &len, NULL, err, sizeof err), -1);
    cr_assert_null(out);
    cr_assert(strstr(err, "GB18030"), "%s", err);
}

Test(text, empty_input) {
    char *out = NULL, err[256];
    size_t len = 99;
    const char *enc = NULL;
    cr_assert_eq(text_to_utf8("", 0, &out, &len, &enc, err, sizeof err), 0);
    cr_assert_str_eq(out, "");
    cr_assert_eq(len, 0);
    free(out);
}

Test(text, load_file_reads_gb18030_and_names_missing_files) {
    char path[] = "/tmp/test_text_XXXXXX", gb[256], *out = NULL, err[512];
    size_t n = to_gb18030("园区代码\n", gb, sizeof gb), len = 0;
    const char *enc = NULL;
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, gb, n), (ssize_t)n);
    close(fd);
    cr_assert_eq(text_load_file(path, 1024, &out, &len, &enc, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(out, "园区代码\n");
    cr_assert_str_eq(enc, "GB18030");
    free(out);
    out = NULL;
    cr_assert_eq(text_load_file(path, 4, &out, &len, &enc, err, sizeof err), -1, "over max_bytes");
    cr_assert(strstr(err, "larger than"), "%s", err);
    unlink(path);
    cr_assert_eq(text_load_file(path, 1024, &out, &len, &enc, err, sizeof err), -1);
    cr_assert(strstr(err, path), "the message names the file: %s", err);
    cr_assert(strstr(err, "cannot open"), "%s", err);
}

Test(text, width_counts_cjk_as_two) {
    cr_assert_eq(text_width("金山产业集聚区"), 14);
    cr_assert_eq(text_width("abc"), 3);
    cr_assert_eq(text_width(""), 0);
    cr_assert_eq(text_width("R&D经费"), 7);
    cr_assert_eq(text_width("（%）"), 5, "full-width parentheses are wide, %% is not");
}

Test(text, pad_to_width) {
    char buf[64];
    text_pad(buf, sizeof buf, "金山", 6);
    cr_assert_str_eq(buf, "金山  ");
    cr_assert_eq(text_width(buf), 6);
    text_pad(buf, sizeof buf, "abc", 5);
    cr_assert_str_eq(buf, "abc  ");
    text_pad(buf, sizeof buf, "金山产业集聚区", 4);
    cr_assert_str_eq(buf, "金山产业集聚区", "never cut");
    text_pad(buf, 4, "abcdef", 10);
    cr_assert_str_eq(buf, "abc", "bounded by the buffer");
    text_pad(buf, 6, "ab", 10);
    cr_assert_str_eq(buf, "ab   ", "padding stops at the buffer's end");
}

Test(text, trim) {
    char a[] = " \t zone \r\n", b[] = "   ", c[] = "园区", d[] = "a b";
    cr_assert_str_eq(text_trim(a), "zone");
    cr_assert_str_eq(text_trim(b), "");
    cr_assert_str_eq(text_trim(c), "园区");
    cr_assert_str_eq(text_trim(d), "a b");
}

Test(text, shown_escapes_bad_bytes_and_cuts_on_a_character) {
    char buf[16];
    /* a stray continuation byte and a line break become visible escapes, CJK stays whole */
    cr_assert_str_eq(text_shown("a\x80"
                                "b\nc",
                                buf, sizeof buf),
                     "a\\x80b\\nc");
    cr_assert_str_eq(text_shown("金山", buf, sizeof buf), "金山");
    /* 15 bytes fit exactly in 16: no cut */
    cr_assert_str_eq(text_shown("金山产业集", buf, sizeof buf), "金山产业集");
    /* one more character does not fit: cut before it, on a boundary, marked "..." */
    text_shown("金山产业集聚区", buf, sizeof buf);
    cr_assert_str_eq(buf, "金山产业...");
    cr_assert(utf8_valid(buf, strlen(buf)));
}

Test(text, load_file_reads_no_more_than_the_cap_allows) {
    char path[] = "/tmp/yb_text_cap_XXXXXX", err[256], *out = NULL;
    size_t len = 0;
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "0123456789", 10), 10);
    close(fd);
    cr_assert_eq(text_load_file(path, 10, &out, &len, NULL, err, sizeof err), 0, "%s", err);
    cr_assert_eq(len, 10);
    free(out);
    out = NULL;
    cr_assert_eq(text_load_file(path, 9, &out, &len, NULL, err, sizeof err), -1);
    cr_assert(strstr(err, "larger than 9 bytes"), "%s", err);
    cr_assert_null(out);
    unlink(path);
}

/* A reason cut by snprintf in the middle of a character must still be valid UTF-8
 * (the codec refuses anything else), and lose only that partial character. */
Test(text, truncate_utf8_drops_only_a_partial_character) {
    char buf[8];
    memcpy(buf, "ab浚县", 7); /* as a cut would leave it: "ab", 浚, and 2 of 县's 3 bytes */
    buf[7] = '\0';
    cr_assert_not(utf8_valid(buf, strlen(buf)), "the cut left half a character");
    text_truncate_utf8(buf);
    cr_assert_str_eq(buf, "ab浚");
    cr_assert(utf8_valid(buf, strlen(buf)));

    snprintf(buf, sizeof buf, "%s", "abc浚"); /* whole: 3 + 3 bytes */
    text_truncate_utf8(buf);
    cr_assert_str_eq(buf, "abc浚", "a whole last character stays");

    snprintf(buf, sizeof buf, "%s", "abcdef\xe6");
    text_truncate_utf8(buf);
    cr_assert_str_eq(buf, "abcdef", "a lone lead byte goes");

    buf[0] = '\0';
    text_truncate_utf8(buf);
    cr_assert_str_eq(buf, "");
}

/* Control characters become visible escapes; the result is valid UTF-8 without one. */
Test(text, escape_controls) {
    char buf[64];
    cr_assert_str_eq(text_escape_controls("a\x1b[31mb\nc\td\re\x7f", buf, sizeof buf), "a\\x1b[31mb\\nc\\td\\re\\x7f");
    cr_assert_str_eq(text_escape_controls("宝山\xc2\x85x", buf, sizeof buf), "宝山\\u0085x"); /* C1 NEL */
    cr_assert_str_eq(text_escape_controls("bad\xff", buf, sizeof buf), "bad\\xff");
    cr_assert_str_eq(text_escape_controls("plain 宝山", buf, sizeof buf), "plain 宝山");
    /* cut on a character boundary, marked */
    cr_assert_str_eq(text_escape_controls("abcdefghij", buf, 8), "abcd...");
    cr_assert_str_eq(text_escape_controls("\n\n\n\n", buf, 8), "\\n\\n...");
    cr_assert_str_eq(text_escape_bytes("c:\0x", 4, buf, sizeof buf), "c:\\x00x");
    cr_assert(text_has_controls("a\nb") && text_has_controls("\xc2\x9b") && !text_has_controls("宝山 ok"));
}

/* text_shown is the message form of the same escaping: C1 (U+009B CSI drives a
 * terminal like ESC [) is escaped too, not passed through to a log line. */
Test(text, shown_escapes_c0_del_and_c1_as_escape_controls_does) {
    char buf[64], esc[64];
    const char *s = "宝山\xc2\x9b""31m\x1b[0m\x7f\x01\xc2\x80\xc2\x9f\xc2\xa0x";
    cr_assert_str_eq(text_shown(s, buf, sizeof buf), "宝山\\u009b31m\\x1b[0m\\x7f\\x01\\u0080\\u009f\xc2\xa0x");
    cr_assert_str_eq(buf, text_escape_controls(s, esc, sizeof esc), "one escaping, one result");
    cr_assert_not(text_has_controls(buf));
    cr_assert(utf8_valid(buf, strlen(buf)));
    /* the smallest buffer text_shown takes still holds the cut mark */
    cr_assert_str_eq(text_shown("abcdef", buf, 4), "...");
}

/* --- full-width forms ----------------------------------------------------------------- */

Test(text, fold_width_maps_exactly_the_listed_characters) {
    char buf[128];
    /* １２３４．５ → 1234.5: digits U+FF11.., point U+FF0E */
    cr_assert_eq(text_fold_width("１２３４．５", buf, sizeof buf), TEXT_FOLD_DIGITS | TEXT_FOLD_SIGNS);
    cr_assert_str_eq(buf, "1234.5");
    cr_assert_eq(text_fold_width("－６．２", buf, sizeof buf), TEXT_FOLD_DIGITS | TEXT_FOLD_SIGNS);
    cr_assert_str_eq(buf, "-6.2");
    cr_assert_eq(text_fold_width("（１，２３４）％＋／", buf, sizeof buf), TEXT_FOLD_DIGITS | TEXT_FOLD_SIGNS);
    cr_assert_str_eq(buf, "(1,234)%+/");
    cr_assert_eq(text_fold_width("\xE3\x80\x80" "42\xC2\xA0", buf, sizeof buf), TEXT_FOLD_SPACES);
    cr_assert_str_eq(buf, " 42 ");
    /* nothing else: ① ² ㎡ full-width letters, the ideographic comma and full stop stay */
    cr_assert_eq(text_fold_width("①²㎡ＡＥ、。主营业务收入12", buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "①²㎡ＡＥ、。主营业务收入12");
}

Test(text, fold_width_cuts_on_a_character) {
    char buf[5];
    text_fold_width("ab主营", buf, sizeof buf); /* "ab" + 3 bytes would need 6 */
    cr_assert_str_eq(buf, "ab");
    text_fold_width("１２３４５６", buf, sizeof buf);
    cr_assert_str_eq(buf, "1234");
}

Test(text, trim_spaces_takes_full_width_and_no_break_spaces) {
    char a[] = "\xE3\x80\x80 baoshan\xC2\xA0\t\xE3\x80\x80";
    char b[] = "主营 业务收入\xE3\x80\x80";
    char c[] = "\xE3\x80\x80\xC2\xA0 ";
    cr_assert_str_eq(text_trim_spaces(a), "baoshan");
    cr_assert_str_eq(text_trim_spaces(b), "主营 业务收入", "a space inside stays");
    cr_assert_str_eq(text_trim_spaces(c), "");
}

/* The bidi controls that reorder what a terminal shows ("Trojan Source": U+202A-202E,
 * U+2066-2069, U+200E/200F, U+061C) cannot disguise a zone name or a message either,
 * nor can the line separators U+2028/2029 start a line: they are shown escaped like the
 * other controls, and the text around them is kept. */
Test(text, bidi_controls_are_escaped) {
    char buf[128];
    text_escape_controls("jin\xe2\x80\xaeshan", buf, sizeof buf); /* U+202E RIGHT-TO-LEFT OVERRIDE */
    cr_assert_str_eq(buf, "jin\\u202eshan");
    text_escape_controls("\xe2\x81\xa6" "410602" "\xe2\x81\xa9", buf, sizeof buf); /* U+2066 ... U+2069 */
    cr_assert_str_eq(buf, "\\u2066410602\\u2069");
    text_escape_controls("a\xe2\x80\x8f" "b\xd8\x9c" "c", buf, sizeof buf); /* U+200F, U+061C */
    cr_assert_str_eq(buf, "a\\u200fb\\u061cc");
    /* an em dash stays; the line and paragraph separators U+2028/2029 break lines */
    text_escape_controls("宝山—园区\xe2\x80\xa8x\xe2\x80\xa9", buf, sizeof buf);
    cr_assert_str_eq(buf, "宝山—园区\\u2028x\\u2029");
}
