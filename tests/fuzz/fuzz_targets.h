/* fuzz_targets.h - the bodies of the libFuzzer targets, shared with the regression test.
 *
 * The fuzzers (fuzz_main.c, built once per target) and tests/unit/test_fuzz_regress.c run the
 * same code, so every crash a fuzzer finds and keeps under tests/fuzz/regress/ is
 * replayed by `make test` under the sanitizers. A property that does not hold (a finding
 * that is not valid UTF-8, a decoded message that does not survive a round trip) calls
 * abort() through FUZZ_CHECK: a crash for libFuzzer, a failed test for Criterion.
 */
#ifndef YB_FUZZ_TARGETS_H
#define YB_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* Loads the sample master data once ($YUEBAO_EXAMPLES/sample-city, default
 * examples/sample-city). 0, or -1 with a message on stderr. */
int fuzz_init(void);

/* Frees what fuzz_init loaded. */
void fuzz_fini(void);

/* Decodes the bytes as an Envelope; a report is validated against the master data and
 * every decoded message is re-encoded and decoded again. Returns 1 if the bytes decoded,
 * 0 if the codec refused them (with a valid UTF-8 reason). */
int fuzz_envelope_one(const uint8_t *data, size_t size);

/* Runs the bytes through the CSV reader, then as a county file (any encoding) through
 * the county CSV parser; every report parsed is validated and round-tripped through
 * the codec. Returns the number of reports parsed. */
int fuzz_csv_one(const uint8_t *data, size_t size);

#endif
