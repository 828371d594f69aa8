/* dump_pages.c - writes the HTML web_page.c makes for each page into a folder, for the
 * browser test's fake server (fake_server.mjs), so the fixture is always what the real
 * server would send. The user is "zhang" (central), the CSRF token "fake-csrf", the
 * zone 410602001 and the county 410602. Usage: dump_pages DIR */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "web.h"

void web_reply_error(web_reply_t *rp, int status, const char *message) {
    strbuf_reset(&rp->body);
    strbuf_json_string(&rp->body, message);
    rp->status = status;
}

static int dump(const char *dir, const char *file, const web_reply_t *rp) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.html", dir, file);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(rp->body.data, 1, rp->body.len, f) != rp->body.len || fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    i18n_init();
    if (argc != 2) {
        fprintf(stderr, "%s\n", _("usage: dump_pages DIR"));
        return 2;
    }
    account_t u = {.name = "zhang", .role = ACCOUNT_CENTRAL};
    const struct {
        const char *page, *param;
    } pages[] = {{"overview", NULL}, {"ranking", NULL}, {"zone", "410602001"}, {"county", "410602"},
                 {"downloads", NULL}};
    int rc = 0;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        web_request_t rq = {.user = &u, .method = "GET", .csrf = "fake-csrf", .param = pages[i].param};
        web_reply_t rp = {.body = STRBUF_INIT};
        web_page(NULL, &rq, pages[i].page, &rp);
        rc |= dump(argv[1], pages[i].page, &rp);
        strbuf_free(&rp.body);
    }
    web_request_t rq = {.method = "GET", .csrf = "fake-login"};
    web_reply_t rp = {.body = STRBUF_INIT};
    web_page_login(NULL, &rq, NULL, NULL, &rp);
    rc |= dump(argv[1], "login", &rp);
    strbuf_free(&rp.body);
    return rc ? 1 : 0;
}
