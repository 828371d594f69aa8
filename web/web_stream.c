/* web_stream.c - the live pages: one queue of server-sent-event bytes per viewer, filled
 * by the ZeroMQ thread (web_stream_publish) and drained by the viewer's connection
 * thread (web_stream_read). Publishing never waits on a viewer: a queue past its limit
 * is emptied and replaced by one "resync", and that viewer's page re-fetches. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web_server.h"

#define QUEUE_MAX (64 * 1024)

struct web_viewer {
    web_stream_t *s;
    web_viewer_t *prev, *next;
    char name[ACCOUNT_NAME_MAX];
    char county[ACCOUNT_COUNTY_MAX]; /* "" = sees every county */
    strbuf_t queue;
    size_t sent;                     /* bytes of queue already read */
    pthread_cond_t cond;
    bool ended;
};

struct web_stream {
    pthread_mutex_t mu;
    pthread_cond_t gone; /* a viewer left (web_stream_free waits for the last) */
    web_viewer_t *head;
    size_t n, max;
    int held; /* web_stream_hold depth: queue without waking */
    bool closing;
};

web_stream_t *web_stream_new(size_t max) {
    web_stream_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->gone, NULL);
    s->max = max;
    return s;
}

void web_stream_end_all(web_stream_t *s) {
    pthread_mutex_lock(&s->mu);
    s->closing = true;
    for (web_viewer_t *v = s->head; v; v = v->next) {
        v->ended = true;
        pthread_cond_signal(&v->cond);
    }
    pthread_mutex_unlock(&s->mu);
}

void web_stream_free(web_stream_t **sp) {
    web_stream_t *s = sp ? *sp : NULL;
    if (!s) return;
    web_stream_end_all(s);
    pthread_mutex_lock(&s->mu);
    while (s->n) pthread_cond_wait(&s->gone, &s->mu);
    pthread_mutex_unlock(&s->mu);
    pthread_cond_destroy(&s->gone);
    pthread_mutex_destroy(&s->mu);
    free(s);
    *sp = NULL;
}

/* Appends one event to v's queue, or a resync in its place when the queue is full.
 * Called with s->mu held. */
static void queue_event(web_viewer_t *v, const char *type, const char *json) {
    size_t need = strlen(type) + strlen(json) + 20;
    if (v->sent == v->queue.len) {
        strbuf_reset(&v->queue);
        v->sent = 0;
    }
    if (v->queue.len - v->sent + need > QUEUE_MAX) {
        strbuf_reset(&v->queue);
        v->sent = 0;
        strbuf_puts(&v->queue, "event: resync\ndata: {}\n\n");
    } else {
        strbuf_printf(&v->queue, "event: %s\ndata: %s\n\n", type, json);
    }
    if (!v->s->held) pthread_cond_signal(&v->cond);
}

void web_stream_hold(web_stream_t *s) {
    pthread_mutex_lock(&s->mu);
    s->held++;
    pthread_mutex_unlock(&s->mu);
}

void web_stream_release(web_stream_t *s) {
    pthread_mutex_lock(&s->mu);
    if (s->held > 0 && --s->held == 0)
        for (web_viewer_t *v = s->head; v; v = v->next)
            if (v->sent < v->queue.len) pthread_cond_signal(&v->cond);
    pthread_mutex_unlock(&s->mu);
}

web_viewer_t *web_stream_join(web_stream_t *s, const account_t *user) {
    web_viewer_t *v = calloc(1, sizeof *v);
    strbuf_t hello = STRBUF_INIT;
    char role[64];
    if (!v) return NULL;
    v->s = s;
    snprintf(v->name, sizeof v->name, "%s", user->name);
    if (user->role == ACCOUNT_COUNTY) snprintf(v->county, sizeof v->county, "%s", user->county);
    pthread_cond_init(&v->cond, NULL);
    account_role_text(user, role, sizeof role);
    strbuf_puts(&hello, "{\"user\":");
    strbuf_json_string(&hello, user->name);
    strbuf_puts(&hello, ",\"role\":");
    strbuf_json_string(&hello, role);
    strbuf_puts(&hello, "}");

    pthread_mutex_lock(&s->mu);
    if (s->closing || s->n >= s->max) {
        pthread_mutex_unlock(&s->mu);
        strbuf_free(&hello);
        pthread_cond_destroy(&v->cond);
        free(v);
        return NULL;
    }
    /* the browser reconnects after 2 s when the connection drops */
    strbuf_puts(&v->queue, "retry: 2000\n\n");
    queue_event(v, "hello", hello.data);
    v->next = s->head;
    if (s->head) s->head->prev = v;
    s->head = v;
    s->n++;
    pthread_mutex_unlock(&s->mu);
    strbuf_free(&hello);
    return v;
}

long web_stream_read(web_viewer_t *v, char *buf, size_t max, int wait_ms) {
    web_stream_t *s = v->s;
    struct timespec until;
    long n;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (!v->ended && v->sent == v->queue.len)
        if (pthread_cond_timedwait(&v->cond, &s->mu, &until) == ETIMEDOUT) break;
    if (v->ended) {
        pthread_mutex_unlock(&s->mu);
        return -1;
    }
    n = (long)(v->queue.len - v->sent < max ? v->queue.len - v->sent : max);
    memcpy(buf, v->queue.data + v->sent, (size_t)n);
    v->sent += (size_t)n;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void web_stream_leave(web_viewer_t *v) {
    web_stream_t *s;
    if (!v) return;
    s = v->s;
    pthread_mutex_lock(&s->mu);
    if (v->prev) v->prev->next = v->next;
    else s->head = v->next;
    if (v->next) v->next->prev = v->prev;
    s->n--;
    pthread_cond_signal(&s->gone);
    pthread_mutex_unlock(&s->mu);
    strbuf_free(&v->queue);
    pthread_cond_destroy(&v->cond);
    free(v);
}

void web_stream_end_user(web_stream_t *s, const char *name) {
    pthread_mutex_lock(&s->mu);
    for (web_viewer_t *v = s->head; v; v = v->next)
        if (strcmp(v->name, name) == 0) {
            v->ended = true;
            pthread_cond_signal(&v->cond);
        }
    pthread_mutex_unlock(&s->mu);
}

void web_stream_publish(web_stream_t *s, const web_event_t *e) {
    const char *county = e->county ? e->county : "";
    pthread_mutex_lock(&s->mu);
    for (web_viewer_t *v = s->head; v; v = v->next) {
        if (v->ended) continue;
        if (v->county[0] && county[0] && strcmp(v->county, county) != 0) continue;
        queue_event(v, e->type, e->json);
    }
    pthread_mutex_unlock(&s->mu);
}

size_t web_stream_viewers(web_stream_t *s) {
    size_t n;
    pthread_mutex_lock(&s->mu);
    n = s->n;
    pthread_mutex_unlock(&s->mu);
    return n;
}
