/* bench_viewers.c - live viewers of yuebao-web for the benchmarks: one login, then n
 * server-sent-event streams on that session, all read by one thread with libcurl's multi
 * interface; every "report" event is kept with the time it arrived. */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

typedef struct {
    bench_viewers_t *owner;
    CURL *h;
    char line[4096];
    size_t line_len;
    char event[32];
    bench_seen_t *seen;
    size_t n_seen, cap_seen;
    size_t n_hello, n_resync, n_events;
} viewer_t;

struct bench_viewers {
    CURLM *multi;
    viewer_t *v;
    int n;
    pthread_t thread;
    pthread_mutex_t mu;
    volatile int stop;
    char cookie[128];
    char url[256];
};

static size_t sink(char *p, size_t size, size_t n, void *arg) {
    (void)p;
    (void)arg;
    return size * n;
}

static size_t collect(char *p, size_t size, size_t n, void *arg) {
    strbuf_add(arg, p, size * n);
    return size * n;
}

/* One line of a stream: "event: T" or "data: JSON" (report events are kept). */
static void on_line(viewer_t *v, const char *line, int64_t t) {
    if (!strncmp(line, "event: ", 7)) {
        snprintf(v->event, sizeof v->event, "%s", line + 7);
        return;
    }
    if (strncmp(line, "data: ", 6) != 0) return;
    v->n_events++;
    if (!strcmp(v->event, "hello")) v->n_hello++;
    else if (!strcmp(v->event, "resync")) v->n_resync++;
    else if (!strcmp(v->event, "report")) {
        const char *z = strstr(line, "\"zone\":\""), *p = strstr(line, "\"period\":\"");
        bench_seen_t *s;
        if (!z || !p) return;
        if (v->n_seen == v->cap_seen) {
            size_t cap = v->cap_seen ? 2 * v->cap_seen : 1024;
            bench_seen_t *nv = realloc(v->seen, cap * sizeof *nv);
            if (!nv) return;
            v->seen = nv;
            v->cap_seen = cap;
        }
        s = &v->seen[v->n_seen++];
        snprintf(s->zone, sizeof s->zone, "%.*s", (int)strcspn(z + 8, "\""), z + 8);
        snprintf(s->period, sizeof s->period, "%.*s", (int)strcspn(p + 10, "\""), p + 10);
        s->t_ns = t;
    }
}

static size_t on_stream(char *p, size_t size, size_t n, void *arg) {
    viewer_t *v = arg;
    int64_t t = bench_now_ns();
    size_t len = size * n;
    pthread_mutex_lock(&v->owner->mu);
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\n') {
            v->line[v->line_len] = '\0';
            on_line(v, v->line, t);
            v->line_len = 0;
        } else if (v->line_len + 1 < sizeof v->line) {
            v->line[v->line_len++] = p[i];
        }
    }
    pthread_mutex_unlock(&v->owner->mu);
    return len;
}

static void *run(void *arg) {
    bench_viewers_t *b = arg;
    int running = 1;
    while (!b->stop && running) {
        curl_multi_perform(b->multi, &running);
        curl_multi_poll(b->multi, NULL, 0, 100, NULL);
    }
    return NULL;
}

/* The login form's token, then the session cookie into b->cookie. 0, or -1. */
static int login(bench_viewers_t *b, const char *base, const char *user, const char *password) {
    CURL *h = curl_easy_init();
    strbuf_t body = STRBUF_INIT;
    struct curl_slist *cookies = NULL;
    char url[300], form[512];
    const char *p, *field = "<input type=\"hidden\" name=\"csrf\" value=\"";
    long status = 0;
    int rc = -1;
    if (!h) return -1;
    curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    snprintf(url, sizeof url, "%s/login", base);
    curl_easy_setopt(h, CURLOPT_URL, url);
    if (curl_easy_perform(h) != CURLE_OK || !body.data || !(p = strstr(body.data, field))) goto out;
    p += strlen(field);
    snprintf(form, sizeof form, "csrf=%.*s&name=%s&password=%s", (int)strcspn(p, "\""), p, user, password);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    if (curl_easy_perform(h) != CURLE_OK) goto out;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status != 303) {
        fprintf(stderr, "bench: the login answered %ld\n", status);
        goto out;
    }
    curl_easy_getinfo(h, CURLINFO_COOKIELIST, &cookies);
    for (struct curl_slist *c = cookies; c; c = c->next) {
        /* Netscape format: the name is the 6th tab-separated field, the value the 7th */
        const char *f = c->data;
        for (int i = 0; i < 5 && f; i++) f = (f = strchr(f, '\t')) ? f + 1 : NULL;
        if (f && !strncmp(f, "yb_session\t", 11)) {
            snprintf(b->cookie, sizeof b->cookie, "yb_session=%s", f + 11);
            rc = 0;
        }
    }
    curl_slist_free_all(cookies);
out:
    strbuf_free(&body);
    curl_easy_cleanup(h);
    return rc;
}

bench_viewers_t *bench_viewers_open(const char *base, const char *user, const char *password, int n,
                                    int timeout_ms) {
    bench_viewers_t *b = calloc(1, sizeof *b);
    int64_t deadline;
    if (!b) return NULL;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_mutex_init(&b->mu, NULL);
    if (login(b, base, user, password) < 0) {
        fprintf(stderr, "bench: cannot log in to %s as %s\n", base, user);
        free(b);
        return NULL;
    }
    b->n = n;
    b->v = calloc((size_t)n, sizeof *b->v);
    b->multi = curl_multi_init();
    snprintf(b->url, sizeof b->url, "%s/api/stream", base);
    for (int i = 0; i < n; i++) {
        viewer_t *v = &b->v[i];
        v->owner = b;
        v->h = curl_easy_init();
        curl_easy_setopt(v->h, CURLOPT_URL, b->url);
        curl_easy_setopt(v->h, CURLOPT_COOKIE, b->cookie);
        curl_easy_setopt(v->h, CURLOPT_WRITEFUNCTION, on_stream);
        curl_easy_setopt(v->h, CURLOPT_WRITEDATA, v);
        curl_multi_add_handle(b->multi, v->h);
    }
    pthread_create(&b->thread, NULL, run, b);
    deadline = bench_now_ns() + (int64_t)timeout_ms * 1000000;
    for (;;) {
        int hello = 0;
        pthread_mutex_lock(&b->mu);
        for (int i = 0; i < n; i++) hello += b->v[i].n_hello > 0;
        pthread_mutex_unlock(&b->mu);
        if (hello == n) return b;
        if (bench_now_ns() > deadline) {
            fprintf(stderr, "bench: %d of %d live streams opened within %d ms\n", hello, n, timeout_ms);
            bench_viewers_close(&b);
            return NULL;
        }
        bench_sleep_ms(20);
    }
}

void bench_viewers_close(bench_viewers_t **bp) {
    bench_viewers_t *b = bp ? *bp : NULL;
    if (!b) return;
    b->stop = 1;
    pthread_join(b->thread, NULL);
    for (int i = 0; i < b->n; i++) {
        curl_multi_remove_handle(b->multi, b->v[i].h);
        curl_easy_cleanup(b->v[i].h);
        free(b->v[i].seen);
    }
    curl_multi_cleanup(b->multi);
    pthread_mutex_destroy(&b->mu);
    free(b->v);
    free(b);
    *bp = NULL;
}

void bench_viewers_stats(bench_viewers_t *b, int i, const bench_seen_t **seen, size_t *n_seen, size_t *n_events,
                         size_t *n_resync) {
    pthread_mutex_lock(&b->mu);
    *seen = b->v[i].seen;
    *n_seen = b->v[i].n_seen;
    *n_events = b->v[i].n_events;
    *n_resync = b->v[i].n_resync;
    pthread_mutex_unlock(&b->mu);
}

int bench_user_add(const char *bin_dir, const char *users, const char *name, const char *password) {
    int in[2], st;
    pid_t pid;
    char exe[4200];
    snprintf(exe, sizeof exe, "%s/yuebao", bin_dir);
    if (pipe(in) < 0) return -1;
    fflush(NULL); /* else the child's freopen flushes our unwritten output a second time */
    if ((pid = fork()) < 0) return -1;
    if (pid == 0) {
        dup2(in[0], 0);
        close(in[1]);
        if (!freopen("/dev/null", "w", stdout)) _exit(126);
        execl(exe, "yuebao", "user", "add", name, "--role", "central", "--users", users, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    if (write(in[1], password, strlen(password)) < 0 || write(in[1], "\n", 1) < 0) st = -1;
    close(in[1]);
    if (waitpid(pid, &st, 0) != pid) return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}
