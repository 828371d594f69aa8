/* keys.c - CURVE key files and key lists (see keys.h). */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "i18n.h"
#include "util.h"

bool keys_z85_valid(const char *s) {
    uint8_t raw[32];
    bool ok = s && strlen(s) == KEY_Z85_LEN && zmq_z85_decode(raw, s) != NULL;
    explicit_bzero(raw, sizeof raw); /* it may have been a secret key */
    return ok;
}

/* Names in key lists end up as ZAP User-Ids and in log lines: plain ASCII words. */
static bool name_valid(const char *s, size_t len) {
    if (len == 0 || len >= KEY_NAME_MAX) return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
              c == '_' || c == '.' || c == '@'))
            return false;
    }
    return true;
}

static int write_new(const char *path, mode_t mode, const char *text, char *err, size_t errsz) {
    size_t len = strlen(text), off = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        snprintf(err, errsz, "%s: %s%s", path, strerror(errno),
                 errno == EEXIST ? _(" (refusing to overwrite a key file)") : "");
        return -1;
    }
    if (fchmod(fd, mode) < 0) goto fail; /* the umask may only narrow it; make it exact */
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) goto fail;
        off += (size_t)w;
    }
    if (fsync(fd) < 0) goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    return 0;
fail:
    snprintf(err, errsz, "%s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    unlink(path);
    return -1;
}

int keys_generate(const char *base, const char *name, keypair_t *out, char *err, size_t errsz) {
    char path[4096], text[1024];
    keypair_t kp;
    int rc = -1;
    if (strlen(name) > 200) name = _("(see the file name)"); /* the comment must never crowd out the key */
    if (zmq_curve_keypair(kp.public_z85, kp.secret_z85) < 0) {
        snprintf(err, errsz, _("cannot make a key pair: %s"), zmq_strerror(errno));
        return -1;
    }
    if ((size_t)snprintf(path, sizeof path, "%s.key", base) >= sizeof path) {
        snprintf(err, errsz, _("%s: name too long"), base);
        goto out;
    }
    snprintf(text, sizeof text,
             _("# yuebao CURVE secret key \"%s\": keep it mode 0600, on this host only.\n"
             "# Its public half is in the .pub file beside it.\n%s\n"),
             name, kp.secret_z85);
    if (write_new(path, 0600, text, err, errsz) < 0) goto out;
    snprintf(path, sizeof path, "%s.pub", base);
    snprintf(text, sizeof text, _("# yuebao CURVE public key \"%s\"\n%s\n"), name, kp.public_z85);
    if (write_new(path, 0644, text, err, errsz) < 0) {
        snprintf(path, sizeof path, "%s.key", base);
        unlink(path);
        goto out;
    }
    if (out) *out = kp;
    rc = 0;
out:
    explicit_bzero(&kp, sizeof kp);
    explicit_bzero(text, sizeof text);
    return rc;
}

/* The first non-comment, non-blank line's first word, into out (size > KEY_Z85_LEN). */
static int first_word(const char *path, FILE *f, char *out, char *err, size_t errsz) {
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *p = line, *end;
        n++;
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        end = p;
        while (*end && *end != ' ' && *end != '\t' && *end != '\r' && *end != '\n')
            end++;
        if (!*p || *p == '#') continue;
        *end = '\0';
        if (!keys_z85_valid(p)) {
            snprintf(err, errsz, _("%s:%d: not a Z85 CURVE key (expected %d characters)"), path, n, KEY_Z85_LEN);
            explicit_bzero(line, sizeof line);
            return -1;
        }
        memcpy(out, p, KEY_Z85_LEN + 1);
        explicit_bzero(line, sizeof line);
        return 0;
    }
    snprintf(err, errsz, _("%s: no key in the file"), path);
    return -1;
}

int keys_load_secret(const char *path, keypair_t *out, char *err, size_t errsz) {
    struct stat st;
    FILE *f = NULL;
    int rc, fd;
    memset(out, 0, sizeof *out);
    if (!path || !*path) {
        snprintf(err, errsz,
                 _("no secret key file is configured (key = FILE; make one with `yuebao keygen NAME`)"));
        return -1;
    }
    /* O_NONBLOCK: a FIFO in its place must not hang the start; it is refused below */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(f = fdopen(fd, "r"))) {
        snprintf(err, errsz, _("%s: not a regular file"), path);
        close(fd);
        return -1;
    }
    setvbuf(f, NULL, _IONBF, 0); /* no copy of the secret left in a stdio buffer */
    if (st.st_mode & 077) {
        snprintf(err, errsz, _("%s: secret key is accessible by group or others (mode %04o); run chmod 600 %s"),
                 path, (unsigned)(st.st_mode & 07777), path);
        fclose(f);
        return -1;
    }
    rc = first_word(path, f, out->secret_z85, err, errsz);
    fclose(f);
    if (rc < 0) return -1;
    if (zmq_curve_public(out->public_z85, out->secret_z85) < 0) {
        snprintf(err, errsz, _("%s: cannot derive the public key: %s"), path, zmq_strerror(errno));
        explicit_bzero(out, sizeof *out);
        return -1;
    }
    return 0;
}

int keys_load_public(const char *path, char *out, char *err, size_t errsz) {
    FILE *f;
    int rc;
    if (!path || !*path) {
        snprintf(err, errsz, _("no public key file is configured"));
        return -1;
    }
    f = fopen(path, "re");
    if (!f) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -1;
    }
    rc = first_word(path, f, out, err, errsz);
    fclose(f);
    return rc;
}

const key_entry_t *keys_list_find(const key_list_t *list, const char *key) {
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->v[i].key, key) == 0) return &list->v[i];
    return NULL;
}

void keys_list_clear(key_list_t *list) {
    free(list->v);
    memset(list, 0, sizeof *list);
}

/* Splits off the next whitespace-separated word of *p: its start and length. */
static const char *word(char **p, size_t *len) {
    char *s = *p, *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s;
    while (*e && *e != ' ' && *e != '\t')
        e++;
    *len = (size_t)(e - s);
    *p = e;
    return s;
}

int keys_list_load(const char *path, key_list_t *out, char *err, size_t errsz) {
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    int n = 0;
    key_list_t list = {0};
    FILE *f = fopen(path, "re");
    memset(out, 0, sizeof *out);
    if (!f) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -1;
    }
    while ((got = getline(&line, &line_cap, f)) >= 0) {
        char *p = line;
        const char *k, *name;
        size_t klen, nlen, l = (size_t)got;
        const key_entry_t *dup;
        n++;
        if (strlen(line) != l) { /* what cat shows is not what would be parsed */
            snprintf(err, errsz, _("%s:%d: a NUL byte in the line"), path, n);
            goto fail;
        }
        if (n == 1 && l >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) p += 3; /* saved by Notepad */
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
            line[--l] = '\0';
        k = word(&p, &klen);
        if (klen == 0 || *k == '#') continue; /* no key starts with '#' (keys.h) */
        if (klen != KEY_Z85_LEN) {
            snprintf(err, errsz, _("%s:%d: key: expected a %d-character Z85 public key"), path, n, KEY_Z85_LEN);
            goto fail;
        }
        name = word(&p, &nlen);
        if (nlen == 0) {
            snprintf(err, errsz, _("%s:%d: name: missing (expected \"<key> <name> [comment]\")"), path, n);
            goto fail;
        }
        if (!name_valid(name, nlen)) {
            char shown[84];
            size_t m = 0;
            for (size_t i = 0; i < nlen && m + 1 < sizeof shown; i++) /* no control bytes into logs */
                shown[m++] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
            shown[m] = '\0';
            snprintf(err, errsz,
                     _("%s:%d: name: \"%s\" must be letters, digits, '-', '_', '.', '@' (at most %d)"), path, n,
                     shown, KEY_NAME_MAX - 1);
            goto fail;
        }
        if (list.n == list.cap) {
            size_t cap = list.cap ? list.cap * 2 : 16;
            key_entry_t *v = realloc(list.v, cap * sizeof *v);
            if (!v) {
                snprintf(err, errsz, _("%s: out of memory"), path);
                goto fail;
            }
            list.v = v;
            list.cap = cap;
        }
        memcpy(list.v[list.n].key, k, klen);
        list.v[list.n].key[klen] = '\0';
        if (!keys_z85_valid(list.v[list.n].key)) {
            snprintf(err, errsz, _("%s:%d: key: not valid Z85"), path, n);
            goto fail;
        }
        if ((dup = keys_list_find(&list, list.v[list.n].key)) != NULL) {
            snprintf(err, errsz, _("%s:%d: key: already listed on line %d"), path, n, dup->line);
            goto fail;
        }
        memcpy(list.v[list.n].name, name, nlen);
        list.v[list.n].name[nlen] = '\0';
        list.v[list.n].line = n;
        list.n++;
    }
    if (ferror(f)) {
        snprintf(err, errsz, _("%s: read error"), path);
        goto fail;
    }
    free(line);
    fclose(f);
    *out = list;
    return 0;
fail:
    free(line);
    fclose(f);
    keys_list_clear(&list);
    return -1;
}
