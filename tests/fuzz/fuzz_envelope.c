/* fuzz_envelope.c - libFuzzer entry for fuzz_envelope_one (see fuzz_targets.h); `make fuzz` runs it. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_targets.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    if (fuzz_init() < 0) exit(1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_envelope_one(data, size);
    return 0;
}
