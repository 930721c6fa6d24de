#!/bin/sh
# summaries.sh - the golden checksums of every shipped scenario's summary.
#
# For each scenarios/*.yaml: `bpfsim run SCENARIO --reps 2 --threads 1`,
# and `bpfsim compare` for the demo; prints "sha256  command" lines, the
# sha256 being summary.csv's.  tests/golden/summaries.txt holds the list
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
	sum=$(sha256sum < "$tmp/o/summary.csv" | cut -d' ' -f1)
	echo "$sum  $*"
	rm -rf "$tmp/o"
}
rc=0
for s in scenarios/*.yaml; do
	one run "$s" || rc=1
done
one compare scenarios/runqslower.yaml || rc=1
exit $rc
