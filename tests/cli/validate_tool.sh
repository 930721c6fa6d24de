#!/bin/sh
# validate_tool.sh - bpfsim validate --tool: argument checking, and one short
# live run of two real libbpf-tools binaries.
#
# Pins:
#   - `validate --help` names --tool and --run-tolerance; usage errors exit 2
#     with one message and write nothing: an unknown tool (with a
#     suggestion for a misspelt one, the known list otherwise), a tool given
#     twice, --storage with --tool, a bad --run-tolerance; without
#     privileges exit 1 with the reason, nothing written; a missing
#     binary (BPFSIM_TOOLS_DIR elsewhere) exit 1 naming the package;
#   - live (root + BTF + a build with BPF support + Debian's libbpf-tools
#     binaries; else SKIP with the reason): runqlat (tp_btf, scheduler
#     hooks) and syscount (classic tracepoints: tracefs) for 1 s each
#     complete with exit 0 and write validation.csv with 8 + 6 rows
#     (2 per program + bpf_share + cpu_busy), measured and predicted cost per
#     run and runs per second finite for runqlat's sched_switch and
#     syscount's sys_exit (which ran), syscount's sys_enter (loaded, not
#     attached without -L) with no run and no verdict; measured.csv with
#     each program's id; the table on stdout; every program id the tools
#     had is gone afterwards; tracefs mounted as before and
#     kernel.bpf_stats_enabled unchanged; the primitives timed on each
#     tool's hook (sched_switch, sys_exit) into its calibration file and
#     used by its scenario (syscount's hash lookups too, and a fitted
#     system-call rate), which reruns with bpfsim run.
# Does not pin: the values or verdicts (this host's: README "How accurate
# is it?").  Live runs share calibrate_live.sh's lock.  ~40 s on 2 cores.
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$BPFSIM" validate --help >"$tmp/help" 2>&1 || fail "validate --help exited $?"
for w in --tool --run-tolerance runqslower runqlat cpudist syscount; do
	grep -q -- "$w" "$tmp/help" || fail "validate --help does not mention $w"
done

usage() { # usage EXPECTED-STDERR-PART ARGS...
	want=$1; shift
	"$BPFSIM" validate "$@" -o "$tmp/never" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "validate $* exited $rc, want 2"
	grep -qF -- "$want" "$tmp/err" ||
		fail "validate $*: stderr lacks '$want': $(cat "$tmp/err")"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "validate $*: not one line: $(cat "$tmp/err")"
	[ ! -s "$tmp/out" ] || fail "validate $*: wrote to stdout"
	[ ! -e "$tmp/never" ] || fail "validate $* wrote its output folder"
}
usage "--tool: unknown tool 'runqslowr' (did you mean 'runqslower'?)" --tool runqslowr
usage "--tool: unknown tool 'syscnt' (did you mean 'syscount'?)" --tool runqlat,syscnt
usage "--tool: unknown tool 'biolatency' (known: runqslower, runqlat, cpudist, syscount)" \
	--tool biolatency
usage "--tool: 'cpudist' given twice" --tool cpudist,cpudist
usage "--storage does not apply with --tool" --tool runqlat --storage hash
usage "--run-tolerance takes a number in (0, 100]" --tool runqlat --run-tolerance 0
usage "--tool needs at least one tool" --tool ,

# Without privileges: a clear refusal, exit 1, nothing written.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$BPFSIM" validate --tool runqlat --duration 100ms \
		-o "$tmp/unpriv" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "unprivileged validate --tool exited $rc, want 1: $(cat "$tmp/err")"
	grep -q 'root\|CAP_BPF\|without BPF support' "$tmp/err" ||
		fail "unprivileged validate --tool: no reason: $(cat "$tmp/err")"
	[ ! -e "$tmp/unpriv" ] || fail "unprivileged validate --tool wrote its output folder"
fi

skip() { echo "SKIP: live validate --tool: $*"; [ "$fails" -eq 0 ] || exit 1; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "not root (needs root or CAP_BPF + CAP_PERFMON)"
[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF (/sys/kernel/btf/vmlinux)"
msg=$("$BPFSIM" calibrate workload --duration 100ms --quiet 2>&1)
case $msg in
*"built without BPF support"*)
	skip "the build lacked $(echo "$msg" | sed -n 's/.*the build lacked: \([^.]*\)\..*/\1/p')" ;;
esac
for b in runqlat syscount; do
	[ -x /usr/sbin/$b ] || [ -x /usr/bin/$b ] ||
		skip "no $b binary (Debian's libbpf-tools: make deps)"
done
BPFTOOL=$(command -v bpftool || ls /usr/sbin/bpftool /sbin/bpftool 2>/dev/null | head -1)
exec 9>/tmp/bpfsim-calibrate-live.lock
flock -w 300 9 || skip "another live calibration test held the lock for 5 minutes"
# A missing binary: exit 1 with what to install, nothing written.
BPFSIM_TOOLS_DIR=$tmp/nowhere "$BPFSIM" validate --tool cpudist -o "$tmp/nobin" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "validate --tool without the binary exited $rc, want 1"
grep -q "cpudist is not installed (looked in .*): install Debian's libbpf-tools" "$tmp/err" ||
	fail "no reason for the missing binary: $(cat "$tmp/err")"
[ ! -e "$tmp/nobin" ] || fail "validate --tool without the binary wrote its folder"
stats0=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null)
tracefs0=$(grep -c ' tracefs ' /proc/mounts)

out=$tmp/v
"$BPFSIM" validate --tool runqlat,syscount --duration 1s --reps 2 --threads 2 \
	--quiet -o "$out" >"$tmp/v.out" 2>"$tmp/v.err"
rc=$?
[ "$rc" -eq 0 ] || fail "validate --tool exited $rc: $(cat "$tmp/v.err")"
for f in validation.csv measured.csv calibrate.log \
	calibration-runqlat-sleepers-64.yaml scenario-runqlat-sleepers-64.yaml \
	tool-runqlat-sleepers-64.log calibration-syscount-syscalls-200k.yaml \
	scenario-syscount-syscalls-200k.yaml; do
	[ -s "$out/$f" ] || fail "no $f"
done
head -1 "$out/validation.csv" | grep -q '^tool,load,metric,unit,measured,predicted,ci_low,ci_high,replications,rel_error,tolerance,verdict,recursion_misses$' ||
	fail "validation.csv header: $(head -1 "$out/validation.csv")"
rows=$(awk 'NR > 1' "$out/validation.csv" | wc -l)
[ "$rows" -eq 14 ] || fail "validation.csv has $rows rows, want 14"
finite() { # finite TOOL METRIC: measured and predicted are numbers
	line=$(grep "^$1,[^,]*,$2," "$out/validation.csv")
	[ -n "$line" ] || { fail "no row $1 $2"; return; }
	for c in 5 6; do
		v=$(echo "$line" | cut -d, -f$c)
		case $v in
		''|nan|inf|-inf) fail "$1 $2: column $c not finite: $line" ;;
		esac
	done
}
for m in per_run_sched_switch runs_per_s_sched_switch per_run_sched_wakeup \
	bpf_share cpu_busy; do
	finite runqlat $m
done
for m in per_run_sys_exit runs_per_s_sys_exit bpf_share; do
	finite syscount $m
done
grep -q '^syscount,[^,]*,runs_per_s_sys_enter,1/s,0,nan,.*,none,' "$out/validation.csv" ||
	fail "sys_enter (not attached without -L) should not run and have no verdict: $(grep sys_enter "$out/validation.csv")"
grep -q '^runqlat,[^,]*,bpf_share,ratio,.*,0\.25,\(ok\|miss\),' "$out/validation.csv" ||
	fail "runqlat's bpf_share row has no verdict at 0.25"
grep -q '^runqlat,[^,]*,per_run_sched_switch,ns,.*,0\.2[0-9]*,\(ok\|miss\),' "$out/validation.csv" ||
	fail "runqlat's per-run row has no verdict at 0.2"
# The primitives timed on each tool's hook, used by its scenario; syscount's
# hash operations and its fitted system-call rate.
grep -q '^  meta:$' "$out/calibration-runqlat-sleepers-64.yaml" || fail "no calibration meta"
grep -q '^    hook: sched_switch$' "$out/calibration-runqlat-sleepers-64.yaml" ||
	fail "runqlat's primitives not timed on sched_switch"
grep -q '^    hook: sys_exit$' "$out/calibration-syscount-syscalls-200k.yaml" ||
	fail "syscount's primitives not timed on sys_exit"
grep -q 'probe_read_kernel: {from: calibration.primitives.helpers.probe_read_kernel, use: empirical}' \
	"$out/scenario-runqlat-sleepers-64.yaml" || fail "runqlat's scenario does not use the primitives"
grep -q 'lookup: {from: calibration.primitives.hash.lookup, use: empirical}' \
	"$out/scenario-syscount-syscalls-200k.yaml" || fail "syscount's hash lookups not from its hook"
grep -q '^  syscalls: {rate: [0-9.e+]*, ids: [0-9]*}$' "$out/scenario-syscount-syscalls-200k.yaml" ||
	fail "syscount's scenario has no fitted system-call rate"
"$BPFSIM" run "$out/scenario-syscount-syscalls-200k.yaml" --reps 2 --quiet --no-plots \
	--set duration=100ms -o "$tmp/rerun" >/dev/null 2>"$tmp/rerun.err" ||
	fail "the generated scenario does not rerun: $(cat "$tmp/rerun.err")"
grep -q '^-- runqlat (libbpf-tools), sleepers:64$' "$tmp/v.out" || fail "table: no runqlat block"
grep -q '^-- syscount (libbpf-tools), syscalls:200k$' "$tmp/v.out" || fail "table: no syscount block"
grep -q '^per-run cost within its tolerance: [0-9]* of [0-9]* programs, every program in [0-9]* of 2 (tool, load) rows; BPF share: [0-9]* of 2' \
	"$tmp/v.out" || fail "no summary line: $(cat "$tmp/v.out")"
# Every program the tools had is gone (ids from measured.csv).
ids=$(awk -F, 'NR > 1 && $4 > 0 { print $4 }' "$out/measured.csv")
[ "$(echo "$ids" | wc -w)" -ge 4 ] || fail "measured.csv names $(echo "$ids" | wc -w) program ids, want >= 4"
if [ -n "$BPFTOOL" ]; then
	for id in $ids; do
		"$BPFTOOL" prog show id "$id" >/dev/null 2>&1 &&
			fail "program $id is still loaded after validate --tool"
	done
fi
pgrep -x runqlat >/dev/null && fail "a runqlat process is left"
pgrep -x syscount >/dev/null && fail "a syscount process is left"
[ "$(grep -c ' tracefs ' /proc/mounts)" -eq "$tracefs0" ] ||
	fail "tracefs mounts changed: $tracefs0 -> $(grep -c ' tracefs ' /proc/mounts)"
stats1=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null)
[ "$stats0" = "$stats1" ] || fail "kernel.bpf_stats_enabled changed: $stats0 -> $stats1"

[ "$fails" -eq 0 ] || exit 1
echo "ok: validate --tool (usage, runqlat and syscount live)"
