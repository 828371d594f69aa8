/* receiver_exec.c - a local command per notice: the webhook's JSON on its stdin.
 *
 * The command is argv split at configuration (receiver.c): no shell ever sees a notice,
 * so a zone name cannot become a command. The environment is the daemon's plus
 * YUEBAO_RECEIVER, YUEBAO_NOTICE (normal, first_start, reminder, late), YUEBAO_STATUS
 * (firing, resolved), YUEBAO_GROUP_KEY, YUEBAO_FIRING and YUEBAO_RESOLVED (counts),
 * YUEBAO_TITLE and YUEBAO_TEXT (the plain-text template's rendering); values cleaned of
 * control characters. stdout is dropped, the first line of stderr is the detail.
 * Exit 0 is delivered, 75 (EX_TEMPFAIL) try again, anything else refused; a command
 * still running at the timeout is killed (its whole process group) and tried again.
 *
 * Everything the child needs is built before fork: the daemon has other threads, and
 * after fork only async-signal-safe calls are allowed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "receiver_internal.h"

extern char **environ;

#define EX_TEMPFAIL_CODE 75

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child's environment: ours without YUEBAO_ variables of the same names, then
 * those. NULL on out of memory; free with free_env. */
static char **make_env(char *const extra[], size_t n_extra) {
    size_t n = 0, k = 0;
    char **env;
    while (environ[n])
        n++;
    if (!(env = calloc(n + n_extra + 1, sizeof *env))) return NULL;
    for (size_t i = 0; i < n; i++) {
        bool shadowed = false;
        for (size_t j = 0; j < n_extra; j++) {
            size_t len = (size_t)(strchr(extra[j], '=') - extra[j]) + 1;
            shadowed = shadowed || strncmp(environ[i], extra[j], len) == 0;
        }
        if (!shadowed) env[k++] = environ[i];
    }
    for (size_t j = 0; j < n_extra; j++)
        env[k++] = extra[j];
    env[k] = NULL;
    return env;
}

/* "NAME=value" with value cleaned, malloc'd. */
static char *env_var(const char *name, const char *value) {
    tbuf_t b = {0};
    tbuf_printf(&b, "%s=", name);
    tpl_escape(&b, value, TPL_TEXT);
    return b.oom ? (tbuf_free(&b), NULL) : b.p;
}

/* Text is multi-line: its line breaks are kept, only other controls cleaned. */
static char *env_text(const char *name, const char *text) {
    tbuf_t b = {0};
    tbuf_printf(&b, "%s=", name);
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        if (!line)
            b.oom = true;
        else
            tpl_escape(&b, line, TPL_TEXT);
        free(line);
        if (nl) tbuf_add(&b, "\n");
        p += len + (nl ? 1 : 0);
    }
    return b.oom ? (tbuf_free(&b), NULL) : b.p;
}

deliver_result_t exec_deliver(receiver_t *r, const notice_t *n, int64_t now_ms) {
    static const char *const kinds[] = {"normal", "first_start", "reminder", "late"};
    tbuf_t json = {0}, text = {0}, title = {0};
    char *extra[9] = {0}, **env = NULL, num[32], err[256] = "";
    size_t firing = 0, sent = 0, elen = 0;
    int in[2] = {-1, -1}, errp[2] = {-1, -1}, status = 0, devnull;
    int64_t deadline = mono_ms() + r->timeout_ms;
    bool timed_out = false, reaped = false;
    deliver_result_t res;
    pid_t pid;
    sigset_t no_signals;
    (void)now_ms;
    for (size_t i = 0; i < n->n_alerts; i++)
        firing += n->alerts[i].status == NOTICE_FIRING;
    if (webhook_payload(r, n, &json) < 0 || receiver_render(r, n, TPL_TEXT, 0, &text) < 0) goto oom;
    tpl_title(n, TPL_TEXT, &title);
    extra[0] = env_var("YUEBAO_RECEIVER", r->name);
    extra[1] = env_var("YUEBAO_NOTICE", kinds[n->kind <= NOTICE_LATE ? n->kind : 0]);
    extra[2] = env_var("YUEBAO_STATUS", firing ? "firing" : "resolved");
    extra[3] = env_var("YUEBAO_GROUP_KEY", n->group_key);
    snprintf(num, sizeof num, "%zu", firing);
    extra[4] = env_var("YUEBAO_FIRING", num);
    snprintf(num, sizeof num, "%zu", n->n_alerts - firing);
    extra[5] = env_var("YUEBAO_RESOLVED", num);
    extra[6] = env_var("YUEBAO_TITLE", tbuf_str(&title));
    extra[7] = env_text("YUEBAO_TEXT", tbuf_str(&text));
    for (int i = 0; i < 8; i++)
        if (!extra[i]) goto oom;
    if (!(env = make_env(extra, 8))) goto oom;
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
        res = receiver_result(DELIVER_RETRY, 0, "pipe: %s", strerror(errno));
        goto out;
    }
    devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    sigemptyset(&no_signals);
    pid = fork();
    if (pid < 0) {
        if (devnull >= 0) close(devnull);
        res = receiver_result(DELIVER_RETRY, 0, "fork: %s", strerror(errno));
        goto out;
    }
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL);
        /* the daemon blocks SIGHUP, SIGINT and SIGTERM for its signalfd and this thread
         * inherited that: the command starts with none blocked, as from a shell */
        sigprocmask(SIG_SETMASK, &no_signals, NULL);
        dup2(in[0], 0);
        dup2(devnull >= 0 ? devnull : errp[1], 1);
        dup2(errp[1], 2);
        execve(r->argv[0], r->argv, env);
        _exit(127);
    }
    setpgid(pid, pid); /* both sides: whichever runs first */
    if (devnull >= 0) close(devnull);
    close(in[0]), in[0] = -1;
    close(errp[1]), errp[1] = -1;
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    fcntl(errp[0], F_SETFL, O_NONBLOCK);
    /* feed stdin and read stderr until both are done or the time is up; SIGPIPE (the
     * command did not read all of stdin) is held for this thread and dropped after */
    sigset_t pipe_set, old_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
    while (errp[0] >= 0) {
        struct pollfd p[2] = {{.fd = errp[0], .events = POLLIN}, {.fd = in[1], .events = POLLOUT}};
        int64_t left = deadline - mono_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        if (poll(p, in[1] >= 0 ? 2 : 1, (int)left) < 0 && errno != EINTR) break;
        if (in[1] >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = (p[1].revents & POLLOUT) ? write(in[1], json.p + sent, json.n - sent) : -1;
            if (w > 0) sent += (size_t)w;
            if (w < 0 || sent == json.n) close(in[1]), in[1] = -1;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[256];
            ssize_t rd = read(errp[0], buf, sizeof buf);
            if (rd <= 0) {
                close(errp[0]), errp[0] = -1;
            } else if (elen < sizeof err - 1) {
                size_t take = (size_t)rd < sizeof err - 1 - elen ? (size_t)rd : sizeof err - 1 - elen;
                memcpy(err + elen, buf, take);
                elen += take;
                err[elen] = '\0';
            }
        }
    }
    {
        const struct timespec zero = {0, 0};
        sigset_t pending;
        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE)) sigtimedwait(&pipe_set, NULL, &zero);
        pthread_sigmask(SIG_SETMASK, &old_set, NULL);
    }
    /* stderr closed (or the time is up): wait for the exit until the deadline */
    while (!timed_out) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            reaped = true;
            break;
        }
        if (w < 0 && errno != EINTR) break;
        if (mono_ms() >= deadline) {
            timed_out = true;
            break;
        }
        poll(NULL, 0, 10);
    }
    if (!reaped) {
        kill(-pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    }
    {
        char *nl = strchr(err, '\n');
        if (nl) *nl = '\0';
    }
    if (timed_out)
        res = receiver_result(DELIVER_RETRY, 0, _("killed after %d s"), r->timeout_ms / 1000);
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        res = receiver_result(DELIVER_OK, 0, "%s", _("exit 0"));
    else if (WIFEXITED(status) && WEXITSTATUS(status) == EX_TEMPFAIL_CODE)
        res = receiver_result(DELIVER_RETRY, 0, _("exit %d (try again): %s"), EX_TEMPFAIL_CODE, err);
    else if (WIFEXITED(status))
        res = receiver_result(DELIVER_FAILED, 0, _("exit %d: %s"), WEXITSTATUS(status), err);
    else
        res = receiver_result(DELIVER_RETRY, 0, _("killed by signal %d"), WTERMSIG(status));
    goto out;
oom:
    res = receiver_result(DELIVER_RETRY, 0, "%s", _("out of memory"));
out:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0) close(in[i]);
        if (errp[i] >= 0) close(errp[i]);
    }
    for (int i = 0; i < 8; i++)
        free(extra[i]);
    free(env);
    tbuf_free(&json), tbuf_free(&text), tbuf_free(&title);
    return res;
}
