/* scorer_store.c - opening the two stores at start: the aggregator's report store,
 * read-only, and the scorer's own score store, as its only writer.
 *
 * The daemons may start in either order, and the aggregator creates the report store on
 * its first start: so the scorer waits for it, saying once why (and again only when the
 * reason changes), and a SIGTERM or SIGINT meanwhile stops it cleanly. The score store
 * is the scorer's own: one that cannot be opened is fatal at once. The caller holds the
 * score store's lock file before either is opened.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "i18n.h"
#include "scorer.h"

void scorer_store_open(scorer_t *s) {
    char err[1024], last[1024] = "";
    for (;;) {
        struct pollfd pfd = {.fd = s->signal_fd, .events = POLLIN};
        s->store = rstore_open(s->cfg.store, true, err, sizeof err);
        if (s->store) break;
        if (strcmp(err, last) != 0) log_warn(_("report store: %s; waiting for it"), err);
        snprintf(last, sizeof last, "%s", err);
        if (poll(&pfd, 1, 500) > 0) {
            int sig = loop_read_signal(s->signal_fd);
            if (sig == SIGTERM || sig == SIGINT) {
                log_info(_("signal %d: stopping"), sig);
                exit(0);
            }
        }
    }
    s->scores = sstore_open(s->cfg.scores, false, err, sizeof err);
    if (!s->scores) log_fatal(_("score store: %s"), err);
}
