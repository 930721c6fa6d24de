#!/bin/sh
# set_resolved.sh - --set overrides reach scenario.resolved.yaml, which
# reproduces the run.
#
# Pins: run from a scratch directory without --out, outputs land in
# out/<scenario name>/; --set on existing keys (servers, service), on a
# nested key whose mapping the scenario lacks (caps.max_events) and on the
# common keys (seed, replications) all show in scenario.resolved.yaml, next
# to defaults the scenario never wrote (duration, caps.max_wall, name);
# running the resolved file reproduces summary.json byte for byte, also
# when --seed and --reps were given as options; no *.tmp.* file remains in
# the output folder.
# Does not pin: the order of keys in the resolved file.
set -u
. "${0%/*}/lib/same.sh"   # same_output A B: equal outputs, provenance aside
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
root=$PWD

mkdir "$tmp/work" && cd "$tmp/work" || exit 1
"$BPFSIM" run "$root/scenarios/mmc.yaml" --quiet \
	--set servers=2 --set 'service=exponential(1800ns)' \
	--set caps.max_events=10M --set seed=31 --set replications=4 \
	--set customers=20000 --set warmup_customers=2000 >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ "$rc" -eq 0 ] || { fail "run exited $rc: $(cat "$tmp/stderr")"; exit 1; }
out=out/mmc
res=$out/scenario.resolved.yaml
[ -s "$res" ] || { fail "no $tmp/work/$res (default output folder)"; exit 1; }
grep -q "Outputs in $out/" "$tmp/stdout" || fail "table does not name $out/"

for line in 'servers: 2' 'service: exponential(1800ns)' 'seed: 31' \
	'replications: 4' 'customers: 20000' 'warmup_customers: 2000' 'model: mmc' \
	'name: mmc' 'duration: 0' 'arrival: exponential(1us)'; do
	grep -qx "$line" "$res" || fail "resolved scenario lacks '$line'"
done
# caps is a mapping the scenario did not have: created by --set, with the
# other caps' defaults beside the override.
caps=$(awk '/^caps:$/ { on = 1; next } on && /^  / { print; next } { on = 0 }' "$res")
for line in '  max_events: 10M' '  max_live_tasks: 0' '  max_wall: 0'; do
	echo "$caps" | grep -qx "$line" || fail "resolved caps lacks '$line' (got: $caps)"
done
grep -q '"seed": 31,' "$out/summary.json" || fail "summary.json seed is not 31"
grep -q '"replications": 4,' "$out/summary.json" || fail "summary.json replications is not 4"
left=$(find "$tmp/work" -name '*.tmp.*')
[ -z "$left" ] || fail "temporary files left behind: $left"

# The resolved scenario is the run: it reproduces summary.json exactly.
"$BPFSIM" run "$res" --quiet --out again >/dev/null 2>"$tmp/stderr" ||
	fail "running the resolved scenario failed: $(cat "$tmp/stderr")"
same_output "$out/summary.json" again/summary.json ||
	fail "the resolved scenario does not reproduce summary.json"
cmp -s "$res" again/scenario.resolved.yaml ||
	fail "resolving the resolved scenario changed it"

# --seed / --reps options are recorded too, so the file reproduces the run.
"$BPFSIM" run "$root/scenarios/mmc.yaml" --quiet --seed 77 --reps 2 \
	--set customers=2000 --out opts >/dev/null 2>"$tmp/stderr" ||
	fail "run --seed 77 --reps 2 failed: $(cat "$tmp/stderr")"
grep -qx 'seed: 77' opts/scenario.resolved.yaml ||
	fail "--seed 77 not in scenario.resolved.yaml"
grep -qx 'replications: 2' opts/scenario.resolved.yaml ||
	fail "--reps 2 not in scenario.resolved.yaml"
"$BPFSIM" run opts/scenario.resolved.yaml --quiet --out opts2 >/dev/null 2>&1 ||
	fail "running the resolved scenario (from --seed/--reps) failed"
same_output opts/summary.json opts2/summary.json ||
	fail "the resolved scenario of a --seed/--reps run does not reproduce it"

[ "$fails" -eq 0 ] || exit 1
echo "ok: --set overrides in scenario.resolved.yaml, which reproduces the run"
