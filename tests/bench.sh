#!/bin/sh
# make bench: engine and model throughput on this machine.  Prints the
# machine, then one line per benchmark.  Record results in BENCHMARKS.md.
set -eu
dir=$1
echo "machine: $(uname -srm); $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "compiler: $(${CC:-cc} --version | head -1)"
# Every single-threaded run on one CPU, the same for the baseline and what
# is divided by it: on a VM two vCPUs can differ (on the development VM
# one ran both 20% slower for a while), and a ratio of runs on different
# CPUs measures the CPUs.  BENCH_CPU picks it; the default is the last one
# this shell may use (CPU 0 takes most of the housekeeping interrupts).
cpu=${BENCH_CPU:-$(taskset -pc $$ 2>/dev/null | sed 's/.*: //; s/.*[,-]//')}
if [ -n "$cpu" ] && taskset -c "$cpu" true 2>/dev/null; then
	echo "pinned: CPU $cpu (taskset; BENCH_CPU to choose)"
	pin() { taskset -c "$cpu" "$@"; }
else
	echo "pinned: no (taskset cannot pin here)"
	pin() { "$@"; }
fi
echo "--- bare event queue (hold model; per CPU-s) ---"
pin "$dir/bench_heap" 16 4000000
# The bare baseline (tests/bench_bare.c: the same M/M/8 written by hand,
# no engine) in this run: every "x bare" below divides by it (per CPU-s).
echo "--- bare baseline: M/M/8 by hand (4-ary heap, GSL mt19937) ---"
bare_line=$(pin "$dir/bench_bare")
echo "$bare_line"
bare=$(echo "$bare_line" | sed -n 's/.* \([0-9.]*\) M events per CPU-s.*/\1/p')
per_cpu() { sed -n 's/.*, \([0-9.]*\) M per CPU-s.*/\1/p'; }
echo "--- engine: M/M/8, rho 0.9, 2M customers (single thread), quantiles on ---"
mm8=$(pin "$dir/bench_sim" tests/bench/mm8.yaml)
echo "$mm8"
echo "mm8: $(echo "$mm8" | per_cpu | awk -v b="$bare" '{ printf "%.2fx", $1 / b }') the bare baseline (per CPU-s)"
echo "--- runqslower: the demo scenario, one replication (single thread) ---"
pin "$dir/bench_sim" scenarios/runqslower.yaml
pin "$dir/bench_sim" scenarios/runqslower.yaml --set storage.kind=task_storage
echo "--- runqslower: 30,000 live tasks (memory per live task) ---"
pin "$dir/bench_sim" tests/bench/runqslower-big.yaml
echo "--- runqslower: pid churn, one replication ---"
pin "$dir/bench_sim" scenarios/pid-churn.yaml
# The demo's density (500 threads per CPU) from 8 to 1,024 CPUs, each run
# beside the same world with the event queue kept a 4-ary heap (--heap):
# events/s over the event loop (per CPU-second of the process: the machine
# may be shared) and bytes per live task.  pid_max as Linux sets it
# (1,024 per CPU, at least 32,768); the hash sized for the threads; the
# duration for ~4M events.  Each row's "x bare" is paired: three rounds of
# the bare baseline and the world back to back, the median of the three
# ratios (the row shows the median round); a shared machine's speed moves
# within a minute, and a ratio to a baseline measured a minute before
# measures that too.
echo "--- fleet scale: 500 threads per CPU (tests/bench/fleet.yaml), radix heap vs heap only ---"
printf '%5s %7s | %-21s | %-21s | %5s | %-14s | %s\n' cpus threads \
	"M events/s (per CPU-s)" "heap only" ratio "x bare (bare)" \
	"B per live task (heap only)"
for cpus in 8 64 256 1024; do
	threads=$((500 * cpus))
	pid_max=$((1024 * cpus > 32768 ? 1024 * cpus : 32768))
	set -- --set cpus=$cpus --set workload.resident.tasks=$threads \
		--set pid_max=$pid_max \
		--set storage.hash.max_entries=$((threads + threads / 4)) \
		--set duration=$((90000 / cpus))ms
	rounds=
	for r in 1 2 3; do
		rb=$(pin "$dir/bench_bare" | sed -n 's/.* \([0-9.]*\) M events per CPU-s.*/\1/p')
		ra=$(pin "$dir/bench_sim" tests/bench/fleet.yaml "$@")
		rounds="$rounds$rb $ra
"
	done
	b=$(pin "$dir/bench_sim" tests/bench/fleet.yaml --heap "$@")
	printf '%s%s\n' "$rounds" "$b" | awk -v cpus=$cpus -v threads=$threads '
		function rate(line, f) {
			match(line, /loop: [0-9.]+ M events\/s, [0-9.]+ M per CPU-s/)
			split(substr(line, RSTART, RLENGTH), f, " ")
			W = f[2]; return f[5] }
		function mem(line, g) {
			match(line, /[0-9]+ bytes per live task/)
			split(substr(line, RSTART, RLENGTH), g, " "); return g[1] }
		NR <= 3 { bare[NR] = $1; c[NR] = rate($0); w[NR] = W; m[NR] = mem($0)
			  q[NR] = c[NR] / bare[NR] }
		NR == 4 { hc = rate($0); hw = W; hm = mem($0) }
		END {
			# the median round by ratio
			k = 1
			for (i = 1; i <= 3; i++) {
				lo = 0; hi = 0
				for (j = 1; j <= 3; j++) {
					if (q[j] < q[i]) lo++
					if (q[j] > q[i]) hi++ }
				if (lo <= 1 && hi <= 1) k = i }
			printf "%5d %7d | %6.2f (%6.2f)%7s | %6.2f (%6.2f)%7s | %4.2fx | %5.2fx (%5.2f) | %s (%s)\n",
				cpus, threads, w[k], c[k], "", hw, hc, "",
				c[k] / hc, q[k], bare[k], m[k], hm }'
done
# The demo on 256 CPUs with a batch of 128,000 processes: issue 18's
# command, which since the demo's threads became workload.resident.tasks
# is a batch of CPU jobs (every CPU busy for ~1 s, then the residents);
# the issue's world of 128,000 sleeping threads is the fleet table's
# 256-CPU row.  One replication, per CPU-s and against the bare baseline.
echo "--- runqslower.yaml, 256 CPUs, 128,000 processes, 2 s ---"
big=$(pin "$dir/bench_sim" scenarios/runqslower.yaml --set cpus=256 \
	--set workload.processes=128000 --set pid_max=4194304 \
	--set storage.hash.max_entries=1000000 --set duration=2s)
echo "$big"
echo "256 CPUs: $(echo "$big" | per_cpu | awk -v b="$bare" '{ printf "%.2fx", $1 / b }') the bare baseline (per CPU-s)"
# 10^6 live threads on 1,024 CPUs (~1,000 per CPU): the memory target of
# <= 256 bytes per live task at that size (events/s as above).
echo "--- 10^6 live threads, 1,024 CPUs (tests/bench/fleet.yaml) ---"
pin "$dir/bench_sim" tests/bench/fleet.yaml --set cpus=1024 \
	--set workload.resident.tasks=1000000 --set pid_max=4194304 \
	--set storage.hash.max_entries=1250000 --set duration=40ms
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
