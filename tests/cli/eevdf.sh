#!/bin/sh
# eevdf.sh - `runqueue: eevdf` end to end on the demo scenario.
#
# Pins: `run scenarios/runqslower.yaml --set runqueue=eevdf --reps 2`
# exits 0 with summary.json complete; its wait quantiles are sane (0 <
# p50 <= p99 < 10 ms: 4,000 threads of 50 us bursts on 8 half-busy CPUs,
# where no wait can reach three 3 ms slices); it ran as many switches a
# second as fifo within 5% (the same wake-ups: EEVDF reorders, it does not
# invent work); the resolved scenario keeps eevdf.base_slice 0 (scaled
# with each run's CPU count) and hz 250, and a sweep over cpus run again
# from it gives the same points; `bpfsim models runqslower` lists the eevdf
# keys; a fractional nice, an HZ under 100 and a misspelt eevdf key exit 2
# with a message naming the key.
# Does not pin: the numbers themselves (tests/test_eevdf.c pins schedules).
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/eevdf.sh (from the repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# mean of metric $2 in summary.json $1
mean() {
	sed -n "s/.*\"$2\": {\"n\": [0-9]*, \"mean\": \([^,]*\),.*/\1/p" "$1"
}

for rq in eevdf fifo; do
	"$BPFSIM" run scenarios/runqslower.yaml --reps 2 --no-plots \
		--set runqueue=$rq --out "$tmp/$rq" >"$tmp/$rq.out" 2>"$tmp/$rq.err"
	rc=$?
	[ "$rc" -eq 0 ] || { fail "run --set runqueue=$rq exited $rc"; cat "$tmp/$rq.err"; exit 1; }
	grep -q '"complete": true' "$tmp/$rq/summary.json" ||
		fail "$rq: summary.json not marked complete"
done

json=$tmp/eevdf/summary.json
p50=$(mean "$json" wait_p50)
p99=$(mean "$json" wait_p99)
awk -v a="${p50:-nan}" -v b="${p99:-nan}" \
	'BEGIN { exit !(a > 0 && a <= b && b < 10e6) }' ||
	fail "eevdf wait quantiles not sane: p50 '$p50' p99 '$p99' ns"
sw=$(mean "$json" runs_per_s_sched_switch)
swf=$(mean "$tmp/fifo/summary.json" runs_per_s_sched_switch)
awk -v a="${sw:-nan}" -v b="${swf:-nan}" \
	'BEGIN { d = a / b - 1; exit !(b > 0 && d < 0.05 && d > -0.05) }' ||
	fail "switches/s: eevdf '$sw' vs fifo '$swf' differ by more than 5%"

res=$tmp/eevdf/scenario.resolved.yaml
grep -q '^runqueue: eevdf' "$res" || fail "resolved scenario: runqueue is not eevdf"
grep -q '^  base_slice: 0$' "$res" || fail "resolved scenario: base_slice is not 0 (by cpus)"
grep -q '^  hz: 250' "$res" || fail "resolved scenario: hz is not 250"

"$BPFSIM" models runqslower >"$tmp/models" 2>&1 || fail "models runqslower exited $?"
for k in eevdf.base_slice eevdf.hz eevdf.hrtick eevdf.run_to_parity \
	eevdf.nice.spawned eevdf.nice.resident eevdf.nice.busy eevdf.nice.spawner; do
	grep -q "^    $k " "$tmp/models" || fail "models runqslower does not list $k"
done

# base_slice 0 (the default) scales with each run's CPU count: a sweep
# over cpus, run again from its scenario.resolved.yaml, gives the same
# points (a slice worked out for the base's 8 CPUs and written into the
# resolved scenario would give the 2-CPU point 3 ms instead of 1.5 ms).
cat > "$tmp/sl.yaml" <<EOT
include: $PWD/scenarios/runqslower.yaml
runqueue: eevdf
compare: [hash]
duration: 50ms
warmup: 10ms
replications: 2
workload: {processes: 50, block: {run: exponential(10ms)}}
EOT
"$BPFSIM" sweep "$tmp/sl.yaml" --sweep cpus=2,8 --quiet --no-plots \
	--out "$tmp/sl1" >/dev/null 2>&1 || fail "slice sweep failed"
"$BPFSIM" sweep "$tmp/sl1/scenario.resolved.yaml" --quiet --no-plots \
	--out "$tmp/sl2" >/dev/null 2>&1 || fail "slice sweep from resolved failed"
cmp -s "$tmp/sl1/points.csv" "$tmp/sl2/points.csv" ||
	fail "a sweep over cpus run again from its resolved scenario differs (base_slice)"
grep -q "base_slice: 0$" "$tmp/sl1/scenario.resolved.yaml" ||
	fail "the resolved scenario does not keep base_slice 0"

bad() {   # bad KEY=VALUE WORD: exit 2, a message with WORD
	"$BPFSIM" run scenarios/runqslower.yaml --reps 1 --no-plots --set "$1" \
		--out "$tmp/bad" >"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "--set $1 exited $rc, want 2"
	grep -q "$2" "$tmp/bad.err" || fail "--set $1: message lacks '$2': $(cat "$tmp/bad.err")"
}
bad eevdf.nice.busy=1.5 'eevdf.nice.busy must be a whole number'
bad eevdf.hz=50 "'hz' must be >= 100"
bad eevdf.hzz=50 "did you mean 'hz'"
bad eevdf.base_slice=500ns "at least 1us"

[ "$fails" -eq 0 ] || exit 1
echo "ok: runqueue eevdf on the demo (wait p50 $p50 ns, p99 $p99 ns; $sw switches/s)"
