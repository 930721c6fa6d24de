#!/bin/sh
# validate.sh - bpfsim validate: usage, the refusal without privileges, and
# one short live run of each storage kind.
#
# Pins:
#   - `validate --help` exits 0, starts "usage: bpfsim validate" and names
#     its options; usage errors exit 2 before anything is loaded or written
#     (a bad --storage, --loads, --duration, --tolerance, --reps, an unknown
#     option, a stray argument);
#   - as an unprivileged user (setpriv, when there is one): exit 1 with a
#     message naming root/CAP_BPF, no output folder;
#   - live (root + BTF; else SKIP with the reason): one short spawn load,
#     both storage kinds, completes with exit 0 and writes validation.csv
#     with a row per metric and kind (22) whose measured and predicted
#     columns are finite for the BPF time per run and the rate of
#     sched_wakeup and sched_switch, the BPF share, the overhead ratio and
#     the waits, and a recursion_misses count (<= 100: ~0 expected) last;
#     measured.csv with the three programs' recursion_misses, both
#     calibration files and both scenarios;
#     the table on stdout; `bpfsim run` reruns a generated scenario; none
#     of our programs stays loaded; kernel.bpf_stats_enabled is unchanged;
#   - --from DIR (no root): the fixture's row simulated gives 11 rows,
#     the same bytes with 1 and 2 threads; --set is applied (the prediction
#     moves, the measured side does not) and named in the scenario's rerun
#     line; a missing folder or a bad measured.csv row: exit 2 with
#     path:line:col, nothing written; live: --from the live run's folder
#     gives its validation.csv byte for byte;
#   - `bpfsim plot` of the folder writes validate.dat and validate.gp
#     (validate.png where gnuplot is installed).
# Live runs share calibrate_live.sh's lock.  ~20 s on 2 cores.
# Does not pin: the values (they are this host's, README "How accurate is
# it?"), the verdicts.
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
SRCDIR=$PWD
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$BPFSIM" validate --help >"$tmp/help" 2>&1 || fail "validate --help exited $?"
head -1 "$tmp/help" | grep -q '^usage: bpfsim validate' || fail "help: no usage line"
for w in --storage --loads --duration --tolerance --out --reps; do
	grep -q -- "$w" "$tmp/help" || fail "validate --help does not mention $w"
done

usage() { # usage EXPECTED-STDERR-PART ARGS...
	want=$1; shift
	"$BPFSIM" validate "$@" -o "$tmp/never" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "validate $* exited $rc, want 2"
	grep -qF -- "$want" "$tmp/err" ||
		fail "validate $*: stderr lacks '$want': $(cat "$tmp/err")"
	[ ! -e "$tmp/never" ] || fail "validate $* wrote its output folder"
}
usage "--storage takes hash, task_storage or both" --storage lru
usage "--loads: unknown load 'forks'" --loads forks:3
usage "--loads: 'none' is no load" --loads none
usage "--duration takes a time from 100ms to 1h" --duration 5
usage "--tolerance takes a number" --tolerance 0
usage "--reps takes a whole number" --reps 1
usage "unknown option '--bogus'" --bogus
usage "unexpected argument 'x'" x

usage "--set takes KEY=VALUE" --set runqueue
usage "--from re-simulates the bundled probes" --from tests/validate-from --tool runqslower

# --from: an earlier run's measurements simulated again, no root needed
# (tests/validate-from: one row of this host's sleepers:64 run, hash).
from=$SRCDIR/tests/validate-from
"$BPFSIM" validate --from "$from" -o "$tmp/f1" --reps 3 --threads 2 --no-plots \
	--quiet >"$tmp/f1.out" 2>"$tmp/f1.err" || fail "validate --from exited $?: $(cat "$tmp/f1.err")"
rows=$(awk 'NR > 1' "$tmp/f1/validation.csv" 2>/dev/null | wc -l)
[ "$rows" -eq 11 ] || fail "validate --from: validation.csv has $rows rows, want 11"
for f in measured.csv calibration-sleepers-64-hash.yaml scenario-sleepers-64-hash.yaml; do
	[ -s "$tmp/f1/$f" ] || fail "validate --from wrote no $f"
done
"$BPFSIM" validate --from "$from" -o "$tmp/f2" --reps 3 --threads 1 --no-plots \
	--quiet >/dev/null 2>&1
cmp -s "$tmp/f1/validation.csv" "$tmp/f2/validation.csv" ||
	fail "validate --from: two runs (1 and 2 threads) differ"
"$BPFSIM" validate --from "$from" -o "$tmp/f3" --reps 3 --threads 2 --no-plots \
	--quiet --set runqueue=fifo --set placement=random >/dev/null 2>"$tmp/f3.err" ||
	fail "validate --from --set exited $?: $(cat "$tmp/f3.err")"
grep -q "Rerun: bpfsim run THIS-FILE --set 'runqueue=fifo' --set 'placement=random'" \
	"$tmp/f3/scenario-sleepers-64-hash.yaml" || fail "the scenario's rerun line lacks the --set overrides"
sw() { grep ',runs_per_s_sched_switch,' "$1" | cut -d, -f6; }
[ "$(sw "$tmp/f1/validation.csv")" != "$(sw "$tmp/f3/validation.csv")" ] ||
	fail "validate --from --set placement=random did not change the prediction"
meas() { grep ',runs_per_s_sched_switch,' "$1" | cut -d, -f5; }
[ "$(meas "$tmp/f1/validation.csv")" = "$(meas "$tmp/f3/validation.csv")" ] ||
	fail "validate --from --set changed the measured side"
"$BPFSIM" validate --from "$tmp/nowhere" -o "$tmp/f4" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "nowhere/measured.csv: cannot read it" "$tmp/err" ||
	fail "validate --from a missing folder: exit $rc, $(cat "$tmp/err")"
mkdir -p "$tmp/badfrom"
{ head -1 "$from/measured.csv"; echo "sleepers:64,hash,tp_btf,2,5,oops"; } >"$tmp/badfrom/measured.csv"
"$BPFSIM" validate --from "$tmp/badfrom" -o "$tmp/f5" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "badfrom/measured.csv:2:1: not a row of measured.csv" "$tmp/err" ||
	fail "validate --from a bad measured.csv: exit $rc, $(cat "$tmp/err")"
[ ! -e "$tmp/f5" ] || fail "validate --from a bad measured.csv wrote its output folder"

# Without privileges: a clear refusal, exit 1, nothing written.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$BPFSIM" validate --loads spawn:10 --duration 100ms \
		-o "$tmp/unpriv" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "unprivileged validate exited $rc, want 1: $(cat "$tmp/err")"
	grep -q 'root\|CAP_BPF\|without BPF support' "$tmp/err" ||
		fail "unprivileged validate: no reason: $(cat "$tmp/err")"
	[ ! -e "$tmp/unpriv" ] || fail "unprivileged validate wrote its output folder"
fi

skip() { echo "SKIP: live validation: $*"; [ "$fails" -eq 0 ] || exit 1; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "not root (needs root or CAP_BPF + CAP_PERFMON)"
[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF (/sys/kernel/btf/vmlinux)"
msg=$("$BPFSIM" calibrate workload --duration 100ms --quiet 2>&1)
case $msg in
*"built without BPF support"*)
	skip "the build lacked $(echo "$msg" | sed -n 's/.*the build lacked: \([^.]*\)\..*/\1/p')" ;;
esac
exec 9>/tmp/bpfsim-calibrate-live.lock
flock -w 300 9 || skip "another live calibration test held the lock for 5 minutes"
OURS='^[0-9]+: [a-z_]+ +name (sched_wakeup|sched_wakeup_new|sched_switch|sched_process_fork|sched_process_exit|handle_sched_[a-z_]+|stats_floor|stats_floor_raw|irq_handler_[a-z]+|softirq_e[a-z]+|local_timer_[a-z]+|reschedule_[a-z]+|call_function[a-z_]*) '
BPFTOOL=$(command -v bpftool || ls /usr/sbin/bpftool /sbin/bpftool 2>/dev/null | head -1)
ours_left() {
	[ -n "$BPFTOOL" ] || return 1
	k=0
	while [ $k -lt 30 ]; do
		"$BPFTOOL" prog show 2>/dev/null | grep -qE "$OURS" || return 1
		sleep 0.1
		k=$((k + 1))
	done
	"$BPFTOOL" prog show 2>/dev/null | grep -E "$OURS"
}
stats0=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null)

t0=$(date +%s)
out=$tmp/v
"$BPFSIM" validate --loads spawn:300 --duration 1s --reps 3 --threads 2 --no-plots \
	--quiet -o "$out" >"$tmp/v.out" 2>"$tmp/v.err"
rc=$?
[ "$rc" -eq 0 ] || fail "validate exited $rc: $(cat "$tmp/v.err")"
for f in validation.csv measured.csv calibrate.log \
	calibration-spawn-300-hash.yaml calibration-spawn-300-task_storage.yaml \
	scenario-spawn-300-hash.yaml scenario-spawn-300-task_storage.yaml; do
	[ -s "$out/$f" ] || fail "no $f"
done
rows=$(awk 'NR > 1' "$out/validation.csv" | wc -l)
[ "$rows" -eq 22 ] || fail "validation.csv has $rows rows, want 22"
for kind in hash task_storage; do
	for m in per_run_sched_wakeup per_run_sched_switch runs_per_s_sched_wakeup \
		runs_per_s_sched_switch bpf_share overhead_ratio wait_p50 wait_p99; do
		line=$(grep "^spawn:300,$kind,$m," "$out/validation.csv")
		meas=$(echo "$line" | cut -d, -f5)
		pred=$(echo "$line" | cut -d, -f6)
		for v in "$meas" "$pred"; do
			case $v in
			''|nan|inf|-inf|null) fail "$kind $m: not finite ('$meas', '$pred')" ;;
			esac
		done
	done
done
# recursion_misses: the last column of validation.csv, three in
# measured.csv; counts (~0 for these hooks: at most 100 passes).
head -1 "$out/validation.csv" | grep -q ',verdict,recursion_misses$' ||
	fail "validation.csv has no recursion_misses column: $(head -1 "$out/validation.csv")"
bad=$(awk -F, 'NR > 1 && !($NF ~ /^[0-9]+$/ && $NF <= 100)' "$out/validation.csv")
[ -z "$bad" ] || fail "recursion_misses not a count near 0: $bad"
head -1 "$out/measured.csv" | grep -q 'recursion_misses_sched_wakeup,recursion_misses_sched_wakeup_new,recursion_misses_sched_switch$' ||
	fail "measured.csv lacks the recursion_misses columns"
grep -q 'verdict  recursion_misses' "$tmp/v.out" || fail "the table has no recursion_misses column"
grep -q 'BPF share of CPU: [0-9]* of 2' "$tmp/v.out" || fail "no summary line: $(cat "$tmp/v.out")"
grep -q '^-- spawn:300, task_storage' "$tmp/v.out" || fail "the table lacks task storage"
"$BPFSIM" run "$out/scenario-spawn-300-hash.yaml" --reps 2 --quiet --no-plots \
	-o "$tmp/rerun" >/dev/null 2>"$tmp/rerun.err" ||
	fail "the generated scenario does not rerun: $(cat "$tmp/rerun.err")"
# The same measurements simulated again (--from, same seed, replications
# and simulated time): the same rows.
"$BPFSIM" validate --from "$out" -o "$tmp/again" --reps 3 --threads 2 --sim-duration 1s \
	--no-plots --quiet >/dev/null 2>"$tmp/again.err" ||
	fail "validate --from the live run exited $?: $(cat "$tmp/again.err")"
cmp -s "$out/validation.csv" "$tmp/again/validation.csv" ||
	fail "validate --from the live run's folder gives other rows: $(diff "$out/validation.csv" "$tmp/again/validation.csv" | head -5)"
loaded=$(ours_left) && fail "programs left after validate: $loaded"
stats1=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null)
[ "$stats0" = "$stats1" ] || fail "kernel.bpf_stats_enabled changed: $stats0 -> $stats1"

"$BPFSIM" plot "$out" >"$tmp/plot.out" 2>"$tmp/plot.err" ||
	fail "plot exited $?: $(cat "$tmp/plot.err")"
[ -s "$out/validate.dat" ] && [ -s "$out/validate.gp" ] || fail "plot wrote no validate.dat/.gp"
if command -v gnuplot >/dev/null 2>&1; then
	[ -s "$out/validate.png" ] || fail "gnuplot is here but validate.png was not drawn"
fi

[ "$fails" -eq 0 ] || exit 1
echo "ok: validate usage, refusal without privileges, one live load of each storage kind ($(( $(date +%s) - t0 ))s)"
