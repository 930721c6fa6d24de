#!/bin/sh
# The shipped regime scenarios land in the regime they are named after
# (majority of replications, hash strategy), and a capped run is exploding.
# Pins the classifier on real model runs; the thresholds themselves are
# tested on synthetic series in tests/test_regime.c.
set -u
: "${BPFSIM:=./bpfsim}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for r in converging stable exploding; do
	out=$("$BPFSIM" run "scenarios/regime-$r.yaml" --reps 2 --quiet --no-plots \
		--out "$tmp/$r" 2>&1) || { echo "FAIL: regime-$r.yaml exited $?: $out"; status=1; continue; }
	if echo "$out" | grep -q "regime: hash $r (2/2)"; then
		echo "ok: regime-$r.yaml is $r"
	else
		echo "FAIL: regime-$r.yaml: $(echo "$out" | grep regime:)"
		status=1
	fi
done
# A cap ends the run cleanly, marked capped, counted as exploding.
out=$("$BPFSIM" run scenarios/regime-exploding.yaml --reps 2 --quiet --no-plots \
	--set caps.max_live_tasks=500 --out "$tmp/cap" 2>&1)
if echo "$out" | grep -q "2 capped" && echo "$out" | grep -q "regime: hash exploding (2/2)" &&
   grep -q ',capped,max_live_tasks,' "$tmp/cap/replications.csv"; then
	echo "ok: max_live_tasks cap ends the run, capped and exploding"
else
	echo "FAIL: cap: $out"
	status=1
fi
out=$("$BPFSIM" run scenarios/regime-stable.yaml --reps 1 --quiet --no-plots \
	--set caps.max_events=10000 --out "$tmp/ev" 2>&1)
if grep -q ',capped,max_events,10000,' "$tmp/ev/replications.csv"; then
	echo "ok: max_events cap stops at exactly 10000 events"
else
	echo "FAIL: max_events: $(cat "$tmp/ev/replications.csv")"
	status=1
fi
exit $status
