/* cli_keygen.c - `yuebao keygen NAME`: a CURVE key pair as NAME.key (secret, mode 0600)
 * and NAME.pub (public). NAME may carry a folder: keygen /etc/yuebao/keys/county-410602.
 * Never overwrites a key: rotating means a new name, listed beside the old one until the
 * switch is done (docs/operations.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "keys.h"
#include "util.h"

int cli_keygen(const cli_opts_t *o) {
    keypair_t kp;
    char err[1024];
    const char *base;
    if (o->n_args != 1 || !*o->args[0]) {
        fprintf(stderr, _("usage: yuebao keygen NAME   (writes NAME.key, mode 0600, and NAME.pub)\n"));
        return 2;
    }
    base = o->args[0];
    if (strlen(base) > 3500) {
        fprintf(stderr, _("yuebao keygen: name too long\n"));
        return 2;
    }
    if (keys_generate(base, util_basename(base), &kp, err, sizeof err) < 0) {
        fprintf(stderr, _("yuebao keygen: %s\n"), err);
        return 1;
    }
    printf(_("%s.key  secret key (mode 0600): stays on this host, named by `key =` in the config\n"
           "%s.pub  public key: %s\n"
           "\n"
           "A collector's key goes into the central office's authorized_keys with its county:\n"
           "  %s <county code> %s\n"
           "a subscriber's key (scorer, CLI, central-office tools) into subscriber_keys:\n"
           "  %s <name> %s\n"),
           base, base, kp.public_z85, kp.public_z85, util_basename(base), kp.public_z85, util_basename(base));
    explicit_bzero(&kp, sizeof kp);
    return 0;
}
