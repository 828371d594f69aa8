/* version.c - the build's revision and wire schema, for --version (see version.h).
 * The Makefile compiles this file alone with -DYUEBAO_VERSION, rebuilt when the
 * revision changes, so a new commit does not rebuild the rest. */
#include "version.h"

#include "codec.h"
#include "i18n.h"

#ifndef YUEBAO_VERSION
#define YUEBAO_VERSION "unknown"
#endif

const char *version_revision(void) {
    return YUEBAO_VERSION;
}

void version_print(FILE *out, const char *program) {
    /* TRANSLATORS: scripts read it: keep "%s %s " first, the schema the one number, in ( ) */
    fprintf(out, _("%s %s (wire schema %d)\n"), program, YUEBAO_VERSION, SCHEMA_VERSION);
}
