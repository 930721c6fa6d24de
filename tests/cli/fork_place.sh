#!/bin/sh
# fork_place.sh - where a parent's child starts (fork_local) and the
# parent's CPU after the child's wake-up (workload.fork_tail).
#
# Pins, on a 2-CPU host whose one parent forks 500 children a second
# (each 50 us of CPU, exiting), with the same seed:
#   - fork_local: 1 puts every child on its parent's CPU: fewer context
#     switches than fork_local: 0 (the parent's sleep switches straight to
#     the child instead of both going through idle), so switches per
#     second drop by at least 20%;
#   - with fork_local: 1 and fork_tail: 30us the children wait the tail
#     out: the median runqueue wait is at least 25 us, against under
#     15 us without the tail;
#   - without either key the run is the default's byte for byte
#     (fork_local: 0 draws nothing);
#   - fork_local outside [0, 1] exits 2 with one positioned message.
# Does not pin: the numbers beyond these bounds.
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/fork_place.sh (from the repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

cat >"$tmp/s.yaml" <<'Y'
model: runqslower
cpus: 2
duration: 500ms
replications: 3
compare: [hash]
workload:
  arrival: poisson
  rate: 500/s
  spawner: task
  spawners: 1
  lifetime: 50us
  resident: {tasks: 0}
Y
mean() { sed -n "s/.*\"$2\": {\"n\": [0-9]*, \"mean\": \([^,]*\),.*/\1/p" "$1"; }
run() {
	name=$1; shift
	"$BPFSIM" run "$tmp/s.yaml" --no-plots --quiet "$@" --out "$tmp/$name" \
		>/dev/null 2>"$tmp/$name.err" || fail "run $name exited $?: $(cat "$tmp/$name.err")"
}
run base
run zero --set fork_local=0
run local --set fork_local=1
run tail --set fork_local=1 --set 'workload.fork_tail=30us'
cmp -s "$tmp/base/summary.csv" "$tmp/zero/summary.csv" ||
	fail "fork_local: 0 changed the run"
s0=$(mean "$tmp/base/summary.json" runs_per_s_sched_switch)
s1=$(mean "$tmp/local/summary.json" runs_per_s_sched_switch)
awk -v a="${s0:-nan}" -v b="${s1:-nan}" 'BEGIN { exit !(b > 0 && b < 0.8 * a) }' ||
	fail "fork_local: 1 did not cut switches/s by 20%: $s0 -> $s1"
w1=$(mean "$tmp/local/summary.json" wait_p50)
w2=$(mean "$tmp/tail/summary.json" wait_p50)
awk -v a="${w1:-nan}" -v b="${w2:-nan}" 'BEGIN { exit !(a < 15000 && b >= 25000) }' ||
	fail "fork_tail: 30us: wait p50 $w1 -> $w2 ns, want < 15 us -> >= 25 us"

"$BPFSIM" run "$tmp/s.yaml" --set fork_local=1.5 --out "$tmp/bad" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "fork_local=1.5 exited $rc, want 2"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "fork_local" "$tmp/err" ||
	fail "fork_local=1.5: not one message naming it: $(cat "$tmp/err")"
[ ! -e "$tmp/bad" ] || fail "fork_local=1.5 wrote its output folder"

[ "$fails" -eq 0 ] || exit 1
echo "ok: fork placement (switches/s $s0 -> $s1 with fork_local 1; wait p50 $w1 -> $w2 ns with a 30 us tail)"
