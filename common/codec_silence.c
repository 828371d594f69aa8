/* codec_silence.c - `yuebao silence`'s SilenceRequest to yuebao-notify and its
 * SilenceReply: a silence's matchers (label=glob, at most SILENCE_MAX_MATCHERS), its
 * window, its comment; a list of at most CODEC_MAX_SILENCES. Who asks is never in the
 * message: the daemon takes it from the connection.
 */
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"
#include "i18n.h"

/* Fills w from s; matchers point into mptr (room for SILENCE_MAX_MATCHERS). */
static void put_silence(Yuebao__Silence *w, char **mptr, const silence_wire_t *s) {
    yuebao__silence__init(w);
    if (s->id) {
        w->has_id = 1;
        w->id = s->id;
    }
    for (size_t i = 0; i < s->n_matchers && i < SILENCE_MAX_MATCHERS; i++)
        mptr[i] = (char *)s->matchers[i];
    w->n_matchers = s->n_matchers < SILENCE_MAX_MATCHERS ? s->n_matchers : SILENCE_MAX_MATCHERS;
    w->matchers = mptr;
    w->has_starts_ms = 1;
    w->starts_ms = s->starts_ms;
    w->has_ends_ms = 1;
    w->ends_ms = s->ends_ms;
    if (s->comment[0]) w->comment = (char *)s->comment;
    if (s->created_by[0]) w->created_by = (char *)s->created_by;
}

int codec_silence_request_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    Yuebao__SilenceRequest *r = codec_scratch_alloc(s, 1, sizeof *r);
    Yuebao__Silence *w = codec_scratch_alloc(s, 1, sizeof *w);
    char **mptr = codec_scratch_alloc(s, SILENCE_MAX_MATCHERS, sizeof *mptr);
    if (!r || !w || !mptr) return -1;
    yuebao__silence_request__init(r);
    r->action = (char *)m->silence_req.action;
    put_silence(w, mptr, &m->silence_req.silence);
    r->silence = w;
    env->silence_request = r;
    return 0;
}

int codec_silence_reply_encode(const msg_t *m, Yuebao__Envelope *env, codec_scratch_t *s) {
    const silence_reply_t *rep = &m->silence_reply;
    Yuebao__SilenceReply *r = codec_scratch_alloc(s, 1, sizeof *r);
    Yuebao__Silence *w = NULL, **wp = NULL;
    char **mptr = NULL;
    if (!r || rep->n_items > CODEC_MAX_SILENCES) return -1;
    yuebao__silence_reply__init(r);
    r->has_ok = 1;
    r->ok = rep->ok;
    if (rep->error[0]) r->error = (char *)rep->error;
    if (rep->id) {
        r->has_id = 1;
        r->id = rep->id;
    }
    if (rep->n_items) {
        w = codec_scratch_alloc(s, rep->n_items, sizeof *w);
        wp = codec_scratch_alloc(s, rep->n_items, sizeof *wp);
        mptr = codec_scratch_alloc(s, rep->n_items * SILENCE_MAX_MATCHERS, sizeof *mptr);
        if (!w || !wp || !mptr) return -1;
    }
    for (size_t i = 0; i < rep->n_items; i++) {
        put_silence(&w[i], mptr + i * SILENCE_MAX_MATCHERS, &rep->items[i]);
        wp[i] = &w[i];
    }
    r->n_silences = rep->n_items;
    r->silences = wp;
    env->silence_reply = r;
    return 0;
}

/* ---- decoding ------------------------------------------------------------------- */

static int take_silence(silence_wire_t *s, const Yuebao__Silence *w, char *err, size_t errsz) {
    memset(s, 0, sizeof *s);
    if (!w) return 0;
    if (w->n_matchers > SILENCE_MAX_MATCHERS) {
        codec_fail(err, errsz, _("silence: %zu matchers, more than %d"), w->n_matchers, SILENCE_MAX_MATCHERS);
        return -1;
    }
    for (size_t i = 0; i < w->n_matchers; i++)
        if (codec_take_str(s->matchers[i], sizeof s->matchers[i], w->matchers[i], "silence matcher", err,
                           errsz) < 0)
            return -1;
    s->n_matchers = w->n_matchers;
    s->id = w->has_id ? w->id : 0;
    if (codec_take_ms(&s->starts_ms, w->has_starts_ms, w->starts_ms, "silence starts_ms", err, errsz) < 0 ||
        codec_take_ms(&s->ends_ms, w->has_ends_ms, w->ends_ms, "silence ends_ms", err, errsz) < 0 ||
        codec_take_str(s->comment, sizeof s->comment, w->comment, "silence comment", err, errsz) < 0 ||
        codec_take_str(s->created_by, sizeof s->created_by, w->created_by, "silence created_by", err, errsz) <
            0)
        return -1;
    return 0;
}

int codec_silence_request_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__SilenceRequest *r = env->silence_request;
    if (codec_take_str(m->silence_req.action, sizeof m->silence_req.action, r->action, "silence action", err,
                       errsz) < 0)
        return -1;
    return take_silence(&m->silence_req.silence, r->silence, err, errsz);
}

int codec_silence_reply_decode(const Yuebao__Envelope *env, msg_t *m, char *err, size_t errsz) {
    const Yuebao__SilenceReply *r = env->silence_reply;
    silence_reply_t *rep = &m->silence_reply;
    if (r->n_silences > CODEC_MAX_SILENCES) {
        codec_fail(err, errsz, _("silence reply: %zu silences, more than %d"), r->n_silences,
                   CODEC_MAX_SILENCES);
        return -1;
    }
    rep->ok = r->has_ok && r->ok;
    rep->id = r->has_id ? r->id : 0;
    if (codec_take_str(rep->error, sizeof rep->error, r->error, "silence error", err, errsz) < 0) return -1;
    if (r->n_silences && !(rep->items = calloc(r->n_silences, sizeof *rep->items))) {
        codec_fail(err, errsz, _("out of memory"));
        return -1;
    }
    for (size_t i = 0; i < r->n_silences; i++) {
        if (take_silence(&rep->items[i], r->silences[i], err, errsz) < 0) return -1;
        rep->n_items = i + 1;
    }
    return 0;
}
