#!/bin/sh
# ktime.sh - kernel time that is no task's (kernel.*, background.*,
# host.steal) from the command line.
#
# Pins: the demo scenario with kernel.exit and background interrupts set
# through --set exits 0 and reports more kernel_time than without them
# (the exits and interrupts are charged), a steal_time metric only
# when host.steal is on and a background_idle_time only with background.*
# (above 0, below kernel_time); `bpfsim models runqslower` lists every key;
# bad input exits 2 with one positioned message and writes no output
# folder: a misspelt key (with a suggestion), a rate without a duration,
# a negative rate, a scalar where a mapping belongs.
# Does not pin: the numbers (tests/test_ktime.c pins the accounting).
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/ktime.sh (from the repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# mean of metric $2 in summary.json $1
mean() {
	sed -n "s/.*\"$2\": {\"n\": [0-9]*, \"mean\": \([^,]*\),.*/\1/p" "$1"
}

run() {   # run NAME --set ...: the demo, shortened
	name=$1; shift
	"$BPFSIM" run scenarios/runqslower.yaml --reps 2 --no-plots \
		--set duration=200ms "$@" --out "$tmp/$name" >"$tmp/$name.out" \
		2>"$tmp/$name.err"
	rc=$?
	[ "$rc" -eq 0 ] || { fail "run $name exited $rc: $(cat "$tmp/$name.err")"; return 1; }
}
run off
run on --set kernel.exit=20us --set 'background.irq={rate: 1000/s, duration: 2us}' \
	--set 'host.steal={rate: 100/s, duration: 50us}'
koff=$(mean "$tmp/off/summary.json" kernel_time)
kon=$(mean "$tmp/on/summary.json" kernel_time)
awk -v a="${koff:-nan}" -v b="${kon:-nan}" 'BEGIN { exit !(b > a + 1e6) }' ||
	fail "kernel_time did not rise: off '$koff' on '$kon' ns"
grep -q '"steal_time"' "$tmp/off/summary.json" &&
	fail "steal_time reported without host.steal"
grep -q '"steal_time"' "$tmp/on/summary.json" ||
	fail "no steal_time with host.steal on"
# background_idle_time: reported only with background.*; the interrupts
# that hit an idle CPU, a part of kernel_time (the demo's CPUs are idle
# about 4/5 of the time: some land there, not all).
grep -q '"background_idle_time"' "$tmp/off/summary.json" &&
	fail "background_idle_time reported without background.*"
bidle=$(mean "$tmp/on/summary.json" background_idle_time)
awk -v i="${bidle:-nan}" -v k="${kon:-nan}" 'BEGIN { exit !(i > 0 && i < k) }' ||
	fail "background_idle_time '$bidle' not in (0, kernel_time '$kon')"

"$BPFSIM" models runqslower >"$tmp/models" 2>&1 || fail "models runqslower exited $?"
for k in kernel.fork kernel.exec kernel.exit kernel.reap \
	background.irq.rate background.irq.duration background.softirq.rate \
	background.softirq.duration host.steal.rate host.steal.duration; do
	grep -q "^    $k " "$tmp/models" || fail "models runqslower does not list $k"
done

bad() {   # bad WORD YAML-TAIL: exit 2, one message file:line:col with WORD
	printf 'model: runqslower\nduration: 10ms\n%b' "$2" >"$tmp/bad.yaml"
	"$BPFSIM" run "$tmp/bad.yaml" --no-plots --out "$tmp/badout" \
		>"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "'$1': exited $rc, want 2"
	[ "$(wc -l < "$tmp/bad.err")" -eq 1 ] || fail "'$1': not one line: $(cat "$tmp/bad.err")"
	grep -q "^$tmp/bad.yaml:[0-9]*:[0-9]*: .*$1" "$tmp/bad.err" ||
		fail "'$1': message lacks file:line:col or '$1': $(cat "$tmp/bad.err")"
	[ -e "$tmp/badout" ] && fail "'$1': wrote $tmp/badout"
	rm -rf "$tmp/badout"
}
bad "did you mean 'exit'" 'kernel:\n  exitt: 5us\n'
bad "a rate needs a .duration." 'background:\n  softirq:\n    rate: 1000/s\n'
bad "must be in \[0, 100M\]/s" 'host:\n  steal: {rate: -1/s, duration: 1us}\n'
bad "must be a mapping" 'background:\n  irq: 5\n'
bad "did you mean 'steal'" 'host:\n  steel: {rate: 1/s}\n'

[ "$fails" -eq 0 ] || exit 1
echo "ok: kernel time (kernel_time $koff -> $kon ns)"
