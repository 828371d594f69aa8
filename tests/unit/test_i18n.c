/* test_i18n.c - the locale and the catalogue: English in C.UTF-8, the zh_CN catalogue's
 * words in zh_CN.UTF-8, a context telling one English word's two translations apart,
 * numbers keeping their '.', and where the catalogue is looked for.
 *
 * The catalogue is the build's ($YUEBAO_BIN/../locale, as make check and tests/run.sh
 * name it; build/locale otherwise), and the zh_CN.UTF-8 locale must be installed (make
 * deps generates it). Each test runs in its own process (Criterion), so a locale set
 * here does not leak into another test.
 */
#include <criterion/criterion.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "codec.h"
#include "i18n.h"

/* The build's catalogue folder, into YUEBAO_LOCALEDIR. */
static void name_catalogue(void) {
    const char *bin = getenv("YUEBAO_BIN");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/../locale", bin && *bin ? bin : "build/bin");
    cr_assert_eq(setenv("YUEBAO_LOCALEDIR", dir, 1), 0);
    unsetenv("LANGUAGE");
    unsetenv("LC_MESSAGES");
}

static void in_locale(const char *locale) {
    name_catalogue();
    cr_assert_eq(setenv("LC_ALL", locale, 1), 0);
    cr_assert_not_null(setlocale(LC_ALL, locale), "the %s locale is not installed: make deps generates it",
                       locale);
    i18n_init();
}

Test(i18n, english_in_c_utf8_is_the_source_text) {
    in_locale("C.UTF-8");
    cr_assert_str_eq(_("warning: "), "warning: ");
    cr_assert_str_eq(C_("score", "total"), "total");
    cr_assert_str_eq(ngettext(" takes it)", " take it)", 1), " takes it)");
    cr_assert_str_eq(ngettext(" takes it)", " take it)", 3), " take it)");
    cr_assert_str_eq(ack_status_label("ACCEPTED"), "ACCEPTED");
    cr_assert_str_eq(transition_label(TR_RESOLVED), "RESOLVED");
}

Test(i18n, chinese_in_zh_cn_from_the_catalogue) {
    in_locale("zh_CN.UTF-8");
    cr_assert_str_eq(_("warning: "), "警告：");
    cr_assert_str_eq(_("line %u: "), "第 %u 行：");
    cr_assert_str_eq(ack_status_label("ACCEPTED"), "已入库");
    cr_assert_str_eq(ack_status_label("REJECTED"), "退回");
    cr_assert_str_eq(ack_status_label("CHECKED"), "已检查");
    cr_assert_str_eq(ack_status_label("SOMETHING"), "SOMETHING", "a name it does not know comes back as it is");
    cr_assert_str_eq(alert_kind_label(ALERT_OVERDUE), "逾期");
    cr_assert_str_eq(severity_label(SEV_CRITICAL), "严重");
    cr_assert_str_eq(severity_label(SEV_WARNING), "预警");
    cr_assert_str_eq(transition_label(TR_RESOLVED), "解除");
    /* the names that are data stay English in every language */
    cr_assert_str_eq(ack_status_name(ACK_ACCEPTED), "ACCEPTED");
    cr_assert_str_eq(alert_kind_name(ALERT_OVERDUE), "overdue");
}

Test(i18n, a_context_tells_one_english_word_apart) {
    in_locale("zh_CN.UTF-8");
    cr_assert_str_eq(_("total"), "合计", "a sum of amounts (yuebao watch)");
    cr_assert_str_eq(C_("score", "total"), "总分", "a total score (yuebao ranking)");
    cr_assert_str_eq(C_("no such context", "total"), "total", "an unknown context: the English");
}

Test(i18n, numbers_keep_their_point_in_any_locale) {
    char buf[32];
    in_locale("zh_CN.UTF-8");
    cr_assert_str_eq(setlocale(LC_NUMERIC, NULL), "C");
    cr_assert_str_neq(setlocale(LC_MESSAGES, NULL), "C");
    snprintf(buf, sizeof buf, "%.1f", 1234.5);
    cr_assert_str_eq(buf, "1234.5");
    cr_assert_float_eq(strtod("6.25", NULL), 6.25, 1e-12);
}

Test(i18n, the_catalogue_folder_is_yuebao_localedir_when_set) {
    in_locale("C.UTF-8");
    cr_assert_str_eq(i18n_localedir(), getenv("YUEBAO_LOCALEDIR"));
}

Test(i18n, without_a_catalogue_the_messages_stay_english) {
    cr_assert_eq(setenv("YUEBAO_LOCALEDIR", "/nonexistent/locale", 1), 0);
    cr_assert_eq(setenv("LC_ALL", "zh_CN.UTF-8", 1), 0);
    unsetenv("LANGUAGE");
    i18n_init();
    cr_assert_str_eq(_("warning: "), "warning: ");
    cr_assert_str_eq(ack_status_label("ACCEPTED"), "ACCEPTED");
}
