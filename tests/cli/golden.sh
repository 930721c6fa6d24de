#!/bin/sh
# golden.sh - the shipped scenarios' outputs still hash to
# tests/golden/summaries.txt.
#
# Pins: a change that should move no number (a refactor, a speed-up, a new
# output) moves none: every shipped scenario's summary.csv under
# `run --reps 2 --threads 1` (and the demo's `compare`) is byte-identical
# to the list.  A commit that changes the model on purpose regenerates the
# list (command in tests/golden/summaries.sh) and says why.
# Does not pin: which metric moved - on a mismatch, diff the summary.csv
# of the old and the new binary.
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
BPFSIM=$BPFSIM sh tests/golden/summaries.sh > "$tmp/now" || {
	echo "FAIL: a shipped scenario did not run"; exit 1; }
if ! diff -u tests/golden/summaries.txt "$tmp/now"; then
	echo "FAIL: summaries moved (lines above; regenerate only on purpose)"
	exit 1
fi
echo "golden: $(wc -l < "$tmp/now") outputs unchanged"
