/* cli_exec.c - `yuebao alerts --exec CMD`: the hook command, run once per alert shown.
 *
 * One hook at a time, in order, through /bin/sh -c, in a process group of its own with
 * stdin on /dev/null, killed after HOOK_TIMEOUT_MS so a hung hook cannot wedge the
 * follower. The alert travels in the hook's environment only (YUEBAO_ALERT_KIND …): the
 * environment is built in the parent and handed to execve, so nothing leaks from one
 * hook to the next and the child does nothing between fork and exec but what is
 * async-signal-safe (the ZeroMQ context has threads). Asked to stop (SIGINT, SIGTERM),
 * a running hook gets SIGTERM and HOOK_STOP_MS to finish.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cli.h"
#include "i18n.h"

#define HOOK_TIMEOUT_MS 60000 /* a hook still running after this is killed */
#define HOOK_STOP_MS 5000     /* on SIGINT/SIGTERM: a running hook's grace after SIGTERM */
#define N_HOOK_VARS 18        /* YUEBAO_ALERT_* variables set by cli_exec_run */

extern char **environ;

struct cli_exec {
    const char *cmd;             /* borrowed */
    volatile sig_atomic_t *stop; /* may be NULL */
    char **env;                  /* the inherited environment without YUEBAO_ALERT_*, then
                                    room for N_HOOK_VARS and NULL */
    size_t n_env;                /* inherited entries in env */
};

cli_exec_t *cli_exec_new(const char *cmd, volatile sig_atomic_t *stop) {
    cli_exec_t *x = calloc(1, sizeof *x);
    size_t n = 0;
    if (!x) return NULL;
    x->cmd = cmd;
    x->stop = stop;
    for (char **e = environ; e && *e; e++)
        n++;
    x->env = calloc(n + N_HOOK_VARS + 1, sizeof *x->env);
    if (!x->env) {
        free(x);
        return NULL;
    }
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, "YUEBAO_ALERT_", 13) != 0) x->env[x->n_env++] = *e;
    return x;
}

void cli_exec_destroy(cli_exec_t **x) {
    if (!x || !*x) return;
    free((*x)->env);
    free(*x);
    *x = NULL;
}

static bool stopping(const cli_exec_t *x) {
    return x->stop && *x->stop;
}

/* A number for the environment: 15 significant digits, so -10.73 is not shown as
 * -10.730000000000004; "" for NAN (does not apply). */
static void number_text(double v, char *buf, size_t size) {
    if (isnan(v))
        buf[0] = '\0';
    else
        snprintf(buf, size, "%.15g", v);
}

/* Waits for the hook's process group leader pid, killing the group after the timeout
 * (or after a grace period once we are asked to stop). Reports a failure on stderr. */
static void hook_wait(const cli_exec_t *x, pid_t pid, const char *key) {
    int64_t start = clock_mono_ms(), deadline = start + HOOK_TIMEOUT_MS;
    bool termed = false, killed = false;
    int status = 0;
    for (;;) {
        struct timespec tick = {0, 10 * 1000 * 1000};
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, _("yuebao alerts: hook for %s: waitpid: %s\n"), key, strerror(errno));
            return;
        }
        if (stopping(x) && !termed) {
            kill(-pid, SIGTERM);
            termed = true;
            if (deadline > clock_mono_ms() + HOOK_STOP_MS) deadline = clock_mono_ms() + HOOK_STOP_MS;
        }
        if (clock_mono_ms() >= deadline && !killed) {
            kill(-pid, SIGKILL);
            killed = true;
            fprintf(stderr, _("yuebao alerts: hook for %s still running after %lld s; killed it\n"), key,
                    (long long)(clock_mono_ms() - start) / 1000);
        }
        nanosleep(&tick, NULL);
    }
    if (killed) return;
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        fprintf(stderr, _("yuebao alerts: hook for %s exited with status %d%s\n"), key, WEXITSTATUS(status),
                WEXITSTATUS(status) == 127 ? _(" (command not found?)") : "");
    else if (WIFSIGNALED(status) && !termed)
        fprintf(stderr, _("yuebao alerts: hook for %s was killed by signal %d\n"), key, WTERMSIG(status));
}

void cli_exec_run(cli_exec_t *x, const master_t *m, const alert_t *al) {
    static char vars[N_HOOK_VARS][640];
    char tr[16], value[40], target[40], expected[40], gap[40], key[ALERT_KEY_LEN];
    const zone_t *z = m ? master_zone(m, al->zone) : NULL;
    const county_t *c = m ? master_county(m, al->county) : NULL;
    char *argv[] = {"sh", "-c", (char *)x->cmd, NULL};
    size_t n = x->n_env, k = 0;
    pid_t pid;

    cli_transition_text(al->transition, tr, sizeof tr);
    number_text(al->value, value, sizeof value);
    number_text(al->target, target, sizeof target);
    number_text(al->expected, expected, sizeof expected);
    number_text(al->gap, gap, sizeof gap);
    alert_key(al, key);
#define VAR(...) snprintf(vars[k++], sizeof vars[0], "YUEBAO_ALERT_" __VA_ARGS__)
    VAR("KIND=%s", alert_kind_name(al->kind));
    VAR("SEVERITY=%s", severity_name(al->severity));
    VAR("PREVIOUS=%s", severity_name(al->previous));
    VAR("TRANSITION=%s", tr);
    VAR("ZONE=%s", al->zone);
    VAR("ZONE_NAME=%s", z ? z->name : al->zone);
    VAR("COUNTY=%s", al->county);
    VAR("COUNTY_NAME=%s", c ? c->name : al->county);
    VAR("INDICATOR=%s", al->indicator);
    VAR("YEAR=%d", al->year);
    VAR("PERIOD=%s", al->period);
    VAR("VALUE=%s", value);
    VAR("TARGET=%s", target);
    VAR("EXPECTED=%s", expected);
    VAR("GAP=%s", gap);
    if (al->deadline_ms)
        VAR("DEADLINE=%lld", (long long)al->deadline_ms);
    else
        VAR("DEADLINE=");
    VAR("MESSAGE=%s", al->message);
    VAR("AT=%lld", (long long)cli_alert_when(al));
#undef VAR
    for (size_t i = 0; i < k; i++)
        x->env[n++] = vars[i];
    x->env[n] = NULL;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, _("yuebao alerts: cannot run the hook for %s: fork: %s\n"), key, strerror(errno));
    } else if (pid == 0) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd > 0) {
            dup2(fd, 0);
            close(fd);
        }
        setpgid(0, 0);
        execve("/bin/sh", argv, x->env);
        _exit(127);
    } else {
        setpgid(pid, pid); /* both sides, so kill(-pid) works whoever runs first */
        hook_wait(x, pid, key);
    }
    x->env[x->n_env] = NULL;
}
