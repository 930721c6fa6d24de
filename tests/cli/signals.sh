#!/bin/sh
# signals.sh - SIGINT and SIGTERM during run, sweep, phase and capacity.
#
# Pins, for each subcommand and each signal (sent to the bpfsim child ~1 s
# into a job that would take minutes):
#   - exit status 130 (SIGINT) / 143 (SIGTERM), and the stderr line saying
#     the job was interrupted (so the status is bpfsim's own clean exit,
#     not death by the signal, which a shell reports with the same number);
#   - no temporary file (.NAME.tmp.PID) left in the output folder;
#   - run and sweep: the replications/jobs finished before the signal are
#     written (replications.csv / jobs.csv hold `done` rows, and only for
#     jobs that ran) and summary.json says "complete": false; phase: the
#     same through jobs.csv and summary.json, plus phase.csv;
#   - capacity: capacity.csv holds only the probes whose every replication
#     ran (some, not all), each row marked complete=0 with estimate nan.
# Also: a second SIGINT during the wind-down changes nothing (the handler
# stays installed: outputs are still whole).
# Does not pin: how many replications finish in the first second.
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# A job of ~25 ms per replication (ASan), far more than a second's worth.
MMC="scenarios/mmc.yaml --set customers=100000 --set warmup_customers=1000"
CAP="scenarios/mmc.yaml --param service=exponential({}) --range 100ns:10us
 --objective utilisation<=0.5 --reps 40 --set customers=20000
 --set warmup_customers=1000"

# interrupt SIG NAME ARGS...: run bpfsim ARGS in the background, send SIG
# after $delay seconds (default 1), wait; leaves the exit status in $rc,
# stderr in $tmp/NAME.err.
interrupt() {
	sig=$1; name=$2; shift 2
	"$BPFSIM" "$@" --out "$tmp/$name" --quiet --no-plots \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
	sleep "${delay:-1}"
	kill -s "$sig" "$pid"
	[ "$sig" = INT ] && { sleep 0.05; kill -s INT "$pid" 2>/dev/null; }
	wait "$pid"
	rc=$?
	pid=
}

# check_common SIG NAME: status, message, no temporaries.
check_common() {
	want=130; [ "$1" = TERM ] && want=143
	[ "$rc" -eq "$want" ] || fail "$2: exit $rc, want $want: $(head -c 300 "$tmp/$2.err")"
	grep -q "interrupted" "$tmp/$2.err" "$tmp/$2.out" ||
		fail "$2: no 'interrupted' message: $(head -c 300 "$tmp/$2.err")"
	[ -d "$tmp/$2" ] || { fail "$2: no output folder"; return; }
	left=$(find "$tmp/$2" -name '*.tmp.*')
	[ -z "$left" ] || fail "$2: temporary files left: $left"
}

# check_summary NAME CSV: summary.json incomplete; CSV has done rows.
check_summary() {
	grep -q '"complete": false' "$tmp/$1/summary.json" 2>/dev/null ||
		fail "$1: summary.json missing or not marked incomplete"
	grep -q ',done,' "$tmp/$1/$2" 2>/dev/null ||
		fail "$1: $2 has no finished (done) rows"
}

for sig in INT TERM; do
	# shellcheck disable=SC2086
	interrupt $sig run-$sig run $MMC --reps 20000
	check_common $sig run-$sig
	check_summary run-$sig replications.csv
	grep -q ',not_run,' "$tmp/run-$sig/replications.csv" 2>/dev/null ||
		fail "run-$sig: replications.csv has no not_run rows"

	# shellcheck disable=SC2086
	interrupt $sig sweep-$sig sweep $MMC --sweep servers=1,2 --reps 5000
	check_common $sig sweep-$sig
	check_summary sweep-$sig jobs.csv
	grep -q ',not_run,' "$tmp/sweep-$sig/jobs.csv" 2>/dev/null ||
		fail "sweep-$sig: jobs.csv has no not_run rows (for --resume)"

	# shellcheck disable=SC2086
	interrupt $sig phase-$sig phase $MMC --x servers=1:2:2 \
		--y customers=50000:100000:2 --reps 5000
	check_common $sig phase-$sig
	check_summary phase-$sig jobs.csv
	[ -s "$tmp/phase-$sig/phase.csv" ] || fail "phase-$sig: no phase.csv"

	# Capacity: a long bisection (64 probes: the tolerance never stops
	# it); the signal lands 3.5 probes in, timed on this machine by a
	# 3-probe search first.
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	"$BPFSIM" capacity $CAP --probes 3 --out "$tmp/cap3" --quiet --no-plots \
		>/dev/null 2>&1 || fail "cap: 3-probe search failed"
	t1=$(date +%s.%N)
	delay=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) * 3.5 / 3 + 0.2 }')
	# shellcheck disable=SC2086
	interrupt $sig cap-$sig capacity $CAP --probes 64 --tolerance 1e-300
	delay=
	check_common $sig cap-$sig
	csv=$tmp/cap-$sig/capacity.csv
	if [ -s "$csv" ]; then
		head -n 1 "$csv" | grep -q ',complete,estimate,low,high$' ||
			fail "cap-$sig: capacity.csv header: $(head -n 1 "$csv")"
		rows=$(($(wc -l <"$csv") - 1))
		[ "$rows" -ge 1 ] && [ "$rows" -lt 64 ] ||
			fail "cap-$sig: $rows probe rows, want some but not all 64"
		bad=$(awk -F, 'NR > 1 && !($(NF-3) == 0 && $(NF-2) == "nan")' "$csv")
		[ -z "$bad" ] || fail "cap-$sig: rows not marked incomplete: $bad"
	else
		fail "cap-$sig: no capacity.csv"
	fi
done

[ "$fails" -eq 0 ] || exit 1
echo "ok: SIGINT/SIGTERM stop run, sweep, phase, capacity: 130/143, finished results written and marked incomplete, no temporaries"
