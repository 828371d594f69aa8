/* util.c - small file-system helpers (see util.h). */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int util_mkdir_p(const char *dir) {
    char tmp[4096];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(tmp, dir, len + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0750) < 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(tmp, 0750) < 0 && errno != EEXIST) return -1;
    return 0;
}

int util_mkdir_parent(const char *path) {
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path) return 0;
    if ((size_t)(slash - path) >= sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    return util_mkdir_p(dir);
}

static int fsync_dir_of(const char *path) {
    char dir[4096];
    const char *slash = strrchr(path, '/');
    int fd, rc;
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path) ? (int)(slash - path) : 1, path);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int util_write_atomic(const char *path, const void *data, size_t len) {
    char tmp[4096];
    const char *p = data;
    int fd, saved;
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return -1;
    while (len > 0) {
        ssize_t k = write(fd, p, len);
        if (k < 0) {
            if (errno == EINTR) continue;
            goto fail;
        }
        p += k;
        len -= (size_t)k;
    }
    if (fsync(fd) < 0) goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) < 0) goto fail;
    return fsync_dir_of(path);
fail:
    saved = errno;
    if (fd >= 0) close(fd);
    unlink(tmp);
    errno = saved;
    return -1;
}

/* Copies src to dst for a move across filesystems: a temporary name beside dst, fsync,
 * rename into place. 0, or -1 with errno (nothing left at dst). */
static int copy_into_place(const char *src, const char *dst) {
    char tmp[4096], buf[65536];
    int in, out = -1, saved;
    ssize_t k;
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", dst, (int)getpid()) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) return -1;
    if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0) goto fail;
    while ((k = read(in, buf, sizeof buf)) != 0) {
        const char *p = buf;
        if (k < 0) {
            if (errno == EINTR) continue;
            goto fail;
        }
        while (k > 0) {
            ssize_t w = write(out, p, (size_t)k);
            if (w < 0) {
                if (errno == EINTR) continue;
                goto fail;
            }
            p += w;
            k -= w;
        }
    }
    if (fsync(out) < 0) goto fail;
    if (close(out) < 0) {
        out = -1;
        goto fail;
    }
    out = -1;
    if (rename(tmp, dst) < 0) goto fail;
    close(in);
    return 0;
fail:
    saved = errno;
    close(in);
    if (out >= 0) close(out);
    unlink(tmp);
    errno = saved;
    return -1;
}

/* Moves src to dst (a free name): rename, or across filesystems a copy, then unlink of
 * src; the folders are fsynced so the move survives a power cut. 0, or -1 with errno
 * (src is then still where it was, and nothing at dst). */
static int move_to(const char *src, const char *dst) {
    if (rename(src, dst) == 0) {
        /* moved: a failing fsync cannot undo that, so it is no failure of the move */
        fsync_dir_of(dst);
        fsync_dir_of(src);
        return 0;
    }
    if (errno != EXDEV) return -1;
    if (copy_into_place(src, dst) < 0) return -1;
    if (fsync_dir_of(dst) < 0 || unlink(src) < 0) {
        int saved = errno;
        unlink(dst); /* one copy only: src stays and is filed again */
        errno = saved;
        return -1;
    }
    fsync_dir_of(src);
    return 0;
}

/* 1 when the file at path holds exactly text. */
static int holds_text(const char *path, const char *text) {
    size_t len = strlen(text), got;
    char *buf;
    FILE *f = fopen(path, "rb");
    int same;
    if (!f) return 0;
    buf = malloc(len + 1);
    got = buf ? fread(buf, 1, len + 1, f) : 0;
    same = buf && got == len && memcmp(buf, text, len) == 0;
    free(buf);
    fclose(f);
    return same;
}

/* 1 when dir/NAME or any dir/NAME<suffix> exists (NAME: the file name in out) — except
 * what a filing killed half-way leaves: no file, and only sidecars of its own suffixes
 * holding exactly the text this filing writes (receipts are made from the outbox alone,
 * so the retry writes the same bytes). That name is this filing's own; a sidecar of
 * another text or another kind (the officer's kept receipt of an earlier file) keeps
 * the name taken. */
static int name_taken(const char *out, const util_sidecar_t *sides, size_t n_sides,
                      const char *const *reserved) {
    char side[4200];
    struct stat st;
    if (stat(out, &st) == 0) return 1;
    for (size_t i = 0; i < n_sides; i++) {
        snprintf(side, sizeof side, "%s%s", out, sides[i].suffix);
        if (stat(side, &st) == 0 && !holds_text(side, sides[i].text)) return 1;
    }
    for (size_t i = 0; reserved && reserved[i]; i++) {
        int ours = 0;
        for (size_t j = 0; j < n_sides && !ours; j++)
            ours = strcmp(reserved[i], sides[j].suffix) == 0;
        if (ours) continue;
        snprintf(side, sizeof side, "%s%s", out, reserved[i]);
        if (stat(side, &st) == 0) return 1;
    }
    return 0;
}

int util_file_into(const char *path, const char *dir, const char *name, const util_sidecar_t *sides,
                   size_t n_sides, const char *const *reserved, char *out, size_t outsz) {
    const char *base = name ? name : util_basename(path);
    /* a taken name gets "-N" before its extension: 410602.csv, 410602-1.csv, … */
    const char *dot = strrchr(base, '.');
    int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    for (int i = 0; i < 1000; i++) {
        char side[4200];
        size_t done;
        int k = i == 0 ? snprintf(out, outsz, "%s/%s", dir, base)
                       : snprintf(out, outsz, "%s/%.*s-%d%s", dir, stem, base, i, base + stem);
        if (k < 0 || (size_t)k >= outsz || (size_t)k + 64 >= sizeof side) {
            errno = ENAMETOOLONG;
            return -1;
        }
        if (name_taken(out, sides, n_sides, reserved)) continue;
        /* the sidecars first: a file never lies filed without them */
        for (done = 0; done < n_sides; done++) {
            snprintf(side, sizeof side, "%s%s", out, sides[done].suffix);
            if (util_write_atomic(side, sides[done].text, strlen(sides[done].text)) < 0) break;
        }
        if (done == n_sides && move_to(path, out) == 0) return 0;
        {
            int saved = errno;
            for (size_t j = 0; j < done; j++) { /* no sidecar without its file: the retry writes them */
                snprintf(side, sizeof side, "%s%s", out, sides[j].suffix);
                unlink(side);
            }
            errno = saved;
        }
        return -1;
    }
    errno = EEXIST;
    return -1;
}

int util_move_into(const char *path, const char *dir, const char *name, char *out, size_t outsz) {
    return util_file_into(path, dir, name, NULL, 0, NULL, out, outsz);
}

const char *util_basename(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

unsigned long long util_hash64(const void *data, size_t len) {
    const unsigned char *p = data;
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}
