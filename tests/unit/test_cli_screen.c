/* test_cli_screen.c - the screen of `yuebao watch` in a terminal (cli/cli_screen.c):
 * how many lines each section gets in 80×24, in a tiny terminal and in a large one, and
 * that what is drawn never has more rows than the terminal nor a line wider than it.
 *
 * The sections are the sample city's as watch shows them: a title; completeness (its
 * line and column header, then 7 counties); city totals (a header, 6 main indicators);
 * the latest arrivals (8); the latest rejections ("(none)"); the ratios (8).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/cli.h" /* -Iutil -Icommon only */
#include "text.h"

enum { TITLE, COMPLETENESS, TOTALS, ARRIVALS, REJECTIONS, RATIOS, N_SECTIONS };

static const char *const title[] = {
    "yuebao watch · 2017-05 (1-5月) · last change 2017-07-05 00:00:00 · sequence 1796"};
static const char *const completeness[] = {
    "completeness: 7 of 8 zones reported · 0 on time · 7 late · 1 missing",
    "  county                                reported  on time",
    "  鹤壁经济技术开发区管委会 (410671)       1/1       0",
    "  鹤山区 (410602)                         1/1       0",
    "  山城区 (410603)                         0/1       0   ← missing",
    "  淇滨区 (410611)                         1/1       0",
    "  浚县 (410621)                           2/2       0",
    "  淇县 (410622)                           1/1       0",
    "  城乡一体化示范区管委会 (410672)         1/1       0",
};
static const char *const totals[] = {
    "city totals                        unit                        total    growth  zones",
    "  主营业务收入                     万元                  7,349,888.3    +10.4%      7",
    "  增加值                           万元                  1,819,659.3    +10.9%      7",
    "  固定资产投资                     万元                  1,931,590.8    +19.1%      7",
    "  从业人员                         人                       66,189.0     +4.2%      7",
    "  税收收入                         万元                    299,681.0     +8.6%      7",
    "  实际利用省外境外资金             万元                    338,745.8    +14.6%      7",
};
static const char *const arrivals[] = {
    "latest arrivals",
    "  07-05 00:00:00  2017-05  示范区电子信息专业园区 (城乡一体化示范区管委会) revision 1",
    "  07-05 00:00:00  2017-05  金山产业集聚区 (鹤壁经济技术开发区管委会) revision 1",
    "  07-05 00:00:00  2017-05  鹤淇产业集聚区 (淇县)              revision 1",
    "  07-05 00:00:00  2017-05  浚县黎阳专业园区 (浚县)            revision 1",
    "  07-05 00:00:00  2017-05  浚县产业集聚区 (浚县)              revision 1",
    "  07-05 00:00:00  2017-05  淇滨专业园区 (淇滨区)              revision 1",
    "  07-05 00:00:00  2017-05  宝山循环经济产业集聚区 (鹤山区)    revision 1",
    "  07-05 00:00:00  2017-05  山城专业园区 (山城区)              revision 1",
};
static const char *const rejections[] = {"latest rejections", "  (none)"};
static const char *const ratios[] = {
    "ratios                             unit                   mean          min          max",
    "  R&D经费支出占增加值比重          %                      2.17         1.15         3.10",
    "  亩均增加值(投入产出效益)         万元/亩               89.61        51.80       148.90",
    "  主导产业增加值占比               %                     71.56        56.83        81.25",
    "  主导产业投资占比                 %                     73.58        51.46        83.32",
    "  万元增加值能耗                   吨标准煤/万元          0.80         0.42         1.49",
    "  污水固废集中处理率               %                     89.01        83.67        96.84",
    "  污水集中处理设施运行达标率       %                     96.55        93.48        99.42",
    "  闲置资源(厂房、土地)盘活率       %                     17.64        12.59        23.90",
};

/* As cli_watch.c lays them out: completeness whole first, then a share of each. */
static void sample(screen_section_t *s) {
    s[TITLE] = (screen_section_t){title, 1, 0, 0};
    s[COMPLETENESS] = (screen_section_t){completeness, 2, 7, SIZE_MAX};
    s[TOTALS] = (screen_section_t){totals, 1, 6, 4};
    s[ARRIVALS] = (screen_section_t){arrivals, 1, 8, 2};
    s[REJECTIONS] = (screen_section_t){rejections, 1, 1, 2};
    s[RATIOS] = (screen_section_t){ratios, 1, 8, 1};
}

/* What screen_draw wrote, as rows without escape sequences: *n rows into rows[]. */
static void drawn_rows(const char *screen, char rows[64][1024], size_t *n) {
    size_t o = 0;
    *n = 0;
    rows[0][0] = '\0';
    for (const char *p = screen; *p; p++) {
        if (*p == '\033') { /* CSI: ESC [ params final-byte */
            p += 2;
            while (*p && !(*p >= '@' && *p <= '~'))
                p++;
            continue;
        }
        if (*p == '\n') {
            rows[*n][o] = '\0';
            cr_assert_lt(++*n, 64);
            o = 0;
            rows[*n][0] = '\0';
            continue;
        }
        rows[*n][o++] = *p;
        rows[*n][o] = '\0';
    }
    (*n)++;
}

/* Draws into memory; returns the bytes (caller frees). */
static char *draw(size_t rows, size_t cols, const char *footer) {
    screen_section_t s[N_SECTIONS];
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    sample(s);
    screen_draw(f, rows, cols, s, N_SECTIONS, footer);
    fclose(f);
    return buf;
}

Test(cli_screen, in_80x24_every_county_and_every_main_indicator_then_a_line_of_each_other_section) {
    screen_section_t s[N_SECTIONS];
    screen_fit_t fit[N_SECTIONS];
    sample(s);
    /* by hand: title 1; completeness 2 + 7 = 9 (10); totals 1 + 4 = 5 (15); arrivals
     * 1 + 2 = 3 (18); rejections 1 + 1 = 2 (20); ratios 1 + 1 = 2 (22); the 2 rows left
     * go to the totals' last 2 indicators: 24 */
    cr_assert_eq(screen_layout(24, s, N_SECTIONS, fit), 24);
    cr_assert(fit[TITLE].shown);
    cr_assert_eq(fit[COMPLETENESS].items, 7, "every county");
    cr_assert_eq(fit[COMPLETENESS].more, 0);
    cr_assert_eq(fit[TOTALS].items, 6, "every main indicator");
    cr_assert_eq(fit[TOTALS].more, 0);
    cr_assert_eq(fit[ARRIVALS].items, 1, "the latest arrival");
    cr_assert_eq(fit[ARRIVALS].more, 7, "and … 7 more");
    cr_assert_eq(fit[REJECTIONS].items, 1, "(none)");
    cr_assert_eq(fit[REJECTIONS].more, 0);
    cr_assert(fit[RATIOS].shown);
    cr_assert_eq(fit[RATIOS].items, 0);
    cr_assert_eq(fit[RATIOS].more, 8, "the ratios as one line: … 8 more");
}

Test(cli_screen, drawn_in_80x24_nothing_scrolls_and_no_line_wraps) {
    char *screen = draw(24, 80, "(Ctrl-C to quit)"), rows[64][1024];
    size_t n;
    drawn_rows(screen, rows, &n);
    cr_assert_eq(n, 24, "24 rows, the last without a line break after it");
    cr_assert_neq(screen[strlen(screen) - 1], '\n', "a line break after the last row would scroll");
    cr_assert_eq(strncmp(screen, "\033[H", 3), 0, "drawn from the top left, over the last screen");
    cr_assert_not_null(strstr(screen, "\033[J"), "what was below is cleared");
    for (size_t i = 0; i < n; i++)
        cr_assert_leq(text_width(rows[i]), 80, "row %zu is %d columns: %s", i, text_width(rows[i]), rows[i]);
    cr_assert_str_eq(rows[0], title[0]);
    cr_assert_str_eq(rows[9], "  城乡一体化示范区管委会 (410672)         1/1       0");
    cr_assert_eq(strncmp(rows[10], "city totals", 11), 0, "%s", rows[10]);
    cr_assert_eq(strncmp(rows[16], "  实际利用省外境外资金", 32), 0, "%s", rows[16]);
    cr_assert_str_eq(rows[17], "latest arrivals");
    cr_assert_str_eq(rows[19], "  … 7 more");
    cr_assert_str_eq(rows[20], "latest rejections");
    cr_assert_str_eq(rows[21], "  (none)");
    cr_assert_eq(strncmp(rows[22], "ratios", 6), 0, "%s", rows[22]);
    cr_assert_str_eq(rows[23], "  … 8 more");
    /* a line wider than the terminal (85 columns) ends in … at its edge */
    cr_assert_str_eq(rows[18],
                     "  07-05 00:00:00  2017-05  示范区电子信息专业园区 (城乡一体化示范区管委会) revi…");
    cr_assert_eq(text_width(rows[18]), 80);
    cr_assert_null(strstr(screen, "Ctrl-C"), "no row left for the footer");
    free(screen);
}

Test(cli_screen, a_tiny_terminal_shows_the_title_and_what_fits_of_completeness) {
    screen_section_t s[N_SECTIONS];
    screen_fit_t fit[N_SECTIONS];
    char *screen, rows[64][1024];
    size_t n;
    sample(s);
    /* 5 rows: title, completeness' 2 heading lines, 1 county and "… 6 more" */
    cr_assert_eq(screen_layout(5, s, N_SECTIONS, fit), 5);
    cr_assert_eq(fit[COMPLETENESS].items, 1);
    cr_assert_eq(fit[COMPLETENESS].more, 6);
    for (int i = TOTALS; i < N_SECTIONS; i++)
        cr_assert_not(fit[i].shown, "section %d does not fit", i);
    /* 3 rows: completeness' heading and one line do not fit: the title alone */
    cr_assert_eq(screen_layout(3, s, N_SECTIONS, fit), 1);
    cr_assert(fit[TITLE].shown);
    cr_assert_not(fit[COMPLETENESS].shown);
    cr_assert_eq(screen_layout(0, s, N_SECTIONS, fit), 0);
    cr_assert_not(fit[TITLE].shown);

    screen = draw(5, 20, "(Ctrl-C to quit)");
    drawn_rows(screen, rows, &n);
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < n; i++)
        cr_assert_leq(text_width(rows[i]), 20, "row %zu: %s", i, rows[i]);
    cr_assert_str_eq(rows[0], "yuebao watch · 2017…");
    cr_assert_str_eq(rows[3], "  鹤壁经济技术开发…", "a CJK name cut whole characters: 2 + 16 + 1 columns");
    cr_assert_str_eq(rows[4], "  … 6 more");
    free(screen);
}

Test(cli_screen, a_large_terminal_shows_everything_and_the_footer) {
    screen_section_t s[N_SECTIONS];
    screen_fit_t fit[N_SECTIONS];
    char *screen, rows[64][1024];
    size_t n;
    sample(s);
    /* 1 + 9 + 7 + 9 + 2 + 9 = 37 rows */
    cr_assert_eq(screen_layout(60, s, N_SECTIONS, fit), 37);
    for (int i = 0; i < N_SECTIONS; i++)
        cr_assert_eq(fit[i].more, 0, "section %d whole", i);
    screen = draw(60, 120, "(Ctrl-C to quit)");
    drawn_rows(screen, rows, &n);
    cr_assert_eq(n, 38);
    cr_assert_str_eq(rows[37], "(Ctrl-C to quit)");
    cr_assert_null(strstr(screen, "…"), "nothing cut at 120 columns");
    free(screen);
}

Test(cli_screen, cut_counts_columns_not_bytes) {
    char buf[64];
    screen_cut("浚县产业集聚区", 9, buf, sizeof buf);
    cr_assert_str_eq(buf, "浚县产业…", "4 characters of 2 columns and … in 9");
    screen_cut("浚县产业集聚区", 14, buf, sizeof buf);
    cr_assert_str_eq(buf, "浚县产业集聚区", "it fits: unchanged");
    screen_cut("abcdef", 4, buf, sizeof buf);
    cr_assert_str_eq(buf, "abc…");
    screen_cut("abcdef", 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "");
}
