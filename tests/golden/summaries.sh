#!/bin/sh
# summaries.sh - the golden checksums of every shipped scenario's summary.
#
# For each scenarios/*.yaml: `bpfsim run SCENARIO --reps 2 --threads 1`,
# `bpfsim compare` for the demo, and one sweep, phase and capacity; prints
# "sha256  command" lines, the sha256 being that of the command's main
# table (summary.csv; points.csv and differences.csv; phase.csv;
# capacity.csv).  tests/golden/summaries.txt holds the list
# taken from the last commit that changed the model on purpose;
# tests/cli/golden.sh runs this script and compares.
#
# Regenerate (only in a commit that changes the model on purpose, saying
# why in its message):
#   BPFSIM=./bpfsim sh tests/golden/summaries.sh > tests/golden/summaries.txt
set -u
: "${BPFSIM:=./bpfsim}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
one() {
	"$BPFSIM" "$@" --reps 2 --threads 1 --quiet --no-plots --out "$tmp/o" \
		>/dev/null 2>"$tmp/err" || {
		echo "error: bpfsim $*: $(cat "$tmp/err")" >&2
		return 1
	}
	case $1 in
	run|compare) files=summary.csv ;;
	sweep) files="points.csv differences.csv" ;;
	phase) files="points.csv phase.csv" ;;
	capacity) files=capacity.csv ;;
	esac
	sum=$(cd "$tmp/o" && cat $files | sha256sum | cut -d' ' -f1)
	echo "$sum  $*"
	rm -rf "$tmp/o"
}
rc=0
for s in scenarios/*.yaml; do
	one run "$s" || rc=1
done
one compare scenarios/runqslower.yaml || rc=1
one sweep scenarios/mm1-validation.yaml || rc=1
one sweep scenarios/runqslower.yaml --sweep workload.processes=1000:4000:3:log || rc=1
one phase scenarios/phase.yaml --x workload.rate=10000/s:1000000/s:3:log \
	--y workload.lifetime=2us:200us:3:log || rc=1
one capacity scenarios/capacity.yaml || rc=1
exit $rc
