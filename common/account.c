/* account.c - the web's accounts file and its Argon2id password hashes (libsodium). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "i18n.h"

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ok = -1;

static void init_sodium(void) { sodium_ok = sodium_init() < 0 ? -1 : 0; }

static int sodium_ready(void) {
    pthread_once(&sodium_once, init_sodium);
    return sodium_ok;
}

bool account_name_valid(const char *name) {
    size_t n = strlen(name);
    if (n < 1 || n > ACCOUNT_NAME_MAX - 1) return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
    }
    return true;
}

int account_parse_role(const char *s, account_role_t *role, char county[ACCOUNT_COUNTY_MAX], char *err,
                       size_t errsz) {
    county[0] = '\0';
    if (strcmp(s, "central") == 0) {
        *role = ACCOUNT_CENTRAL;
        return 0;
    }
    if (strcmp(s, "viewer") == 0) {
        *role = ACCOUNT_VIEWER;
        return 0;
    }
    if (strncmp(s, "county:", 7) == 0) {
        const char *c = s + 7;
        bool digits = strlen(c) == 6;
        for (size_t i = 0; digits && i < 6; i++) digits = c[i] >= '0' && c[i] <= '9';
        if (digits) {
            *role = ACCOUNT_COUNTY;
            snprintf(county, ACCOUNT_COUNTY_MAX, "%s", c);
            return 0;
        }
        snprintf(err, errsz, _("role \"%s\": a county's code has 6 digits, e.g. county:410603"), s);
        return -1;
    }
    snprintf(err, errsz, _("role \"%s\": expected central, viewer or county:<6-digit code>"), s);
    return -1;
}

void account_role_text(const account_t *a, char *buf, size_t size) {
    switch (a->role) {
    case ACCOUNT_CENTRAL: snprintf(buf, size, "central"); break;
    case ACCOUNT_VIEWER: snprintf(buf, size, "viewer"); break;
    case ACCOUNT_COUNTY: snprintf(buf, size, "county:%s", a->county); break;
    default: snprintf(buf, size, "?"); break;
    }
}

static int parse_time(const char *s, int64_t *ms) {
    struct tm tm;
    const char *end;
    memset(&tm, 0, sizeof tm);
    end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end) return -1;
    *ms = (int64_t)timegm(&tm) * 1000;
    return 0;
}

static void format_time(int64_t ms, char *buf, size_t size) {
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void account_list_free(account_list_t *l) {
    if (l->v) sodium_memzero(l->v, l->n * sizeof *l->v);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

const account_t *account_find(const account_list_t *l, const char *name) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0) return &l->v[i];
    return NULL;
}

/* One line's fields into a; the reason in why. */
static int parse_line(char *line, account_t *a, char *why, size_t whysz) {
    char *f[6], *save = NULL;
    int n = 0;
    for (char *t = strtok_r(line, " \t", &save); t && n < 6; t = strtok_r(NULL, " \t", &save)) f[n++] = t;
    memset(a, 0, sizeof *a);
    if (n != 5) {
        snprintf(why, whysz, _("expected NAME ROLE STATE CHANGED HASH (5 fields), found %d"), n);
        return -1;
    }
    if (!account_name_valid(f[0])) {
        snprintf(why, whysz, _("\"%.40s\" is not an account name ([a-z0-9._-], at most 32)"), f[0]);
        return -1;
    }
    snprintf(a->name, sizeof a->name, "%s", f[0]);
    if (account_parse_role(f[1], &a->role, a->county, why, whysz) < 0) return -1;
    if (strcmp(f[2], "active") == 0) a->disabled = false;
    else if (strcmp(f[2], "disabled") == 0) a->disabled = true;
    else {
        snprintf(why, whysz, _("state \"%.20s\": expected active or disabled"), f[2]);
        return -1;
    }
    if (parse_time(f[3], &a->changed_at_ms) < 0) {
        snprintf(why, whysz, _("\"%.30s\" is not a time like 2026-12-02T08:00:00Z"), f[3]);
        return -1;
    }
    if (strncmp(f[4], "$argon2id$", 10) != 0 || strlen(f[4]) >= sizeof a->hash) {
        snprintf(why, whysz, "%s", _("the hash is not an Argon2id hash ($argon2id$…)"));
        return -1;
    }
    snprintf(a->hash, sizeof a->hash, "%s", f[4]);
    return 0;
}

int account_load(const char *path, account_list_t *out, char *err, size_t errsz) {
    FILE *f = fopen(path, "r");
    char line[1024], why[256];
    unsigned lineno = 0;
    size_t cap = 0;
    out->v = NULL;
    out->n = 0;
    if (!f) {
        if (errno == ENOENT) return 0;
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        char *p = line;
        account_t a;
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        while (*p == ' ' || *p == '\t') p++;
        if (!*p || *p == '#') continue;
        if (parse_line(p, &a, why, sizeof why) < 0) goto bad;
        if (account_find(out, a.name)) {
            snprintf(why, sizeof why, _("account \"%s\" is listed twice"), a.name);
            goto bad;
        }
        if (out->n == cap) {
            account_t *v = realloc(out->v, (cap ? cap * 2 : 16) * sizeof *v);
            if (!v) {
                snprintf(why, sizeof why, "%s", _("out of memory"));
                goto bad;
            }
            out->v = v;
            cap = cap ? cap * 2 : 16;
        }
        out->v[out->n++] = a;
        sodium_memzero(&a, sizeof a);
    }
    fclose(f);
    return 0;
bad:
    snprintf(err, errsz, "%s:%u: %s", path, lineno, why);
    fclose(f);
    account_list_free(out);
    return -1;
}

int account_save(const char *path, const account_list_t *l, char *err, size_t errsz) {
    char tmp[4200], dir[4200], changed[32], role[64];
    int fd, dfd;
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0 || !(f = fdopen(fd, "w"))) {
        snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    fprintf(f, "# yuebao-web accounts: written by `yuebao user`, do not edit by hand\n"
               "# NAME ROLE STATE CHANGED HASH\n");
    for (size_t i = 0; i < l->n; i++) {
        const account_t *a = &l->v[i];
        account_role_text(a, role, sizeof role);
        format_time(a->changed_at_ms, changed, sizeof changed);
        fprintf(f, "%s %s %s %s %s\n", a->name, role, a->disabled ? "disabled" : "active", changed, a->hash);
    }
    if (fflush(f) != 0 || fsync(fd) != 0) {
        snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
        fclose(f);
        unlink(tmp);
        return -1;
    }
    fchmod(fd, 0640);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    snprintf(dir, sizeof dir, "%s", path);
    if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

int account_check_password(const char *name, const char *password, char *err, size_t errsz) {
    size_t chars = 0;
    bool all_same = true;
    for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
        if ((*p & 0xC0) != 0x80) chars++;
        if (*p != (unsigned char)password[0]) all_same = false;
    }
    if (chars < ACCOUNT_PASSWORD_MIN) {
        snprintf(err, errsz, _("the password is too short: at least %d characters"), ACCOUNT_PASSWORD_MIN);
        return -1;
    }
    if (strcasecmp(name, password) == 0) {
        snprintf(err, errsz, "%s", _("the password must not be the account's name"));
        return -1;
    }
    if (all_same) {
        snprintf(err, errsz, "%s", _("the password must not be one character repeated"));
        return -1;
    }
    return 0;
}

int account_hash(const char *password, char out[ACCOUNT_HASH_MAX]) {
    if (sodium_ready() < 0) return -1;
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
               ? 0
               : -1;
}

bool account_verify(const account_t *a, const char *password) {
    bool ok;
    if (sodium_ready() < 0) return false;
    ok = crypto_pwhash_str_verify(a->hash, password, strlen(password)) == 0;
    return ok && !a->disabled;
}

static char dummy[ACCOUNT_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void) {
    unsigned char raw[24];
    char pw[64];
    if (sodium_ready() < 0) return;
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
    if (account_hash(pw, dummy) < 0) dummy[0] = '\0';
    sodium_memzero(pw, sizeof pw);
}

const char *account_dummy_hash(void) {
    pthread_once(&dummy_once, make_dummy);
    return dummy;
}
