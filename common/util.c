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

int util_move_into(const char *path, const char *dir, const char *name, char *out, size_t outsz) {
    const char *base = name ? name : util_basename(path);
    struct stat st;
    /* a taken name gets "-N" before its extension: 410602.csv, 410602-1.csv, … */
    const char *dot = strrchr(base, '.');
    int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    for (int i = 0; i < 1000; i++) {
        int k = i == 0 ? snprintf(out, outsz, "%s/%s", dir, base)
                       : snprintf(out, outsz, "%s/%.*s-%d%s", dir, stem, base, i, base + stem);
        if (k < 0 || (size_t)k >= outsz) {
            errno = ENAMETOOLONG;
            return -1;
        }
        if (stat(out, &st) == 0) continue;
        if (rename(path, out) < 0) return -1;
        return fsync_dir_of(out);
    }
    errno = EEXIST;
    return -1;
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
