/* web_download.c - /download/bulletin?period=P&format=xlsx|csv: the monthly bulletin,
 * written by the CLI's own `yuebao export` (so the file is the one the office would make
 * by hand), run by us directly — posix_spawn of cfg->cli with an argument vector, never a
 * shell, so nothing a user sends is ever parsed as a command.
 *
 *   cli export --period P --format F -o TMP --store S --scores SC --master M [--county C]
 *
 * A county account's download always carries --county C (its own rows and a county
 * total); another account may ask for one county with ?county=C. TMP is a fresh file in
 * $TMPDIR (or /tmp) with the format's suffix, which export renames its own temporary file
 * over; it is sent and unlinked (rp->unlink_after). The child's stdout goes to /dev/null,
 * its stderr to ours (journald), where an export's complaint belongs. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "log.h"
#include "web_json.h"

extern char **environ;

/* Runs argv[0] with argv and waits for it. Its exit status, or -1 (logged) when it could
 * not be run or died of a signal. */
static int run(char *const argv[]) {
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int rc, status;
    if (posix_spawn_file_actions_init(&fa) != 0) return -1;
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        log_error(_("web: cannot run %s: %s"), argv[0], strerror(rc));
        return -1;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            log_error(_("web: waiting for %s: %s"), argv[0], strerror(errno));
            return -1;
        }
    if (!WIFEXITED(status)) {
        log_error(_("web: %s export was killed by signal %d"), argv[0], WTERMSIG(status));
        return -1;
    }
    return WEXITSTATUS(status);
}

int web_download(web_t *w, const web_request_t *rq, web_reply_t *rp) {
    const web_config_t *cfg = w->cfg;
    const char *format = web_arg(rq, "format"), *county = web_arg(rq, "county");
    const char *tmpdir = getenv("TMPDIR");
    char period[PERIOD_STRLEN], path[4096];
    char *argv[20];
    size_t n = 0;
    rstore_t *st;
    int fd, has, rc;
    if (!format) format = "xlsx";
    if (strcmp(format, "xlsx") && strcmp(format, "csv")) {
        web_reply_error(rp, 400, _("the format is xlsx or csv"));
        return 0;
    }
    if (rq->user->role == ACCOUNT_COUNTY) {
        if (county && *county && strcmp(county, rq->user->county)) {
            web_reply_error(rp, 403, _("this account may not see that county"));
            return 0;
        }
        county = rq->user->county;
    } else if (county && !*county) {
        county = NULL;
    }
    if (county && !web_county_known(w, county)) {
        web_reply_error(rp, 404, _("no such county"));
        return 0;
    }
    if (county && !web_may_see_county(rq->user, county)) {
        web_reply_error(rp, 403, _("this account may not see that county"));
        return 0;
    }
    if (!(st = web_json_rstore(w, rp))) return 0;
    if (web_json_period(w, rq, st, rp, period) < 0) {
        rstore_close(&st);
        return 0;
    }
    has = rstore_has_reports(st, period, county);
    rstore_close(&st);
    if (has <= 0) {
        if (has < 0)
            web_reply_error(rp, 500, _("the report store cannot be read"));
        else
            web_reply_error(rp, 404, _("no zone has reported this period"));
        return 0;
    }
    snprintf(path, sizeof path, "%s/yb-bulletin-XXXXXX.%s", tmpdir && *tmpdir == '/' ? tmpdir : "/tmp", format);
    if ((fd = mkstemps(path, (int)strlen(format) + 1)) < 0) {
        log_error(_("web: cannot make a temporary file %s: %s"), path, strerror(errno));
        web_reply_error(rp, 500, _("the bulletin cannot be written"));
        return 0;
    }
    close(fd);
    argv[n++] = (char *)cfg->cli;
    argv[n++] = "export";
    argv[n++] = "--period";
    argv[n++] = period;
    argv[n++] = "--format";
    argv[n++] = (char *)format;
    argv[n++] = "-o";
    argv[n++] = path;
    argv[n++] = "--store";
    argv[n++] = (char *)cfg->store;
    argv[n++] = "--scores";
    argv[n++] = (char *)cfg->scores;
    argv[n++] = "--master";
    argv[n++] = (char *)cfg->master;
    if (county) {
        argv[n++] = "--county";
        argv[n++] = (char *)county;
    }
    argv[n] = NULL;
    if ((rc = run(argv)) != 0) {
        if (rc > 0) log_error(_("web: %s export --period %s exited with %d"), cfg->cli, period, rc);
        unlink(path);
        web_reply_error(rp, 500, _("the bulletin cannot be written"));
        return 0;
    }
    rp->status = 200;
    rp->no_store = true;
    rp->content_type = !strcmp(format, "xlsx")
                           ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                           : "text/csv; charset=utf-8";
    strbuf_reset(&rp->body);
    snprintf(rp->filename, sizeof rp->filename, "月报-%s%s%s.%s", period, county ? "-" : "", county ? county : "",
             format);
    /* the path lives in the reply's own body, which web_http.c frees with the reply and
     * does not send when path is set: nothing to free separately */
    strbuf_puts(&rp->body, path);
    rp->path = rp->body.data;
    rp->unlink_after = true;
    return 0;
}
