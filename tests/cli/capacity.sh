#!/bin/sh
# Capacity search on a model with a known answer: M/M/1 with arrivals at
# 1/us reaches utilisation 0.5 at a mean service time of exactly 500 ns.
# The reported 95% interval must contain 500 ns and the estimate must be
# within the search tolerance of it.  Also: bad objectives exit 2; the
# search in 3 shards (the first levels of its bisection tree) merged, and
# a search resumed from a shorter one (--probes 4), give the single
# search's capacity.csv byte for byte; the resolved scenario records the
# search's settings.
set -u
: "${BPFSIM:=./bpfsim}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
out=$("$BPFSIM" capacity scenarios/mmc.yaml --param 'service=exponential({})' \
	--range 100ns:10us --objective 'utilisation<=0.5' --reps 10 \
	--set customers=20000 --set warmup_customers=2000 --quiet --out "$tmp/c" 2>&1) ||
	{ echo "FAIL: capacity exited $?: $out"; exit 1; }
# Last row of capacity.csv: ...,estimate,low,high
last=$(tail -n 1 "$tmp/c/capacity.csv")
est=$(echo "$last" | awk -F, '{print $(NF-2)}')
lo=$(echo "$last" | awk -F, '{print $(NF-1)}')
hi=$(echo "$last" | awk -F, '{print $NF}')
if awk -v e="$est" -v l="$lo" -v h="$hi" 'BEGIN { exit !(l <= 500 && 500 <= h && e > 480 && e < 520) }'; then
	echo "ok: capacity estimate $est ns, interval [$lo, $hi] contains 500 ns"
else
	echo "FAIL: capacity estimate $est, interval [$lo, $hi]; output:"
	echo "$out"
	status=1
fi
"$BPFSIM" capacity scenarios/mmc.yaml --param 'service=exponential({})' \
	--range 100ns:10us --objective 'utilisaton<=0.5' --out "$tmp/bad" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "unknown metric 'utilisaton' (did you mean 'utilisation'?)" "$tmp/err" &&
   [ ! -e "$tmp/bad" ]; then
	echo "ok: misspelt objective metric exits 2 with a suggestion, no output"
else
	echo "FAIL: bad objective: rc=$rc $(cat "$tmp/err")"
	status=1
fi
"$BPFSIM" capacity scenarios/mmc.yaml --param 'service=exponential({})' \
	--range 10us:100ns --objective 'utilisation<=0.5' --out "$tmp/bad2" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "need 0 < lo < hi" "$tmp/err"; then
	echo "ok: range with lo > hi exits 2"
else
	echo "FAIL: lo > hi: rc=$rc $(cat "$tmp/err")"
	status=1
fi
# Shards and resume: the same capacity.csv as one search.
CAP="scenarios/mmc.yaml --param service=exponential({}) --range 100ns:10us
--objective utilisation<=0.5 --reps 4 --set customers=5000
--set warmup_customers=500 --quiet --no-plots"
# shellcheck disable=SC2086
"$BPFSIM" capacity $CAP --out "$tmp/one" >/dev/null 2>"$tmp/err" || {
	echo "FAIL: capacity exited $?: $(cat "$tmp/err")"; status=1; }
for i in 1 2 3; do
	# shellcheck disable=SC2086
	"$BPFSIM" capacity $CAP --shard $i/3 --out "$tmp/s$i" >/dev/null 2>"$tmp/err" || {
		echo "FAIL: capacity --shard $i/3 exited $?: $(cat "$tmp/err")"; status=1; }
done
"$BPFSIM" merge "$tmp/s1" "$tmp/s2" "$tmp/s3" --no-plots --quiet --out "$tmp/m" \
	>/dev/null 2>"$tmp/err" || { echo "FAIL: merge exited $?: $(cat "$tmp/err")"; status=1; }
# shellcheck disable=SC2086
"$BPFSIM" capacity $CAP --probes 4 --out "$tmp/short" >/dev/null 2>&1 &&
	"$BPFSIM" capacity $CAP --resume "$tmp/short" --out "$tmp/resumed" >/dev/null 2>&1 || {
	echo "FAIL: capacity --probes 4, then --resume"; status=1; }
if cmp -s "$tmp/one/capacity.csv" "$tmp/m/capacity.csv" &&
   cmp -s "$tmp/one/capacity.csv" "$tmp/resumed/capacity.csv" &&
   ! cmp -s "$tmp/one/capacity.csv" "$tmp/short/capacity.csv"; then
	echo "ok: capacity in 3 shards merged, and resumed from 4 probes, equal one search"
else
	echo "FAIL: shards/resume differ from one search:"
	diff "$tmp/one/capacity.csv" "$tmp/m/capacity.csv" | head -5
	diff "$tmp/one/capacity.csv" "$tmp/resumed/capacity.csv" | head -5
	status=1
fi
if grep -A7 '^capacity:' "$tmp/one/scenario.resolved.yaml" | grep -q 'objective: .*utilisation<=0.5'; then
	echo "ok: the resolved scenario records the search's settings"
else
	echo "FAIL: resolved capacity block: $(grep -A7 '^capacity:' "$tmp/one/scenario.resolved.yaml")"
	status=1
fi
exit $status
