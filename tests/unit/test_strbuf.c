/* test_strbuf.c - the growable buffer and its JSON and HTML escapes. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "strbuf.h"

Test(strbuf, grows_past_its_first_allocation) {
    strbuf_t b = STRBUF_INIT;
    for (int i = 0; i < 1000; i++)
        strbuf_printf(&b, "%03d,", i);
    cr_assert_eq(b.len, 4000);
    cr_assert(strncmp(b.data + 3996, "999,", 4) == 0);
    cr_assert_eq(b.data[b.len], '\0');
    strbuf_free(&b);
}

Test(strbuf, json_string_escapes_what_could_break_a_page) {
    strbuf_t b = STRBUF_INIT;
    strbuf_json_string(&b, "a\"b\\c\n</script>&\x01");
    cr_assert_str_eq(b.data, "\"a\\\"b\\\\c\\u000a\\u003c/script\\u003e\\u0026\\u0001\"");
    strbuf_free(&b);
}

Test(strbuf, json_string_keeps_chinese_and_replaces_broken_utf8) {
    strbuf_t b = STRBUF_INIT;
    strbuf_json_string(&b, "鹤壁\xC3(");
    cr_assert_str_eq(b.data, "\"鹤壁\xEF\xBF\xBD(\"");
    strbuf_reset(&b);
    strbuf_json_string(&b, NULL);
    cr_assert_str_eq(b.data, "null");
    strbuf_free(&b);
}

Test(strbuf, json_number_trims_and_nulls) {
    strbuf_t b = STRBUF_INIT;
    strbuf_json_number(&b, 12.50, 2);
    strbuf_puts(&b, " ");
    strbuf_json_number(&b, 3.0, 2);
    strbuf_puts(&b, " ");
    strbuf_json_number(&b, -0.001, 2);
    strbuf_puts(&b, " ");
    strbuf_json_number(&b, NAN, 2);
    strbuf_puts(&b, " ");
    strbuf_json_number(&b, 1234567.891, 1);
    cr_assert_str_eq(b.data, "12.5 3 0 null 1234567.9");
    strbuf_free(&b);
}

Test(strbuf, html_escapes_markup) {
    strbuf_t b = STRBUF_INIT;
    strbuf_html(&b, "<a href='x'>\"&\"</a>");
    cr_assert_str_eq(b.data, "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
    char *s = strbuf_take(&b);
    cr_assert_null(b.data);
    cr_assert_str_eq(s, "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
    free(s);
}
