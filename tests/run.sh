#!/usr/bin/env bash
# run.sh - runs every test binary given, prints each one's Criterion synthesis and a
# closing total "N passed, N failed"; exits non-zero if any test failed or crashed.
set -u
passed=0 failed=0 status=0
summary="" # the failing binaries and their failures, repeated last: CI shows the tail
for t in "$@"; do
    echo "== ${t##*/}"
    out=$("$t" --jobs 2 2>&1); rc=$?
    echo "$out" | grep -E "^\[----\]|Synthesis|ERROR|AddressSanitizer|runtime error|^crash: (kill cycles|spool reports)" | grep -v "^\[----\]   " || true
    line=$(echo "$out" | grep "Synthesis" | tail -1)
    if [ -z "$line" ]; then
        echo "$out" | tail -20
        echo "== ${t##*/}: no Criterion synthesis (exit $rc)"; failed=$((failed + 1)); status=1
        summary="$summary
== ${t##*/}: no Criterion synthesis (exit $rc)
$(echo "$out" | tail -5)"
        continue
    fi
    p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
    f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
    c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
    passed=$((passed + p)); failed=$((failed + f + c))
    if [ "$rc" -ne 0 ] || [ $((f + c)) -ne 0 ]; then
        status=1
        echo "$out" | grep -E "\[FAIL\]|\[----\]" | head -40
        mkdir -p build/test-logs && echo "$out" > "build/test-logs/${t##*/}.log"
        echo "== full output: build/test-logs/${t##*/}.log"
        summary="$summary
== ${t##*/} failed (exit $rc):
$(echo "$out" | grep -E "\[FAIL\]|^\[----\] " | head -24)"
    fi
done
[ -n "$summary" ] && echo "== what failed:$summary"
echo "tests: $passed passed, $failed failed"
exit $status
