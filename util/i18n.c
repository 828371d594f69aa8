/* i18n.c - the locale and the message catalogue (see i18n.h). */
#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

static char bound[PATH_MAX];

/* <dir of the running program>/../locale when it holds a catalogue: a program run from
 * the build tree (build/bin/yuebao) finds build/locale without being installed. */
static int beside_program(char *out, size_t size) {
    char exe[PATH_MAX], probe[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;
    struct stat st;
    if (n <= 0) return -1;
    exe[n] = '\0';
    if (!(slash = strrchr(exe, '/'))) return -1;
    *slash = '\0';
    snprintf(probe, sizeof probe, "%s/../locale", exe);
    if (stat(probe, &st) != 0 || !S_ISDIR(st.st_mode)) return -1;
    if (!realpath(probe, out)) return -1;
    (void)size;
    return 0;
}

void i18n_init(void) {
    const char *env = getenv("YUEBAO_LOCALEDIR");
    char dir[PATH_MAX];
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    if (env && *env)
        snprintf(dir, sizeof dir, "%s", env);
    else if (beside_program(dir, sizeof dir) != 0)
        snprintf(dir, sizeof dir, "%s", LOCALEDIR);
    snprintf(bound, sizeof bound, "%s", dir);
    bindtextdomain(I18N_DOMAIN, bound);
    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
    textdomain(I18N_DOMAIN);
}

const char *i18n_pgettext(const char *ctx_msgid, const char *msgid) {
    const char *t = gettext(ctx_msgid);
    return t == ctx_msgid ? msgid : t; /* not found: gettext hands back its argument */
}

const char *i18n_localedir(void) {
    return bound;
}
