/* keys.h - CURVE key files: generating a key pair, loading a secret key (refused unless
 * only its owner can read it), loading a public key, and key lists such as
 * authorized_keys.
 *
 * Files (Z85 text, '#' lines are comments; Z85 has '#' in its alphabet, but a 32-byte
 * key never starts with it: its first character encodes a value below 83 of 85):
 *   NAME.key   the secret key, mode 0600; the public key is derived from it
 *   NAME.pub   the public key, one line, safe to copy anywhere
 *   a key list one "<z85 public key> <name> [comment]" per line (authorized_keys: the
 *              name is the county the key may report for; subscriber_keys: who may
 *              subscribe)
 */
#ifndef YB_KEYS_H
#define YB_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define KEY_Z85_LEN 40 /* a 32-byte CURVE key in Z85 */
#define KEY_NAME_MAX 64

typedef struct {
    char public_z85[KEY_Z85_LEN + 1];
    char secret_z85[KEY_Z85_LEN + 1];
} keypair_t;

/* One entry of a key list. */
typedef struct {
    char key[KEY_Z85_LEN + 1];
    char name[KEY_NAME_MAX];
    int line;
} key_entry_t;

typedef struct {
    key_entry_t *v;
    size_t n, cap;
} key_list_t;

/* True if s is exactly 40 characters that decode as Z85. */
bool keys_z85_valid(const char *s);

/* Writes base.key (mode 0600) and base.pub for a fresh key pair, named `name` in their
 * comment lines. Refuses to overwrite either file. 0, or -1 with err set. */
int keys_generate(const char *base, const char *name, keypair_t *out, char *err, size_t errsz);

/* Loads a secret key file into out (and derives its public key). Refused when the file
 * is not a regular file or group or others may read or write it. 0, or -1 with err. */
int keys_load_secret(const char *path, keypair_t *out, char *err, size_t errsz);

/* Loads a public key file (the first non-comment line, or its first word) into
 * out[KEY_Z85_LEN + 1]. 0, or -1 with err set. */
int keys_load_public(const char *path, char *out, char *err, size_t errsz);

/* Parses a key list file, all or nothing. Errors read "file:line: message". A key listed
 * twice is an error (it would be ambiguous which name it gets). 0, or -1 with err set and
 * out left empty. */
int keys_list_load(const char *path, key_list_t *out, char *err, size_t errsz);

/* The entry of key (Z85), or NULL. */
const key_entry_t *keys_list_find(const key_list_t *list, const char *key);

void keys_list_clear(key_list_t *list);

#endif
