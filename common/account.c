/* account.c - the web's user accounts file: parse, check, write atomically; Argon2id
 * password hashes through libsodium.
 *
 * The file is small (an office's staff, tens of lines) and read whole: yuebao-web
 * re-reads it when it changes, `yuebao user` reads it, changes one account and writes
 * it whole again under a temporary name beside it, so a reader sees the old file or the
 * new one. A line the parser does not understand is an error naming FILE:LINE, never
 * skipped: a skipped line would be an account silently locked out, or a typo'd role
 * silently granted.
 *
 * Timing: account_verify always runs crypto_pwhash_str_verify (about 0.1 s), for a
 * disabled account too, and a login for a name that does not exist verifies against
 * account_dummy_hash, so how long an answer takes says nothing about which names exist
 * or which are disabled.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "account.h"
#include "i18n.h"

#define LINE_MAX_BYTES 1024 /* a line is ~200 bytes; longer is not an account */

/* ---- libsodium, once per process ----------------------------------------------------- */

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_rc = -1;

static void sodium_start(void) {
    sodium_rc = sodium_init() < 0 ? -1 : 0;
}

/* 0 when libsodium is ready (sodium_init is itself idempotent, but not documented as
 * safe to race from two threads before the first call returns). */
static int sodium_ready(void) {
    pthread_once(&sodium_once, sodium_start);
    return sodium_rc;
}

/* ---- names and roles --------------------------------------------------------------- */

bool account_name_valid(const char *name) {
    size_t n = 0;
    if (!name) return false;
    for (const char *p = name; *p; p++, n++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
        if (n >= ACCOUNT_NAME_MAX - 1) return false;
    }
    return n > 0;
}

int account_parse_role(const char *s, account_role_t *role, char county[ACCOUNT_COUNTY_MAX], char *err,
                       size_t errsz) {
    county[0] = '\0';
    if (!s) s = "";
    if (!strcmp(s, "central")) {
        *role = ACCOUNT_CENTRAL;
        return 0;
    }
    if (!strcmp(s, "viewer")) {
        *role = ACCOUNT_VIEWER;
        return 0;
    }
    if (!strncmp(s, "county:", 7)) {
        const char *c = s + 7;
        size_t n = strspn(c, "0123456789");
        if (n == 6 && !c[n]) {
            *role = ACCOUNT_COUNTY;
            memcpy(county, c, 7);
            return 0;
        }
        snprintf(err, errsz, _("a county role is county:<the county's 6-digit code>, e.g. county:410603"));
        return -1;
    }
    snprintf(err, errsz, _("unknown role \"%.40s\": central, viewer or county:<code> (e.g. county:410603)"), s);
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

/* ---- times: "2026-12-02T08:00:00Z" ---------------------------------------------------- */

static void format_utc(int64_t ms, char *buf, size_t size) {
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int parse_utc(const char *s, int64_t *ms) {
    struct tm tm;
    int used = 0;
    memset(&tm, 0, sizeof tm);
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec, &used) != 6 ||
        s[used] || used != 20)
        return -1;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *ms = (int64_t)timegm(&tm) * 1000;
    return 0;
}

/* ---- the file -------------------------------------------------------------------------- */

void account_list_free(account_list_t *l) {
    if (!l) return;
    if (l->v) sodium_memzero(l->v, l->n * sizeof *l->v);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

const account_t *account_find(const account_list_t *l, const char *name) {
    if (!l || !name) return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].name, name)) return &l->v[i];
    return NULL;
}

/* Parses one line's fields into a. 0, or -1 with the reason in err. */
static int parse_line(char *line, account_t *a, char *err, size_t errsz) {
    char *field[6], *save = NULL;
    size_t n = 0;
    for (char *f = strtok_r(line, " \t", &save); f; f = strtok_r(NULL, " \t", &save)) {
        if (n == 6) break;
        field[n++] = f;
    }
    if (n != 5) {
        snprintf(err, errsz, _("%zu fields, not the 5 of NAME ROLE STATE CHANGED HASH"), n);
        return -1;
    }
    memset(a, 0, sizeof *a);
    if (!account_name_valid(field[0])) {
        snprintf(err, errsz, _("\"%.40s\" is not a name: 1 to 32 of a-z 0-9 . _ -"), field[0]);
        return -1;
    }
    snprintf(a->name, sizeof a->name, "%s", field[0]);
    if (account_parse_role(field[1], &a->role, a->county, err, errsz) < 0) return -1;
    if (!strcmp(field[2], "active"))
        a->disabled = false;
    else if (!strcmp(field[2], "disabled"))
        a->disabled = true;
    else {
        snprintf(err, errsz, _("state \"%.40s\": active or disabled"), field[2]);
        return -1;
    }
    if (parse_utc(field[3], &a->changed_at_ms) < 0) {
        snprintf(err, errsz, _("time \"%.40s\": UTC as 2026-12-02T08:00:00Z"), field[3]);
        return -1;
    }
    if (strncmp(field[4], "$argon2id$", 10) != 0 || strlen(field[4]) >= sizeof a->hash) {
        snprintf(err, errsz, _("the password hash is not an Argon2id hash ($argon2id$…)"));
        return -1;
    }
    snprintf(a->hash, sizeof a->hash, "%s", field[4]);
    return 0;
}

int account_load(const char *path, account_list_t *out, char *err, size_t errsz) {
    char line[LINE_MAX_BYTES + 2], why[256];
    size_t cap = 0, lineno = 0;
    FILE *f;
    out->v = NULL;
    out->n = 0;
    if (!(f = fopen(path, "re"))) {
        if (errno == ENOENT) return 0;
        snprintf(err, errsz, _("%s: cannot open: %s"), path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        char *p = line;
        account_t a;
        lineno++;
        if (len > LINE_MAX_BYTES || (len == sizeof line - 1 && line[len - 1] != '\n')) {
            snprintf(err, errsz, _("%s:%zu: line too long"), path, lineno);
            goto fail;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        p += strspn(p, " \t");
        if (!*p || *p == '#') continue;
        if (parse_line(p, &a, why, sizeof why) < 0) {
            snprintf(err, errsz, "%s:%zu: %s", path, lineno, why);
            goto fail;
        }
        if (account_find(out, a.name)) {
            snprintf(err, errsz, _("%s:%zu: account %s is there twice"), path, lineno, a.name);
            goto fail;
        }
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            account_t *v = realloc(out->v, ncap * sizeof *v);
            if (!v) {
                snprintf(err, errsz, _("%s: out of memory"), path);
                goto fail;
            }
            out->v = v;
            cap = ncap;
        }
        out->v[out->n++] = a;
        sodium_memzero(&a, sizeof a);
    }
    if (ferror(f)) {
        snprintf(err, errsz, _("%s: cannot read: %s"), path, strerror(errno));
        goto fail;
    }
    fclose(f);
    return 0;
fail:
    fclose(f);
    account_list_free(out);
    return -1;
}

/* fsync of the folder holding path, so the rename itself is durable. */
static int fsync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
    if (fd < 0) return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int account_save(const char *path, const account_list_t *l, char *err, size_t errsz) {
    char dir[4096], tmp[4096 + 64], when[32], role[32];
    const char *slash = strrchr(path, '/');
    struct stat old;
    FILE *f;
    int fd;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    if (snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%d", dir, slash ? slash + 1 : path, (int)getpid()) >=
        (int)sizeof tmp) {
        snprintf(err, errsz, _("%s: name too long"), path);
        return -1;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errsz, _("%s: cannot write in %s: %s"), path, dir, strerror(errno));
        return -1;
    }
    /* 0640 whatever the umask; the group of the file it replaces (yuebao-web's, which
     * reads it) kept when we may */
    if (fchmod(fd, 0640) < 0) goto fail_errno;
    if (stat(path, &old) == 0 && fchown(fd, (uid_t)-1, old.st_gid) < 0 && errno != EPERM) goto fail_errno;
    if (!(f = fdopen(fd, "w"))) goto fail_errno;
    fd = -1;
    fprintf(f, "# yuebao-web's accounts, written by `yuebao user`; edit with it, not by hand.\n"
               "# NAME ROLE STATE CHANGED HASH\n");
    for (size_t i = 0; i < l->n; i++) {
        const account_t *a = &l->v[i];
        format_utc(a->changed_at_ms, when, sizeof when);
        account_role_text(a, role, sizeof role);
        fprintf(f, "%s %s %s %s %s\n", a->name, role, a->disabled ? "disabled" : "active", when, a->hash);
    }
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0) {
        int saved = errno;
        fclose(f);
        errno = saved;
        goto fail_errno;
    }
    if (fclose(f) != 0) goto fail_errno;
    if (rename(tmp, path) < 0) goto fail_errno;
    if (fsync_dir(dir) < 0) {
        snprintf(err, errsz, _("%s: written, but its folder could not be synced: %s"), path, strerror(errno));
        return -1;
    }
    return 0;
fail_errno:
    snprintf(err, errsz, _("%s: cannot write: %s"), path, strerror(errno));
    if (fd >= 0) close(fd);
    unlink(tmp);
    return -1;
}

/* ---- passwords ------------------------------------------------------------------------ */

/* UTF-8 code points of s, or -1 when s is not valid UTF-8 or holds a control character. */
static long code_points(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    while (*p) {
        size_t k = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
        if (!k || (k == 2 && *p < 0xC2) || (k == 4 && *p > 0xF4)) return -1;
        if (k == 1 && (*p < 0x20 || *p == 0x7F)) return -1;
        for (size_t i = 1; i < k; i++)
            if ((p[i] & 0xC0) != 0x80) return -1;
        p += k;
        n++;
    }
    return n;
}

int account_check_password(const char *name, const char *password, char *err, size_t errsz) {
    long n = code_points(password);
    bool same = true;
    if (n < 0) {
        snprintf(err, errsz, _("the password holds a control character or is not UTF-8 text"));
        return -1;
    }
    if (n < ACCOUNT_PASSWORD_MIN) {
        snprintf(err, errsz, _("the password is too short: at least %d characters"), ACCOUNT_PASSWORD_MIN);
        return -1;
    }
    if (strlen(password) > 1024) {
        snprintf(err, errsz, _("the password is too long: at most 1024 bytes"));
        return -1;
    }
    if (name && !strcasecmp(name, password)) {
        snprintf(err, errsz, _("the password must not be the account's name"));
        return -1;
    }
    /* all one character: every code point equal to the first (valid UTF-8, checked) */
    {
        const unsigned char *p = (const unsigned char *)password;
        size_t k0 = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
        for (size_t i = k0; password[i]; i += k0)
            if (strncmp(password + i, password, k0) != 0) {
                same = false;
                break;
            }
    }
    if (same) {
        snprintf(err, errsz, _("the password must not be one character repeated"));
        return -1;
    }
    return 0;
}

int account_hash(const char *password, char out[ACCOUNT_HASH_MAX]) {
    if (sodium_ready() < 0) return -1;
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return -1;
    return 0;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[ACCOUNT_HASH_MAX];

/* The dummy: the hash of 32 random bytes nobody knows, thrown away at once. */
static void dummy_make(void) {
    unsigned char secret[32];
    char hex[65];
    if (sodium_ready() < 0) return;
    randombytes_buf(secret, sizeof secret);
    sodium_bin2hex(hex, sizeof hex, secret, sizeof secret);
    if (account_hash(hex, dummy_hash) < 0) dummy_hash[0] = '\0';
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(hex, sizeof hex);
}

const char *account_dummy_hash(void) {
    pthread_once(&dummy_once, dummy_make);
    return dummy_hash;
}

bool account_verify(const account_t *a, const char *password) {
    const char *hash;
    bool match;
    if (sodium_ready() < 0 || !password) return false;
    /* a hash that is not there (a zeroed account) is verified against the dummy: the
     * same work, never a match */
    hash = a && strncmp(a->hash, "$argon2id$", 10) == 0 ? a->hash : account_dummy_hash();
    match = hash[0] && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    return match && a && hash == a->hash && !a->disabled;
}
