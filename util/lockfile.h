/* lockfile.h - one process per resource: an exclusive lock on a file beside it.
 *
 * A daemon that writes a store must be the only one doing so: a second scorer on the
 * same score store would mix its alerts into the first one's, a second collector on the
 * same outbox would send every report twice. SQLite's own locking only keeps writes
 * from interleaving; it does not keep a second process from starting. So each writer
 * takes, at start-up and for its whole life, an exclusive lock on "<store>.lock" and
 * writes its PID into it; the next one to try is refused and told who holds it.
 *
 * The lock is a POSIX record lock (fcntl F_SETLK) on a descriptor opened O_CLOEXEC: the
 * kernel releases it when the process exits, however it exits (SIGKILL included), a
 * child started with exec never holds it, and the holder's PID comes from the kernel
 * (F_GETLK), not from a file that could be stale. The lock file itself stays in place;
 * removing it would let two processes lock two different files. Readers do not lock.
 * Knows nothing of stores: any path names a resource.
 */
#ifndef YB_LOCKFILE_H
#define YB_LOCKFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Locks resource path: opens (creating it, mode 0640) "<path>.lock", takes an exclusive
 * lock on it without waiting, and writes this process's PID into it. Returns the
 * descriptor holding the lock (keep it open for as long as the resource is used; the
 * process's exit releases it), or -1 with a message in err: "<path> is in use by
 * process N (lock file <path>.lock)" when another process holds it — with *holder set
 * to N if holder is not NULL (0 when the kernel does not say and the file holds no
 * PID) — or the system error otherwise (*holder -1). */
int lockfile_acquire(const char *path, pid_t *holder, char *err, size_t errsz);

/* Releases a lock taken by lockfile_acquire (closes *fd) and sets *fd to -1; a
 * negative *fd is left alone. The lock file stays. */
void lockfile_release(int *fd);

#endif
