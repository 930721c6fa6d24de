#!/bin/sh
# classic-table.sh - the README table of the published reference model.
#
# Overhead ratio bpf/run of `classic` (scenarios/classic.yaml: 30
# replications, seed 1), mean +- half-width of the 95% CI, for P = 1 ... 4096
# processes, hash map vs task local storage (`bpfsim compare`: both storage
# kinds on the same random numbers).  The half-width is printed to two
# significant digits and the mean to the same decimal place.
#
# Usage, from the repository root after `make bpfsim`:
#   sh scenarios/classic-table.sh [more bpfsim options, e.g. --reps 100]
# Environment: BPFSIM (default ./bpfsim); PROCESSES (default
# "1 8 64 256 512 1024 2048 4096").
# Output: a markdown table on stdout.  Deterministic: the same binary and
# options give the same table, whatever the thread count.
set -eu

bpfsim=${BPFSIM:-./bpfsim}
scenario=$(dirname "$0")/classic.yaml
tmp=$(mktemp -d "${TMPDIR:-/tmp}/classic-table.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

echo "| P | hash | task_storage |"
echo "|---:|---:|---:|"
for p in ${PROCESSES:-1 8 64 256 512 1024 2048 4096}; do
	"$bpfsim" compare "$scenario" --set workload.processes="$p" \
		--format csv --quiet --out "$tmp/out-$p" "$@" >"$tmp/$p.csv"
	# CSV columns: strategy,metric,unit,n,mean,sd,ci_low,ci_high
	awk -F, -v p="$p" '
	function cell(mean, lo, hi,   half, e, f, d) {
		half = (hi - lo) / 2
		if (!(half > 0))
			return sprintf("%.6g ± 0", mean)
		e = log(half) / log(10)
		f = int(e)
		if (f > e)
			f--
		d = 1 - f
		if (d < 0)
			d = 0
		return sprintf("%." d "f ± %." d "f", mean, half)
	}
	$2 == "overhead_ratio" { c[$1] = cell($5, $7, $8) }
	END {
		if (!("hash" in c) || !("task_storage" in c)) {
			print "classic-table.sh: no overhead_ratio for P=" p > "/dev/stderr"
			exit 1
		}
		printf "| %s | %s | %s |\n", p, c["hash"], c["task_storage"]
	}' "$tmp/$p.csv"
done
