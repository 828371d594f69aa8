/* test_keys.c - CURVE key files and key lists: what keygen writes, which secret keys are
 * refused, and the errors an operator reads for a bad authorized_keys line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "keys.h"

static char dir[64], base[128], path[192], err[1024];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/yb-keys.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(base, sizeof base, "%s/county-410602", dir);
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static mode_t mode_of(const char *p) {
    struct stat st;
    cr_assert_eq(stat(p, &st), 0, "%s", p);
    return st.st_mode & 07777;
}

static void write_file(const char *p, const char *text) {
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

TestSuite(keys, .init = setup, .fini = teardown);

Test(keys, keygen_writes_a_0600_secret_and_a_public_key_that_belong_together) {
    keypair_t kp, loaded;
    char pub[KEY_Z85_LEN + 1], derived[KEY_Z85_LEN + 1];
    umask(0); /* the secret key must come out 0600 whatever the umask */
    cr_assert_eq(keys_generate(base, "county-410602", &kp, err, sizeof err), 0, "%s", err);
    umask(022);
    snprintf(path, sizeof path, "%s.key", base);
    cr_assert_eq(mode_of(path), 0600);
    cr_assert_eq(keys_load_secret(path, &loaded, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(loaded.secret_z85, kp.secret_z85);
    cr_assert_str_eq(loaded.public_z85, kp.public_z85);
    /* the derived public key is libzmq's own derivation of the secret */
    cr_assert_eq(zmq_curve_public(derived, kp.secret_z85), 0);
    cr_assert_str_eq(derived, kp.public_z85);
    snprintf(path, sizeof path, "%s.pub", base);
    cr_assert_eq(mode_of(path), 0644);
    cr_assert_eq(keys_load_public(path, pub, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(pub, kp.public_z85);
}

Test(keys, keygen_never_overwrites_a_key) {
    keypair_t kp, again;
    cr_assert_eq(keys_generate(base, "x", &kp, err, sizeof err), 0, "%s", err);
    cr_assert_eq(keys_generate(base, "x", NULL, err, sizeof err), -1);
    cr_assert(strstr(err, "refusing to overwrite"), "%s", err);
    snprintf(path, sizeof path, "%s.key", base);
    cr_assert_eq(keys_load_secret(path, &again, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(again.secret_z85, kp.secret_z85, "the first key must survive");
}

Test(keys, a_secret_key_readable_by_group_or_others_is_refused) {
    keypair_t kp;
    static const mode_t bad[] = {0640, 0604, 0644, 0660, 0602};
    cr_assert_eq(keys_generate(base, "x", NULL, err, sizeof err), 0, "%s", err);
    snprintf(path, sizeof path, "%s.key", base);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[32];
        cr_assert_eq(chmod(path, bad[i]), 0);
        cr_assert_eq(keys_load_secret(path, &kp, err, sizeof err), -1, "mode %o accepted", (unsigned)bad[i]);
        snprintf(want, sizeof want, "mode %04o", (unsigned)bad[i]);
        cr_assert(strstr(err, want) && strstr(err, "chmod 600"), "%s", err);
        cr_assert_eq(kp.secret_z85[0], '\0', "nothing of the key is handed out");
    }
    cr_assert_eq(chmod(path, 0400), 0);
    cr_assert_eq(keys_load_secret(path, &kp, err, sizeof err), 0, "0400 is fine: %s", err);
}

Test(keys, a_secret_key_file_that_is_missing_empty_or_garbled_is_refused_clearly) {
    keypair_t kp;
    cr_assert_eq(keys_load_secret("", &kp, err, sizeof err), -1);
    cr_assert(strstr(err, "yuebao keygen"), "%s", err);
    snprintf(path, sizeof path, "%s/none.key", dir);
    cr_assert_eq(keys_load_secret(path, &kp, err, sizeof err), -1);
    cr_assert(strstr(err, "No such file"), "%s", err);
    snprintf(path, sizeof path, "%s/empty.key", dir);
    write_file(path, "# only a comment\n\n");
    chmod(path, 0600);
    cr_assert_eq(keys_load_secret(path, &kp, err, sizeof err), -1);
    cr_assert(strstr(err, "no key in the file"), "%s", err);
    write_file(path, "# a comment\nnot-a-key\n");
    cr_assert_eq(keys_load_secret(path, &kp, err, sizeof err), -1);
    cr_assert(strstr(err, "empty.key:2: not a Z85 CURVE key"), "%s", err);
    cr_assert_eq(keys_load_secret(dir, &kp, err, sizeof err), -1, "a folder is not a key");
}

Test(keys, a_key_list_maps_keys_to_names_and_skips_comments) {
    key_list_t l;
    char a[41], as[41], b[41], bs[41], text[512];
    const key_entry_t *e;
    cr_assert_eq(zmq_curve_keypair(a, as), 0);
    cr_assert_eq(zmq_curve_keypair(b, bs), 0);
    snprintf(text, sizeof text,
             "# authorized_keys\n\n%s 410602 鹤山区 desk, rotated 2017-03\r\n  \t%s\t410603\n# end\n", a, b);
    snprintf(path, sizeof path, "%s/authorized_keys", dir);
    write_file(path, text);
    cr_assert_eq(keys_list_load(path, &l, err, sizeof err), 0, "%s", err);
    cr_assert_eq(l.n, 2);
    cr_assert_not_null(e = keys_list_find(&l, a));
    cr_assert_str_eq(e->name, "410602");
    cr_assert_eq(e->line, 3);
    cr_assert_not_null(e = keys_list_find(&l, b));
    cr_assert_str_eq(e->name, "410603");
    cr_assert_null(keys_list_find(&l, as), "a secret key is not a listed public key");
    keys_list_clear(&l);
}

/* tmpl with every '@' replaced by key, into out. */
static void fill(const char *tmpl, const char *key, char *out, size_t size) {
    size_t n = 0;
    for (const char *t = tmpl; *t && n + KEY_Z85_LEN + 1 < size; t++) {
        if (*t == '@') {
            memcpy(out + n, key, KEY_Z85_LEN);
            n += KEY_Z85_LEN;
        } else {
            out[n++] = *t;
        }
    }
    out[n] = '\0';
}

/* Each bad line gives "file:line: field: …" and an empty list (all or nothing). */
Test(keys, a_bad_key_list_line_names_file_line_and_field) {
    char a[41], as[41], text[512];
    key_list_t l;
    struct {
        const char *tmpl, *want;
    } cases[] = {
        {"@ 410602\nshort 410603\n", "authorized_keys:2: key: expected a 40-character"},
        {"@\n", "authorized_keys:1: name: missing"},
        {"@ 鹤山区\n", "authorized_keys:1: name: \"鹤山区\" must be"},
        {"@ 410602\n@ 410603\n", "authorized_keys:2: key: already listed on line 1"},
        {"@ 410602\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ 410603\n",
         "authorized_keys:2: key: not valid Z85"},
    };
    cr_assert_eq(zmq_curve_keypair(a, as), 0);
    snprintf(path, sizeof path, "%s/authorized_keys", dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fill(cases[i].tmpl, a, text, sizeof text);
        write_file(path, text);
        cr_assert_eq(keys_list_load(path, &l, err, sizeof err), -1, "case %zu accepted", i);
        cr_assert(strstr(err, cases[i].want), "case %zu: %s", i, err);
        cr_assert_eq(l.n, 0);
        cr_assert_null(l.v);
    }
}

/* Z85 has '#' (and '$') in its alphabet, but as the first character of a 32-byte key it
 * would encode a value of 2^32 or more: no key starts with it, so '#' comments in key
 * files are unambiguous. Checked against libzmq's decoder, and over many real keys. */
Test(keys, no_key_starts_with_a_hash_so_comments_are_unambiguous) {
    char pub[41], sec[41], probe[41];
    memset(probe, '0', KEY_Z85_LEN);
    probe[KEY_Z85_LEN] = '\0';
    probe[0] = '#';
    cr_assert_not(keys_z85_valid(probe));
    probe[0] = '$';
    cr_assert_not(keys_z85_valid(probe));
    probe[0] = '}'; /* the highest first character that still decodes */
    cr_assert(keys_z85_valid(probe));
    for (int i = 0; i < 20000; i++) {
        cr_assert_eq(zmq_curve_keypair(pub, sec), 0);
        cr_assert_neq(pub[0], '#');
        cr_assert_neq(sec[0], '#');
    }
}

/* What a reviewer sees with cat must be what is parsed: a NUL byte refuses the file; a
 * byte-order mark (Notepad) is skipped; a control byte in a name is not echoed raw. */
Test(keys, a_key_list_with_a_nul_a_bom_or_control_bytes) {
    char a[41], as[41], text[256];
    key_list_t l;
    FILE *f;
    size_t len;
    cr_assert_eq(zmq_curve_keypair(a, as), 0);
    snprintf(path, sizeof path, "%s/authorized_keys", dir);
    len = (size_t)snprintf(text, sizeof text, "# comment%c%s 410699\n", '\0', a);
    cr_assert_not_null(f = fopen(path, "w"));
    cr_assert_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    cr_assert_eq(keys_list_load(path, &l, err, sizeof err), -1, "a key hidden behind a NUL was loaded");
    cr_assert(strstr(err, "authorized_keys:1: a NUL byte"), "%s", err);

    snprintf(text, sizeof text, "\xEF\xBB\xBF%s 410602\n", a);
    write_file(path, text);
    cr_assert_eq(keys_list_load(path, &l, err, sizeof err), 0, "%s", err);
    cr_assert_eq(l.n, 1);
    cr_assert_str_eq(l.v[0].name, "410602");
    keys_list_clear(&l);

    snprintf(text, sizeof text, "%s 4106\v02\n", a);
    write_file(path, text);
    cr_assert_eq(keys_list_load(path, &l, err, sizeof err), -1);
    cr_assert(strstr(err, "name: \"4106?02\""), "%s", err);
}

/* keygen with a very long name still writes a whole, loadable secret key. */
Test(keys, keygen_with_a_long_name_writes_a_whole_key) {
    char name[232], p[400], key_path[420];
    keypair_t kp, loaded;
    memset(name, 'k', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(p, sizeof p, "%s/%s", dir, name);
    cr_assert_eq(keys_generate(p, name, &kp, err, sizeof err), 0, "%s", err);
    snprintf(key_path, sizeof key_path, "%s.key", p);
    cr_assert_eq(keys_load_secret(key_path, &loaded, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(loaded.secret_z85, kp.secret_z85);
}
