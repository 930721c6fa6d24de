#!/bin/sh
# Run every test binary and the CLI tests; print one overall summary.
# Usage: tests/run-tests.sh BPFSIM_BINARY TEST_BINARY...
# Exit status: 0 when every test passed.
set -u
bin=$1; shift
pass=0; fail=0; failed=""
for t in "$@"; do
	echo "== $t"
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	echo "== $t"
	if BPFSIM="$bin" sh "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
echo "[==========] $((pass + fail)) test programs ran."
echo "[  PASSED  ] $pass test programs."
if [ "$fail" -gt 0 ]; then
	echo "[  FAILED  ] $fail test programs, listed below:"
	for f in $failed; do echo "[  FAILED  ] $f"; done
	exit 1
fi
exit 0
