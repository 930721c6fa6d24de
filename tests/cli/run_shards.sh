#!/bin/sh
# run_shards.sh - run and compare get shards, merge and resume like sweep.
#
# Pins: `compare --shard 1/2` and `--shard 2/2` write shard folders (with
# shard.json naming the command) whose `bpfsim merge` equals the single
# comparison byte for byte (summary.csv, summary.json, replications.csv,
# jobs.csv, series.csv, scenario.resolved.yaml); `compare --resume SHARD`
# runs only the other half and also equals it; `run --resume` of a whole
# run runs nothing new and rewrites the same files; a shard.json that is not
# JSON makes merge exit 2; the resolved scenario of `compare --strategies
# hash,lru_hash` lists hash, lru_hash under compare:.
# Does not pin: the numbers (golden.sh does), plots (--no-plots).
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

SCEN=scenarios/runqslower.yaml
OPTS="--reps 4 --set duration=100ms --set workload.processes=500 --quiet --no-plots"
FILES="summary.csv summary.json replications.csv jobs.csv job_points.csv series.csv scenario.resolved.yaml"
t0=$(date +%s)
# shellcheck disable=SC2086
"$BPFSIM" compare $SCEN $OPTS --out "$tmp/single" >/dev/null 2>"$tmp/err" ||
	fail "compare exited $?: $(cat "$tmp/err")"
for i in 1 2; do
	# shellcheck disable=SC2086
	"$BPFSIM" compare $SCEN $OPTS --shard $i/2 --out "$tmp/s$i" >/dev/null 2>"$tmp/err" ||
		fail "compare --shard $i/2 exited $?: $(cat "$tmp/err")"
	grep -q '"command": "compare"' "$tmp/s$i/shard.json" 2>/dev/null ||
		fail "shard $i: shard.json does not name compare"
done
"$BPFSIM" merge "$tmp/s1" "$tmp/s2" --no-plots --out "$tmp/merged" >/dev/null 2>"$tmp/err" ||
	fail "merge exited $?: $(cat "$tmp/err")"
# shellcheck disable=SC2086
"$BPFSIM" compare $SCEN $OPTS --resume "$tmp/s1" --out "$tmp/resumed" >/dev/null 2>"$tmp/err" ||
	fail "compare --resume exited $?: $(cat "$tmp/err")"
for f in $FILES; do
	[ -s "$tmp/single/$f" ] || { fail "single/$f missing"; continue; }
	same_output "$tmp/single/$f" "$tmp/merged/$f" || fail "$f: merge of 2 shards differs"
	same_output "$tmp/single/$f" "$tmp/resumed/$f" || fail "$f: resume of shard 1 differs"
done

# A shard folder whose shard.json is not JSON is refused, not taken for a
# sweep's.
cp -r "$tmp/s1" "$tmp/bad"
echo '{"command": ' >"$tmp/bad/shard.json"
"$BPFSIM" merge "$tmp/bad" "$tmp/s2" --no-plots --out "$tmp/badm" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q 'shard.json' "$tmp/err" ||
	fail "merge with a broken shard.json: exit $rc: $(cat "$tmp/err")"

# run --resume of a whole run: nothing left to run, the same bytes.
# shellcheck disable=SC2086
"$BPFSIM" run scenarios/mmc.yaml --reps 3 --quiet --no-plots --out "$tmp/r" >/dev/null &&
	cp "$tmp/r/summary.csv" "$tmp/r.csv" &&
	"$BPFSIM" run scenarios/mmc.yaml --reps 3 --quiet --no-plots --resume "$tmp/r" >/dev/null ||
	fail "run --resume exited $?"
cmp -s "$tmp/r.csv" "$tmp/r/summary.csv" || fail "run --resume changed summary.csv"

# The strategies of --strategies are the resolved scenario's.
"$BPFSIM" compare $SCEN --strategies hash,lru_hash --reps 2 --set duration=20ms \
	--quiet --no-plots --out "$tmp/c" >/dev/null 2>"$tmp/err" ||
	fail "compare --strategies exited $?: $(cat "$tmp/err")"
grep -A2 '^compare:' "$tmp/c/scenario.resolved.yaml" | tr -d ' \n' |
	grep -q '^compare:-hash-lru_hash$' ||
	fail "resolved compare: $(grep -A2 '^compare' "$tmp/c/scenario.resolved.yaml")"

[ "$fails" -eq 0 ] || exit 1
echo "ok: compare in 2 shards merged, and resumed from one, equal the single run; run --resume ($(( $(date +%s) - t0 ))s)"
