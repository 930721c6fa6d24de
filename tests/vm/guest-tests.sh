#!/bin/sh
# The check-vm guest tests: run inside the VM by /init (tests/vm/init), with
# busybox, /bin/bpfsim (static), /bin/vmtool (tests/vm/vmtool.c) and the
# scenarios under /scenarios.
#
# Output protocol, read by scripts/check-vm.sh: one line per test,
#   PASS NAME (Ns)  |  FAIL NAME (Ns): why  |  SKIP NAME: why
# at the start of a line, each followed by the test's own output indented by
# four spaces (the measurements the note quotes).  Exit status: 0 when
# nothing failed.
#
# Each test runs as `sh guest-tests.sh case NAME` under busybox `timeout`, so
# a hung test is killed and reported without taking the others with it.  A
# case returns 0 (pass), 77 (skip; its first output line says why) or
# anything else (fail; its last output line says why).
#
# What the tests expect depends on the kernel: fentry/fexit on a tracing
# (tp_btf) program is refused with "Cannot recursively attach" before 6.9
# (2024) and allowed from then on.  Every guest runs the smoke and profile
# tests; `calibrate workload` and `calibrate storage` test no kernel-
# dependent path and spend a minute each fitting under emulation, so the
# host spreads them over its guests with vmtest_suite= on the kernel command
# line ("workload", "storage", "workload+storage" or "none").
#
# Durations measured here are inflated and noisy (TCG emulation): tests
# check counts, control flow and plumbing; the one comparison of means
# (profile_exact) uses bounds that follow from what each side measures.

# --- helpers -----------------------------------------------------------------

# Value at a dotted path of a calibration file (block mappings, two spaces a
# level, as calfile.c writes them): yget FILE profile.KEY.method
yget() {
	awk -v path="$2" '
	BEGIN { n = split(path, want, ".") }
	/^ *(#|$)/ || /^ *- / { next }
	{
		match($0, /^ */); d = RLENGTH / 2 + 1
		line = substr($0, RLENGTH + 1)
		c = index(line, ":"); if (!c) next
		key[d] = substr(line, 1, c - 1)
		if (d != n) next
		for (i = 1; i <= n; i++) if (key[i] != want[i]) next
		v = substr(line, c + 1); sub(/^ +/, "", v); print v; exit
	}' "$1"
}

# A duration as written by calfile.c ("1.9us", "818ns", "3ms") in ns.
tons() {
	echo "$1" | awk '{ v = $1; u = v; sub(/^[-+0-9.eE]+/, "", u); x = v + 0
		if (u == "us") x *= 1e3; else if (u == "ms") x *= 1e6
		else if (u == "s") x *= 1e9
		printf "%.3f\n", x }'
}

# rel_within A B TOL: |A - B| <= TOL * B
rel_within() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d
		exit !(b > 0 && d <= t * b) }'
}

# ratio_within A B LO HI: A / B in [LO, HI]
ratio_within() {
	awk -v a="$1" -v b="$2" -v lo="$3" -v hi="$4" 'BEGIN {
		exit !(a > 0 && b > 0 && a / b >= lo && a / b <= hi) }'
}

# Sum of a flow sequence "[1, 2, 3]".
seqsum() {
	echo "$1" | tr -d '[]' | tr ',' '\n' | awk '{ s += $1 } END { print s + 0 }'
}

# The lines of a file that say something (bpfsim's note that the guest
# has no gnuplot for the calibration figures is left out).
nonblank() {
	grep -v -e '^ *$' -e '^bpfsim plot: gnuplot not found' "$1"
}

# Say why and end the case (each case runs in its own shell).
fail() {
	echo "$*"
	exit 1
}

# 1 when this kernel lets fentry/fexit attach to tracing programs (6.9+).
nested_allowed() {
	uname -r | awk -F. '{ exit !($1 > 6 || ($1 == 6 && $2 >= 9)) }'
}

# 1 when the host asked for the extra test $1 (vmtest_suite=a+b).
in_suite() {
	sed -n 's/.*vmtest_suite=\([a-z+]*\).*/+\1+/p' /proc/cmdline | grep -q "+$1+"
}

# A light load for the bundled probes: the emulated CPUs must not saturate
# (under bpfsim's default load, detaching fentry/fexit at the end waits a
# minute for RCU tasks grace periods).  The spawns exercise sched_wakeup_new.
LOAD=sleepers:8:2000+spawn:20

# --- smoke: the guest can do what calibration needs ------------------------------

case_version() {
	v=$(bpfsim --version) || return 1
	echo "$v"
	case $v in "bpfsim "*) return 0 ;; esac
	return 1
}

case_lockdown_none() {
	l=$(cat /sys/kernel/security/lockdown) || return 1
	echo "lockdown: $l"
	case $l in *"[none]"*) return 0 ;; esac
	return 1
}

case_btf() {
	ls -l /sys/kernel/btf/vmlinux || return 1
}

case_bpfsim_run() {
	bpfsim run /scenarios/mmc.yaml --reps 2 --threads 2 --set customers=20000 \
		--set warmup_customers=2000 --quiet --no-plots --out /tmp/mmc \
		>/tmp/mmc.txt || { cat /tmp/mmc.txt; return 1; }
	grep -E '^(wait_mean|wait_exact) ' /tmp/mmc.txt
	test -s /tmp/mmc/summary.json
}

# vmtool's own fentry/fexit pair on a sched_switch program: count = run_cnt.
case_fentry_raw_tp() {
	vmtool fentry raw_tp 2
}

case_fentry_tp_btf() {
	vmtool fentry tp_btf 2
	rc=$?
	if nested_allowed; then
		[ $rc -eq 0 ] || fail "expected fentry on tp_btf to work on $(uname -r)"
	else
		[ $rc -eq 3 ] || fail "expected \"Cannot recursively attach\" on $(uname -r)"
	fi
}

# --- calibrate profile -----------------------------------------------------------

# bpfsim exists with calibrate built in (not the no-BPF stub).
need_calibrate() {
	if ! bpfsim calibrate --help >/tmp/calibrate-help 2>&1 ||
		grep -q 'built without' /tmp/calibrate-help; then
		echo "bpfsim has no working calibrate subcommand: $(head -n 1 /tmp/calibrate-help)"
		return 77
	fi
}

# profile_exact raw_tp|tp_btf: bpfsim profiles a task_rename program that
# vmtool holds and runs exactly N times (vmtool profile-exact), so what bpfsim
# recorded can be checked against the kernel's run_cnt over those runs.
#   fentry/fexit: recorded invocations = run_cnt delta within 1% (the only
#     difference: renames by anything else in the window, e.g. a new
#     kthread); the per-run time before the overhead subtraction (mean +
#     overhead) between 0.5 and 1.2 times run_time_ns/run_cnt.  The stats'
#     time encloses the fentry-to-fexit time of every run (it adds the
#     trampoline and both probe programs), so the ratio is at most 1 (up to
#     binning); measured 0.82-0.96 here.  The subtracted mean alone is not
#     compared: the overhead, measured on another (empty) program, swings
#     from 0.4 to 14 us between runs under emulation.
#   bpf_stats fallback (tp_btf before 6.9): says "Cannot recursively
#     attach" and MEANS ONLY; runs = run_cnt delta within 1%; mean_raw within
#     10% of vmtool's run_time_ns/run_cnt (the same counters, a longer window).
profile_exact() {
	kind=$1 prog=vm_rename_raw N=5000
	[ "$kind" = tp_btf ] && prog=vm_rename_btf
	need_calibrate || return $?
	vmtool profile-exact "$kind" $N bpfsim calibrate profile --prog $prog \
		--duration 6s --quiet -o /tmp/pe.yaml >/tmp/pe.txt 2>&1
	rc=$?
	nonblank /tmp/pe.txt
	[ $rc -eq 0 ] || fail "vmtool/bpfsim exit status $rc"
	set -- $(sed -n 's/.*run_cnt_delta=\([0-9]*\) run_time_ns_delta=\([0-9]*\).*/\1 \2/p' /tmp/pe.txt)
	runs=$1 rtime=$2
	[ -n "$runs" ] && [ "$runs" -gt 0 ] || fail "vmtool measured no runs"
	stats_mean=$(awk -v t="$rtime" -v r="$runs" 'BEGIN { printf "%.1f", t / r }')
	method=$(yget /tmp/pe.yaml profile.$prog.method)
	expect=fentry_fexit
	[ "$kind" = tp_btf ] && ! nested_allowed && expect=bpf_stats
	[ "$method" = "$expect" ] || fail "method '$method', expected $expect"
	if [ "$expect" = fentry_fexit ]; then
		n=$(yget /tmp/pe.yaml profile.$prog.n)
		mean=$(tons "$(yget /tmp/pe.yaml profile.$prog.mean)")
		over=$(tons "$(yget /tmp/pe.yaml profile.$prog.overhead)")
		raw=$(awk -v a="$mean" -v b="$over" 'BEGIN { print a + b }')
		echo "check: recorded n=$n vs run_cnt delta $runs (1%);" \
			"mean ${mean}ns + overhead ${over}ns = ${raw}ns vs" \
			"run_time_ns/run_cnt ${stats_mean}ns (ratio 0.5-1.2)"
		rel_within "$n" "$runs" 0.01 || fail "n=$n vs run_cnt delta $runs: beyond 1%"
		ratio_within "$raw" "$stats_mean" 0.5 1.2 ||
			fail "mean + overhead vs run_time_ns/run_cnt: ratio outside 0.5-1.2"
	else
		grep -q 'Cannot recursively attach' /tmp/pe.txt ||
			fail "no \"Cannot recursively attach\" in the output"
		grep -q 'MEANS ONLY' /tmp/pe.txt || fail "fallback not labelled MEANS ONLY"
		n=$(yget /tmp/pe.yaml profile.$prog.runs)
		raw=$(tons "$(yget /tmp/pe.yaml profile.$prog.mean_raw)")
		echo "check: bpf_stats runs=$n vs run_cnt delta $runs (1%);" \
			"mean_raw ${raw}ns vs ${stats_mean}ns (10%)"
		rel_within "$n" "$runs" 0.01 || fail "runs=$n vs run_cnt delta $runs: beyond 1%"
		rel_within "$raw" "$stats_mean" 0.1 || fail "mean_raw beyond 10%"
	fi
}

case_profile_exact_raw_tp() {
	profile_exact raw_tp
}

case_profile_exact_tp_btf() {
	profile_exact tp_btf
}

# check_fentry_target FILE KEY: a fentry/fexit profile with a non-empty
# histogram whose counts add up to n.  Where bpfsim also reports, for the
# same window, the target's run_cnt delta (runs) and run_time_ns/run_cnt
# (stats_mean): n equals runs within 1%, and the mean before the overhead
# subtraction (mean_raw, else mean + overhead) is 0.5-1.2 times stats_mean
# (as in profile_exact).  bpfsim does not report them in this
# mode yet: the line says "not reported" and profile_exact makes the exact
# comparison on a program of its own.
check_fentry_target() {
	method=$(yget "$1" profile.$2.method)
	n=$(yget "$1" profile.$2.n)
	sum=$(seqsum "$(yget "$1" profile.$2.histogram.counts)")
	runs=$(yget "$1" profile.$2.runs)
	smean=$(yget "$1" profile.$2.stats_mean)
	echo "check: $2: method=$method n=$n histogram total=$sum mean=$(yget "$1" profile.$2.mean)" \
		"p99=$(yget "$1" profile.$2.p99) fit: $(yget "$1" profile.$2.fit)" \
		"runs=${runs:-(not reported)} stats_mean=${smean:-(not reported)}"
	[ "$method" = fentry_fexit ] || fail "$2: method '$method', expected fentry_fexit"
	[ -n "$n" ] && [ "$n" -gt 0 ] || fail "$2: no invocations recorded"
	rel_within "$sum" "$n" 0.001 || fail "$2: histogram total $sum vs n $n"
	[ -z "$runs" ] || rel_within "$n" "$runs" 0.01 || fail "$2: n=$n vs runs=$runs: beyond 1%"
	[ -n "$smean" ] || return 0
	raw=$(yget "$1" profile.$2.mean_raw)
	if [ -n "$raw" ]; then
		raw=$(tons "$raw")
	else
		raw=$(awk -v a="$(tons "$(yget "$1" profile.$2.mean)")" \
			-v b="$(tons "$(yget "$1" profile.$2.overhead)")" 'BEGIN { print a + b }')
	fi
	ratio_within "$raw" "$(tons "$smean")" 0.5 1.2 ||
		fail "$2: mean before the overhead subtraction ${raw}ns vs stats_mean $smean: ratio outside 0.5-1.2"
}

# check_stats_target FILE KEY: the labelled bpf_stats fallback with runs.
check_stats_target() {
	method=$(yget "$1" profile.$2.method)
	runs=$(yget "$1" profile.$2.runs)
	echo "check: $2: method=$method runs=$runs mean=$(yget "$1" profile.$2.mean)" \
		"reason: $(yget "$1" profile.$2.reason | cut -c1-60)"
	[ "$method" = bpf_stats ] || fail "$2: method '$method', expected bpf_stats"
	[ -n "$runs" ] && [ "$runs" -gt 0 ] || fail "$2: no runs"
}

# profile_bundled VARIANT KEYPREFIX: bpfsim's own runqslower probes, driven
# by a load.  fentry_fexit expected unless the variant is tp_btf on a kernel
# before 6.9, where the fallback must say why.
profile_bundled() {
	need_calibrate || return $?
	bpfsim calibrate profile --prog "bundled:$1" --duration 3s --load $LOAD \
		--quiet -o /tmp/pb.yaml >/tmp/pb.txt 2>&1
	rc=$?
	nonblank /tmp/pb.txt
	[ $rc -eq 0 ] || fail "bpfsim exit status $rc"
	tracing=0
	case $1 in task* | *:tp_btf) tracing=1 ;; esac
	for hook in sched_wakeup sched_switch; do
		if [ $tracing = 1 ] && ! nested_allowed; then
			grep -q 'Cannot recursively attach' /tmp/pb.txt ||
				fail "no \"Cannot recursively attach\" in the output"
			grep -q 'MEANS ONLY' /tmp/pb.txt || fail "fallback not labelled MEANS ONLY"
			check_stats_target /tmp/pb.yaml "$2$hook" || return 1
		else
			check_fentry_target /tmp/pb.yaml "$2$hook" || return 1
		fi
	done
}

case_profile_hash_raw_tp() {
	profile_bundled hash:raw_tp hash_handle_
}

case_profile_task() {
	profile_bundled task task_
}

# bundled:hash lets the loader choose: tp_btf where the kernel has it; where
# fentry/fexit on tp_btf is refused, bpfsim reloads the raw_tp variant.
case_profile_hash_auto() {
	need_calibrate || return $?
	bpfsim calibrate profile --prog bundled:hash --duration 3s --load $LOAD \
		--quiet -o /tmp/pa.yaml >/tmp/pa.txt 2>&1
	rc=$?
	nonblank /tmp/pa.txt
	[ $rc -eq 0 ] || fail "bpfsim exit status $rc"
	if nested_allowed; then
		grep -q 'loaded as tp_btf' /tmp/pa.txt || fail "expected the tp_btf variant"
		prefix=hash_
	else
		grep -q 'reloading the bundled hash probes as raw_tp' /tmp/pa.txt ||
			fail "expected a reload as raw_tp after the tp_btf refusal"
		prefix=hash_handle_
	fi
	for hook in sched_wakeup sched_switch; do
		check_fentry_target /tmp/pa.yaml "$prefix$hook" || return 1
	done
}

# Kill `profile` mid-run (fentry/fexit attached, load running): afterwards
# the kernel holds exactly the programs it held before, and no bpfsim
# process (nor load generator child) is left.  TERM and INT go through
# bpfsim's cleanup; KILL leaves it to the kernel (fds closed at exit).
killed() {
	sig=$1
	need_calibrate || return $?
	vmtool progs >/tmp/before
	rm -f /tmp/progs
	bpfsim calibrate profile --prog bundled:hash:raw_tp --duration 600s \
		--load $LOAD --quiet >/tmp/k.txt 2>&1 &
	pid=$!
	i=0
	until grep -q ' bs_fexit$' /tmp/progs 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 600 ] || { kill -KILL $pid; fail "profile never attached"; }
		sleep 0.1
		vmtool progs >/tmp/progs
	done
	echo "attached: $(grep -c . /tmp/progs) programs loaded (before: $(grep -c . /tmp/before))"
	sleep 1
	kill -"$sig" $pid
	wait $pid
	echo "bpfsim exit status after SIG$sig: $?"
	i=0
	while :; do
		vmtool progs >/tmp/after
		left=$(pidof bpfsim)
		cmp -s /tmp/before /tmp/after && [ -z "$left" ] && break
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "left loaded:"; grep -vxFf /tmp/before /tmp/after
			echo "left running: ${left:-none}"
			fail "programs or processes left 10 s after SIG$sig"
		fi
		sleep 0.1
	done
	echo "after SIG$sig: the same $(grep -c . /tmp/after) programs as before, no bpfsim process" \
		"(clean after $((i / 10)).$((i % 10)) s)"
}

case_killed_term() {
	killed TERM
}

case_killed_int() {
	killed INT
}

case_killed_kill() {
	killed KILL
}

# --- calibrate workload and storage: shape and plumbing ---------------------------

case_calibrate_workload() {
	need_calibrate || return $?
	bpfsim calibrate workload --load spawn:100 --duration 3s --quiet \
		-o /tmp/w.yaml >/tmp/w.txt 2>&1
	rc=$?
	nonblank /tmp/w.txt | head -n 12
	[ $rc -eq 0 ] || fail "bpfsim exit status $rc"
	for d in wait lifetime spawn_interarrival; do
		n=$(yget /tmp/w.yaml workload.$d.n)
		echo "check: workload.$d: n=$n mean=$(yget /tmp/w.yaml workload.$d.mean)"
		[ -n "$n" ] && [ "$n" -gt 0 ] || fail "workload.$d: nothing measured"
	done
	[ -n "$(yget /tmp/w.yaml workload.spawn_rate)" ] || fail "no workload.spawn_rate"
}

case_calibrate_storage() {
	need_calibrate || return $?
	bpfsim calibrate storage --occupancy 0,1k --active 2 --duration 1s --quiet \
		-o /tmp/s.yaml >/tmp/s.txt 2>&1
	rc=$?
	nonblank /tmp/s.txt
	[ $rc -eq 0 ] || fail "bpfsim exit status $rc"
	for p in hash.insert hash.replace hash.lookup hash.delete task_storage.get_wake task_storage.get_switch task_storage.recreate; do
		n=$(yget /tmp/s.yaml storage.$p.n)
		echo "check: storage.$p: n=$n mean=$(yget /tmp/s.yaml storage.$p.mean)"
		[ -n "$n" ] && [ "$n" -gt 0 ] || fail "storage.$p: nothing measured"
	done
	for p in hash.occupancy_factor hash.program_mean task_storage.program_mean; do
		v=$(yget /tmp/s.yaml storage.$p)
		echo "check: storage.$p: $v"
		[ -n "$v" ] || fail "no storage.$p"
	done
}

# Stats are enabled through a file descriptor, never left on by the sysctl.
case_stats_sysctl_off() {
	v=$(cat /proc/sys/kernel/bpf_stats_enabled) || return 1
	echo "kernel.bpf_stats_enabled = $v"
	[ "$v" = 0 ]
}

# --- driver --------------------------------------------------------------------

# Tests in order, each with its time limit (s, guest clock; generous: the
# emulation's speed varies with the host's load).
TESTS="
version 30
lockdown_none 10
btf 10
bpfsim_run 120
fentry_raw_tp 60
fentry_tp_btf 60
profile_exact_raw_tp 120
profile_exact_tp_btf 120
profile_hash_raw_tp 180
profile_task 180
profile_hash_auto 180
killed_term 120
killed_int 120
killed_kill 120
"
in_suite workload && TESTS="$TESTS
calibrate_workload 400
"
in_suite storage && TESTS="$TESTS
calibrate_storage 600
"
TESTS="$TESTS
stats_sysctl_off 10
"

if [ "${1:-}" = case ]; then
	"case_$2"
	exit $?
fi

failed=0
set -- $TESTS
while [ $# -ge 2 ]; do
	name=$1 limit=$2
	shift 2
	t0=$(date +%s)
	timeout -s KILL "$limit" sh "$0" case "$name" >"/tmp/$name.log" 2>&1
	rc=$?
	dt=$(($(date +%s) - t0))
	label=$(echo "$name" | tr _ -)
	if [ "$rc" -eq 0 ]; then
		echo "PASS $label (${dt}s)"
	elif [ "$rc" -eq 77 ]; then
		echo "SKIP $label: $(head -n 1 "/tmp/$name.log")"
		continue
	elif [ "$rc" -eq 137 ]; then
		echo "FAIL $label (${dt}s): killed after the ${limit}s limit"
		failed=1
	else
		echo "FAIL $label (${dt}s): $(tail -n 1 "/tmp/$name.log")"
		failed=1
	fi
	sed 's/^/    /' "/tmp/$name.log"
done
exit $failed
