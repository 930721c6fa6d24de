#!/bin/sh
# progress.sh - progress lines: plain when stderr is not a terminal and
# the run is long, simulated-time progress inside a replication, capacity
# naming its probes.
#
# Pins: --progress=plain (and the default, stderr being a file here) on
# one long replication prints, once 5 s have passed, a whole line
# "NAME: 0/1 jobs (+F running, by simulated time), Ns elapsed, ETA ..."
# with 0 < F < 1 (the running job's clock over its duration, 3
# significant digits); a short run
# prints no progress at all with the default; --quiet and --progress=none
# print none on the long run either; --progress=tty redraws a line (\r)
# per finished job, and capacity's line names the strategy, the probe and
# its value; --progress with another word exits 2.  The long runs are
# interrupted (SIGINT) once their first line is out: the test does not
# wait for them.
# Does not pin: the exact timing (at most 30 s are allowed for the first
# line) or the ETA's value; MPI runs (no ticks there: rank 0 prints per
# finished job only).
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/progress.sh (repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
t0=$(date +%s)
LONG="run scenarios/runqslower.yaml --reps 1 --threads 1 --set duration=300s --no-plots"

# Three long runs at once: plain, default (stderr a file), quiet.
"$BPFSIM" $LONG --progress=plain --out "$tmp/a" >/dev/null 2>"$tmp/a.err" &
pa=$!
"$BPFSIM" $LONG --out "$tmp/b" >/dev/null 2>"$tmp/b.err" &
pb=$!
"$BPFSIM" $LONG --quiet --out "$tmp/c" >/dev/null 2>"$tmp/c.err" &
pc=$!
pids="$pa $pb $pc"
pat='^runqslower: 0/1 jobs (+0\.[0-9]*\(e-[0-9]*\)\{0,1\} running, by simulated time), [0-9]*s elapsed, ETA [0-9.e+]*s$'
i=0
while [ $i -lt 60 ]; do
	grep -q "$pat" "$tmp/a.err" && grep -q "$pat" "$tmp/b.err" && break
	sleep 0.5
	i=$((i + 1))
done
kill -INT $pids 2>/dev/null
wait $pa; wait $pb; wait $pc
pids=""
grep -q "$pat" "$tmp/a.err" || fail "--progress=plain: no line like '$pat' in 30 s: $(head -c 300 "$tmp/a.err")"
grep -q "$pat" "$tmp/b.err" || fail "default, stderr a file: no plain line in 30 s: $(head -c 300 "$tmp/b.err")"
grep -q "$(printf '\r')" "$tmp/a.err" "$tmp/b.err" && fail "a plain progress line holds a carriage return"
grep -q "jobs" "$tmp/c.err" && fail "--quiet printed progress: $(cat "$tmp/c.err")"

# A short run: nothing with the default.
"$BPFSIM" run scenarios/mmc.yaml --reps 2 --set customers=2000 --no-plots \
	--out "$tmp/s" >/dev/null 2>"$tmp/s.err" || fail "short run failed"
[ -s "$tmp/s.err" ] && fail "a short run printed on stderr: $(cat "$tmp/s.err")"
"$BPFSIM" run scenarios/mmc.yaml --reps 2 --set customers=2000 --no-plots \
	--progress=none --out "$tmp/s" >/dev/null 2>"$tmp/s.err" || fail "--progress=none run failed"
[ -s "$tmp/s.err" ] && fail "--progress=none printed: $(cat "$tmp/s.err")"

# tty: a redrawn line per job; capacity names strategy, probe and value.
"$BPFSIM" run scenarios/mmc.yaml --reps 3 --set customers=2000 --no-plots \
	--progress=tty --out "$tmp/t" >/dev/null 2>"$tmp/t.err" || fail "--progress=tty run failed"
grep -q "$(printf '\r')mmc: 3/3 jobs" "$tmp/t.err" || fail "--progress=tty: no '\\rmmc: 3/3 jobs': $(cat -v "$tmp/t.err")"
"$BPFSIM" capacity scenarios/capacity.yaml --reps 2 --probes 3 --set duration=10ms \
	--no-plots --progress=tty --out "$tmp/k" >/dev/null 2>"$tmp/k.err" || fail "capacity failed"
grep -q "capacity hash: probe 1 of at most 3 (workload.rate=1000/s): 2/2 jobs" "$tmp/k.err" ||
	fail "capacity: no probe in the progress line: $(cat -v "$tmp/k.err" | head -c 400)"
grep -q "capacity task_storage: probe 3 of at most 3 " "$tmp/k.err" ||
	fail "capacity: the second strategy's third probe not shown: $(cat -v "$tmp/k.err" | head -c 400)"

"$BPFSIM" run scenarios/mmc.yaml --progress=loud --out "$tmp/x" >/dev/null 2>"$tmp/x.err"
[ $? -eq 2 ] || fail "--progress=loud did not exit 2"
grep -q "progress must be auto, tty, plain or none (got 'loud')" "$tmp/x.err" ||
	fail "--progress=loud: $(cat "$tmp/x.err")"
[ -e "$tmp/x" ] && fail "--progress=loud created the folder"

[ "$fails" -eq 0 ] || exit 1
echo "ok: plain progress lines with simulated time on long runs, none on short ones, tty lines, capacity probes ($(( $(date +%s) - t0 ))s)"
