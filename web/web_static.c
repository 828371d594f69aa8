/* web_static.c - the pages' scripts, styles and charts library, from the assets folder
 * (make puts web/assets and ECharts there; an installation /usr/share/yuebao/web). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "web_server.h"

static const char *content_type(const char *name) {
    static const struct {
        const char *ext, *type;
    } types[] = {{".js", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
                 {".svg", "image/svg+xml"},                 {".png", "image/png"},
                 {".ico", "image/x-icon"},                  {".json", "application/json; charset=utf-8"},
                 {".woff2", "font/woff2"}};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return NULL;
}

int web_static(web_t *w, const web_request_t *rq, web_reply_t *rp) {
    const char *name = rq->path + strlen("/assets/");
    char full[sizeof w->cfg->assets + 256];
    struct stat st;
    bool ok = *name && strlen(name) < 200 && !strstr(name, "..") && name[0] != '/' && !strstr(name, "/.") &&
              name[0] != '.' && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-") ==
                                    strlen(name);
    if (!ok || !content_type(name)) {
        web_reply_error(rp, 404, _("no such file"));
        return 0;
    }
    snprintf(full, sizeof full, "%s/%s", w->cfg->assets, name);
    if (stat(full, &st) < 0 || !S_ISREG(st.st_mode)) {
        web_reply_error(rp, 404, _("no such file"));
        return 0;
    }
    snprintf(rp->static_path, sizeof rp->static_path, "%s", full);
    rp->path = rp->static_path;
    rp->unlink_after = false;
    rp->content_type = content_type(name);
    rp->no_store = false;
    return 0;
}
