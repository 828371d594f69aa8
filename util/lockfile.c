/* lockfile.c - an exclusive lock on "<path>.lock" for the life of a process (see
 * lockfile.h for why fcntl record locks, O_CLOEXEC and a file that stays). */
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

/* The PID written in the lock file by its holder, or 0 if none can be read. */
static pid_t pid_in_file(int fd) {
    char buf[24];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    long v;
    char *end;
    if (n <= 0) return 0;
    buf[n] = '\0';
    v = strtol(buf, &end, 10);
    return v > 0 && (*end == '\n' || *end == '\0') ? (pid_t)v : 0;
}

int lockfile_acquire(const char *path, pid_t *holder, char *err, size_t errsz) {
    char lock_path[4096], pid[24];
    struct flock fl;
    int fd, len;

    if (holder) *holder = -1;
    if (snprintf(lock_path, sizeof lock_path, "%s.lock", path) >= (int)sizeof lock_path) {
        snprintf(err, errsz, _("%s: path too long for its lock file"), path);
        return -1;
    }
    fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        snprintf(err, errsz, _("lock file %s: %s"), lock_path, strerror(errno));
        return -1;
    }
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET; /* l_start 0, l_len 0: the whole file */
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        int e = errno;
        pid_t other = 0;
        if (e != EACCES && e != EAGAIN) {
            snprintf(err, errsz, _("lock file %s: %s"), lock_path, strerror(e));
            close(fd);
            return -1;
        }
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK && fl.l_pid > 0) other = fl.l_pid;
        if (!other) other = pid_in_file(fd); /* another PID namespace: the kernel says 0 */
        close(fd);
        if (holder) *holder = other;
        if (other)
            snprintf(err, errsz, _("%s is in use by process %ld (lock file %s)"), path, (long)other, lock_path);
        else
            snprintf(err, errsz, _("%s is in use by another process (lock file %s)"), path, lock_path);
        return -1;
    }
    len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        snprintf(err, errsz, _("lock file %s: cannot write the PID: %s"), lock_path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

void lockfile_release(int *fd) {
    if (!fd || *fd < 0) return;
    close(*fd);
    *fd = -1;
}
