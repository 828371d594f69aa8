/* version.h - what every binary says to --version: its name, the revision it was built
 * from (git describe, "unknown" outside a checkout) and the wire schema it speaks. */
#ifndef YB_VERSION_H
#define YB_VERSION_H

#include <stdio.h>

/* The revision this build came from, e.g. "v1.2-14-g6943e8c" or "6943e8c-dirty". */
const char *version_revision(void);

/* Prints "<program> <revision> (wire schema N)" and a newline to out. */
void version_print(FILE *out, const char *program);

#endif
