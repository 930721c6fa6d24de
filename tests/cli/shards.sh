#!/bin/sh
# shards.sh - a sweep split in 3 shards by GNU Parallel, merged, is the sweep.
#
# Pins: `bpfsim sweep --manifest` prints one line per job (point, strategy,
# replication, seed, the point's assignments) and a closing comment, and runs
# nothing; three `--shard I/3` runs launched by GNU Parallel take disjoint
# shares covering every job; `bpfsim merge` of the three folders writes the
# same files as the single run, byte for byte (points.csv, differences.csv,
# summary.json, jobs.csv, job_series.csv, series.csv,
# scenario.resolved.yaml), whatever order the folders are given in; merging
# only two shards marks the output incomplete and says so; --shard refuses
# run-length control (precision:) with exit status 2.
# Does not pin: the numbers, nor plots (every run here, merge included, is
# --no-plots).  The sweep is scenarios/runqslower.yaml over
# workload.processes x workload.lifetime (2 x 2 points, both strategies, 4
# replications of 100ms), small enough for ASan.
# Skips (exit 0, "SKIP: ...") when GNU Parallel is missing; `make check`
# installs it.
set -u
. "${0%/*}/lib/same.sh"   # same_output A B: equal outputs, provenance aside
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q 'GNU parallel' ||
	{ echo "SKIP: GNU Parallel not found (Debian: apt-get install parallel)"; exit 0; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

SCEN=scenarios/runqslower.yaml
SWEEP="--sweep workload.processes=500,2000 --sweep workload.lifetime=200us,2ms \
--reps 4 --set duration=100ms --quiet --no-plots"
FILES="points.csv differences.csv summary.json jobs.csv job_series.csv series.csv scenario.resolved.yaml"
NJOBS=32   # 4 points x 2 strategies x 4 replications

t0=$(date +%s)
# shellcheck disable=SC2086
"$BPFSIM" sweep $SCEN $SWEEP --threads 2 --out "$tmp/single" >/dev/null 2>"$tmp/single.err" ||
	fail "single sweep exited $?: $(cat "$tmp/single.err")"

# --manifest: one line per job, nothing run, nothing written.
# shellcheck disable=SC2086
"$BPFSIM" sweep $SCEN $SWEEP --manifest --out "$tmp/manifest" >"$tmp/manifest.txt" ||
	fail "--manifest exited $?"
[ "$(grep -c '^job ' "$tmp/manifest.txt")" = "$NJOBS" ] ||
	fail "--manifest: expected $NJOBS job lines, got: $(cat "$tmp/manifest.txt")"
grep -q '^job 0 point 0 strategy hash replication 0 seed 1 workload.processes=500 workload.lifetime=200us$' \
	"$tmp/manifest.txt" || fail "--manifest: first job line unexpected: $(head -1 "$tmp/manifest.txt")"
grep -q '^job 31 point 3 strategy task_storage replication 3 seed 1 workload.processes=2000 workload.lifetime=2ms$' \
	"$tmp/manifest.txt" || fail "--manifest: last job line unexpected"
grep -q "^# $NJOBS jobs" "$tmp/manifest.txt" || fail "--manifest: no closing '# $NJOBS jobs' line"
[ -e "$tmp/manifest" ] && fail "--manifest wrote $tmp/manifest"

# Three shards through GNU Parallel (as a batch system would run them).
# shellcheck disable=SC2086
parallel --will-cite --halt now,fail=1 -j 3 \
	"$BPFSIM" sweep $SCEN $SWEEP --threads 1 --shard {}/3 --out "$tmp/shard_{}" \
	::: 1 2 3 >"$tmp/parallel.out" 2>&1 ||
	fail "parallel exited $?: $(cat "$tmp/parallel.out")"
n=0
for i in 1 2 3; do
	[ -s "$tmp/shard_$i/jobs.csv" ] || { fail "shard $i wrote no jobs.csv"; continue; }
	k=$(($(wc -l <"$tmp/shard_$i/jobs.csv") - 1))
	[ "$k" -ge 10 ] && [ "$k" -le 11 ] || fail "shard $i has $k jobs, expected 10 or 11 of $NJOBS"
	n=$((n + k))
done
[ "$n" = "$NJOBS" ] || fail "the shards hold $n jobs, expected $NJOBS"
tail -q -n +2 "$tmp"/shard_*/jobs.csv | cut -d, -f1-3 | sort | uniq -d >"$tmp/dups"
[ -s "$tmp/dups" ] && fail "jobs in more than one shard: $(cat "$tmp/dups")"

"$BPFSIM" merge "$tmp/shard_1" "$tmp/shard_2" "$tmp/shard_3" --out "$tmp/merged" --no-plots \
	>/dev/null 2>"$tmp/merge.err" || fail "merge exited $?: $(cat "$tmp/merge.err")"
"$BPFSIM" merge "$tmp/shard_3" "$tmp/shard_1" "$tmp/shard_2" --out "$tmp/merged312" --no-plots \
	>/dev/null 2>&1 || fail "merge 3 1 2 exited $?"
for f in $FILES; do
	[ -s "$tmp/single/$f" ] || { fail "single/$f missing or empty"; continue; }
	same_output "$tmp/single/$f" "$tmp/merged/$f" || fail "$f: merge differs from the single run"
	same_output "$tmp/single/$f" "$tmp/merged312/$f" || fail "$f: merge (3 1 2) differs from the single run"
done
(cd "$tmp/single" && ls -A) >"$tmp/single.ls"
(cd "$tmp/merged" && ls -A) >"$tmp/merged.ls"
cmp -s "$tmp/single.ls" "$tmp/merged.ls" ||
	fail "merge wrote other files than the single run: $(cat "$tmp/merged.ls")"
grep -q '"complete": true,' "$tmp/merged/summary.json" || fail "merged summary.json not complete"

# A missing shard: output marked incomplete, with a message.
"$BPFSIM" merge "$tmp/shard_1" "$tmp/shard_2" --out "$tmp/partial" --no-plots >/dev/null 2>"$tmp/partial.err" ||
	fail "merge of 2 shards exited $?"
grep -q '"complete": false,' "$tmp/partial/summary.json" 2>/dev/null ||
	fail "merge of 2 of 3 shards: summary.json not marked incomplete"
grep -q 'incomplete' "$tmp/partial.err" || fail "merge of 2 of 3 shards said nothing"

# Shards cannot do run-length control (a point's replications in one place).
# shellcheck disable=SC2086
"$BPFSIM" sweep $SCEN $SWEEP --shard 1/3 --set precision.metric=overhead_ratio \
	--set precision.relative_halfwidth=0.05 --set precision.max_reps=8 \
	--out "$tmp/prec" >/dev/null 2>"$tmp/prec.err"
rc=$?
[ "$rc" = 2 ] || fail "--shard with precision: exit $rc, expected 2"
grep -q 'cannot be combined with precision' "$tmp/prec.err" && [ ! -e "$tmp/prec" ] ||
	fail "--shard with precision: unexpected message: $(cat "$tmp/prec.err")"

[ "$fails" -eq 0 ] || exit 1
echo "ok: 3 shards by GNU Parallel, merged, equal the single run byte for byte ($(( $(date +%s) - t0 ))s)"
