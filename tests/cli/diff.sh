#!/bin/sh
# diff.sh - `bpfsim diff OLD NEW`: what changed between two output folders.
#
# Pins, on small runs of scenarios/runqslower.yaml (4 replications of
# 200 ms):
#   - a folder against itself, and against a second run of the same
#     command (same scenario and seed: the paired test), exits 0, prints
#     "no change beyond noise" and nothing on stderr; without the second
#     run's replications.csv the test falls back to Welch's, saying so;
#   - against a run whose sched_wakeup program costs 100 ns more (--set
#     probe.hooks.sched_wakeup; another scenario hash: Welch's test) exits 1
#     and names bpf_per_run_sched_wakeup in all three formats (text, json
#     with "test": "welch" and the row changed, csv with changed = 1),
#     while metrics the hook does not touch (elapsed, payload_time) are not
#     named;
#   - the paired path: a copy of the folder whose replications.csv has
#     bpf_per_run_sched_wakeup raised by 5-7 ns per replication exits 1,
#     names it, and says "paired";
#   - bad input exits 2 with one line on stderr and nothing on stdout: a
#     truncated summary.json (a file:line:col message naming it), a
#     metric whose mean is a string, a missing folder, a folder without
#     summary.json, a sweep's summary, folders of different models, a
#     replications.csv with a non-number, one folder only, --alpha 2,
#     --format xml.
# Does not pin: the p values (tests/test_ttest.c pins the tests), the
# text table's layout, or which metrics besides the raised one move.
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/diff.sh (from the repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
t0=$(date +%s)

small="--reps 4 --set duration=200ms --set warmup=50ms --quiet --no-plots"
run() {   # run OUT [ARGS...]
	out=$1; shift
	"$BPFSIM" run scenarios/runqslower.yaml $small "$@" --out "$tmp/$out" \
		>/dev/null 2>"$tmp/err" || fail "run $out failed: $(cat "$tmp/err")"
}
run a
run a2
run hook --set 'probe.hooks.sched_wakeup=normal(200ns, 20ns)'

# diff_rc WANT OLD NEW [ARGS...]: exit status WANT; output in $tmp/out, $tmp/err.
diff_rc() {
	want=$1; shift
	"$BPFSIM" diff "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "diff $*: exit $rc, want $want: $(cat "$tmp/err")"
}

# 1. No change.
diff_rc 0 "$tmp/a" "$tmp/a"
grep -q 'no change beyond noise' "$tmp/out" || fail "diff a a: $(cat "$tmp/out")"
[ -s "$tmp/err" ] && fail "diff a a: stderr: $(cat "$tmp/err")"
diff_rc 0 "$tmp/a" "$tmp/a2"
grep -q 'paired' "$tmp/out" || fail "diff of two equal runs is not paired: $(cat "$tmp/out")"
diff_rc 0 "$tmp/a" "$tmp/a2" --format json
grep -q '"changed": 0,' "$tmp/out" || fail "json of no change: $(head -12 "$tmp/out")"

# A second run without its replications.csv: Welch's test, said on stderr.
cp -R "$tmp/a2" "$tmp/norep"
rm "$tmp/norep/replications.csv"
diff_rc 0 "$tmp/a" "$tmp/norep"
grep -q "Welch.*no replications.csv" "$tmp/out" || fail "diff a norep: $(head -3 "$tmp/out")"
grep -q 'replications.csv: absent' "$tmp/err" || fail "diff a norep: stderr: $(cat "$tmp/err")"

# 2. One hook dearer: Welch's test names the metric.
diff_rc 1 "$tmp/a" "$tmp/hook"
grep -q '^hash  *bpf_per_run_sched_wakeup ' "$tmp/out" ||
	fail "diff a hook does not name bpf_per_run_sched_wakeup: $(cat "$tmp/out")"
grep -q "Welch" "$tmp/out" || fail "diff a hook is not Welch's: $(head -3 "$tmp/out")"
for quiet in elapsed payload_time; do
	grep -q "^hash  *$quiet " "$tmp/out" && fail "diff a hook names $quiet"
done
diff_rc 1 "$tmp/a" "$tmp/hook" --format json
grep -q '"metric": "bpf_per_run_sched_wakeup".*"test": "welch".*"changed": true' \
	"$tmp/out" || fail "json: bpf_per_run_sched_wakeup not changed"
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/out" ||
		fail "diff --format json is not JSON"
fi
diff_rc 1 "$tmp/a" "$tmp/hook" --format csv
grep -q '^hash,bpf_per_run_sched_wakeup,ns,.*,welch,.*,1$' "$tmp/out" ||
	fail "csv: bpf_per_run_sched_wakeup not changed: $(grep wakeup "$tmp/out")"
head -1 "$tmp/out" | grep -q '^strategy,metric,unit,.*,p,p_holm,changed$' ||
	fail "csv header: $(head -1 "$tmp/out")"

# 3. The paired test finds a small shift the same replications share.
cp -R "$tmp/a" "$tmp/shift"
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "bpf_per_run_sched_wakeup") c = i }
	NR > 1 { $c = $c + 5 + (NR % 3) } { print }' "$tmp/a/replications.csv" \
	>"$tmp/shift/replications.csv"
diff_rc 1 "$tmp/a" "$tmp/shift"
grep -q 'paired' "$tmp/out" || fail "diff a shift is not paired: $(head -3 "$tmp/out")"
grep -q '^hash  *bpf_per_run_sched_wakeup ' "$tmp/out" ||
	fail "diff a shift does not name bpf_per_run_sched_wakeup: $(cat "$tmp/out")"

# 4. Bad input: exit 2, one line on stderr, nothing on stdout.
bad() {   # bad GREP ARGS...
	pat=$1; shift
	diff_rc 2 "$@"
	[ -s "$tmp/out" ] && fail "diff $*: printed on stdout: $(head -3 "$tmp/out")"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "diff $*: want one line on stderr: $(cat "$tmp/err")"
	grep -q -- "$pat" "$tmp/err" || fail "diff $*: message: $(cat "$tmp/err")"
}
cp -R "$tmp/a" "$tmp/trunc"
size=$(wc -c <"$tmp/a/summary.json")
head -c $((size / 2)) "$tmp/a/summary.json" >"$tmp/trunc/summary.json"
bad 'trunc/summary.json:[0-9]*:[0-9]*: ' "$tmp/a" "$tmp/trunc"
cp -R "$tmp/a" "$tmp/str"
sed 's/"wait_p50": {"n": 4, "mean": [0-9.e+-]*/"wait_p50": {"n": 4, "mean": "x"/' \
	"$tmp/a/summary.json" >"$tmp/str/summary.json"
bad 'str/summary.json:[0-9]*:[0-9]*: metric .wait_p50.: "mean" is not a number' \
	"$tmp/a" "$tmp/str"
bad 'cannot read' "$tmp/a" "$tmp/missing"
mkdir "$tmp/empty"
bad 'no summary.json' "$tmp/empty" "$tmp/a"
cp -R "$tmp/a" "$tmp/sweep"
sed 's/"complete": true,/"complete": true, "points": [],/' "$tmp/a/summary.json" \
	>"$tmp/sweep/summary.json"
bad "a sweep's" "$tmp/a" "$tmp/sweep"
"$BPFSIM" run scenarios/mmc.yaml --reps 2 --set customers=20000 \
	--set warmup_customers=2000 --quiet --no-plots --out "$tmp/mmc" >/dev/null 2>&1 ||
	fail "mmc run failed"
bad "model 'mmc'.*different models" "$tmp/a" "$tmp/mmc"
cp -R "$tmp/a" "$tmp/csv"
sed '3s/^\(hash,1,done,[^,]*,[0-9]*,\)[^,]*/\1zz/' "$tmp/a/replications.csv" \
	>"$tmp/csv/replications.csv"
bad 'csv/replications.csv:3:[0-9]*: overhead_ratio .zz. is not a number' \
	"$tmp/a" "$tmp/csv"
bad 'expected two folders' "$tmp/a"
bad -- '--alpha must be' "$tmp/a" "$tmp/a" --alpha 2
bad -- '--format must be' "$tmp/a" "$tmp/a" --format xml

[ "$fails" -eq 0 ] || exit 1
echo "ok: bpfsim diff (no change, a dearer hook by Welch, a shift by the paired test, json/csv, bad input) ($(( $(date +%s) - t0 ))s)"
