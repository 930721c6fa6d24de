#!/bin/sh
# tools_reader.sh - output readers and program-level factors of described
# tools, through the command line.
#
# Pins:
#  - the shipped scenarios/tools/runqslower-reader.yaml runs: its reader
#    wakes (wake-ups per second > 0), uses CPU (reader_time > 0, and
#    cost_share > bpf_cpu_share) and, with 256 KiB per CPU at this load,
#    drops nothing;
#  - a 4 KiB ring buffer drained at 100 us per record behind an output on
#    every switch drops records, and reader_time = reader_records x 100us
#    + wake-ups x 10us exactly (constant costs);
#  - neutral defaults: a description that spells out isa: v3 and calls: 0
#    gives the same summary, byte for byte, as the one without; a tool
#    without a reader has no reader metrics;
#  - `bpfsim models runqslower` documents the new primitives;
#  - bad reader / factor keys: one positioned message (file:line:col, with
#    a suggestion for a misspelt word), exit status 2, no output folder.
# Does not pin: the primitives' default values (estimates); the ring's
# rules one by one (tests/test_reader.c).
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fail=0
say() { echo "FAIL: $*"; fail=1; }
# mean METRIC CSV: the mean column of strategy hash's row, or empty.
mean() {
	awk -F, -v m="$1" '$1 == "hash" && $2 == m { print $5; exit }' "$2"
}
# check 'AWK-EXPR' VALUES...: awk's verdict on $1, $2, ...
check() {
	e=$1; shift
	echo "$@" | awk "{ exit !($e) }"
}

cat > "$tmp/shipped.yaml" <<EOT
include: $PWD/scenarios/runqslower.yaml
name: shipped-reader
compare: [hash]
duration: 300ms
warmup: 100ms
replications: 2
tools:
  - include: $PWD/scenarios/tools/runqslower-reader.yaml
EOT
"$BPFSIM" run "$tmp/shipped.yaml" --threads 2 -o "$tmp/s" >/dev/null 2>&1 ||
	say "runqslower-reader did not run"
c=$tmp/s/summary.csv
w=$(mean runqslower.reader_wakeups_per_s "$c")
rt=$(mean runqslower.reader_time "$c")
d=$(mean runqslower.drops "$c")
cs=$(mean runqslower.cost_share "$c")
bs=$(mean runqslower.bpf_cpu_share "$c")
check '$1 > 0 && $2 > 0 && $3 == 0 && $4 > $5' "$w" "$rt" "$d" "$cs" "$bs" ||
	say "shipped reader: wakeups/s '$w', reader_time '$rt', drops '$d'," \
	    "cost_share '$cs' vs bpf '$bs'"

cat > "$tmp/slow.yaml" <<EOT
include: $PWD/scenarios/runqslower.yaml
name: slow-reader
compare: [hash]
duration: 200ms
warmup: 0ms
replications: 2
tools:
  - name: t
    maps:
      events:
        kind: ringbuf
        size: 4096
        reader: {per_record: 100us, per_wakeup: 10us}
    programs:
      - hook: sched_switch
        do: [{output: {map: events, bytes: 56}}]
EOT
"$BPFSIM" run "$tmp/slow.yaml" --threads 2 -o "$tmp/slow" >/dev/null 2>&1 ||
	say "the slow reader did not run"
c=$tmp/slow/summary.csv
d=$(mean t.drops "$c")
check '$1 > 1000' "$d" || say "slow reader: drops '$d', want > 1000"
# Per replication: reader_time = records x 100us + wakeups x 10us.
r=$tmp/slow/replications.csv
if [ -f "$r" ]; then
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ t = $col["t.reader_time"]; n = $col["t.reader_records"]
		  w = $col["t.reader_wakeups_per_s"] * 0.2
		  want = n * 100000 + w * 10000
		  if (t - want > 1e-6 * want || want - t > 1e-6 * want) {
			print "reader_time " t " != " want; bad = 1 } }
		END { exit bad }' "$r" || say "slow reader: reader time identity"
else
	say "no replications.csv"
fi

# Neutral defaults, and no reader metrics without a reader.
for v in plain spelt; do
	extra=""; pextra=""
	[ $v = spelt ] && { extra="    isa: v3"; pextra="        calls: 0"; }
	cat > "$tmp/$v.yaml" <<EOT
include: $PWD/scenarios/runqslower.yaml
name: neutral
compare: [hash]
duration: 100ms
warmup: 0ms
replications: 2
tools:
  - name: n
$extra
    maps:
      start: {kind: hash, key: pid}
    programs:
      - hook: sched_switch
$pextra
        do: [{lookup: {map: start, key: next.pid}}]
EOT
	"$BPFSIM" run "$tmp/$v.yaml" --threads 2 -o "$tmp/o-$v" >/dev/null 2>&1 ||
		say "neutral $v did not run"
done
cmp -s "$tmp/o-plain/summary.csv" "$tmp/o-spelt/summary.csv" ||
	say "isa: v3 / calls: 0 spelt out changed the summary"
grep -q 'reader_\|\.drops,' "$tmp/o-plain/summary.csv" &&
	say "a tool without a reader reports reader metrics"

"$BPFSIM" models runqslower > "$tmp/models.txt" 2>&1 || say "models failed"
for k in primitives.output.wakeup primitives.syscall.map_lookup_batch \
	primitives.program.insn primitives.program.call \
	primitives.program.itlb_threshold primitives.program.isa.v3; do
	grep -q "$k" "$tmp/models.txt" || say "models: no $k"
done

# Bad input: NAME, the map's extra line, the program's extra line, the
# message expected (a grep pattern).
bad() {
	cat > "$tmp/bad.yaml" <<EOT
include: $PWD/scenarios/runqslower.yaml
name: bad
duration: 10ms
tools:
  - name: t
    maps:
      events:
        kind: ringbuf
        $2
    programs:
      - hook: sched_switch
        $3
        do: [{output: {map: events, bytes: 8}}]
EOT
	rm -rf "$tmp/ob"
	"$BPFSIM" run "$tmp/bad.yaml" -o "$tmp/ob" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || say "$1: exit status $rc, want 2"
	[ -e "$tmp/ob" ] && say "$1: wrote an output folder"
	[ "$(wc -l < "$tmp/err")" -eq 1 ] || say "$1: not one message: $(cat "$tmp/err")"
	grep -q "^$tmp/bad.yaml:[0-9]*:[0-9]*: $4" "$tmp/err" ||
		say "$1: message '$(cat "$tmp/err")', want '$4'"
}
bad wakeup-typo 'reader: {wakeup: eech}' '' "unknown wakeup 'eech' (did you mean 'each'?)"
bad watermark-no-size 'reader: {wakeup: watermark}' '' "wakeup: watermark takes a size"
bad no-wakeup-no-timeout 'reader: {wakeup: no_wakeup, timeout: 0}' '' \
	"map 'events': with wakeup: no_wakeup the reader needs a timeout"
bad key-typo 'reader: {per_recrod: 1us}' '' "unknown key 'per_recrod' (did you mean 'per_record'?)"
bad ring-size 'size: 5000' '' "map 'events': a ringbuf's size is a power of 2"
bad insns-zero '' 'insns: 0' "'insns' must be >= 1"
bad insns-typo '' 'insn: 40' "unknown key 'insn' (did you mean 'insns'?)"
bad calls-negative '' 'calls: -1' "'calls' must be a whole number >= 0"
bad watermark-too-big "reader: {wakeup: watermark 262144}" "" "map 'events': watermark 262144 is beyond what the buffer holds (262143 bytes)"

[ $fail -eq 0 ] && echo "ok: tools_reader: the shipped reader runs; a slow reader drops and its CPU = records x per_record + wake-ups x per_wakeup; spelt-out defaults change nothing; bad keys refused"
exit $fail
