#!/bin/sh
# schema.sh - summary.json and capacity.json follow their JSON Schemas
# (docs/summary.schema.json, docs/capacity.schema.json; draft 2020-12).
#
# Pins: both schemas are valid draft 2020-12 schemas; the summary.json of
# run (mmc), compare (runqslower, two strategies: paired differences),
# sweep and phase (scenarios/phase.yaml, a 2-point axis and a 2 x 2
# grid) and of a merge of two run shards, and the capacity.json of
# capacity (scenarios/capacity.yaml), all small, validate; a summary
# whose metric mean is a string, one with a key the schema does not know,
# and a sweep point without "complete" are rejected (the validator really
# checks).  The schemas are strict (no unknown keys): a writer that adds a
# key fails here until the schema documents it.  Provenance (format_version
# 2): every file's provenance.scenario_sha256 is sha256sum of the folder's
# scenario.resolved.yaml, its command is the one typed (operands where they
# were typed), the two schemas define provenance alike, and it is one
# line; diff, report and plot read a file of format_version 1 (the layout
# before the key: no format_version, no provenance) and refuse one of
# version 3 with exit 2 (plot: 1), naming the file and both versions.
# Needs python3 with the jsonschema module (Debian: python3-jsonschema,
# which `make check-deps` installs); without it the test says why it
# skips and exits 0 - it never passes without validating.
# Does not pin: the values (golden.sh does), the CSV files.
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/schema.sh (from the repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
# Debian's python3 (where python3-jsonschema installs) first, then PATH's.
py=""
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 &&
	   "$p" -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	echo "SKIP: schema.sh: no python3 with jsonschema >= 4 (Draft202012Validator); install python3-jsonschema (make check-deps)"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
t0=$(date +%s)

# validate SCHEMA FILE [expect=invalid]
validate() {
	"$py" - "$1" "$2" "${3:-valid}" >"$tmp/v.out" 2>&1 <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
errs = sorted(v.iter_errors(json.load(open(sys.argv[2]))), key=lambda e: list(e.path))
want_valid = sys.argv[3] == "valid"
if want_valid and errs:
    for e in errs[:3]:
        print("/".join(str(p) for p in e.path) or "(top)", ":", e.message[:200])
    sys.exit(1)
if not want_valid and not errs:
    print("accepted, want rejected")
    sys.exit(1)
PY
	[ $? -eq 0 ] || fail "$2 against ${1##*/} (want ${3:-valid}): $(cat "$tmp/v.out")"
}

q="--quiet --no-plots"
go() {   # go NAME ARGS...: bpfsim ARGS... --out $tmp/NAME
	name=$1; shift
	"$BPFSIM" "$@" $q --out "$tmp/$name" >/dev/null 2>"$tmp/err" ||
		fail "bpfsim $* failed: $(cat "$tmp/err")"
}
mmc="scenarios/mmc.yaml --reps 2 --set customers=20000 --set warmup_customers=2000"
tiny="--reps 2 --set duration=10ms"
go run run $mmc
go compare compare scenarios/runqslower.yaml --reps 2 --set duration=20ms --set warmup=5ms
go sweep sweep scenarios/phase.yaml $tiny --sweep workload.rate=10000/s,100000/s
go phase phase scenarios/phase.yaml $tiny \
	--x workload.rate=10000/s:1000000/s:2:log --y workload.lifetime=2us:20us:2:log
go capacity capacity scenarios/capacity.yaml $tiny --probes 4
go s1 run $mmc --shard 1/2
go s2 run $mmc --shard 2/2
"$BPFSIM" merge "$tmp/s1" "$tmp/s2" $q --out "$tmp/merged" >/dev/null 2>"$tmp/err" ||
	fail "merge failed: $(cat "$tmp/err")"

S=docs/summary.schema.json
for d in run compare sweep phase merged; do
	[ -s "$tmp/$d/summary.json" ] || { fail "$d: no summary.json"; continue; }
	validate "$S" "$tmp/$d/summary.json"
done
[ -s "$tmp/capacity/capacity.json" ] || fail "capacity: no capacity.json"
validate docs/capacity.schema.json "$tmp/capacity/capacity.json"

# Provenance: the hash is that of the folder's resolved scenario, the
# command is as typed, the object is one line.
for d in run compare sweep phase merged capacity; do
	f=$tmp/$d/summary.json
	[ "$d" = capacity ] && f=$tmp/$d/capacity.json
	[ -s "$f" ] || continue
	want=$(sha256sum "$tmp/$d/scenario.resolved.yaml" | cut -d' ' -f1)
	got=$("$py" -c 'import json, sys
print(json.load(open(sys.argv[1]))["provenance"]["scenario_sha256"])' "$f")
	[ "$got" = "$want" ] || fail "$d: provenance.scenario_sha256 $got, sha256sum of scenario.resolved.yaml $want"
	"$py" - "$f" <<'PY' || fail "$d: provenance is not alone on one line (tests/cli/lib/same.sh drops that line)"
import json, sys
text = open(sys.argv[1]).read()
lines = [l for l in text.split("\n") if l.startswith('  "provenance": ')]
assert len(lines) == 1
obj = json.loads(lines[0][len('  "provenance": '):].rstrip(","))
full = json.loads(text)
assert obj == full["provenance"]
rest = json.loads("\n".join(l for l in text.split("\n") if l not in lines))
del full["provenance"]
assert rest == full
PY
done
"$py" - "$tmp/compare/summary.json" <<'PY' || fail "compare: provenance.command is not the command typed"
import json, sys
c = json.load(open(sys.argv[1]))["provenance"]["command"]
want = ["bpfsim", "compare", "scenarios/runqslower.yaml", "--reps", "2"]
sys.exit(0 if c[:5] == want and c[-1].endswith("/compare") else 1)
PY
"$py" - docs/summary.schema.json docs/capacity.schema.json <<'PY' || fail "the schemas define provenance differently"
import json, sys
a, b = (json.load(open(p))["$defs"]["provenance"] for p in sys.argv[1:])
sys.exit(0 if a == b else 1)
PY
# Readers: version 1 (before provenance) is read, version 3 refused.
for v in 1 3; do
	cp -r "$tmp/run" "$tmp/v$v"
	if [ $v = 1 ]; then
		sed -i '/"format_version"/d; /"provenance"/d' "$tmp/v$v/summary.json"
	else
		sed -i 's/"format_version": 2/"format_version": 3/' "$tmp/v$v/summary.json"
	fi
done
"$BPFSIM" diff "$tmp/v1" "$tmp/run" >/dev/null 2>"$tmp/err" ||
	fail "diff of a version-1 summary: $(cat "$tmp/err")"
"$BPFSIM" report "$tmp/v1" >/dev/null 2>"$tmp/err" ||
	fail "report of a version-1 summary: $(cat "$tmp/err")"
"$BPFSIM" plot "$tmp/v1" >/dev/null 2>"$tmp/err" ||
	fail "plot of a version-1 summary: $(cat "$tmp/err")"
for c in diff report plot; do
	if [ $c = diff ]; then "$BPFSIM" diff "$tmp/run" "$tmp/v3" >/dev/null 2>"$tmp/err"
	else "$BPFSIM" $c "$tmp/v3" >/dev/null 2>"$tmp/err"; fi
	rc=$?
	want=2; [ $c = plot ] && want=1
	[ $rc = $want ] || fail "$c of a version-3 summary: exit $rc, want $want"
	grep -q "summary.json:3:[0-9]*: format_version 3: this bpfsim reads versions 1 to 2" "$tmp/err" ||
		fail "$c of a version-3 summary: $(cat "$tmp/err")"
done

# The validator rejects what the schema forbids.
sed 's/"wait_mean": {"n": 2, "mean": [0-9.e+-]*/"wait_mean": {"n": 2, "mean": "x"/' \
	"$tmp/run/summary.json" >"$tmp/bad1.json"
cmp -s "$tmp/bad1.json" "$tmp/run/summary.json" && fail "the string-mean edit did not apply"
validate "$S" "$tmp/bad1.json" invalid
sed 's/"complete": true,/"complete": true, "extra": 1,/' "$tmp/run/summary.json" >"$tmp/bad2.json"
validate "$S" "$tmp/bad2.json" invalid
sed '0,/"complete": true, "strategies"/s//"strategies"/' "$tmp/sweep/summary.json" >"$tmp/bad3.json"
cmp -s "$tmp/bad3.json" "$tmp/sweep/summary.json" && fail "the point edit did not apply"
validate "$S" "$tmp/bad3.json" invalid

[ "$fails" -eq 0 ] || exit 1
echo "ok: summary.json of run, compare, sweep, phase and merge and capacity.json validate against docs/*.schema.json, provenance hashes the resolved scenario, version 1 read and 3 refused ($py; $(( $(date +%s) - t0 ))s)"
