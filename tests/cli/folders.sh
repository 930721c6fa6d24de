#!/bin/sh
# folders.sh - output folders carry their identity: manifest, lock, journal.
#
# Pins: a sweep killed with SIGKILL after some of its jobs are journaled
# leaves manifest.json, scenario.resolved.yaml and the jobs it finished in
# jobs.csv (and no summary.json); while it runs, a second run into the
# same folder is refused (exit 2, "in use"); `--resume` of the killed
# folder (after a torn line is appended to its jobs.csv, and with its
# manifest reformatted onto one line) gives the bytes of an uninterrupted
# run, manifest.json and the job files included; the same for a capacity
# search.  Refused with exit 2 and a message naming what differs:
# --resume with another --seed, another scenario (--set), other axes, or
# from a folder without manifest.json; merge of shards of two seeds, or of
# a shard without manifest.  Job files read back are bounded: a
# job_series.csv line with the wrong number of columns, absurd rows, or
# fewer values than rows x cols, and a jobs.csv replication of 10000000 or
# one past the point's replications, are refused (exit 2) without a crash
# (under the ASan binary in `make check`); so are a series of another
# window, a negative or non-numeric events or warm-up cut, an unknown
# regime, out-of-range transient bits, and one job found twice with two
# different results (--resume, merge).
# Does not pin: the numbers (golden.sh does), how many jobs finish before
# the kill, fdatasync's durability (a process kill cannot test a power cut).
# Runs ~30 s under ASan on 2 cores.
set -u
. "${0%/*}/lib/same.sh"   # same_output A B: equal outputs, provenance aside
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

SCEN=scenarios/runqslower.yaml
AXES="--sweep workload.processes=500,2000 --sweep workload.lifetime=200us,2ms"
LONG="$AXES --reps 4 --set duration=1s --quiet --no-plots --threads 2"
SMALL="$AXES --reps 2 --set duration=50ms --quiet --no-plots --threads 2"
FILES="manifest.json scenario.resolved.yaml jobs.csv job_points.csv job_series.csv points.csv differences.csv summary.json series.csv"
CAP="scenarios/mmc.yaml --param service=exponential({}) --range 100ns:10us
--objective utilisation<=0.5 --reps 4 --set customers=200000
--set warmup_customers=2000 --quiet --no-plots --threads 2"
CAPFILES="manifest.json scenario.resolved.yaml jobs.csv job_points.csv capacity.csv capacity.json"

lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

same() {   # same REF OTHER WHAT FILE...
	ref=$1 other=$2 what=$3
	shift 3
	for f in "$@"; do
		[ -s "$tmp/$ref/$f" ] || { fail "$ref/$f missing or empty"; continue; }
		same_output "$tmp/$ref/$f" "$tmp/$other/$f" || fail "$what: $f differs"
	done
}

refused() {   # refused WHAT PATTERN CMD... : exit 2 and PATTERN on stderr
	what=$1 pat=$2
	shift 2
	"$@" >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] || fail "$what: exit $rc, expected 2: $(cat "$tmp/err")"
	grep -q "$pat" "$tmp/err" || fail "$what: no '$pat' in: $(cat "$tmp/err")"
}

# Start CMD... in the background and SIGKILL it once its folder's jobs.csv
# has more than N lines (the header and N journaled jobs).
kill_after() {   # kill_after DIR N CMD...
	dir=$1 n=$2
	shift 2
	"$@" >/dev/null 2>"$tmp/bg.err" &
	pid=$!
	i=0
	while [ "$(lines "$dir/jobs.csv")" -le "$n" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

t0=$(date +%s)
# shellcheck disable=SC2086
"$BPFSIM" sweep $SCEN $LONG --out "$tmp/full" >/dev/null 2>"$tmp/err" ||
	fail "full sweep exited $?: $(cat "$tmp/err")"

# SIGKILL mid-sweep; meanwhile the folder is locked.
# shellcheck disable=SC2086
kill_after "$tmp/k" 3 "$BPFSIM" sweep $SCEN $LONG --out "$tmp/k"
# shellcheck disable=SC2086
refused "a second run into a folder in use" "in use by another bpfsim" \
	"$BPFSIM" sweep $SCEN $LONG --out "$tmp/k"
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
done_jobs=$(($(lines "$tmp/k/jobs.csv") - 1))
[ -e "$tmp/k/summary.json" ] && fail "the sweep finished before SIGKILL: make it longer"
[ "$done_jobs" -ge 3 ] && [ "$done_jobs" -lt 32 ] ||
	fail "killed sweep journaled $done_jobs jobs, expected 3..31"
for f in manifest.json scenario.resolved.yaml job_points.csv job_series.csv; do
	[ -s "$tmp/k/$f" ] || fail "killed sweep: $f missing"
done
printf '5,hash,3,do' >>"$tmp/k/jobs.csv"   # an append cut short
tr -d '\n' <"$tmp/k/manifest.json" >"$tmp/m1" && mv "$tmp/m1" "$tmp/k/manifest.json"
# shellcheck disable=SC2086
"$BPFSIM" sweep $SCEN $LONG --resume "$tmp/k" >/dev/null 2>"$tmp/err" ||
	fail "resume after SIGKILL exited $?: $(cat "$tmp/err")"
# shellcheck disable=SC2086
same full k "resume after SIGKILL ($done_jobs jobs journaled)" $FILES

# The same for a capacity search (probes run one after the other).
# shellcheck disable=SC2086
"$BPFSIM" capacity $CAP --out "$tmp/cfull" >/dev/null 2>"$tmp/err" ||
	fail "capacity exited $?: $(cat "$tmp/err")"
# shellcheck disable=SC2086
kill_after "$tmp/ck" 8 "$BPFSIM" capacity $CAP --out "$tmp/ck"
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
cap_jobs=$(($(lines "$tmp/ck/jobs.csv") - 1))
[ -e "$tmp/ck/capacity.json" ] && fail "the search finished before SIGKILL: make it longer"
[ "$cap_jobs" -ge 8 ] || fail "killed capacity search journaled $cap_jobs jobs"
# shellcheck disable=SC2086
"$BPFSIM" capacity $CAP --resume "$tmp/ck" >/dev/null 2>"$tmp/err" ||
	fail "capacity resume after SIGKILL exited $?: $(cat "$tmp/err")"
# shellcheck disable=SC2086
same cfull ck "capacity resume after SIGKILL ($cap_jobs jobs journaled)" $CAPFILES

# --resume of another experiment, or of a folder without a manifest.
# shellcheck disable=SC2086
"$BPFSIM" sweep $SCEN $SMALL --out "$tmp/s" >/dev/null 2>"$tmp/err" ||
	fail "small sweep exited $?: $(cat "$tmp/err")"
# shellcheck disable=SC2086
refused "--resume with another --seed" "seed is '1', this run's '7'" \
	"$BPFSIM" sweep $SCEN $SMALL --seed 7 --resume "$tmp/s" --out "$tmp/x"
# shellcheck disable=SC2086
refused "--resume with another scenario" "another scenario" \
	"$BPFSIM" sweep $SCEN $SMALL --set duration=60ms --resume "$tmp/s" --out "$tmp/x"
refused "--resume with other axes" "sweep axes" \
	"$BPFSIM" sweep $SCEN --sweep workload.processes=500 --reps 2 --set duration=50ms \
	--quiet --resume "$tmp/s" --out "$tmp/x"
cp -R "$tmp/s" "$tmp/nomanifest"
rm "$tmp/nomanifest/manifest.json"
# shellcheck disable=SC2086
refused "--resume of a folder without manifest" "no manifest.json" \
	"$BPFSIM" sweep $SCEN $SMALL --resume "$tmp/nomanifest" --out "$tmp/x"
[ -e "$tmp/x" ] && fail "a refused --resume created its output folder"

# merge of shards that are not one experiment's.
# shellcheck disable=SC2086
"$BPFSIM" sweep $SCEN $SMALL --shard 1/2 --out "$tmp/sh1" >/dev/null 2>&1 &&
	"$BPFSIM" sweep $SCEN $SMALL --shard 2/2 --seed 2 --out "$tmp/sh2" >/dev/null 2>&1 ||
	fail "shards exited $?"
refused "merge of shards of two seeds" "merge refused.*seed" \
	"$BPFSIM" merge "$tmp/sh1" "$tmp/sh2" --no-plots --out "$tmp/mx"
refused "merge with a folder without manifest" "no manifest.json" \
	"$BPFSIM" merge "$tmp/sh1" "$tmp/nomanifest" --no-plots --out "$tmp/mx"

# Job files read back are bounded (jobs.csv line 2: point 0, hash, rep 0).
bad() {   # bad NAME FILE SED PATTERN : a copy of s with FILE edited
	rm -rf "$tmp/$1"
	cp -R "$tmp/s" "$tmp/$1"
	sed -i "$3" "$tmp/$1/$2"
	# shellcheck disable=SC2086
	refused "$1" "$4" "$BPFSIM" sweep $SCEN $SMALL --resume "$tmp/$1" --out "$tmp/$1.out"
}
bad cols job_series.csv '2s/^\([^,]*,[^,]*,[^,]*,[^,]*,[^,]*\),[0-9]*,/\1,3,/' \
	"series of 3 columns"
bad cols0 job_series.csv '2s/^\([^,]*,[^,]*,[^,]*,[^,]*,[^,]*\),[0-9]*,/\1,0,/' \
	"series of 0 columns"
bad rows job_series.csv '2s/^\([^,]*,[^,]*,[^,]*,[^,]*\),[0-9]*,/\1,99999999999999999999,/' \
	"rows"
bad values job_series.csv '2s/^\([^,]*,[^,]*,[^,]*,[^,]*\),\([0-9]*\),/\1,9\2,/' \
	"series values, rows x cols says"
bad window job_series.csv '2s/^\([^,]*,[^,]*,[^,]*\),[0-9]*,/\1,7,/' \
	"has a series of 7 ns windows, this experiment's are"
bad rep10M jobs.csv '2s/^0,hash,0,/0,hash,10000000,/' "does not belong"
bad rep2 jobs.csv '2s/^0,hash,0,/0,hash,2,/' "does not belong"
bad point jobs.csv '2s/^0,hash,0,/18446744073709551617,hash,0,/' "does not belong"
# The fields after the cap are read strictly (strtoull took -5 as
# 2^64-5 and a word as 0; an unknown regime became "unknown").
bad events jobs.csv '2s/^\(0,hash,0,[a-z]*,[a-z_]*,\)[0-9]*,/\1-5,/' \
	"events must be a whole number (got '-5')"
bad cut jobs.csv '2s/^\(0,hash,0,[a-z]*,[a-z_]*,[0-9]*,\)[0-9]*,/\1x,/' \
	"warmup_cut_ns must be a whole number (got 'x')"
bad regime jobs.csv '2s/^\(0,hash,0,[a-z]*,[a-z_]*,[0-9]*,[0-9]*,\)[a-z]*,/\1sideways,/' \
	"unknown regime 'sideways'"
bad transient jobs.csv '2s/^\(0,hash,0,[a-z]*,[a-z_]*,[0-9]*,[0-9]*,[a-z]*,\)[0-9]*,/\19,/' \
	"transient must be a set of transient bits"
# The same job twice with two results (its line copied with another
# events count at the end): neither silently wins, in --resume or merge.
bad twice jobs.csv '2{p;s/^\(0,hash,0,[a-z]*,[a-z_]*,\)[0-9]*,/\17,/;h;d};${p;x}' \
	"job (0, hash, 0) is there twice with different results"
refused "merge of a job with two results" "is there twice with different results" \
	"$BPFSIM" merge "$tmp/s" "$tmp/twice" --no-plots --out "$tmp/mx"

# Rows are matched to points by their settings, whatever the indexes: a
# folder whose job_points.csv lists the points in reverse (and jobs.csv
# renumbered to match) resumes to the same jobs.csv (the lookup is a hash
# index, not a scan of every point per row).
rm -rf "$tmp/rev"
cp -R "$tmp/s" "$tmp/rev"
np=$(($(wc -l <"$tmp/s/job_points.csv") - 1))
{ echo "point,settings"; tail -n +2 "$tmp/s/job_points.csv" | tac |
	awk -F, '{ sub(/^[^,]*,/, ""); print (NR - 1) "," $0 }'; } >"$tmp/rev/job_points.csv"
{ head -n 1 "$tmp/s/jobs.csv"; tail -n +2 "$tmp/s/jobs.csv" |
	awk -F, -v n="$np" 'BEGIN { OFS = "," } { $1 = n - 1 - $1; print }'; } >"$tmp/rev/jobs.csv"
rm -f "$tmp/rev/job_series.csv"
# shellcheck disable=SC2086
"$BPFSIM" sweep $SCEN $SMALL --resume "$tmp/rev" --out "$tmp/rev.out" >/dev/null 2>"$tmp/err" ||
	fail "resume of reversed points exited $?: $(cat "$tmp/err")"
cmp -s "$tmp/s/jobs.csv" "$tmp/rev.out/jobs.csv" ||
	fail "resume of reversed points: jobs.csv differs"

[ "$fails" -eq 0 ] || exit 1
echo "ok: SIGKILLed sweep ($done_jobs jobs journaled) and capacity search ($cap_jobs) resume to the uninterrupted bytes; locked folder, other experiments, missing manifests and out-of-bounds job files refused ($(( $(date +%s) - t0 ))s)"
