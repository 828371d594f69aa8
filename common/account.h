/* account.h - the web's user accounts: who may log in to yuebao-web, with which role,
 * and the Argon2id hash of each password (libsodium's crypto_pwhash_str).
 *
 * The accounts live in one text file (default /etc/yuebao/web-users), written only by
 * `yuebao user add|passwd|disable|enable|list` and read by yuebao-web, which re-reads
 * it when it changes. One account per line, fields separated by spaces, '#' comments:
 *
 *     NAME ROLE STATE CHANGED HASH
 *     zhangsan central active 2026-12-02T08:00:00Z $argon2id$v=19$m=65536,t=2,p=1$…
 *     li.county county:410603 disabled 2026-12-01T09:30:00Z $argon2id$…
 *
 * NAME is [a-z0-9._-]{1,32} (lower case: logins are case-folded). ROLE is `central`
 * (everything), `county:<code>` (that county's zones only) or `viewer` (the central
 * view, read-only, without revision details). STATE is `active` or `disabled`.
 * CHANGED is when the password or state last changed (UTC). The file is replaced
 * atomically (a temporary file, fsync, rename) with mode 0640, so a reader never sees
 * half of it and a crash leaves the old or the new file, never neither.
 */
#ifndef YB_ACCOUNT_H
#define YB_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACCOUNT_NAME_MAX 33  /* 32 bytes and the NUL */
#define ACCOUNT_COUNTY_MAX 16
#define ACCOUNT_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define ACCOUNT_PASSWORD_MIN 10 /* characters (UTF-8 code points) */

typedef enum { ACCOUNT_CENTRAL = 1, ACCOUNT_COUNTY, ACCOUNT_VIEWER } account_role_t;

typedef struct {
    char name[ACCOUNT_NAME_MAX];
    account_role_t role;
    char county[ACCOUNT_COUNTY_MAX]; /* ACCOUNT_COUNTY: its code; else "" */
    bool disabled;
    int64_t changed_at_ms;
    char hash[ACCOUNT_HASH_MAX];     /* "$argon2id$…" */
} account_t;

typedef struct {
    account_t *v;
    size_t n;
} account_list_t;

/* Parses a role as written in the file and on the command line: "central", "viewer" or
 * "county:<code>" (the code: 6 digits). 0, or -1 with the reason in err. */
int account_parse_role(const char *s, account_role_t *role, char county[ACCOUNT_COUNTY_MAX], char *err,
                       size_t errsz);
/* The role as written in the file ("county:410603"). */
void account_role_text(const account_t *a, char *buf, size_t size);
/* True if name is a valid account name (see above). */
bool account_name_valid(const char *name);

/* Reads the accounts file. A missing file is an empty list (0). -1 with "FILE:LINE:
 * reason" in err on a malformed line; out is then empty. The caller frees out. */
int account_load(const char *path, account_list_t *out, char *err, size_t errsz);
/* Writes the list atomically (see above). 0, or -1 with the reason. */
int account_save(const char *path, const account_list_t *l, char *err, size_t errsz);
/* The account named name, or NULL. */
const account_t *account_find(const account_list_t *l, const char *name);
void account_list_free(account_list_t *l);

/* Refuses a password too short (ACCOUNT_PASSWORD_MIN characters), equal to the name, or
 * all one character; 0, or -1 with the reason in the reader's language. */
int account_check_password(const char *name, const char *password, char *err, size_t errsz);
/* Hashes password with Argon2id (crypto_pwhash_str, OPSLIMIT_INTERACTIVE,
 * MEMLIMIT_INTERACTIVE: about 64 MiB and 0.1 s). 0, or -1 (out of memory). */
int account_hash(const char *password, char out[ACCOUNT_HASH_MAX]);
/* True if password matches a's hash and a is active. Takes as long for a wrong password
 * as for a right one. */
bool account_verify(const account_t *a, const char *password);
/* A hash nobody's password matches, made once per process, for verifying a login whose
 * name does not exist: the answer takes as long as for a real name. */
const char *account_dummy_hash(void);

#endif
