#!/bin/sh
# mpi.sh - a sweep under `mpirun -np 2` writes the bytes a single process does.
#
# Pins: a 2-axis sweep of scenarios/runqslower.yaml (workload.processes x
# workload.lifetime, 2 x 2 points, both strategies of its compare: list, 10
# replications of 200ms) gives byte-identical points.csv, differences.csv,
# summary.json, jobs.csv, job_series.csv, series.csv and
# scenario.resolved.yaml when run by the default binary ($BPFSIM) with
# --threads 1 and --threads 2, by the MPI binary ($BPFSIM_MPI, built by
# `make MPI=1 build/bpfsim-mpi`) as a single process, and by the MPI binary
# under `mpirun -np 2` (rank 0 dispatches, one worker) and `-np 3` (two
# workers pulling jobs dynamically); a sweep with run-length control
# (precision:, where the ranks must agree round after round on which points
# need more replications) is identical under mpirun too; only rank 0 prints.
# Does not pin: the numbers, nor speed.  The MPI binary is not sanitized
# (Open MPI does not run clean under LeakSanitizer).
#
# Open MPI as root in a container: --allow-run-as-root (and its environment
# twins), --oversubscribe (more ranks than cores), and no CMA single-copy
# transfers (ptrace is often forbidden in containers).
# Skips (exit 0, "SKIP: ...") when mpirun or the MPI binary is missing;
# `make check` installs Open MPI and builds the binary, so there it runs.
set -u
. "${0%/*}/lib/same.sh"   # same_output A B: equal outputs, provenance aside
: "${BPFSIM:=build/bpfsim-asan}"
: "${BPFSIM_MPI:=build/bpfsim-mpi}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
case $BPFSIM_MPI in /*) ;; *) BPFSIM_MPI=$PWD/$BPFSIM_MPI ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
command -v mpirun >/dev/null 2>&1 ||
	{ echo "SKIP: mpirun not found (Debian: apt-get install openmpi-bin libopenmpi-dev)"; exit 0; }
[ -x "$BPFSIM_MPI" ] ||
	{ echo "SKIP: no MPI binary at $BPFSIM_MPI (build it: make MPI=1 build/bpfsim-mpi)"; exit 0; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
MPIRUN="mpirun --allow-run-as-root --oversubscribe"

set -- --sweep workload.processes=500,2000 --sweep workload.lifetime=200us,2ms \
	--reps 10 --set duration=200ms --quiet --no-plots
SWEEP="$*"
FILES="points.csv differences.csv summary.json jobs.csv job_series.csv series.csv scenario.resolved.yaml"

sweep() {   # sweep OUTDIR "LAUNCHER BINARY" EXTRA-ARGS...: one sweep into $tmp/OUTDIR
	d=$1 cmd=$2; shift 2
	# shellcheck disable=SC2086
	timeout 300 $cmd sweep scenarios/runqslower.yaml $SWEEP --out "$tmp/$d" "$@" \
		>"$tmp/$d.stdout" 2>"$tmp/$d.stderr"
	rc=$?
	[ "$rc" -eq 0 ] || { fail "$d: $cmd $* exited $rc: $(cat "$tmp/$d.stderr")"; return 1; }
}

same() {   # same REF OTHER FILE...
	ref=$1 other=$2; shift 2
	for f in "$@"; do
		[ -s "$tmp/$ref/$f" ] || { fail "$ref/$f missing or empty"; continue; }
		same_output "$tmp/$ref/$f" "$tmp/$other/$f" || fail "$f differs between $ref and $other"
	done
}

t0=$(date +%s)
sweep t1 "$BPFSIM" --threads 1
sweep t2 "$BPFSIM" --threads 2
sweep single "$BPFSIM_MPI" --threads 2
sweep np2 "$MPIRUN -np 2 $BPFSIM_MPI"
sweep np3 "$MPIRUN -np 3 $BPFSIM_MPI"
for d in t2 single np2 np3; do
	# shellcheck disable=SC2086
	same t1 "$d" $FILES
done
[ "$(grep -c '^0,' "$tmp/t1/points.csv" 2>/dev/null)" = 2 ] ||
	fail "points.csv: expected 2 strategies at point 0"
[ "$(grep -c ',done,' "$tmp/t1/jobs.csv" 2>/dev/null)" = 80 ] ||
	fail "jobs.csv: expected 80 finished jobs (4 points x 2 strategies x 10)"
sed "s|$tmp/t1/|DIR/|" "$tmp/t1.stdout" >"$tmp/t1.out"
sed "s|$tmp/np3/|DIR/|" "$tmp/np3.stdout" >"$tmp/np3.out"
cmp -s "$tmp/t1.out" "$tmp/np3.out" ||
	fail "mpirun -np 3 printed something else than one process (only rank 0 prints): $(cat "$tmp/np3.stdout")"

# Run-length control: rounds of replications decided on results, on every rank.
SWEEP="--sweep workload.processes=500,2000 --reps 3 --set duration=50ms --quiet --no-plots \
--set precision.metric=overhead_ratio --set precision.relative_halfwidth=0.02 \
--set precision.max_reps=12"
sweep p1 "$BPFSIM" --threads 2
sweep pnp3 "$MPIRUN -np 3 $BPFSIM_MPI"
same p1 pnp3 points.csv differences.csv summary.json jobs.csv

# compare and capacity run through the same engine under MPI.
timeout 300 "$BPFSIM" compare scenarios/runqslower.yaml --reps 4 --set duration=100ms \
	--quiet --no-plots --out "$tmp/c1" >/dev/null 2>&1 || fail "compare exited $?"
# shellcheck disable=SC2086
timeout 300 $MPIRUN -np 2 "$BPFSIM_MPI" compare scenarios/runqslower.yaml --reps 4 \
	--set duration=100ms --quiet --no-plots --out "$tmp/c2" >/dev/null 2>&1 ||
	fail "mpirun compare exited $?"
same c1 c2 summary.csv summary.json replications.csv jobs.csv
[ "$fails" -eq 0 ] || exit 1
echo "ok: mpirun -np 2 and -np 3 write the bytes of --threads 1 and 2 (sweep; compare too) ($(( $(date +%s) - t0 ))s)"
