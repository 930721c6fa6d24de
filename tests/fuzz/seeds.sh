#!/bin/sh
# seeds.sh - regenerate the seed corpora tests/fuzz/seed/{jobfile,outdir,trace}/
# from real bpfsim runs (run from the repository root after `make`).
# Usage: tests/fuzz/seeds.sh [BPFSIM]   (default ./bpfsim)
#
# jobfile: the job files of the experiment fuzz_jobfile.c builds
#   (scenarios/runqslower.yaml, workload.resident.tasks=100,200,300, 2
#   replications, precision up to 4), in its input format: jobs.csv,
#   job_points.csv, job_series.csv separated by "%%" lines, a second
#   folder's three after them (merge of two shards).
# outdir: summary.json of run, compare and sweep, capacity.json and
#   shard.json, as written.
# trace: workload traces (spawn_ns,demand_ns), one bpfsim run on each to
#   check it is accepted.
# The runs are short (10-50 ms of simulated time): the seeds are small.
set -eu
BPFSIM=${1:-./bpfsim}
S=tests/fuzz/seed
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
q="--quiet --no-plots --threads 1"
rm -rf "$S/jobfile" "$S/outdir" "$S/trace"
mkdir -p "$S/jobfile" "$S/outdir" "$S/trace"

# One fuzz_jobfile input from folders: FILE DIR [DIR2].
jobfile() {
	out=$1; shift
	first=1
	for d in "$@"; do
		[ "$first" = 1 ] || echo '%%'
		first=0
		cat "$d/jobs.csv"; echo '%%'
		cat "$d/job_points.csv"; echo '%%'
		cat "$d/job_series.csv"
	done >"$out"
}

AXIS="--sweep workload.resident.tasks=100,200,300"
SMALL="--set duration=10ms --set warmup=2ms --set window=5ms"
PREC="--set precision.metric=overhead_ratio --set precision.relative_halfwidth=0.001 --set precision.max_reps=4"
"$BPFSIM" sweep scenarios/runqslower.yaml --reps 2 $AXIS $SMALL $PREC $q --out "$tmp/full" >/dev/null
jobfile "$S/jobfile/resume-precision" "$tmp/full"
for i in 1 2; do
	"$BPFSIM" sweep scenarios/runqslower.yaml --reps 2 $AXIS $SMALL $q \
		--shard $i/2 --out "$tmp/shard$i" >/dev/null
done
jobfile "$S/jobfile/merge-shards" "$tmp/shard1" "$tmp/shard2"
cat "$tmp/shard1/jobs.csv" >"$S/jobfile/jobs-only"
# a resume of a shard: job_points.csv, no series
{ cat "$tmp/shard2/jobs.csv"; echo '%%'; cat "$tmp/shard2/job_points.csv"; } \
	>"$S/jobfile/no-series"

"$BPFSIM" run scenarios/mmc.yaml --reps 2 $q --out "$tmp/run" >/dev/null
cp "$tmp/run/summary.json" "$S/outdir/run-summary.json"
"$BPFSIM" compare scenarios/runqslower.yaml --reps 2 $SMALL $q --out "$tmp/cmp" >/dev/null
cp "$tmp/cmp/summary.json" "$S/outdir/compare-summary.json"
"$BPFSIM" sweep scenarios/mmc.yaml --reps 2 --sweep servers=2,4 $q --out "$tmp/sw" >/dev/null
cp "$tmp/sw/summary.json" "$S/outdir/sweep-summary.json"
cp "$tmp/shard1/shard.json" "$S/outdir/shard.json"
"$BPFSIM" capacity scenarios/capacity.yaml --reps 2 --probes 3 \
	--set duration=20ms --set window=5ms $q --out "$tmp/cap" >/dev/null
cp "$tmp/cap/capacity.json" "$S/outdir/capacity.json"

# traces: as written by hand and by scripts (header, comments, blanks)
printf 'spawn_ns,demand_ns\n0,50000\n100000,20000\n100000,1\n2500000,300000\n' \
	>"$S/trace/header.csv"
printf '# spawn_ns,demand_ns\n0,1000\n\n  10, 2000\n+20,\t3000\r\n' >"$S/trace/comments.csv"
awk 'BEGIN { for (i = 0; i < 64; i++) printf "%d,%d\n", i * 40000, 1000 + (i * 7919) % 90000 }' \
	>"$S/trace/burst.csv"
printf '18446744073709551615,18446744073709551615\n' >"$S/trace/max.csv"
for t in "$S"/trace/*.csv; do
	cp "$t" "$tmp/t.csv"
	printf 'model: runqslower\nduration: 5ms\nreplications: 1\ncpus: 2\nworkload:\n  arrival: trace\n  trace: t.csv\n' \
		>"$tmp/t.yaml"
	"$BPFSIM" run "$tmp/t.yaml" $q --out "$tmp/tout" >/dev/null
done
ls -l "$S"/*
