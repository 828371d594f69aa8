/* test_notify.c - the sd_notify datagrams: READY, RELOADING, STOPPING, arbitrary state.
 *
 * Each test plays systemd: it binds a unix datagram socket (a file in a temporary
 * folder, or an abstract name), points NOTIFY_SOCKET at it, and reads back exactly
 * what the daemon would have told the service manager.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"

static char tmpdir[64], sockpath[128];
static int fd = -1;

/* Binds a datagram socket to path, or to an abstract name when abstract (path then
 * holds the name without its leading NUL). Receives wait at most 2 s. */
static int listen_dgram(const char *path, bool abstract) {
    struct sockaddr_un sa;
    struct timeval tv = {2, 0};
    socklen_t len;
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    cr_assert(s >= 0, "socket: %s", strerror(errno));
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (abstract) {
        memcpy(sa.sun_path + 1, path, strlen(path));
        len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path));
    } else {
        snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
        len = (socklen_t)sizeof sa;
    }
    cr_assert(bind(s, (struct sockaddr *)&sa, len) == 0, "bind %s: %s", path, strerror(errno));
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return s;
}

/* The next datagram as a string (empty on timeout). */
static const char *next_datagram(void) {
    static char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void setup(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_notify_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(sockpath, sizeof sockpath, "%s/notify.sock", tmpdir);
    unsetenv("NOTIFY_SOCKET");
}

static void teardown(void) {
    if (fd >= 0) close(fd);
    fd = -1;
    unsetenv("NOTIFY_SOCKET");
    unlink(sockpath);
    rmdir(tmpdir);
}

TestSuite(notify, .init = setup, .fini = teardown);

Test(notify, ready_reloading_stopping_in_order) {
    const char *d;
    fd = listen_dgram(sockpath, false);
    setenv("NOTIFY_SOCKET", sockpath, 1);

    notify_ready();
    cr_assert_str_eq(next_datagram(), "READY=1");

    notify_reloading();
    d = next_datagram();
    cr_assert(strncmp(d, "RELOADING=1\nMONOTONIC_USEC=", 27) == 0, "got \"%s\"", d);
    cr_assert(strlen(d) > 27 && strspn(d + 27, "0123456789") == strlen(d + 27), "got \"%s\"", d);
    notify_ready(); /* the reload is over */
    cr_assert_str_eq(next_datagram(), "READY=1");

    notify_stopping();
    cr_assert_str_eq(next_datagram(), "STOPPING=1");
    cr_assert_str_eq(getenv("NOTIFY_SOCKET"), sockpath, "the environment is left as it was");
}

Test(notify, send_passes_any_state_through) {
    fd = listen_dgram(sockpath, false);
    setenv("NOTIFY_SOCKET", sockpath, 1);
    cr_assert_eq(notify_send("STATUS=ingesting 410602\nREADY=1"), 0);
    cr_assert_str_eq(next_datagram(), "STATUS=ingesting 410602\nREADY=1");
}

Test(notify, abstract_socket_with_at_sign) {
    char name[64], env[80];
    snprintf(name, sizeof name, "yuebao-test-notify-%ld", (long)getpid());
    snprintf(env, sizeof env, "@%s", name);
    fd = listen_dgram(name, true);
    setenv("NOTIFY_SOCKET", env, 1);
    cr_assert_eq(notify_send("READY=1"), 0, "notify_send: %s", strerror(errno));
    cr_assert_str_eq(next_datagram(), "READY=1");
    notify_stopping();
    cr_assert_str_eq(next_datagram(), "STOPPING=1");
}

Test(notify, unset_or_empty_is_a_quiet_no_op) {
    char buf[64];
    fd = listen_dgram(sockpath, false);
    unsetenv("NOTIFY_SOCKET");
    cr_assert_eq(notify_send("READY=1"), 0);
    notify_ready();
    notify_reloading();
    notify_stopping();
    setenv("NOTIFY_SOCKET", "", 1);
    cr_assert_eq(notify_send("READY=1"), 0);
    cr_assert_eq(recv(fd, buf, sizeof buf, MSG_DONTWAIT), -1, "nothing may have been sent");
    cr_assert_eq(errno, EAGAIN);
}

Test(notify, errors_are_reported_not_fatal) {
    char longname[200];
    setenv("NOTIFY_SOCKET", sockpath, 1); /* nobody bound there */
    cr_assert_eq(notify_send("READY=1"), -1);
    cr_assert(errno == ENOENT || errno == ECONNREFUSED, "errno %d", errno);
    notify_ready(); /* logs a warning, returns */

    setenv("NOTIFY_SOCKET", "relative/notify.sock", 1);
    cr_assert_eq(notify_send("READY=1"), -1);
    cr_assert_eq(errno, EINVAL);

    memset(longname, 'x', sizeof longname - 1);
    longname[0] = '/';
    longname[sizeof longname - 1] = '\0';
    setenv("NOTIFY_SOCKET", longname, 1);
    cr_assert_eq(notify_send("READY=1"), -1);
    cr_assert_eq(errno, ENAMETOOLONG);
    longname[0] = '@';
    setenv("NOTIFY_SOCKET", longname, 1);
    cr_assert_eq(notify_send("READY=1"), -1);
    cr_assert_eq(errno, ENAMETOOLONG);
}
