/* web_limit.c - the login lock-out's counters: one table of names and client addresses
 * (kind-prefixed keys), each with its failures in the current window and its lock. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_limit.h"

#define SLOTS 4096
#define KEY_MAX 80

typedef struct {
    char key[KEY_MAX]; /* "n:NAME" or "c:ADDRESS"; "" = free */
    int failures;
    int64_t first_ms;  /* the window's first failure */
    int64_t until_ms;  /* locked until, 0 = not */
    int64_t touched_ms;
} entry_t;

struct web_limit {
    pthread_mutex_t mu;
    int attempts;
    int64_t lockout_ms;
    entry_t *e;
};

web_limit_t *web_limit_new(int attempts, int64_t lockout_ms) {
    web_limit_t *l = calloc(1, sizeof *l);
    if (!l || !(l->e = calloc(SLOTS, sizeof *l->e))) {
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->mu, NULL);
    l->attempts = attempts < 1 ? 1 : attempts;
    l->lockout_ms = lockout_ms;
    return l;
}

void web_limit_free(web_limit_t **l) {
    if (!l || !*l) return;
    pthread_mutex_destroy(&(*l)->mu);
    free((*l)->e);
    free(*l);
    *l = NULL;
}

/* The entry of key, or NULL (create false), or a new one in a free or the oldest slot. */
static entry_t *find(web_limit_t *l, const char *kind, const char *id, bool create, int64_t now_ms) {
    char key[KEY_MAX];
    entry_t *oldest = NULL;
    snprintf(key, sizeof key, "%s:%s", kind, id ? id : "");
    for (size_t i = 0; i < SLOTS; i++) {
        entry_t *e = &l->e[i];
        if (e->key[0] && strcmp(e->key, key) == 0) return e;
        if (!oldest || !e->key[0] || (oldest->key[0] && e->touched_ms < oldest->touched_ms)) {
            if (!oldest || oldest->key[0]) oldest = e;
        }
    }
    if (!create) return NULL;
    memset(oldest, 0, sizeof *oldest);
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    oldest->touched_ms = now_ms;
    return oldest;
}

static bool locked(const entry_t *e, int64_t now_ms) { return e && e->until_ms > now_ms; }

bool web_limit_locked(web_limit_t *l, const char *name, const char *client, int64_t now_ms, int64_t *until_ms) {
    entry_t *n, *c;
    bool r;
    pthread_mutex_lock(&l->mu);
    n = find(l, "n", name, false, now_ms);
    c = find(l, "c", client, false, now_ms);
    r = locked(n, now_ms) || locked(c, now_ms);
    if (r && until_ms) {
        int64_t u = 0;
        if (locked(n, now_ms)) u = n->until_ms;
        if (locked(c, now_ms) && c->until_ms > u) u = c->until_ms;
        *until_ms = u;
    }
    pthread_mutex_unlock(&l->mu);
    return r;
}

/* One failure on e with limit; true when it locks. */
static bool count(web_limit_t *l, entry_t *e, int limit, int64_t now_ms) {
    if (now_ms - e->first_ms >= l->lockout_ms || e->failures == 0) {
        e->failures = 0;
        e->first_ms = now_ms;
    }
    e->touched_ms = now_ms;
    if (++e->failures >= limit) {
        e->until_ms = now_ms + l->lockout_ms;
        e->failures = 0;
        return true;
    }
    return false;
}

bool web_limit_failed(web_limit_t *l, const char *name, const char *client, int64_t now_ms) {
    bool r;
    pthread_mutex_lock(&l->mu);
    r = count(l, find(l, "n", name, true, now_ms), l->attempts, now_ms);
    r = count(l, find(l, "c", client, true, now_ms), 4 * l->attempts, now_ms) || r;
    pthread_mutex_unlock(&l->mu);
    return r;
}

void web_limit_succeeded(web_limit_t *l, const char *name, const char *client) {
    entry_t *n;
    (void)client;
    pthread_mutex_lock(&l->mu);
    n = find(l, "n", name, false, 0);
    if (n && n->until_ms == 0) memset(n, 0, sizeof *n);
    else if (n) n->failures = 0;
    pthread_mutex_unlock(&l->mu);
}
