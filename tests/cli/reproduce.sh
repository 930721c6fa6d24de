#!/bin/sh
# reproduce.sh - every folder's scenario.resolved.yaml reproduces its run.
#
# Pins: for each subcommand that writes an output folder - run, compare,
# sweep, phase, capacity, and merge of compare, sweep and capacity shards - given
# command-line overrides of every kind it takes (--set, --reps, --seed,
# --strategies, --sweep, --x/--y, --param/--range/--objective/--probes/
# --tolerance), running the same subcommand on the folder's
# scenario.resolved.yaml alone (no option but --out) writes the same
# files byte for byte: every file of the folder (summary.json and
# capacity.json without their provenance line, which names the command:
# tests/cli/lib/same.sh), scenario.resolved.yaml itself included (it is a
# fixed point) and manifest.json.  A merged folder's resolved scenario,
# run by the shards' command, gives the merged outputs.  And every
# option really changed the run (the folder differs from a run without
# the overrides), so a reproduction cannot pass by ignoring them.
# An --out folder that holds another experiment is refused (exit 2,
# untouched) unless --force, which removes only bpfsim's files; the same
# experiment is written again in place; a folder without a manifest is
# written and its files kept; merge the same.
# Does not pin: figures (--no-plots: gnuplot output is not ours to pin),
# validate and calibrate (live BPF; calibrate's resolved scenario is
# checked by calibrate.sh).
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/reproduce.sh (repo root)
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
t0=$(date +%s)
q="--quiet --no-plots --threads 2"

go() {   # go NAME CMD ARGS...: bpfsim CMD ARGS... --out $tmp/NAME
	name=$1; shift
	"$BPFSIM" "$@" $q --out "$tmp/$name" >"$tmp/$name.stdout" 2>"$tmp/err"
	rc=$?
	[ $rc -le 1 ] || fail "bpfsim $* exited $rc: $(cat "$tmp/err")"
}

# again NAME CMD: CMD on NAME's resolved scenario into NAME.again; every
# file of both folders the same.
again() {
	src=$1 sub=$2
	go "$src.again" "$sub" "$tmp/$src/scenario.resolved.yaml"
	files=$(cd "$tmp/$src" && ls)
	[ -n "$files" ] || { fail "$src: empty folder"; return; }
	for f in $files; do
		same_output "$tmp/$src/$f" "$tmp/$src.again/$f" ||
			fail "$sub $src: $f differs when run from scenario.resolved.yaml"
	done
	[ "$(cd "$tmp/$src.again" && ls)" = "$files" ] ||
		fail "$sub $src: the re-run wrote other files: $(cd "$tmp/$src.again" && ls | tr '\n' ' ')"
}

# differs A B FILE: the overrides changed the run.
differs() {
	same_output "$tmp/$1/$3" "$tmp/$2/$3" &&
		fail "$1: $3 is the same as without the overrides: an option was ignored"
}

RQ=scenarios/runqslower.yaml
short="--set duration=20ms --set warmup=5ms"

go run run $RQ --reps 2 --seed 9 $short --set storage.kind=lru_hash
go run.plain run $RQ --reps 2 $short
again run run
differs run run.plain summary.csv

go compare compare $RQ --strategies hash,lru_hash --reps 2 --seed 3 $short
go compare.plain compare $RQ --reps 2 $short
again compare compare
differs compare compare.plain summary.csv

go sweep sweep $RQ --sweep workload.processes=500,1000 --strategies task_storage,hash \
	--reps 2 --seed 4 --set duration=10ms --set warmup=2ms
go sweep.plain sweep $RQ --sweep workload.processes=500,1000 --reps 2 \
	--set duration=10ms --set warmup=2ms
again sweep sweep
differs sweep sweep.plain points.csv

P=scenarios/phase.yaml
go phase phase $P --x workload.rate=10000/s:1000000/s:2:log \
	--y workload.lifetime=2us:20us:2:log --strategies lru_hash,hash --reps 2 \
	--seed 6 --set duration=10ms
go phase.plain phase $P --x workload.rate=10000/s:1000000/s:2:log \
	--y workload.lifetime=2us:20us:2:log --reps 2 --set duration=10ms
again phase phase
differs phase phase.plain phase.csv

C=scenarios/capacity.yaml
go capacity capacity $C --param workload.rate --range 2000/s:500000/s \
	--objective 'bpf_cpu_share<=0.04' --probes 3 --tolerance 0.5 \
	--strategies task_storage --reps 2 --seed 8 --set duration=10ms
go capacity.plain capacity $C --reps 2 --probes 3 --set duration=10ms
again capacity capacity
differs capacity capacity.plain capacity.csv

# merge: the merged folder's resolved scenario is the shards' experiment.
for i in 1 2; do
	go "rs$i" compare $RQ --strategies hash,lru_hash --reps 3 --seed 5 $short --shard "$i/2"
	go "ss$i" sweep $RQ --sweep workload.processes=500,1000 --reps 2 \
		--set duration=10ms --set warmup=2ms --shard "$i/2"
done
for i in 1 2; do
	go "cs$i" capacity $C --reps 2 --probes 3 --seed 2 --set duration=10ms --shard "$i/2"
done
"$BPFSIM" merge "$tmp/cs1" "$tmp/cs2" $q --out "$tmp/cmerged" >/dev/null 2>"$tmp/err" ||
	fail "merge of capacity shards: $(cat "$tmp/err")"
"$BPFSIM" merge "$tmp/rs1" "$tmp/rs2" $q --out "$tmp/rmerged" >/dev/null 2>"$tmp/err" ||
	fail "merge of compare shards: $(cat "$tmp/err")"
"$BPFSIM" merge "$tmp/ss1" "$tmp/ss2" $q --out "$tmp/smerged" >/dev/null 2>"$tmp/err" ||
	fail "merge of sweep shards: $(cat "$tmp/err")"
again rmerged compare
again smerged sweep
again cmerged capacity

# --out holding another run: refused (exit 2, nothing touched) unless
# --force, which removes bpfsim's files only; the same experiment again,
# or a folder without a manifest, is written in place.
M="scenarios/mmc.yaml --set customers=2000 --set warmup_customers=200"
go o run $M --reps 2
echo mine >"$tmp/o/notes.txt"
mkdir "$tmp/o/keep"
echo stale >"$tmp/o/sweep.png"
cp "$tmp/o/summary.json" "$tmp/o.before.json"
"$BPFSIM" run $M --reps 3 $q --out "$tmp/o" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "--out of another run: exit $rc, want 2"
grep -q "o/manifest.json: --out refused: another experiment: the folder's replications are '2', this run's '3'.*--force" "$tmp/err" ||
	fail "--out of another run: message: $(cat "$tmp/err")"
cmp -s "$tmp/o/summary.json" "$tmp/o.before.json" || fail "a refused --out was written to"
"$BPFSIM" run $M --reps 2 $q --out "$tmp/o" >/dev/null 2>"$tmp/err" ||
	fail "the same experiment into its folder: $(cat "$tmp/err")"
"$BPFSIM" run $M --reps 3 $q --force --out "$tmp/o" >/dev/null 2>"$tmp/err" ||
	fail "--force: $(cat "$tmp/err")"
grep -q '"replications": 3,' "$tmp/o/summary.json" || fail "--force did not write the new run"
[ -e "$tmp/o/sweep.png" ] && fail "--force left the other run's figure"
[ -f "$tmp/o/notes.txt" ] && [ -d "$tmp/o/keep" ] ||
	fail "--force removed a file bpfsim does not write"
mkdir "$tmp/plain" && echo x >"$tmp/plain/data.csv"
go plain run $M --reps 2
[ -f "$tmp/plain/data.csv" ] && [ -s "$tmp/plain/summary.json" ] ||
	fail "a folder without a manifest: not written, or its files removed"
"$BPFSIM" merge "$tmp/rs1" "$tmp/rs2" $q --out "$tmp/o" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "merge --out of another run was not refused"
"$BPFSIM" merge "$tmp/rs1" "$tmp/rs2" $q --force --out "$tmp/o" >/dev/null 2>"$tmp/err" ||
	fail "merge --force: $(cat "$tmp/err")"

[ "$fails" -eq 0 ] || exit 1
echo "ok: run, compare, sweep, phase, capacity and merged folders reproduce from scenario.resolved.yaml byte for byte; --out of another run refused unless --force ($(( $(date +%s) - t0 ))s)"
