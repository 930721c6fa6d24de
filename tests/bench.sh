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
