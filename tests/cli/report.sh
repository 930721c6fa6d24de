#!/bin/sh
# report.sh - `bpfsim report DIR`: report.html and report.md of a folder.
#
# Pins:
#   - on a small run with its figures (scenarios/runqslower.yaml, 3
#     replications of 100 ms, compared): exit 0, both files listed on
#     stdout; report.html is well-formed (xmllint --noout, which checks it
#     as XML: the page is written to be well-formed XML and HTML alike;
#     and python3's html.parser with a stack of open elements, when
#     python3 is installed); every PNG of the folder is in it as a base64
#     data URI, byte for byte, and linked from report.md by name; it holds
#     no reference to another file (self-contained); the summary table has
#     the paired-difference column and human units (%, ns, ms); the regime
#     table names each strategy's regime; the scenario items give
#     summary.json's provenance (command line, build, the SHA-256 of
#     scenario.resolved.yaml, host);
#   - text from the scenario is escaped (a description with < > & ");
#   - the same folder gives the same bytes twice;
#   - sweep, phase and capacity folders (the fixtures of tests/plots/,
#     copied) get a well-formed report too (points, capacities);
#   - bad input exits 2 with one line on stderr and writes nothing: an
#     empty folder, a file, a truncated summary.json (file:line:col).
# Does not pin: the page's look, wording or the exact digits shown.
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/report.sh (from the repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
command -v gnuplot >/dev/null || { echo "FAIL: gnuplot is not installed (make deps)"; exit 1; }
command -v xmllint >/dev/null || { echo "FAIL: xmllint is not installed (make deps: libxml2-utils)"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
t0=$(date +%s)

# well_formed FILE: xmllint, and python3's html.parser with a stack.
well_formed() {
	xmllint --noout --huge "$1" 2>"$tmp/xml.err" ||
		fail "$1 is not well-formed: $(head -3 "$tmp/xml.err")"
	command -v python3 >/dev/null || return 0
	python3 - "$1" <<'PY' || fail "$1: html.parser found unbalanced tags"
import sys
from html.parser import HTMLParser
VOID = {"meta", "img", "br", "hr", "link", "input"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.bad = [], []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.bad.append(tag)
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
if p.bad or p.stack:
    print("unbalanced:", p.bad[:5], "left open:", p.stack[:5])
    sys.exit(1)
PY
}

# 1. A comparison with its figures.
"$BPFSIM" compare scenarios/runqslower.yaml --reps 3 --set duration=100ms \
	--set warmup=20ms --set 'description=threads <4000> & "friends"' \
	--quiet --out "$tmp/run" >/dev/null 2>"$tmp/err" ||
	fail "compare failed: $(cat "$tmp/err")"
"$BPFSIM" report "$tmp/run" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "report exited $rc: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "report: stderr: $(cat "$tmp/err")"
printf '%s\n%s\n' "$tmp/run/report.html" "$tmp/run/report.md" | cmp -s - "$tmp/out" ||
	fail "report did not list its two files: $(cat "$tmp/out")"
h=$tmp/run/report.html
well_formed "$h"
n=0
for png in "$tmp/run"/*.png; do
	[ -e "$png" ] || continue
	name=${png##*/}
	n=$((n + 1))
	base64 -w0 "$png" >"$tmp/b64"
	grep -q "src=\"data:image/png;base64,$(head -c 64 "$tmp/b64")" "$h" ||
		fail "$name: no data URI starting with its bytes"
	grep -qF -f "$tmp/b64" "$h" || fail "$name: not embedded byte for byte"
	grep -qF "](<$name>)" "$tmp/run/report.md" || fail "report.md does not link $name"
done
[ "$n" -ge 3 ] || fail "only $n PNGs in the run folder (timeline, compare, portrait)"
grep -q 'src="[^d]\|href=' "$h" && fail "report.html refers to another file"
grep -q '<th>task_storage - hash</th>' "$h" || fail "no paired-difference column"
for unit in '%</td>' ' ns</td>' ' ms</td>'; do
	grep -q "$unit" "$h" || fail "no value in '$unit' in the summary table"
done
grep -q '<td>hash</td><td class="n">stable</td>' "$h" || fail "regime table: hash not stable"
grep -q '<b>description:</b> threads &lt;4000&gt; &amp; &quot;friends&quot;</li>' "$h" ||
	fail "the description is not escaped"
sha=$(sha256sum "$tmp/run/scenario.resolved.yaml" | cut -d' ' -f1)
grep -q "<b>resolved scenario (SHA-256):</b> $sha</li>" "$h" ||
	fail "the provenance's scenario hash is not in the page"
grep -q '<b>command line:</b> bpfsim compare .*runqslower.yaml' "$h" ||
	fail "the provenance's command line is not in the page"
grep -q '<b>host:</b> Linux .*, [0-9]* CPUs</li>' "$h" ||
	fail "the provenance's host is not in the page"
cp "$h" "$tmp/first.html"
cp "$tmp/run/report.md" "$tmp/first.md"
"$BPFSIM" report "$tmp/run" >/dev/null 2>&1 || fail "second report failed"
cmp -s "$h" "$tmp/first.html" || fail "report.html differs on a second run"
cmp -s "$tmp/run/report.md" "$tmp/first.md" || fail "report.md differs on a second run"
left=$(find "$tmp/run" -name '*.tmp.*')
[ -z "$left" ] || fail "temporary files left: $left"

# 2. Sweep, phase and capacity folders.
for d in sweep phase capacity; do
	cp -R "tests/plots/$d" "$tmp/$d"
	"$BPFSIM" report "$tmp/$d" >/dev/null 2>"$tmp/err" ||
		fail "report of the $d fixture failed: $(cat "$tmp/err")"
	well_formed "$tmp/$d/report.html"
	[ -s "$tmp/$d/report.md" ] || fail "$d: no report.md"
done
grep -q '<h2>Points</h2>' "$tmp/sweep/report.html" || fail "sweep report has no points"
grep -q '<h2>Capacity search</h2>' "$tmp/capacity/report.html" ||
	fail "capacity report has no capacities"

# 3. Bad input: exit 2, one line, nothing written.
bad() {   # bad GREP DIR
	"$BPFSIM" report "$2" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "report $2: exit $rc, want 2"
	[ -s "$tmp/out" ] && fail "report $2: printed on stdout"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "report $2: want one line: $(cat "$tmp/err")"
	grep -q -- "$1" "$tmp/err" || fail "report $2: message: $(cat "$tmp/err")"
	[ -d "$2" ] && ls "$2"/report.* "$2"/.report* >/dev/null 2>&1 &&
		fail "report $2: wrote $(ls "$2"/report.* "$2"/.report* 2>/dev/null)"
}
mkdir "$tmp/empty"
bad 'nothing to report' "$tmp/empty"
bad 'not a folder' "$tmp/run/summary.csv"
bad 'cannot read' "$tmp/missing"
mkdir "$tmp/trunc"
size=$(wc -c <"$tmp/run/summary.json")
head -c $((size / 2)) "$tmp/run/summary.json" >"$tmp/trunc/summary.json"
bad 'trunc/summary.json:[0-9]*:[0-9]*: ' "$tmp/trunc"

[ "$fails" -eq 0 ] || exit 1
echo "ok: bpfsim report (well-formed, figures embedded, escaped, stable, sweep/phase/capacity, bad input) ($(( $(date +%s) - t0 ))s)"
