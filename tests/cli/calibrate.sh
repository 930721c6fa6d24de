#!/bin/sh
# calibrate.sh - bpfsim calibrate without a kernel: usage, the shipped
# calibration, references from scenarios.
#
# Pins: `calibrate --help` exits 0 and names the three measurements;
# usage errors exit 2 before anything is loaded (no measurement, unknown
# measurement with a suggestion, profile without --prog, --prog elsewhere,
# --occupancy not increasing, a bad --load, a bad --duration, an unknown
# option, --load with storage); scenarios/calibrated.yaml runs from the
# shipped calibration file and its resolved scenario no longer names the
# calibration file but holds the fitted values; a calibration file of
# another version is refused with "file:line:col: message" and exit 2,
# writing no output folder; a reference to a missing key exits 2 with the
# scenario's position and a suggestion.
# Does not pin: the measurements themselves (calibrate_live.sh), fit
# quality (test_fit).
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

"$BPFSIM" calibrate --help >"$tmp/help" 2>&1 || fail "calibrate --help exited $?"
for w in profile workload storage --occupancy --active --load --prog; do
	grep -q -- "$w" "$tmp/help" || fail "calibrate --help does not mention $w"
done

usage() { # usage EXPECTED-STDERR-PART ARGS...
	want=$1; shift
	"$BPFSIM" calibrate "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "calibrate $* exited $rc, want 2"
	grep -qF -- "$want" "$tmp/err" ||
		fail "calibrate $*: stderr lacks '$want': $(cat "$tmp/err")"
}
usage "expected profile, workload, storage or primitives"
usage "unknown measurement 'primitive' (did you mean 'primitives'?)" primitive
usage "--hook takes sys_exit or sched_switch (got 'sys_enter')" primitives --hook sys_enter
usage "--hook belongs to calibrate primitives" workload --hook sys_exit
usage "unknown measurement 'storag' (did you mean 'storage'?)" storag
usage "profile needs --prog" profile
usage "--prog belongs to calibrate profile" workload --prog 3
usage "--occupancy: values must increase" storage --occupancy 0,8k,1k
usage "--active takes a whole number in 1.." storage --active 0,2
usage "--load: unknown load 'forks'" workload --load forks:3
usage "--duration takes a time from 100ms to 24h" workload --duration 5
usage "unknown option '--bogus'" workload --bogus
usage "calibrate storage drives its own load" storage --load spawn:10
usage "--occupancy and --active belong to calibrate storage" workload --active 2

# The shipped calibrated scenario runs from the shipped calibration.
cd "$tmp" || exit 1
"$BPFSIM" run "$root/scenarios/calibrated.yaml" --quiet --reps 2 \
	--set duration=20ms --out cal >"$tmp/out" 2>"$tmp/err" ||
	fail "run scenarios/calibrated.yaml exited $?: $(cat "$tmp/err")"
res=cal/scenario.resolved.yaml
if [ -f "$res" ]; then
	grep -q '^calibration:' "$res" && fail "resolved scenario still names the calibration file"
	grep -q 'from: calibration' "$res" && fail "resolved scenario still has references"
	grep -q 'dist: ' "$res" || fail "resolved scenario has no fitted distribution"
	# It runs again on its own, to the same summary.
	"$BPFSIM" run "$res" --quiet --out again >/dev/null 2>"$tmp/err" ||
		fail "the resolved calibrated scenario does not run: $(cat "$tmp/err")"
	same_output cal/summary.json again/summary.json ||
		fail "the resolved calibrated scenario does not reproduce summary.json"
else
	fail "no $res"
fi

# Another version of the calibration format: refused, positioned, no output.
mkdir -p v2/calibration
sed 's/^version: 1$/version: 2/' "$root/scenarios/calibration/host.yaml" \
	>v2/calibration/host.yaml
cp "$root/scenarios/calibrated.yaml" v2/
cp -R "$root/scenarios/costs" v2/
"$BPFSIM" run v2/calibrated.yaml --quiet --out v2out >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "version 2 calibration: exit $rc, want 2"
line=$(grep -n '^version: 2$' v2/calibration/host.yaml | cut -d: -f1)
grep -q "v2/calibration/host.yaml:$line:10: calibration file version 2 is not supported" "$tmp/err" ||
	fail "version 2 calibration: message is '$(cat "$tmp/err")'"
[ -e v2out ] && fail "a refused scenario left an output folder"

# A reference to a key the calibration does not have.
sed 's/calibration.storage.hash.insert}/calibration.storage.hash.insrt}/' \
	"$root/scenarios/calibrated.yaml" >v2/typo.yaml
cp "$root/scenarios/calibration/host.yaml" v2/calibration/host.yaml
"$BPFSIM" run v2/typo.yaml --quiet --out typo >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "typo reference: exit $rc, want 2"
grep -q "v2/typo.yaml:[0-9]*:[0-9]*: calibration.storage.hash.insrt: calibration/host.yaml has no 'insrt' under storage.hash (did you mean 'insert'?)" "$tmp/err" ||
	fail "typo reference: message is '$(cat "$tmp/err")'"

[ "$fails" -eq 0 ] || exit 1
echo "ok: calibrate usage, calibrated scenario, calibration file errors"
