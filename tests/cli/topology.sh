#!/bin/sh
# topology.sh - topology, placement: wake_affine and load balancing end to
# end on the demo scenario (8 CPUs, 4,000 threads, ~50% busy).
#
# Pins: with the same seed (common random numbers), newidle plus periodic
# balancing lowers the mean runqueue wait by at least 20% under
# wake_affine (tasks queue on their previous CPU when its LLC has no idle
# CPU; balancing hands them to CPUs going idle) and by at least half under
# round_robin (blind placement: idle CPUs beside long queues); balancing
# adds migrations (migrations_per_s > 0, and above the run without it);
# a described tool's sched_migrate_task program runs once per migration
# (its runs_per_s equals migrations_per_s);
# the resolved scenario shows the defaults (topology smt 1, llc 0: all
# CPUs, newidle balancing on, no periodic balance, wake_affine, eevdf); a sweep over cpus with the default topology runs; `bpfsim models runqslower` lists the keys; an llc that
# does not divide cpus, a misspelt key and a sub-microsecond interval exit
# 2 with one message and no output folder.
# Does not pin: the numbers themselves (tests/test_topology.c pins
# placement and the balancer's invariants).
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/topology.sh (from the repo root)
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

# run NAME --set ... : the demo, hash only, 2 replications
run() {
	name=$1
	shift
	"$BPFSIM" run scenarios/runqslower.yaml --reps 2 --no-plots --quiet \
		--set compare='[hash]' "$@" --out "$tmp/$name" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	[ "$rc" -eq 0 ] || { fail "run $name exited $rc"; cat "$tmp/$name.err"; exit 1; }
}

bal="--set balance.newidle=true --set balance.interval=1ms"
run plain
run wa --set placement=wake_affine --set balance.newidle=false
# shellcheck disable=SC2086
run wa_bal --set placement=wake_affine $bal
run rr --set placement=round_robin --set balance.newidle=false
# shellcheck disable=SC2086
run rr_bal --set placement=round_robin $bal

# less(a, b, f): a < f * b, both numbers
less() {
	awk -v a="${1:-nan}" -v b="${2:-nan}" -v f="$3" \
		'BEGIN { exit !(a > 0 && b > 0 && a < f * b) }'
}
w0=$(mean "$tmp/wa/summary.json" wait_mean)
w1=$(mean "$tmp/wa_bal/summary.json" wait_mean)
less "$w1" "$w0" 0.8 ||
	fail "wake_affine: balancing did not cut the mean wait by 20%: $w0 -> $w1 ns"
r0=$(mean "$tmp/rr/summary.json" wait_mean)
r1=$(mean "$tmp/rr_bal/summary.json" wait_mean)
less "$r1" "$r0" 0.5 ||
	fail "round_robin: balancing did not halve the mean wait: $r0 -> $r1 ns"
m0=$(mean "$tmp/wa/summary.json" migrations_per_s)
m1=$(mean "$tmp/wa_bal/summary.json" migrations_per_s)
less "$m0" "$m1" 1 ||
	fail "migrations_per_s: not positive or not higher with balancing: $m0 -> $m1"
m=$(mean "$tmp/plain/summary.json" migrations_per_s)
awk -v a="${m:-nan}" 'BEGIN { exit !(a > 0) }' ||
	fail "least_loaded: migrations_per_s '$m' not positive"
echo "# mean wait (ns) with balancing: wake_affine $w0 -> $w1, round_robin $r0 -> $r1; migrations/s (wake_affine) $m0 -> $m1"

# A described tool on sched_migrate_task fires once per migration: its
# program's runs per second are migrations_per_s.
cat >"$tmp/mig.yaml" <<'YAML'
name: migcount
maps:
  moves: {kind: hash, key: pid, value: 8, max_entries: 10240}
programs:
  - name: moved
    hook: sched_migrate_task
    do:
      - increment: {map: moves, key: task.pid}
YAML
# shellcheck disable=SC2086
run tool --set placement=wake_affine $bal --set "tools=[{include: $tmp/mig.yaml}]"
mt=$(mean "$tmp/tool/summary.json" migrations_per_s)
rt=$(mean "$tmp/tool/summary.json" migcount.moved.runs_per_s)
awk -v a="${mt:-nan}" -v b="${rt:-nan}" \
	'BEGIN { d = a / b - 1; exit !(a > 0 && d < 1e-9 && d > -1e-9) }' ||
	fail "sched_migrate_task runs/s '$rt' differ from migrations_per_s '$mt'"

res=$tmp/plain/scenario.resolved.yaml
grep -q '^  smt: 1$' "$res" || fail "resolved scenario: topology.smt is not 1"
grep -q '^  llc: 0$' "$res" || fail "resolved scenario: topology.llc is not 0 (all CPUs)"
grep -q '^  newidle: true$' "$res" || fail "resolved scenario: balance.newidle is not true"
grep -q '^  interval: 0' "$res" || fail "resolved scenario: balance.interval is not 0"
grep -q '^placement: wake_affine$' "$res" || fail "resolved scenario: placement is not wake_affine"
grep -q '^runqueue: eevdf$' "$res" || fail "resolved scenario: runqueue is not eevdf"

"$BPFSIM" models runqslower >"$tmp/models" 2>&1 || fail "models runqslower exited $?"
for k in topology.smt topology.llc balance.newidle balance.interval; do
	grep -q "^    $k " "$tmp/models" || fail "models runqslower does not list $k"
done
grep -q 'wake_affine' "$tmp/models" || fail "models runqslower does not name wake_affine"

# bad SET MESSAGE: exit 2, the message, no output folder
bad() {
	"$BPFSIM" run scenarios/runqslower.yaml --reps 1 --no-plots --quiet \
		--set "$1" --out "$tmp/bad" >"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "--set $1: exit $rc, not 2"
	grep -q "$2" "$tmp/bad.err" || fail "--set $1: message lacks '$2': $(cat "$tmp/bad.err")"
	[ "$(wc -l <"$tmp/bad.err")" -eq 1 ] || fail "--set $1: not one line"
	[ ! -e "$tmp/bad" ] || fail "--set $1: wrote $tmp/bad"
	rm -rf "$tmp/bad"
}
# A sweep over cpus: the default llc follows cpus.
"$BPFSIM" sweep scenarios/runqslower.yaml --sweep cpus=2,4 --reps 1 --quiet \
	--no-plots --set compare='[hash]' --set duration=50ms --set warmup=0 \
	--out "$tmp/sw" >"$tmp/sw.out" 2>"$tmp/sw.err" ||
	fail "sweep over cpus exited $?: $(cat "$tmp/sw.err")"

bad topology.llc=3 "must be a multiple of smt (1) and divide cpus (8)"
bad topology.smtt=2 "did you mean 'smt'"
bad balance.interval=10ns "at least 1us"
bad placement=wake_afine "did you mean"

[ "$fails" -eq 0 ] || exit 1
echo "ok: balancing cuts waits and counts migrations; topology keys documented and checked"
