/* notify.c - sd_notify(3) in a page: a datagram to $NOTIFY_SOCKET, no libsystemd.
 *
 * The protocol is systemd's: one AF_UNIX SOCK_DGRAM message of newline-separated
 * "KEY=VALUE" assignments, sent from the main process (NotifyAccess=main). An abstract
 * socket is named "@name" in the variable and "\0name" on the wire, its length counted
 * exactly (no trailing NUL: abstract names are byte strings). A fresh socket per call
 * keeps it stateless; the daemons send a handful of messages in their lifetime.
 */
#include "notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"

int notify_send(const char *state) {
    const char *name = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    socklen_t salen;
    size_t n;
    ssize_t sent;
    int fd, saved;

    if (!name || !*name) return 0;
    if (!state) {
        errno = EINVAL;
        return -1;
    }
    if (name[0] != '/' && name[0] != '@') {
        errno = EINVAL; /* systemd also knows vsock: addresses; not for us */
        return -1;
    }
    n = strlen(name);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (name[0] == '@') {
        if (n > sizeof sa.sun_path) { /* '@' becomes the leading NUL: n bytes in all */
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(sa.sun_path + 1, name + 1, n - 1);
        salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    } else {
        if (n >= sizeof sa.sun_path) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(sa.sun_path, name, n);
        salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    }

    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL | MSG_DONTWAIT, (const struct sockaddr *)&sa, salen);
    saved = errno;
    close(fd);
    if (sent < 0) {
        errno = saved;
        return -1;
    }
    if ((size_t)sent != strlen(state)) {
        errno = EMSGSIZE;
        return -1;
    }
    return 0;
}

/* Sends state; a failure is worth a warning (systemd will time the unit out or miss a
 * state change), never an exit. */
static void send_or_warn(const char *state) {
    if (notify_send(state) < 0)
        log_warn(_("cannot tell systemd \"%.*s\" via NOTIFY_SOCKET %s: %s"), (int)strcspn(state, "\n"), state,
                 getenv("NOTIFY_SOCKET"), strerror(errno));
}

void notify_ready(void) {
    send_or_warn("READY=1");
}

void notify_reloading(void) {
    struct timespec ts;
    char state[64];
    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(state, sizeof state, "RELOADING=1\nMONOTONIC_USEC=%llu",
             (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000ULL);
    send_or_warn(state);
}

void notify_stopping(void) {
    send_or_warn("STOPPING=1");
}
