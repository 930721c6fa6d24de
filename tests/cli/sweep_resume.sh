#!/bin/sh
# sweep_resume.sh - --resume finishes a sweep into the bytes of a full run;
# Ctrl-C stops a sweep cleanly.
#
# Pins: `bpfsim sweep --resume DIR` reuses the jobs DIR/jobs.csv holds (a
# doctored kept line stays as it is: it was not run again), runs the others,
# and writes the same bytes as one uninterrupted run (every output file,
# job_series.csv and series.csv included) - starting from a folder with job
# lines deleted, from one shard's folder, from an interrupted run; resuming a
# complete folder gives the same bytes; the folder of another experiment
# is refused by its manifest.json (exit 2, naming the axes, no output
# folder made), and the jobs of another experiment under this one's
# manifest by the job reader, and so are a job beyond its point's
# replications, a series of another width than the model's and a series
# line without rows x cols values (tests/fuzz/fuzz_jobfile.c's inputs).
# SIGINT during a sweep: exit status 130, the
# outputs are there, summary.json says "complete": false, no temporary
# file is left, and jobs cut short are recorded as not run (never as
# results).
# Does not pin: the numbers, nor how many jobs finish before the signal.
# The sweep is scenarios/runqslower.yaml over workload.processes x
# workload.lifetime (2 x 2 points, both strategies); the interrupted one
# runs ~3 s under ASan on 2 cores and gets SIGINT after 1 s.
set -u
. "${0%/*}/lib/same.sh"   # same_output A B: equal outputs, provenance aside
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

SCEN=scenarios/runqslower.yaml
AXES="--sweep workload.processes=500,2000 --sweep workload.lifetime=200us,2ms"
SMALL="$AXES --reps 4 --set duration=100ms --quiet --no-plots --threads 2"
LONG="$AXES --reps 8 --set duration=1s --quiet --no-plots --threads 2"
FILES="points.csv differences.csv summary.json jobs.csv job_series.csv series.csv scenario.resolved.yaml manifest.json"

sweep() {   # sweep ARGS... : bpfsim sweep SCEN ARGS, output on $tmp/last.*
	"$BPFSIM" sweep $SCEN "$@" >"$tmp/last.out" 2>"$tmp/last.err"
}

same() {   # same REF OTHER WHAT
	for f in $FILES; do
		[ -s "$tmp/$1/$f" ] || { fail "$1/$f missing or empty"; continue; }
		same_output "$tmp/$1/$f" "$tmp/$2/$f" || fail "$3: $f differs from the full run"
	done
}

t0=$(date +%s)
# shellcheck disable=SC2086
sweep $SMALL --out "$tmp/full" || fail "full sweep exited $?: $(cat "$tmp/last.err")"

# Job lines deleted (some of them replication 0, which keep a series).
cp -R "$tmp/full" "$tmp/holes"
sed -i '2,3d;9,17d;30,31d' "$tmp/holes/jobs.csv"
# shellcheck disable=SC2086
sweep $SMALL --resume "$tmp/holes" || fail "resume (holes) exited $?: $(cat "$tmp/last.err")"
same full holes "resume into the same folder after deleting job lines"

# A kept job is reused as it is, not run again.
cp -R "$tmp/full" "$tmp/doctored"
sed -i '2s/^\(0,hash,0,done,,\)[0-9]*,/\11,/' "$tmp/doctored/jobs.csv"
sed -i '5d' "$tmp/doctored/jobs.csv"
# shellcheck disable=SC2086
sweep $SMALL --resume "$tmp/doctored" --out "$tmp/doctored2" ||
	fail "resume (doctored) exited $?: $(cat "$tmp/last.err")"
sed -n 2p "$tmp/doctored2/jobs.csv" | grep -q '^0,hash,0,done,,1,' ||
	fail "--resume ran a job again that jobs.csv had: $(sed -n 2p "$tmp/doctored2/jobs.csv" | cut -c1-60)"

# From one shard's folder.
# shellcheck disable=SC2086
sweep $SMALL --shard 2/3 --out "$tmp/shard" || fail "shard 2/3 exited $?: $(cat "$tmp/last.err")"
# shellcheck disable=SC2086
sweep $SMALL --resume "$tmp/shard" --out "$tmp/fromshard" ||
	fail "resume (shard) exited $?: $(cat "$tmp/last.err")"
same full fromshard "resume from shard 2/3"

# A complete folder: nothing to run, same bytes.
# shellcheck disable=SC2086
sweep $SMALL --resume "$tmp/full" --out "$tmp/again" || fail "resume (complete) exited $?"
same full again "resume of a complete run"

# Another experiment's folder: its manifest names other axes.
OTHER="--sweep workload.processes=500 --sweep workload.lifetime=200us,2ms --reps 4
--set duration=100ms --quiet --no-plots"
# shellcheck disable=SC2086
sweep $OTHER --resume "$tmp/full" --out "$tmp/other"
rc=$?
[ "$rc" = 2 ] || fail "resume from another experiment: exit $rc, expected 2"
grep -q "refused: another experiment: the folder's sweep axes" "$tmp/last.err" ||
	fail "resume from another experiment: unexpected message: $(cat "$tmp/last.err")"
[ -e "$tmp/other" ] && fail "a refused --resume created its output folder"
# Its jobs under this experiment's manifest (points 2 and 3 do not exist
# here): the jobs themselves are refused.
# shellcheck disable=SC2086
sweep $OTHER --out "$tmp/one" || fail "one-axis sweep exited $?: $(cat "$tmp/last.err")"
cp -R "$tmp/full" "$tmp/mixed"
cp "$tmp/one/manifest.json" "$tmp/one/scenario.resolved.yaml" "$tmp/mixed/"
# shellcheck disable=SC2086
sweep $OTHER --resume "$tmp/mixed" --out "$tmp/other"
rc=$?
[ "$rc" = 2 ] || fail "resume of another experiment's jobs: exit $rc, expected 2"
grep -q 'does not belong to this experiment' "$tmp/last.err" ||
	fail "resume of another experiment's jobs: unexpected message: $(cat "$tmp/last.err")"

# Job files that do not fit the experiment: refused before anything is
# allocated for them (a replication of 10^7 grew its cell to 10^7 jobs; a
# wider series was read past the model's columns).
refused() {   # refused NAME SED-SCRIPT FILE MESSAGE
	cp -R "$tmp/full" "$tmp/$1"
	sed -i "$2" "$tmp/$1/$3"
	# shellcheck disable=SC2086
	sweep $SMALL --resume "$tmp/$1" --out "$tmp/$1.out"
	rc=$?
	[ "$rc" = 2 ] || fail "resume ($1): exit $rc, expected 2"
	grep -q "$4" "$tmp/last.err" ||
		fail "resume ($1): unexpected message: $(cat "$tmp/last.err")"
}
F5='\([^,]*,[^,]*,[^,]*,[^,]*\),\([0-9]*\),\([0-9]*\),'
refused far-replication '2s/^0,hash,0,/0,hash,9999999,/' jobs.csv \
	'job (0, hash, 9999999) does not belong to this experiment'
refused wide-series "2s/^$F5/\\1,\\2,14,/" job_series.csv \
	"series of 14 columns: the model's series has 13"
refused long-series "2s/^$F5/\\1,16777216,\\3,/" job_series.csv \
	'series of 16777216 rows: a run keeps 1 to 1000000'

# SIGINT after 1 s: a clean stop, then --resume completes it.
# shellcheck disable=SC2086
sweep $LONG --out "$tmp/long" || fail "long sweep exited $?: $(cat "$tmp/last.err")"
t1=$(date +%s)
# shellcheck disable=SC2086
"$BPFSIM" sweep $SCEN $LONG --out "$tmp/int" >"$tmp/int.out" 2>"$tmp/int.err" &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 130 ] || fail "SIGINT: exit status $rc, expected 130 (the run took $(( $(date +%s) - t1 ))s: too fast?)"
for f in points.csv differences.csv summary.json jobs.csv scenario.resolved.yaml; do
	[ -s "$tmp/int/$f" ] || fail "SIGINT: $f missing"
done
grep -q '^  "complete": false,' "$tmp/int/summary.json" 2>/dev/null ||
	fail "SIGINT: summary.json not marked \"complete\": false"
grep -q 'interrupted' "$tmp/int.out" || fail "SIGINT: the summary line does not say interrupted"
find "$tmp/int" -name '*.tmp.*' | grep -q . && fail "SIGINT left temporary files: $(ls -A "$tmp/int")"
grep -q ',not_run,' "$tmp/int/jobs.csv" || fail "SIGINT: no job recorded as not run"
grep -q ',interrupted,' "$tmp/int/jobs.csv" && fail "SIGINT: a job cut short was recorded as a result"
# shellcheck disable=SC2086
sweep $LONG --resume "$tmp/int" || fail "resume (interrupted) exited $?: $(cat "$tmp/last.err")"
same long int "resume after SIGINT"

[ "$fails" -eq 0 ] || exit 1
echo "ok: resumed sweeps equal the full run; SIGINT stops cleanly with status 130 ($(( $(date +%s) - t0 ))s)"
