#!/bin/sh
# calibrate_live.sh - bpfsim calibrate on the live kernel (root + BTF).
#
# Pins, each in a few seconds:
#   - workload under a spawn load: one spawner is 1-2 parents forking
#     equally, its children block in under half their stretches;
#   - workload under a spawn load measures non-zero runqueue waits, task
#     lifetimes and CPU demands, a spawn rate, and writes them (version 1),
#     with host.smt and host.llc as sysfs counts them; and kernel time that
#     is no task's: exit tails, the parent's fork cycles, the interrupt
#     rate and the interrupt and softirq durations (tp_btf; where refused,
#     the estimates, noted);
#   - storage (occupancies 0 and 8k, 2 active tasks) writes each cost
#     class (task storage get_wake/get_switch/recreate/delete, hash
#     insert/replace/lookup/miss/delete), hash insert/lookup at both
#     occupancies, the factor tables and the programs' means, merged into
#     the same file as the workload (which stays);
#   - profile of the bundled hash probes returns either fentry/fexit
#     histograms or the bpf_stats fallback, labelled "MEANS ONLY" with the
#     reason fentry/fexit was refused, and writes the matching record;
#   - workload writes the load threads' timer slack (workload.timer_slack)
#     and, when it saw any, the share of wake-ups kept on a busy CPU while
#     another was idle (workload.wake_local, in [0, 1]);
#   - storage writes sched_wakeup_new's cold run (storage.hash.cold);
#   - storage, workload and profile write each program's recursion_misses
#     (bpf_prog_info) and say it in the report: present and at most 100
#     (~0 expected for these hooks);
#   - a scenario referring to the file just written runs;
#   - runs ended by SIGTERM (exit 143) and SIGINT (exit 130) leave none of
#     our programs loaded (bpftool prog show) and no load generator
#     running; no run changes kernel.bpf_stats_enabled.
# Skips, saying why, without root, without kernel BTF, or in a build
# without BPF support.  Live runs are serialised with a lock file, so two
# `make check` on one host do not see each other's programs.
# Does not pin: the values measured (they are this host's).
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
# The spawn load is forked from bpfsim, and under AddressSanitizer each of
# its forks copies the shadow mappings: ~290 spawns/s of the 1,000 asked
# (the plain build ~940/s), always behind, so its parent almost never
# sleeps after a fork and the fork tails that step 1 checks came to 0-3.
# That step measures with the plain build (BPFSIM_PLAIN, built by make
# check; make check names it) when there is one; every other step, and
# the short workload run first of all, keep the sanitized binary.
: "${BPFSIM_PLAIN:=$BPFSIM}"
case $BPFSIM_PLAIN in /*) ;; *) BPFSIM_PLAIN=$PWD/$BPFSIM_PLAIN ;; esac
[ -x "$BPFSIM_PLAIN" ] || { echo "FAIL: BPFSIM_PLAIN=$BPFSIM_PLAIN is not executable"; exit 1; }
skip() { echo "SKIP: live calibration tests: $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "not root (needs root or CAP_BPF + CAP_PERFMON)"
[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF (/sys/kernel/btf/vmlinux)"
exec 9>/tmp/bpfsim-calibrate-live.lock
flock -w 300 9 || skip "another live calibration test held the lock for 5 minutes"
# A build without BPF support says so at once (and measures nothing).
msg=$("$BPFSIM" calibrate workload --duration 100ms --quiet 2>&1)
case $msg in
*"built without BPF support"*)
	skip "the build lacked $(echo "$msg" | sed -n 's/.*the build lacked: \([^.]*\)\..*/\1/p')" ;;
esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

OURS='^[0-9]+: [a-z_]+ +name (sched_wakeup|sched_wakeup_new|sched_switch|sched_process_fork|sched_process_exit|handle_sched_[a-z_]+|stats_floor|stats_floor_raw|bs_fentry|bs_fexit|irq_handler_[a-z]+|softirq_e[a-z]+|local_timer_[a-z]+|reschedule_[a-z]+|call_function[a-z_]*|prims_[a-z_]+|d_(btf|raw|tp)[0-7]) '
BPFTOOL=$(command -v bpftool || ls /usr/sbin/bpftool /sbin/bpftool 2>/dev/null | head -1)
ours_loaded() {
	[ -n "$BPFTOOL" ] || return 1
	"$BPFTOOL" prog show 2>/dev/null | grep -E "$OURS"
}
# After a run ends the kernel may still hold a detached program for an RCU
# grace period (raw tracepoint links are freed after one): wait up to 3 s.
ours_left() {
	k=0
	while [ $k -lt 30 ]; do
		ours_loaded >/dev/null || return 1
		sleep 0.1
		k=$((k + 1))
	done
	ours_loaded
}
stats0=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null)

# yget FILE a.b.c: a block scalar of the calibration file ("key: value").
yget() {
	awk -v path="$2" '
	BEGIN { n = split(path, want, ".") }
	/^[ ]*(#|$)/ { next }
	{
		match($0, /^ */); ind = RLENGTH / 2
		rest = substr($0, RLENGTH + 1); key = rest
		sub(/:.*/, "", key); gsub(/"/, "", key)
		val = ""
		if (index(rest, ": ")) { val = rest; sub(/^[^:]*: /, "", val) }
		stack[ind + 1] = key
		if (ind + 1 == n) {
			ok = 1
			for (i = 1; i <= n; i++) if (stack[i] != want[i]) ok = 0
			if (ok) { print val; exit }
		}
	}' "$1"
}
positive() { # positive WHAT VALUE: a number (with an optional unit) > 0
	case $2 in
	''|0|0ns|-*|nan*|inf*) fail "$1 is '$2', want > 0" ;;
	[0-9]*) ;;
	*) fail "$1 is '$2', not a number" ;;
	esac
}
cal=$tmp/cal.yaml

# 1. workload under a spawn load.
[ "$BPFSIM_PLAIN" = "$BPFSIM" ] ||
	echo "note: the spawn load (step 1) measured by $BPFSIM_PLAIN"
"$BPFSIM_PLAIN" calibrate workload --load spawn:1000 --duration 2s --quiet -o "$cal" \
	>"$tmp/wl.out" 2>"$tmp/wl.err" || fail "workload exited $?: $(cat "$tmp/wl.err")"
[ "$(yget "$cal" version)" = 1 ] || fail "calibration file version is not 1"
positive "workload.wait.n" "$(yget "$cal" workload.wait.n)"
positive "workload.wait.mean" "$(yget "$cal" workload.wait.mean)"
positive "workload.lifetime.n" "$(yget "$cal" workload.lifetime.n)"
positive "workload.lifetime.mean" "$(yget "$cal" workload.lifetime.mean)"
positive "workload.cpu_demand.mean" "$(yget "$cal" workload.cpu_demand.mean)"
positive "workload.spawn_rate" "$(yget "$cal" workload.spawn_rate)"
# The busy share timed at each switch (not the tick): a spawn load keeps
# some CPU busy, and a share is at most 1.
oncpu=$(yget "$cal" workload.cpu_busy_oncpu)
positive "workload.cpu_busy_oncpu" "$oncpu"
awk -v v="$oncpu" 'BEGIN { exit !(v + 0 <= 1) }' ||
	fail "workload.cpu_busy_oncpu is $oncpu, more than all CPUs"
# The load's threads' timer slack: ours inherit this shell's (prctl
# PR_GET_TIMERSLACK; /proc/self/timerslack_ns is the same value).
want_slack=$(cat /proc/self/timerslack_ns 2>/dev/null)
slack=$(yget "$cal" workload.timer_slack)
[ -n "$slack" ] || fail "no workload.timer_slack"
case "$want_slack" in
50000) [ "$slack" = 50us ] || fail "workload.timer_slack is $slack, not 50us" ;;
esac
# Where wake-ups onto a busy CPU went while another was idle: a share,
# written when the spawn load made that happen at all.
wl=$(yget "$cal" workload.wake_local)
[ -z "$wl" ] || awk -v v="$wl" 'BEGIN { exit !(v >= 0 && v <= 1) }' ||
	fail "workload.wake_local is $wl, not a share"
[ -n "$(yget "$cal" workload.wait.fit)" ] || fail "workload.wait has no fit"
# Kernel time that is no task's: the spawn load's exit tails and the
# parent's fork cycles (tp_btf), interrupt and softirq rates (/proc/stat)
# and their durations (tp_btf where the kernel loads the probes, else
# estimates, said so).
positive "workload.kernel.exit.n" "$(yget "$cal" workload.kernel.exit.n)"
positive "workload.spawned.fork_cpu.n" "$(yget "$cal" workload.spawned.fork_cpu.n)"
positive "workload.spawned.fork_tail.n" "$(yget "$cal" workload.spawned.fork_tail.n)"
fl=$(yget "$cal" workload.spawned.fork_local)
awk -v f="${fl:-nan}" 'BEGIN { exit !(f >= 0 && f <= 1) }' ||
	fail "workload.spawned.fork_local '$fl' is no share"
# One spawner forks nearly all: as ~1 parent forking equally, whatever
# else forked in the window (parents_seen counts every task that did).
par=$(yget "$cal" workload.spawned.parents)
seen=$(yget "$cal" workload.spawned.parents_seen)
awk -v p="${par:-nan}" -v s="${seen:-nan}" 'BEGIN { exit !(p >= 1 && p <= 2 && s >= p) }' ||
	fail "workload.spawned.parents '$par' (seen '$seen'): want 1-2 for one spawner, <= seen"
bp=$(yget "$cal" workload.spawned.block_probability)
awk -v b="${bp:-nan}" 'BEGIN { exit !(b >= 0 && b < 0.5) }' ||
	fail "workload.spawned.block_probability '$bp': the children run once and exit (blocks / (blocks + preemptions + exits) < 0.5)"
positive "workload.background.irq_rate" "$(yget "$cal" workload.background.irq_rate)"
case $(yget "$cal" workload.background.durations) in
\"tp_btf*)
	positive "workload.background.irq.n" "$(yget "$cal" workload.background.irq.n)"
	positive "workload.background.softirq.n" "$(yget "$cal" workload.background.softirq.n)" ;;
*)
	positive "workload.background.irq_estimate" "$(yget "$cal" workload.background.irq_estimate)"
	echo "note: interrupt durations estimated: $(yget "$cal" workload.background.durations)" ;;
esac
loaded=$(ours_left) && fail "programs left after workload: $loaded"
# host.smt and host.llc: CPU 0's siblings and last-level cache, from sysfs
# (a list such as 0-3,8-11 counted by hand here).
count() { tr ',' '\n' <"$1" | awk -F- '{ n += NF == 2 ? $2 - $1 + 1 : 1 } END { print n }'; }
sys=/sys/devices/system/cpu/cpu0
if [ -r $sys/topology/thread_siblings_list ]; then
	[ "$(yget "$cal" host.smt)" = "$(count $sys/topology/thread_siblings_list)" ] ||
		fail "host.smt '$(yget "$cal" host.smt)' is not sysfs's"
fi
if [ -r $sys/cache/index3/shared_cpu_list ]; then
	[ "$(yget "$cal" host.llc)" = "$(count $sys/cache/index3/shared_cpu_list)" ] ||
		fail "host.llc '$(yget "$cal" host.llc)' is not sysfs's"
fi

# 2. storage at two occupancies, merged into the same file.
"$BPFSIM" calibrate storage --occupancy 0,8k --active 2 --duration 1s --quiet \
	-o "$cal" >"$tmp/st.out" 2>"$tmp/st.err" ||
	fail "storage exited $?: $(cat "$tmp/st.err")"
for cls in get_wake get_switch recreate delete; do
	positive "storage.task_storage.$cls.mean" "$(yget "$cal" storage.task_storage.$cls.mean)"
	positive "storage.task_storage.$cls.n" "$(yget "$cal" storage.task_storage.$cls.n)"
done
for cls in insert replace lookup miss delete; do
	positive "storage.hash.$cls.mean" "$(yget "$cal" storage.hash.$cls.mean)"
done
for occ in 0 8000; do
	for op in insert lookup; do
		positive "storage.hash.by_occupancy.$occ.$op.mean" \
			"$(yget "$cal" storage.hash.by_occupancy.$occ.$op.mean)"
	done
done
case $(yget "$cal" storage.hash.occupancy_factor) in
	table\(0:1,\ 8000:*\)) ;;
	*) fail "occupancy_factor is '$(yget "$cal" storage.hash.occupancy_factor)'" ;;
esac
case $(yget "$cal" storage.hash.program_mean) in
	*"sched_switch: "[1-9]*) ;;
	*) fail "storage.hash.program_mean is '$(yget "$cal" storage.hash.program_mean)'" ;;
esac
# sched_wakeup_new's cold run: the hook base costs' difference, written
# whenever both wake-up hooks ran (the program means run a spawn load).
case $(yget "$cal" storage.hash.cold) in
	*"sched_wakeup_new: \"normal("[0-9]*) ;;
	*) fail "storage.hash.cold is '$(yget "$cal" storage.hash.cold)'" ;;
esac
positive "workload.wait.n (kept by the merge)" "$(yget "$cal" workload.wait.n)"
# recursion_misses per program (bpf_prog_info): present, and ~0 for these
# hooks (a few would mean the kernel skipped runs: looked at, not failed).
misses0() { # misses0 WHAT TEXT: TEXT lists "name: N" counts, all present
	case $2 in
	*[0-9]*) ;;
	*) fail "$1 is '$2', want counts"; return ;;
	esac
	big=$(echo "$2" | tr -c '0-9\n' ' ' | tr ' ' '\n' | awk '$1 > 100')
	[ -z "$big" ] || fail "$1: more than 100 recursion misses: $2"
}
for kind in hash task_storage; do
	m=$(yget "$cal" storage.$kind.recursion_misses)
	case $m in
	*sched_wakeup:*sched_wakeup_new:*sched_switch:*) misses0 "storage.$kind.recursion_misses" "$m" ;;
	*) fail "storage.$kind.recursion_misses is '$m'" ;;
	esac
done
m=$(yget "$cal" workload.meta.recursion_misses)
case $m in
*sched_process_exit:*) misses0 workload.meta.recursion_misses "$m" ;;
*) fail "workload.meta.recursion_misses is '$m'" ;;
esac
grep -q "sched_switch .*recursion_misses [0-9]" "$tmp/st.out" ||
	fail "the storage report has no recursion_misses: $(cat "$tmp/st.out")"
loaded=$(ours_left) && fail "programs left after storage: $loaded"

# 3. profile of the bundled probes: histograms or the labelled fallback.
"$BPFSIM" calibrate profile --prog bundled:hash --duration 1s --quiet -o "$cal" \
	>"$tmp/pr.out" 2>"$tmp/pr.err" || fail "profile exited $?: $(cat "$tmp/pr.err")"
method=$(yget "$cal" profile.hash_sched_switch.method)
case $method in
fentry_fexit)
	positive "profile n" "$(yget "$cal" profile.hash_sched_switch.n)"
	grep -q "fentry/fexit histograms" "$tmp/pr.out" || fail "profile output does not name its method"
	;;
bpf_stats)
	positive "profile mean" "$(yget "$cal" profile.hash_sched_switch.mean)"
	grep -q "MEANS ONLY" "$tmp/pr.out" || fail "the fallback is not labelled MEANS ONLY"
	grep -q "fentry/fexit refused: E[A-Z]* " "$tmp/pr.out" ||
		fail "the fallback does not say why fentry/fexit was refused"
	[ -n "$(yget "$cal" profile.hash_sched_switch.reason)" ] ||
		fail "the fallback record has no reason"
	echo "note: profile used the bpf_stats fallback: $(grep 'refused' "$tmp/pr.out" | head -1)"
	;;
*) fail "profile method is '$method': $(cat "$tmp/pr.out" "$tmp/pr.err")" ;;
esac
misses0 profile.hash_sched_switch.recursion_misses \
	"$(yget "$cal" profile.hash_sched_switch.recursion_misses)"
grep -q "recursion_misses" "$tmp/pr.out" || fail "the profile report has no recursion_misses"
loaded=$(ours_left) && fail "programs left after profile: $loaded"

# 3b. primitives: the dispatch per attached program of each attach type
# (getppid against 0, 1 and 8 empty programs on sys_exit), tracefs left
# as it was.
tfs0=$(grep -c " /sys/kernel/tracing " /proc/mounts)
"$BPFSIM" calibrate primitives --duration 1s --quiet -o "$tmp/pm.yaml" \
	>"$tmp/pm.out" 2>"$tmp/pm.err" ||
	fail "primitives exited $?: $(cat "$tmp/pm.err")"
for t in tp_btf raw_tp tracepoint; do
	case $(yget "$tmp/pm.yaml" primitives.dispatch) in
	*"$t: \"normal("[0-9]*) ;;
	*) fail "primitives.dispatch.$t missing: $(yget "$tmp/pm.yaml" primitives.dispatch)" ;;
	esac
done
positive "primitives.helpers.ktime_get_ns.mean" \
	"$(yget "$tmp/pm.yaml" primitives.helpers.ktime_get_ns.mean)"
[ "$(grep -c " /sys/kernel/tracing " /proc/mounts)" = "$tfs0" ] ||
	fail "calibrate primitives left tracefs mounted"
loaded=$(ours_left) && fail "programs left after primitives: $loaded"

# 4. The file drives a scenario.
cat >"$tmp/sc.yaml" <<EOF
model: runqslower
calibration: cal.yaml
duration: 5ms
replications: 2
cpus: {from: calibration.host.cpus}
workload:
  arrival: poisson
  rate: {from: calibration.workload.spawn_rate}
  lifetime: {from: calibration.workload.cpu_demand, use: empirical}
storage:
  kind: task_storage
  task_storage:
    get_wake: {from: calibration.storage.task_storage.get_wake}
    get_switch: {from: calibration.storage.task_storage.get_switch}
    recreate: {from: calibration.storage.task_storage.recreate}
    wake_factor: {from: calibration.storage.task_storage.wake_factor}
EOF
"$BPFSIM" run "$tmp/sc.yaml" --quiet --out "$tmp/run" >/dev/null 2>"$tmp/run.err" ||
	fail "a scenario using the new calibration failed: $(cat "$tmp/run.err")"

# 5. Killed runs clean up: SIGTERM and SIGINT.
[ -n "$BPFTOOL" ] || echo "SKIP: clean-up checks: no bpftool to list programs"
for sig in ${BPFTOOL:+TERM INT}; do
	"$BPFSIM" calibrate workload --load spawn:300+sleepers:8 --duration 30s \
		--quiet >"$tmp/k.out" 2>&1 &
	pid=$!
	n=0
	while [ $n -lt 50 ] && ! ours_loaded >/dev/null; do sleep 0.1; n=$((n + 1)); done
	ours_loaded >/dev/null || fail "SIG$sig run: our programs never appeared"
	kill -$sig $pid
	wait $pid
	rc=$?
	want=143
	[ $sig = INT ] && want=130
	[ $rc -eq $want ] || fail "SIG$sig run exited $rc, want $want: $(cat "$tmp/k.out")"
	loaded=$(ours_left) && fail "programs left after SIG$sig: $loaded"
	left=$(ps -eo args= | grep -F "calibrate workload --load spawn:300+sleepers:8" |
		grep -v grep)
	[ -z "$left" ] || fail "processes of the killed run left: $left"
done
stats1=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null)
[ "$stats0" = "$stats1" ] || fail "kernel.bpf_stats_enabled changed: $stats0 -> $stats1"

[ "$fails" -eq 0 ] || exit 1
echo "ok: live calibration (workload, storage, profile, primitives and dispatch, clean-up on signals)"
