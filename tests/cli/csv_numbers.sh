#!/bin/sh
# csv_numbers.sh - every CSV cell that is not a label parses as a number.
#
# Pins: in the folders of the demo comparison (scenarios/runqslower.yaml,
# as `make demo` runs it, shortened), an mmc run, a sweep over two axes,
# a phase diagram and a capacity search, every *.csv file is a table (each
# row has the header's number of fields; job_series.csv, a journal of
# variable-length rows, has exactly its declared 7 + rows x cols - 1
# fields), and every cell parses as a number as pandas or float() read it
# (nan and inf included: they mark a value that does not exist), except
# the label columns: strategy, versus, metric, unit, status, cap, regime,
# settings, and the sweep axes (their values as written in the scenario,
# e.g. 10000/s or exponential(20us); the axis paths are summary.json's
# "axes").  A number written with a unit ("2000ns") in any other column
# fails.  And summary.csv's unit column names a unit for every metric.
# Needs python3 (its csv module); without it, says why it skips.
# Does not pin: the values (golden.sh), the JSON files (schema.sh).
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/csv_numbers.sh (repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
command -v python3 >/dev/null 2>&1 ||
	{ echo "SKIP: csv_numbers.sh: no python3 to read the CSV files"; exit 0; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
t0=$(date +%s)
q="--quiet --no-plots --reps 2"
go() {
	name=$1; shift
	"$BPFSIM" "$@" $q --out "$tmp/$name" >/dev/null 2>"$tmp/err" ||
		fail "bpfsim $* failed: $(cat "$tmp/err")"
}
go demo compare scenarios/runqslower.yaml --set duration=20ms --set warmup=5ms
go mmc run scenarios/mmc.yaml --set customers=5000 --set warmup_customers=500
go sweep sweep scenarios/runqslower.yaml --sweep workload.processes=500,1000 \
	--sweep probe.threshold=5us,10us --set duration=10ms --set warmup=2ms
go phase phase scenarios/phase.yaml --x workload.rate=10000/s:1000000/s:2:log \
	--y workload.lifetime=2us:20us:2:log --set duration=10ms
go capacity capacity scenarios/capacity.yaml --probes 3 --set duration=10ms

python3 - "$tmp" <<'PY' || fail "see above"
import csv, glob, json, math, os, sys
LABELS = {"strategy", "versus", "metric", "unit", "status", "cap", "regime",
          "settings"}
bad = 0
def err(msg):
    global bad
    bad += 1
    print("FAIL:", msg)
def number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False
files = sorted(glob.glob(os.path.join(sys.argv[1], "*", "*.csv")))
if len(files) < 20:
    err("only %d CSV files found" % len(files))
for path in files:
    folder = os.path.dirname(path)
    axes = set()
    try:
        axes = {a["path"] for a in json.load(open(os.path.join(folder, "summary.json"))).get("axes", [])}
    except FileNotFoundError:
        pass
    rows = list(csv.reader(open(path, newline="")))
    if not rows:
        err("%s: empty" % path)
        continue
    head, body = rows[0], rows[1:]
    name = os.path.basename(path)
    for n, row in enumerate(body, 2):
        if name == "job_series.csv":
            # point,strategy,replication,window_ns,rows,cols,values...
            want = 6 + int(row[4]) * int(row[5]) if len(row) > 5 else -1
            cols = ["point", "strategy"] + ["value"] * (len(row) - 2)
            if len(row) != want:
                err("%s:%d: %d fields, the row declares %d" % (path, n, len(row), want))
        else:
            cols = head
            if len(row) != len(head):
                err("%s:%d: %d fields, the header %d" % (path, n, len(row), len(head)))
                continue
        for col, cell in zip(cols, row):
            if col in LABELS or col in axes:
                continue
            if not number(cell):
                err("%s:%d: column %s: '%s' is not a number" % (path, n, col, cell))
    if name == "summary.csv":
        for n, row in enumerate(body, 2):
            if not row[head.index("unit")]:
                err("%s:%d: metric %s has no unit" % (path, n, row[1]))
print("checked %d CSV files" % len(files))
sys.exit(1 if bad else 0)
PY
[ "$fails" -eq 0 ] || exit 1
echo "ok: every non-label cell of every CSV (demo, mmc, sweep, phase, capacity) is a number ($(( $(date +%s) - t0 ))s)"
