#!/bin/sh
# run_mmc.sh - `bpfsim run scenarios/mmc.yaml --reps 20` end to end.
#
# Pins: exit 0; the table shows wait_exact and a wait_mean "mean ± half"
# whose interval contains Erlang C's 8100 ns; summary.json's wait_mean
# [ci_low, ci_high] contains 8100 and its wait_exact is 8100; every output
# file is there, whole (replications.csv has 20 rows) and no *.tmp.* file
# is left behind.  The CI check is random: the scenario's seed (1) gives
# 8006 ± 104; a correct engine misses for ~5% of seeds, so a failure after
# changing the seed or the engine's streams is not by itself a bug - rerun
# with a few --seed values before concluding.
# Does not pin: the digits printed (only that the interval holds 8100).
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/run_mmc.sh (from the repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

out=$tmp/mmc
"$BPFSIM" run scenarios/mmc.yaml --reps 20 --out "$out" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ "$rc" -eq 0 ] || { fail "run exited $rc"; cat "$tmp/stderr"; exit 1; }
# Nothing on stderr but, on a slow build, the plain progress lines a run
# longer than 5 s prints when stderr is not a terminal.
grep -v '^mmc: [0-9]*/20 jobs.*elapsed' "$tmp/stderr" >"$tmp/stderr.other"
[ -s "$tmp/stderr.other" ] && fail "unexpected stderr: $(cat "$tmp/stderr.other")"

grep -q '^wait_exact ' "$tmp/stdout" || fail "table has no wait_exact row"
grep -q '20 replications, seed 1' "$tmp/stdout" || fail "table header: $(head -1 "$tmp/stdout")"
# "wait_mean  ns  8006 ± 104": fields 3 and 5.
row=$(awk '$1 == "wait_mean" { print $3, $5 }' "$tmp/stdout")
set -- $row
if [ $# -ne 2 ]; then
	fail "cannot parse the wait_mean row: $(grep '^wait_mean' "$tmp/stdout")"
elif ! awk -v m="$1" -v h="$2" 'BEGIN { exit !(m - h <= 8100 && 8100 <= m + h) }'; then
	fail "printed wait_mean $1 ± $2 does not contain 8100"
fi

json=$out/summary.json
for f in summary.json summary.csv replications.csv scenario.resolved.yaml; do
	[ -s "$out/$f" ] || fail "missing or empty $out/$f"
done
# "wait_mean": {"n": 20, "mean": M, "sd": S, "ci_low": L, "ci_high": H}
ci=$(sed -n 's/.*"wait_mean": {"n": \([0-9]*\), "mean": [^,]*, "sd": [^,]*, "ci_low": \([^,]*\), "ci_high": \([^}]*\)}.*/\1 \2 \3/p' "$json")
set -- $ci
if [ $# -ne 3 ]; then
	fail "cannot parse wait_mean in summary.json"
else
	[ "$1" = 20 ] || fail "wait_mean n = $1, want 20"
	awk -v lo="$2" -v hi="$3" 'BEGIN { exit !(lo <= 8100 && 8100 <= hi) }' ||
		fail "summary.json wait_mean CI [$2, $3] does not contain 8100"
fi
exact=$(sed -n 's/.*"wait_exact": {"n": [0-9]*, "mean": \([^,]*\),.*/\1/p' "$json")
awk -v x="${exact:-nan}" 'BEGIN { d = x - 8100; exit !(d < 1e-6 && d > -1e-6) }' ||
	fail "summary.json wait_exact = '$exact', want 8100"
grep -q '"complete": true' "$json" || fail "summary.json not marked complete"
rows=$(wc -l <"$out/replications.csv")
[ "$rows" -eq 21 ] || fail "replications.csv has $rows lines, want 1 header + 20"
left=$(find "$out" -name '*.tmp.*')
[ -z "$left" ] && [ -z "$(find "$tmp" -maxdepth 1 -name '*.tmp.*')" ] ||
	fail "temporary files left behind: $left"

[ "$fails" -eq 0 ] || exit 1
echo "ok: run scenarios/mmc.yaml --reps 20 (wait_mean CI contains 8100)"
