#!/bin/sh
# hostile.sh - hostile input is refused, never wrapped, clamped or ignored
# (issue 20, classes 1, 2, 4, 6 and 7).
#
# Pins: a report written to a full device (/dev/full) exits 1 with
# "cannot write to standard output" on stderr, for run and for --version;
# calibrate profile --prog with a negative, zero or out-of-u32 id exits 2
# with a usage message before anything is loaded; --shard past 2^32 (which
# %u wrapped), an empty --out or --resume, validate --seed 2^53 + 1, and
# a --strategies or calibrate list longer than its buffer exit 2; a trace line holding a
# negative number or one beyond 2^64-1 exits 2 with "file:line:col:" at
# that trace line; seed 2^63 (scenario key and --seed) exits 2, 2^63-1 is
# accepted; a capacity --param template without {} exits 2, and a
# scenario's template stays with its own parameter; a duration that
# rounds to 0ns exits 2 with "rounds to 0ns"; an empirical duration with a
# negative edge exits 2 with the edge's position; a batch of 4e9 spawns
# (one event) stops on SIGINT (130) and on caps.max_wall (capped); a run
# whose clock runs out without a duration ends capped by "horizon" (not
# an internal error, not "done"), and that cap survives shards merged; a
# cost factor that makes a hook cost pass the horizon fails its
# replication (exit 1) with a message; a folder made from another trace's
# lines is refused by --resume and merge.  The scenarios refused at load
# for the horizon are in tests/bad/ (horizon_*.yaml).
# Does not pin: the whole wording of the messages, the output folder's
# contents.
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
root=$PWD

# expect STATUS STDERR-PART CMD ARGS...: run, check status and stderr
# (an empty STDERR-PART checks the status only).
expect() {
	want_rc=$1 want=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq "$want_rc" ] || fail "$*: exit $rc, want $want_rc: $(head -c 400 "$tmp/err")"
	[ -z "$want" ] || grep -qF -- "$want" "$tmp/err" ||
		fail "$*: stderr lacks '$want': $(head -c 400 "$tmp/err")"
}

# 1. Standard output on a full device.
if [ -c /dev/full ]; then
	"$BPFSIM" run "$root/scenarios/mmc.yaml" --reps 2 --quiet --no-plots \
		--out "$tmp/full" --format json >/dev/full 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "run >/dev/full exited $rc, want 1"
	grep -q "bpfsim: cannot write to standard output: " "$tmp/err" ||
		fail "run >/dev/full: stderr lacks the write error: $(cat "$tmp/err")"
	"$BPFSIM" --version >/dev/full 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "--version >/dev/full exited $rc, want 1"
	"$BPFSIM" run "$root/scenarios/mmc.yaml" --bogus >/dev/full 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "bad option >/dev/full exited $rc, want 2 (kept)"
else
	echo "skip: /dev/full is missing, stdout write errors not tested"
fi

# 2. calibrate profile --prog: ids are u32 and never 0; checked first.
for id in -5 0 +7 4294967296 99999999999999999999999; do
	expect 2 "--prog takes a program id in 1..4294967295" \
		"$BPFSIM" calibrate profile --prog "$id"
done

# 2b. Numbers and lists on the command line are read whole or refused:
#     --shard's %u wrapped 4294967297/4294967298 to 1/2 and 1/4294967297
#     to 1/1; an empty --out or --resume failed late with exit 1 (cannot
#     create directory); lists longer than their buffer were cut.
for sh in 4294967297/4294967298 1/4294967297 99999999999999999999/2; do
	expect 2 "--shard is I/N with 1 <= I <= N <= 1000000 (got '$sh')" \
		"$BPFSIM" run "$root/scenarios/mmc.yaml" --shard "$sh" --quiet \
		--no-plots --out "$tmp/osh"
done
expect 2 "--out takes a folder (got '')" \
	"$BPFSIM" run "$root/scenarios/mmc.yaml" --quiet --no-plots --out ''
expect 2 "--resume takes a folder (got '')" \
	"$BPFSIM" sweep "$root/scenarios/mmc.yaml" --quiet --no-plots --resume ''
long=$(printf '%0600d' 0 | tr 0 a)
expect 2 "--strategies: is too long" \
	"$BPFSIM" compare "$root/scenarios/runqslower.yaml" --strategies "hash,$long" \
	--quiet --no-plots --out "$tmp/ost"
expect 2 "--occupancy is too long" \
	"$BPFSIM" calibrate storage --occupancy "$(printf '0%.0s' $(seq 1 600))"
# validate --seed is 0..2^53: 2^53 + 1 read through a double became 2^53.
expect 2 "--seed takes a whole number in 0..9007199254740992 (got '9007199254740993')" \
	"$BPFSIM" validate --seed 9007199254740993 --loads ''
[ -e "$tmp/osh" ] || [ -e "$tmp/ost" ] && fail "a refused option wrote a folder"

mmc() { # mmc FILE EXTRA-LINES: a small M/M/1 scenario
	{ printf 'model: mmc\nservers: 1\narrival: exponential(1us)\n'
	  printf 'service: exponential(500ns)\ncustomers: 100\n'
	  printf 'warmup_customers: 10\nreplications: 2\n'
	  [ -n "$2" ] && printf '%s\n' "$2"; } >"$1"
}
cd "$tmp" || exit 1

# 3. Trace lines: no wrapping of -5, no clamping at 2^64-1.
printf 'model: runqslower\nduration: 10ms\nreplications: 2\nworkload:\n  arrival: trace\n  trace: t.csv\n' >trace.yaml
printf 'spawn_ns,demand_ns\n0,1000\n5,-5\n' >t.csv
expect 2 "t.csv:3:3: demand_ns must not be negative" \
	"$BPFSIM" run trace.yaml --quiet --no-plots --out o3a
printf '0,1000\n99999999999999999999999,1000\n' >t.csv
expect 2 "t.csv:2:1: spawn_ns '99999999999999999999999' is beyond" \
	"$BPFSIM" run trace.yaml --quiet --no-plots --out o3b
printf -- '-5,1000\n' >t.csv
expect 2 "t.csv:1:1: spawn_ns must not be negative" \
	"$BPFSIM" run trace.yaml --quiet --no-plots --out o3c
printf '0 , 1000 \n10,2000\r\n' >t.csv
expect 0 "" "$BPFSIM" run trace.yaml --quiet --no-plots --out o3d

# 4. Seeds: 0..2^63-1 for the scenario key and for --seed alike.
mmc seed.yaml 'seed: 9223372036854775808'
expect 2 "seed.yaml:8:7: 'seed' must be <= 9223372036854775807" \
	"$BPFSIM" run seed.yaml --quiet --no-plots --out o4a
mmc seed.yaml 'seed: 9223372036854775807'
expect 0 "" "$BPFSIM" run seed.yaml --quiet --no-plots --out o4b
mmc plain.yaml ''
expect 2 "--seed must be a whole number in 0..9223372036854775807" \
	"$BPFSIM" run plain.yaml --seed 9223372036854775808 --quiet --no-plots --out o4c
expect 0 "" "$BPFSIM" run plain.yaml --seed 9223372036854775807 --quiet \
	--no-plots --out o4d

# 5. A capacity template must hold {} for the probe value.
expect 2 "--param template has no {} for the probe value" \
	"$BPFSIM" capacity "$root/scenarios/mmc.yaml" \
	--param 'service=exponential(1us)' --range 100ns:10us \
	--objective 'utilisation<=0.5' --quiet --no-plots --out o5

# 5b. A scenario's capacity template belongs to its own parameter: with
#     another --param PATH (no =TEMPLATE) the probe value goes in as it
#     is (exponential({}) was applied to the new parameter silently).
printf 'model: mmc\nservers: 1\narrival: exponential(1us)\nservice: exponential(500ns)\ncustomers: 100\nwarmup_customers: 10\nreplications: 2\ncapacity:\n  param: service\n  template: exponential({})\n  range: 100ns:2us\n  objective: utilisation<=0.5\n  probes: 3\n' >cap.yaml
expect 0 "" "$BPFSIM" capacity cap.yaml --param arrival --range 1us:10us \
	--quiet --no-plots --out o5b
grep -q '"template": "{}"' o5b/capacity.json 2>/dev/null ||
	fail "capacity --param arrival kept the scenario's template: $(grep template o5b/capacity.json 2>/dev/null)"
expect 0 "" "$BPFSIM" capacity cap.yaml --param service --range 100ns:2us \
	--quiet --no-plots --out o5c
grep -q '"template": "exponential({})"' o5c/capacity.json 2>/dev/null ||
	fail "capacity --param service lost the scenario's template"

# 6. A positive duration that rounds to 0ns is not "no horizon".
mmc dur.yaml 'duration: 0.4ns'
expect 2 "dur.yaml:8:11: 'duration' is 0.4ns, which rounds to 0ns" \
	"$BPFSIM" run dur.yaml --quiet --no-plots --out o6

# 7. Empirical durations: no negative edges.
printf 'model: mmc\nservers: 1\narrival: exponential(1us)\nservice: {dist: empirical, edges: [-5ns, 100ns, 1us], counts: [1, 2]}\ncustomers: 100\nwarmup_customers: 10\nreplications: 2\n' >emp.yaml
expect 2 "emp.yaml:4:36: empirical: duration edges must be >= 0 (edge 1 is -5ns)" \
	"$BPFSIM" run emp.yaml --quiet --no-plots --out o7

# 8. A batch of 4 billion spawns inside one event still answers SIGINT
#    (exit 130) and caps.max_wall (capped) within seconds.
printf 'model: runqslower\ncpus: 2\nreplications: 1\nworkload:\n  processes: 4000000000\n' >batch.yaml
"$BPFSIM" run batch.yaml --quiet --no-plots --out o8 >/dev/null 2>&1 &
pid=$!
sleep 2
kill -INT "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then
	fail "a 4e9-spawn batch ignored SIGINT for 5 s"
	kill -KILL "$pid"
fi
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "a 4e9-spawn batch after SIGINT: exit $rc, want 130"
t0=$(date +%s)
"$BPFSIM" run batch.yaml --quiet --no-plots --set caps.max_wall=1s --out o9 \
	>/dev/null 2>"$tmp/err"
rc=$?
t1=$(date +%s)
[ "$rc" -eq 0 ] || fail "max_wall over a 4e9-spawn batch: exit $rc"
grep -q ',capped,max_wall,' o9/replications.csv 2>/dev/null ||
	fail "max_wall over a 4e9-spawn batch: not capped by max_wall"
[ $((t1 - t0)) -le 10 ] || fail "max_wall 1s took $((t1 - t0)) s"
rm -rf o8 o9

# 9. A clock that runs out (no duration, times within the horizon whose
#    sums pass it) caps the run ("horizon"), measured up to its last
#    event: a batch of ten 95-year tasks on one CPU used to abort on the
#    time-conservation check, residents sleeping 95 years ended "done".
#    FIFO: its 95-year slices are the whole task (EEVDF would switch
#    every tick, 10^9 events long before the horizon).
printf 'model: runqslower\ncpus: 1\nreplications: 1\nwindow: 0\nrunqueue: fifo\nworkload:\n  processes: 10\n  lifetime: 3e9s\n  slice: 3e9s\n' >long.yaml
expect 0 "" "$BPFSIM" run long.yaml --quiet --no-plots --out o10
grep -q '^hash,0,capped,horizon,' o10/replications.csv 2>/dev/null ||
	fail "a batch past the horizon: not capped by horizon: $(cat o10/replications.csv 2>/dev/null)"
printf 'model: runqslower\nreplications: 1\nwindow: 0\nworkload:\n  processes: 0\n  resident:\n    tasks: 10\n    sleep: 3e9s\n' >res.yaml
expect 0 "" "$BPFSIM" run res.yaml --quiet --no-plots --out o11
grep -q '^hash,0,capped,horizon,' o11/replications.csv 2>/dev/null ||
	fail "residents past the horizon: not capped by horizon"
# The cap's name survives the job files: shards merged give the jobs.csv
# of one run (a reason not in the reader's list came back as "cap").
for sh in 1 2; do
	"$BPFSIM" sweep res.yaml --sweep cpus=1,2 --shard $sh/2 --quiet \
		--no-plots --out o11s$sh >/dev/null 2>&1 || fail "shard $sh/2 of res.yaml"
done
"$BPFSIM" sweep res.yaml --sweep cpus=1,2 --quiet --no-plots --out o11a >/dev/null 2>&1
"$BPFSIM" merge o11s1 o11s2 --quiet --no-plots --out o11m >/dev/null 2>&1
cmp -s o11a/jobs.csv o11m/jobs.csv ||
	fail "horizon-capped jobs merged differ from the single run: $(diff o11a/jobs.csv o11m/jobs.csv | head -3)"
# ... and the clock arithmetic of the run itself stays in range: a
# poisson rate at the edge of the horizon rule (exponential gaps of mean
# 2^62/ln 1000 ns, 21 years) runs.
printf 'model: runqslower\nreplications: 1\nwindow: 0\nworkload:\n  arrival: poisson\n  rate: 1.5e-9/s\n  spawns: 3\n' >edge.yaml
expect 0 "" "$BPFSIM" run edge.yaml --quiet --no-plots --out o12
# 10. A cost factor run wild (linear(1e300): a hook cost of 1e301 ns)
#     fails the replication with a message (exit 1) instead of a cost
#     converted past the 64-bit clock (llround: 2^63) and a silent run.
printf 'model: runqslower\nduration: 5ms\nreplications: 1\nworkload:\n  processes: 100\nstorage:\n  hash:\n    occupancy_factor: linear(1e300)\n' >fac.yaml
"$BPFSIM" run fac.yaml --no-plots --out o13 >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "a wild cost factor: exit $rc, want 1"
grep -q "program cost .* beyond the clock's horizon (2^62ns): check the storage cost factors" "$tmp/out" ||
	fail "a wild cost factor: no message: $(head -c 400 "$tmp/out")"
# 11. A folder made from another trace is another scenario: its jobs are
#     not resumed nor merged (the manifest hashed the trace's path only, so
#     jobs of the old lines were taken as this run's).
printf 'spawn_ns,demand_ns\n0,100000\n1000,200000\n' >t.csv
# (merge reloads the scenario from a shard: the trace by its full path)
sed "s|trace: t.csv|trace: $tmp/t.csv|" trace.yaml >tracea.yaml
"$BPFSIM" sweep tracea.yaml --sweep cpus=1,2 --quiet --no-plots --out o14 \
	>/dev/null 2>&1 || fail "a trace sweep failed"
"$BPFSIM" sweep tracea.yaml --sweep cpus=1,2 --shard 1/2 --quiet --no-plots \
	--out o14s1 >/dev/null 2>&1 || fail "a trace shard failed"
printf 'spawn_ns,demand_ns\n0,100000\n1000,300000\n' >t.csv
expect 2 "another scenario: the folder's resolved scenario (fnv1a64)" \
	"$BPFSIM" sweep tracea.yaml --sweep cpus=1,2 --quiet --no-plots \
	--resume o14 --out o14r
"$BPFSIM" sweep tracea.yaml --sweep cpus=1,2 --shard 2/2 --quiet --no-plots \
	--out o14s2 >/dev/null 2>&1 || fail "a trace shard failed"
expect 2 "merge refused: another scenario" \
	"$BPFSIM" merge o14s1 o14s2 --quiet --no-plots --out o14m
printf 'spawn_ns,demand_ns\n0,100000\n1000,200000\n' >t.csv
expect 0 "" "$BPFSIM" sweep tracea.yaml --sweep cpus=1,2 --quiet --no-plots \
	--resume o14 --out o14r2

for d in o3a o3b o3c o4a o4c o5 o6 o7 o14r o14m; do
	[ -e "$d" ] && fail "refused input still wrote $d"
done
[ "$fails" -eq 0 ] || exit 1
echo "ok: hostile input refused (stdout errors, --prog, --shard, empty --out, long lists, trace numbers, seed, capacity templates, 0ns durations, empirical edges, another trace's folders); a one-event batch obeys SIGINT and max_wall; a clock that runs out caps the run; a wild cost factor fails its replication"
