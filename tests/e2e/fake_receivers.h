/* fake_receivers.h - real local stand-ins for the receivers yuebao-notify talks to, for
 * the tests: an HTTP server that plays the 企业微信 and 钉钉 group robots and a generic
 * webhook, and an SMTP sink.
 *
 * Each runs in its own thread on 127.0.0.1 at a port the OS chooses, serves one
 * connection at a time (Connection: close) and records every request, so a test asserts
 * on the bytes a receiver really sent. They answer as the real services document:
 *
 *   POST /cgi-bin/webhook/send?key=K          企业微信: {"errcode":0,"errmsg":"ok"}; no key:
 *                                             {"errcode":93000,"errmsg":"invalid webhook url"}
 *   POST /robot/send?access_token=T&timestamp=MS&sign=S
 *                                             钉钉: the signature is VERIFIED when a secret
 *                                             is set (fake_http_dingtalk_secret): sign =
 *                                             urlencode(base64(HMAC-SHA256(secret,
 *                                             timestamp "\n" secret))), timestamp within an
 *                                             hour of now; else {"errcode":310000,
 *                                             "errmsg":"sign not match"}; ok: {"errcode":0,
 *                                             "errmsg":"ok"}
 *   anything else                             a generic webhook: 200 {"status":"ok"}
 *
 * A scripted answer (fake_http_script) replaces the next default answer for a path
 * prefix once: a 500, a rate-limit answer, a 400. "Down" closes the listening socket
 * (connection refused) until "up" opens it again on the same port.
 *
 * The SMTP sink speaks EHLO/HELO, AUTH PLAIN and LOGIN (accepting any credentials and
 * recording them), MAIL FROM, RCPT TO, DATA (dot-unstuffed), RSET, NOOP, QUIT. It does
 * not speak TLS: it offers STARTTLS only when told to (fake_smtp_offer_starttls) and then
 * answers the command 454, which is how a test shows that a client that requires TLS
 * refuses to go on in plain text.
 *
 * Functions that return int give 0 or -1; nothing here exits or asserts, so a test
 * reports what failed. Every function is safe to call while the server thread runs.
 */
#ifndef YB_FAKE_RECEIVERS_H
#define YB_FAKE_RECEIVERS_H

#include <stdbool.h>
#include <stddef.h>

/* --- HTTP ------------------------------------------------------------------------- */
typedef struct fake_http fake_http_t;

/* Starts the server on 127.0.0.1:<ephemeral>. NULL (and a line on stderr) on failure. */
fake_http_t *fake_http_start(void);
int fake_http_port(const fake_http_t *f);

/* The 钉钉 robot's signing secret to verify /robot/send against (copied); NULL: no
 * check (any sign is accepted). */
void fake_http_dingtalk_secret(fake_http_t *f, const char *secret);

/* Queues one answer for the next request whose path starts with path_prefix (the path
 * without the query, e.g. "/cgi-bin/webhook/send"): HTTP status and body (copied; NULL
 * for ""). Answers queue per prefix, first in first out, each used once. Status
 * FAKE_HANG reads the request and never answers (until the client gives up); status
 * FAKE_RESET reads it and closes the connection without an answer. The request is
 * recorded either way. */
#define FAKE_HANG 0
#define FAKE_RESET (-1)
void fake_http_script(fake_http_t *f, const char *path_prefix, int status, const char *body);

/* down: closes the listener, so connecting is refused; !down: listens again on the
 * same port. 0, or -1 if the port could not be taken again. */
int fake_http_down(fake_http_t *f, bool down);

/* Requests recorded so far whose path starts with path_prefix ("" or NULL: all). */
size_t fake_http_count(fake_http_t *f, const char *path_prefix);

/* Waits until fake_http_count(f, path_prefix) >= n or timeout_ms passes. 0 or -1. */
int fake_http_wait(fake_http_t *f, const char *path_prefix, size_t n, int timeout_ms);

/* 钉钉 requests refused for their signature so far. */
size_t fake_http_bad_signatures(fake_http_t *f);

/* The i-th recorded request (from 0) whose path starts with path_prefix: a copy the
 * caller frees with fake_request_free. target is path and query as sent; headers the
 * header lines as sent ("Name: value\r\n" each); body the body, NUL-terminated. */
typedef struct {
    char method[8];
    char *target;
    char *headers;
    char *body;
} fake_request_t;
int fake_http_request(fake_http_t *f, const char *path_prefix, size_t i, fake_request_t *out);
void fake_request_free(fake_request_t *r);

/* The value of query parameter name in target, percent-decoded, into out. 0 or -1. */
int fake_query_param(const char *target, const char *name, char *out, size_t size);

/* Stops the thread, closes everything, frees *f (NULL-safe), sets *f to NULL. */
void fake_http_stop(fake_http_t **f);

/* --- SMTP ------------------------------------------------------------------------- */
typedef struct fake_smtp fake_smtp_t;

fake_smtp_t *fake_smtp_start(void);
int fake_smtp_port(const fake_smtp_t *f);

/* Offer STARTTLS in the EHLO answer (and refuse it 454 when asked). Default: not. */
void fake_smtp_offer_starttls(fake_smtp_t *f, bool offer);

/* The answer to the next message's final "." (default 250), once: 451 (try later) or
 * 554 (refused) for the tests of classification. */
void fake_smtp_script(fake_smtp_t *f, int code);

/* As fake_http_down. */
int fake_smtp_down(fake_smtp_t *f, bool down);

/* Messages accepted (the final "." answered 250) so far; waits for n of them. */
size_t fake_smtp_count(fake_smtp_t *f);
int fake_smtp_wait(fake_smtp_t *f, size_t n, int timeout_ms);

/* The i-th accepted message: a copy the caller frees with fake_mail_free. rcpt holds the
 * RCPT TO addresses one per line ("a@x\nb@y\n"); data the message as received, with the
 * dot-stuffing undone and the final "." gone; auth "user\npassword" if the client
 * authenticated, else "". */
typedef struct {
    char *helo;
    char *from;
    char *rcpt;
    char *data;
    char *auth;
} fake_mail_t;
int fake_smtp_message(fake_smtp_t *f, size_t i, fake_mail_t *out);
void fake_mail_free(fake_mail_t *m);

void fake_smtp_stop(fake_smtp_t **f);

#endif
