#!/bin/sh
# determinism.sh - same seed, same bytes, whatever the thread count.
#
# Pins: `run` with --threads 1 and --threads 2 (same seed) writes
# byte-identical summary.json, summary.csv, replications.csv and
# scenario.resolved.yaml; `--format json` prints exactly summary.json; a
# different --seed changes summary.json (so equality is not vacuous).
# Does not pin: the numbers.  The scenario is scenarios/mmc.yaml cut down
# (8 replications x 50,000 customers) to keep the test quick under ASan.
set -u
. "${0%/*}/lib/same.sh"   # same_output A B: equal outputs, provenance aside
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

run() {   # run OUTDIR EXTRA-ARGS...
	d=$1; shift
	"$BPFSIM" run scenarios/mmc.yaml --reps 8 --set customers=50000 \
		--set warmup_customers=5000 --out "$tmp/$d" "$@" >"$tmp/$d.stdout" 2>"$tmp/$d.stderr"
	rc=$?
	[ "$rc" -eq 0 ] || { fail "run $* exited $rc: $(cat "$tmp/$d.stderr")"; return 1; }
}

run t1 --seed 4242 --threads 1
run t2 --seed 4242 --threads 2
run j2 --seed 4242 --threads 2 --format json
run s2 --seed 4243 --threads 2
for f in summary.json summary.csv replications.csv scenario.resolved.yaml; do
	same_output "$tmp/t1/$f" "$tmp/t2/$f" || fail "$f differs between --threads 1 and 2"
	[ -s "$tmp/t1/$f" ] || fail "$f missing or empty"
done
same_output "$tmp/j2.stdout" "$tmp/j2/summary.json" ||
	fail "--format json output differs from summary.json"
same_output "$tmp/t1/summary.json" "$tmp/j2/summary.json" ||
	fail "summary.json differs with --format json"
same_output "$tmp/t1/summary.json" "$tmp/s2/summary.json" &&
	fail "--seed 4242 and --seed 4243 gave the same summary.json"
grep -q '"seed": 4242,' "$tmp/t1/summary.json" || fail "summary.json does not record --seed"

[ "$fails" -eq 0 ] || exit 1
echo "ok: byte-identical outputs with --threads 1 and 2"
