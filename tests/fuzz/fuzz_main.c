/* fuzz_main.c - the libFuzzer entry points around one of fuzz_targets.h's bodies, named
 * at build time: `make fuzz` builds it once per target with -DFUZZ_ONE=fuzz_<target>_one
 * (fuzz_envelope, fuzz_csv). */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_targets.h"

#ifndef FUZZ_ONE
#error "build with -DFUZZ_ONE=fuzz_envelope_one or -DFUZZ_ONE=fuzz_csv_one"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    if (fuzz_init() < 0) exit(1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FUZZ_ONE(data, size);
    return 0;
}
