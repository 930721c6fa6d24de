#!/bin/sh
# The check-vm guest tests: run inside the VM by /init (tests/vm/init), with
# busybox, /bin/bpfsim (static) and /bin/vmtool (tests/vm/vmtool.c) and the
# scenarios under /scenarios.
#
# Output protocol, read by scripts/check-vm.sh: one line per test,
#   PASS NAME (Ns)  |  FAIL NAME (Ns): why  |  SKIP NAME: why
# at the start of a line, each followed by the test's own output indented by
# four spaces (the measurements the note quotes).  Exit status: 0 when
# nothing failed.
#
# Each test runs as `sh guest-tests.sh case NAME` under busybox `timeout`, so
# a hung test is killed and reported without taking the others with it.
# A case returns 0 (pass), 77 (skip, first output line says why) or anything
# else (fail).
#
# Durations measured here are inflated by emulation (TCG): the tests check
# counts, control flow and plumbing, never speed.

# --- smoke: the guest can do what calibration needs ---------------------------

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

case_fentry_raw_tp() {
	vmtool fentry-raw-tp 2
}

case_fentry_tp_btf_refused() {
	vmtool fentry-tp-btf
}

# --- calibration (issue 9): only once `bpfsim calibrate` exists -----------------

# Prints why and returns 77 when this bpfsim has no calibrate subcommand.
need_calibrate() {
	if ! bpfsim calibrate --help >/tmp/calibrate-help 2>&1; then
		echo "bpfsim has no working calibrate subcommand: $(head -n 1 /tmp/calibrate-help)"
		return 77
	fi
}

case_calibrate_help() {
	need_calibrate || return $?
	cat /tmp/calibrate-help
}

# --- driver ------------------------------------------------------------------

# Tests in order, each with its time limit (s, guest clock).
TESTS="
version 30
lockdown_none 10
btf 10
bpfsim_run 120
fentry_raw_tp 60
fentry_tp_btf_refused 60
calibrate_help 30
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
		echo "FAIL $label (${dt}s): exit status $rc"
		failed=1
	fi
	sed 's/^/    /' "/tmp/$name.log"
done
exit $failed
