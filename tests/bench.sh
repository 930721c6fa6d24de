#!/bin/sh
# make bench: engine and model throughput on this machine.  Prints the
# machine, then one line per benchmark.  Record results in BENCHMARKS.md.
set -eu
dir=$1
echo "machine: $(uname -srm); $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "compiler: $(${CC:-cc} --version | head -1)"
echo "--- bare event queue (hold model) ---"
"$dir/bench_heap" 16 4000000
echo "--- engine: M/M/8, rho 0.9, 2M customers (single thread) ---"
"$dir/bench_sim" tests/bench/mm8.yaml
echo "--- runqslower: the demo scenario, one replication (single thread) ---"
"$dir/bench_sim" scenarios/runqslower.yaml
"$dir/bench_sim" scenarios/runqslower.yaml --set storage.kind=task_storage
echo "--- runqslower: 30,000 live tasks (memory per live task) ---"
"$dir/bench_sim" tests/bench/runqslower-big.yaml
echo "--- runqslower: pid churn, one replication ---"
"$dir/bench_sim" scenarios/pid-churn.yaml
echo "--- sweep scaling: 16 points x 2 strategies x 4 replications, --threads 1 vs 2 ---"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t() {
	s=$(date +%s.%N)
	./bpfsim sweep tests/bench/sweep16.yaml --threads "$1" --quiet --no-plots \
		--out "$tmp/t$1" >/dev/null
	e=$(date +%s.%N)
	awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", b - a }' 
}
t1=$(t 1)
t2=$(t 2)
cmp -s "$tmp/t1/points.csv" "$tmp/t2/points.csv" && same=identical || same=DIFFERENT
echo "sweep16: 1 thread ${t1} s, 2 threads ${t2} s, speed-up $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", a / b }')x; points.csv $same"
