#!/bin/sh
# tools_shipped.sh - every shipped tool description runs, and reports a cost
# for each of its programs.
#
# Pins:
#   - each scenarios/tools/*.yaml loads (`tools: [{include: ...}]`) into a
#     tiny scenario that fires every hook a description can use except
#     sched_migrate_task: wake-ups, switches, fork/exec/exit of spawned
#     tasks, system calls.  `run` exits 0 with nothing on stderr;
#   - summary.csv has `<tool>.overhead_ratio`, finite and > 0, and for every
#     program named in the description `<tool>.<program>.runs_per_s` > 0
#     (its hook fired) and `<tool>.<program>.ns_per_run` finite and > 0;
#   - scenarios/tools-fleet.yaml (runqslower + runqlat + syscount): in every
#     replication and in the summary, the host's overhead_ratio equals the
#     sum of the tools' within 1e-3 relative.  The tools' BPF time is all
#     of the host's BPF time; outputs are rounded to whole ns once per hook,
#     which is where the two can differ;
#   - scenarios/bloom.yaml at its ends: with 6 watched processes beside 600
#     unwatched (~99% of lookups miss), bloom-hash's sys_enter costs less
#     per run than plain-hash's; with 600 watched (~50% miss) it costs more.
# Does not pin: the costs themselves (tests/cli/golden.sh pins the shipped
# scenarios' numbers), or that a description matches its upstream tool.
# Durations are cut short (tens of ms) to stay quick under ASan.
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# mean METRIC CSV: the mean column of strategy hash's row, or empty.
mean() {
	awk -F, -v m="$1" '$1 == "hash" && $2 == m { print $5; exit }' "$2"
}
# positive VALUE: finite and > 0 (awk reads "nan"/"inf" as strings or 0).
positive() {
	printf '%s\n' "$1" | awk '{ v = $1 + 0 }
		$1 ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ && v > 0 \
		{ ok = 1 } END { exit !ok }'
}

ntools=0
for desc in scenarios/tools/*.yaml; do
	ntools=$((ntools + 1))
	base=$(basename "$desc" .yaml)
	tool=$(sed -n 's/^name: *\([A-Za-z0-9_-]*\).*/\1/p' "$desc")
	[ -n "$tool" ] || { fail "$desc: no top-level name"; continue; }
	# Program names: `  - name: X` items under `programs:`.
	progs=$(awk '/^programs:/ { p = 1; next } /^[^ #]/ { p = 0 }
		p && /^  - name:/ { print $3 }' "$desc")
	[ -n "$progs" ] || { fail "$desc: no named programs"; continue; }
	cat >"$tmp/$base.yaml" <<EOF
model: runqslower
include: $PWD/scenarios/costs/linux-6.x.yaml
seed: 7
replications: 2
duration: 40ms
warmup: 5ms
cpus: 4
workload:
  arrival: poisson
  rate: 3000/s
  lifetime: exponential(200us)
  block: {probability: 0.5, run: exponential(20us), sleep: exponential(1ms)}
  resident: {tasks: 100, run: exponential(30us), sleep: exponential(3ms)}
  syscalls: {rate: 50000, duration: exponential(5us), ids: {0: 3, 1: 2, 232: 1}}
storage: {kind: hash}
tools:
  - include: $PWD/$desc
EOF
	"$BPFSIM" run "$tmp/$base.yaml" --quiet --no-plots --threads 1 \
		--out "$tmp/o-$base" >/dev/null 2>"$tmp/err-$base"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$desc: run exited $rc: $(head -3 "$tmp/err-$base")"
		continue
	fi
	[ -s "$tmp/err-$base" ] && fail "$desc: stderr: $(head -3 "$tmp/err-$base")"
	csv=$tmp/o-$base/summary.csv
	v=$(mean "$tool.overhead_ratio" "$csv")
	positive "$v" || fail "$desc: $tool.overhead_ratio is '$v'"
	for p in $progs; do
		r=$(mean "$tool.$p.runs_per_s" "$csv")
		if ! positive "$r"; then
			fail "$desc: $tool.$p.runs_per_s is '$r' (its hook never fired)"
			continue
		fi
		v=$(mean "$tool.$p.ns_per_run" "$csv")
		positive "$v" || fail "$desc: $tool.$p.ns_per_run is '$v'"
	done
done
[ "$ntools" -ge 11 ] || fail "only $ntools descriptions in scenarios/tools/"

# The fleet: total = sum of the tools, per replication and in the summary.
"$BPFSIM" run scenarios/tools-fleet.yaml --reps 2 --set duration=150ms \
	--set warmup=30ms --quiet --no-plots --out "$tmp/fleet" \
	>/dev/null 2>"$tmp/err-fleet"
rc=$?
if [ "$rc" -ne 0 ]; then
	fail "tools-fleet: run exited $rc: $(head -3 "$tmp/err-fleet")"
else
	for f in replications.csv summary.csv; do
		awk -F, -v f="$f" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		f == "summary.csv" { if ($2 ~ /overhead_ratio$/) {
				if ($2 == "overhead_ratio") tot = $5
				else if ($2 ~ /^[^.]*\.overhead_ratio$/) { sum += $5; n++ } }
			next }
		{	tot = $col["overhead_ratio"]; sum = 0; n = 0
			for (c in col) if (c ~ /^[^.]*\.overhead_ratio$/) {
				sum += $col[c]; n++ }
			check(tot, sum, n, "replication " $2) }
		function check(t, s, k, what) {
			if (k != 3 || !(t > 0) ||
			    (t - s > 1e-3 * t || s - t > 1e-3 * t)) {
				printf "FAIL: tools-fleet %s: %s overhead_ratio %.9g, " \
				       "sum of %d tools %.9g\n", f, what, t, k, s
				bad = 1 } }
		END { if (f == "summary.csv") check(tot, sum, n, "mean")
		      exit bad }' "$tmp/fleet/$f" || fails=$((fails + 1))
	done
fi

# The bloom filter at both ends of scenarios/bloom.yaml's sweep.
for w in 6 600; do
	"$BPFSIM" run scenarios/bloom.yaml --reps 2 --set workload.processes=$w \
		--set duration=120ms --set warmup=40ms --quiet --no-plots \
		--out "$tmp/bloom$w" >/dev/null 2>"$tmp/err-bloom"
	rc=$?
	[ "$rc" -eq 0 ] || { fail "bloom ($w watched): run exited $rc: $(head -3 "$tmp/err-bloom")"; continue; }
	b=$(mean bloom-hash.sys_enter.ns_per_run "$tmp/bloom$w/summary.csv")
	p=$(mean plain-hash.sys_enter.ns_per_run "$tmp/bloom$w/summary.csv")
	if [ "$w" -eq 6 ]; then want='b < p'; else want='b > p'; fi
	awk -v b="$b" -v p="$p" "BEGIN { exit !(b > 0 && p > 0 && $want) }" ||
		fail "bloom ($w watched): bloom-hash sys_enter $b ns, plain-hash $p ns; want $want"
done

[ "$fails" -eq 0 ] || exit 1
echo "ok: $ntools shipped tool descriptions run with every program costed; fleet total = sum of tools; bloom filter pays at 99% misses, not at 50%"
