/* web_limit.c - wrong-password counts per name and per client, and lock-outs.
 *
 * Each entry keeps the times of its most recent failures in a ring as long as its
 * threshold (attempts for a name, attempts*4 for a client): the entry locks when the
 * ring is full and its oldest time is within lockout_ms of now, which is exactly
 * "threshold failures within lockout_ms" with failures older than that forgotten. The
 * table is a fixed array searched linearly: WEB_LIMIT_ENTRIES entries of a few hundred
 * bytes, scanned only on a login attempt (each of which also costs an Argon2id verify,
 * three orders of magnitude slower than the scan).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_limit.h"

#define KEY_MAX 72
#define ATTEMPTS_MAX 100
#define CLIENT_FACTOR 4

typedef struct {
    char key[KEY_MAX];    /* 'n' or 'c', then the folded name or the address; "" = free */
    int64_t last_ms;      /* the last failure (for eviction) */
    int64_t locked_until; /* 0 = not locked */
    size_t n, head;       /* failures in the ring, where the next goes */
    int64_t *times;       /* its slice of the limiter's block: threshold slots */
} entry_t;

struct web_limit {
    pthread_mutex_t mu;
    int attempts;
    int64_t lockout_ms;
    entry_t entries[WEB_LIMIT_ENTRIES];
    int64_t *block; /* WEB_LIMIT_ENTRIES * attempts*4 times */
};

web_limit_t *web_limit_new(int attempts, int64_t lockout_ms) {
    web_limit_t *l;
    size_t stride;
    if (attempts < 1) attempts = 1;
    if (attempts > ATTEMPTS_MAX) attempts = ATTEMPTS_MAX;
    if (lockout_ms < 1) lockout_ms = 1;
    if (!(l = calloc(1, sizeof *l))) return NULL;
    stride = (size_t)attempts * CLIENT_FACTOR;
    if (!(l->block = calloc(WEB_LIMIT_ENTRIES * stride, sizeof *l->block))) {
        free(l);
        return NULL;
    }
    for (size_t i = 0; i < WEB_LIMIT_ENTRIES; i++)
        l->entries[i].times = l->block + i * stride;
    pthread_mutex_init(&l->mu, NULL);
    l->attempts = attempts;
    l->lockout_ms = lockout_ms;
    return l;
}

void web_limit_free(web_limit_t **l) {
    if (!l || !*l) return;
    pthread_mutex_destroy(&(*l)->mu);
    free((*l)->block);
    free(*l);
    *l = NULL;
}

/* The entry's key: kind, then s (a name folded to lower case), cut to fit. */
static void make_key(char kind, const char *s, char key[KEY_MAX]) {
    size_t i = 0;
    key[0] = kind;
    for (; s[i] && i < KEY_MAX - 2; i++)
        key[i + 1] = kind == 'n' && s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
    key[i + 1] = '\0';
}

static size_t threshold(const web_limit_t *l, const char *key) {
    return (size_t)l->attempts * (key[0] == 'c' ? CLIENT_FACTOR : 1);
}

static entry_t *find(web_limit_t *l, const char *key) {
    for (size_t i = 0; i < WEB_LIMIT_ENTRIES; i++)
        if (l->entries[i].key[0] && !strcmp(l->entries[i].key, key)) return &l->entries[i];
    return NULL;
}

/* True if e holds nothing that matters at now: not locked, no failure within the window. */
static bool stale(const web_limit_t *l, const entry_t *e, int64_t now_ms) {
    return e->locked_until <= now_ms && now_ms - e->last_ms >= l->lockout_ms;
}

/* A slot for key: a free or stale one, else the unlocked one whose last failure is
 * oldest, else the locked one whose last failure is oldest. Emptied. */
static entry_t *take(web_limit_t *l, const char *key, int64_t now_ms) {
    entry_t *best = NULL;
    bool best_locked = true;
    for (size_t i = 0; i < WEB_LIMIT_ENTRIES; i++) {
        entry_t *e = &l->entries[i];
        bool locked = e->locked_until > now_ms;
        if (!e->key[0] || stale(l, e, now_ms)) {
            best = e;
            break;
        }
        if (!best || (best_locked && !locked) || (best_locked == locked && e->last_ms < best->last_ms)) {
            best = e;
            best_locked = locked;
        }
    }
    snprintf(best->key, KEY_MAX, "%s", key);
    best->last_ms = now_ms;
    best->locked_until = 0;
    best->n = best->head = 0;
    return best;
}

/* Counts a failure of key at now; true if it locks. Called with the mutex held. */
static bool fail_one(web_limit_t *l, const char *key, int64_t now_ms) {
    entry_t *e = find(l, key);
    size_t cap = threshold(l, key);
    if (!e) e = take(l, key, now_ms);
    e->last_ms = now_ms;
    if (e->locked_until > now_ms) return false;
    e->times[e->head] = now_ms;
    e->head = (e->head + 1) % cap;
    if (e->n < cap) e->n++;
    /* full ring: its oldest is at head; all cap failures within the window? */
    if (e->n == cap && now_ms - e->times[e->head] < l->lockout_ms) {
        e->locked_until = now_ms + l->lockout_ms;
        e->n = e->head = 0;
        return true;
    }
    return false;
}

bool web_limit_locked(web_limit_t *l, const char *name, const char *client, int64_t now_ms, int64_t *until_ms) {
    char key[KEY_MAX];
    int64_t until = 0;
    const entry_t *e;
    if (!l) return false;
    pthread_mutex_lock(&l->mu);
    if (name) {
        make_key('n', name, key);
        if ((e = find(l, key)) && e->locked_until > now_ms) until = e->locked_until;
    }
    if (client) {
        make_key('c', client, key);
        if ((e = find(l, key)) && e->locked_until > now_ms && e->locked_until > until) until = e->locked_until;
    }
    pthread_mutex_unlock(&l->mu);
    if (until && until_ms) *until_ms = until;
    return until != 0;
}

bool web_limit_failed(web_limit_t *l, const char *name, const char *client, int64_t now_ms) {
    char key[KEY_MAX];
    bool locks = false;
    if (!l) return false;
    pthread_mutex_lock(&l->mu);
    if (name) {
        make_key('n', name, key);
        locks |= fail_one(l, key, now_ms);
    }
    if (client) {
        make_key('c', client, key);
        locks |= fail_one(l, key, now_ms);
    }
    pthread_mutex_unlock(&l->mu);
    return locks;
}

void web_limit_succeeded(web_limit_t *l, const char *name, const char *client) {
    char key[KEY_MAX];
    entry_t *e;
    (void)client;
    if (!l || !name) return;
    make_key('n', name, key);
    pthread_mutex_lock(&l->mu);
    if ((e = find(l, key)) != NULL) {
        e->key[0] = '\0';
        e->n = e->head = 0;
        e->locked_until = 0;
    }
    pthread_mutex_unlock(&l->mu);
}
