#!/bin/sh
# series_time.sh - time is conserved in the windowed series, not only in
# the run's totals.
#
# Pins: over series.csv of a run (its first replication), payload + BPF +
# switch + kernel + idle summed over every window equals CPUs x elapsed
# within 1e-6 (overhead is charged whole when it fires, so a burst in
# progress at the end may pass `now` by its cost: far less), on a host
# that is mostly idle (64 CPUs, a few hundred threads: many CPUs are idle
# when the run ends) and on the busy demo.  Before the idle periods and
# running segments in progress at the end were flushed into the series,
# the mostly idle host lost a large share of its idle time there (and the
# steady-state idle_time and bpf_cpu_share with it).
# Does not pin: how a window's share is split between columns.
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
say() { echo "FAIL: $*"; fail=1; }

check() {   # check NAME CPUS: series.csv of $tmp/NAME sums to CPUS x elapsed
	awk -F, -v cpus="$2" -v name="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["replication"] == 0 {
			s += $c["payload_ns"] + $c["bpf_ns"] + $c["switch_ns"]
			s += $c["kernel_ns"] + $c["idle_ns"] }
		END {
			want = cpus * elapsed
			if (want <= 0 || s / want < 1 - 1e-6 || s / want > 1 + 1e-6) {
				printf "FAIL: %s: the series holds %.9g ns of %.9g\n", name, s, want
				exit 1
			} }' elapsed="$3" "$tmp/$1/series.csv" || fail=1
}

"$BPFSIM" run scenarios/runqslower.yaml --reps 1 --set compare=[hash] \
	--set cpus=64 --set workload.processes=200 --set duration=50ms \
	--set warmup=10ms -o "$tmp/idle" --no-plots --quiet >/dev/null 2>&1 ||
	say "the mostly idle run failed"
check idle 64 50000000
"$BPFSIM" run scenarios/runqslower.yaml --reps 1 --set compare=[hash] \
	--set duration=100ms --set warmup=20ms -o "$tmp/busy" --no-plots \
	--quiet >/dev/null 2>&1 || say "the demo run failed"
check busy 8 100000000

[ $fail -eq 0 ] && echo "ok: the series conserves time per window sum (idle and busy hosts)"
exit $fail
