#!/bin/sh
# plot.sh - `bpfsim plot` and the figures run/compare/sweep/phase/capacity
# draw themselves.
#
# Pins, on the fixed output folders under tests/plots/ (copied, never
# written in place):
#   - every figure kind is drawn: compare/ -> timeline + compare +
#     portrait, sweep/ -> sweep, validation/ (two mmc sweeps in subfolders)
#     -> validation, phase/ -> phase + portrait (no sweep), capacity/ ->
#     capacity, calibration/ -> calibration-fixture (from fixture.yaml);
#     with --plot-format both, each as PNG and SVG;
#   - `bpfsim plot FILE` on a calibration file draws its figure beside it;
#     on a file that is not one, exit 2;
#   - a PNG starts with the PNG signature and is > 5 KB; an SVG is well-formed
#     XML (xmllint if installed - `make deps` installs it - else a check of
#     the first and last tags) and has at least one <path> in as many plot
#     groups as the figure has series;
#   - NAME.dat and NAME.gp are written next to each figure, and
#     `cd DIR && gnuplot NAME.gp` redraws it by hand;
#   - without gnuplot on PATH: exit 0, the .dat and .gp files are written, no
#     figure, exactly one line on stderr, naming gnuplot;
#   - a gnuplot that fails: exit 1, its message in the warning, no figure and
#     no temporary file left; one that exits 0 with a truncated PNG (no IEND
#     chunk): exit 1, "truncated", the figure not published;
#   - bad usage (unknown --plot-format, an empty folder) exits 2;
#   - summary.json/capacity.json re-saved compact or re-indented (python3's
#     json, when installed) give byte-identical .dat and .gp files; a
#     truncated summary.json exits 1 with "summary.json:LINE:COL: JSON
#     syntax error" and writes no figure data;
#   - `run` draws compare.png itself, and not with --no-plots;
#     --plot-format svg draws only SVG, all draws PNG, SVG and PDF (a
#     PDF from %PDF- to %%EOF; one without its trailer not published); `phase` draws phase.png and
#     portrait.png, `capacity` capacity.png (and writes capacity.json),
#     neither with --no-plots.
# Does not pin: pixels, the figures' exact layout, or the data values
# (the derived data's layout is pinned by tests/test_plot.c).
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/plot.sh (from the repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
command -v gnuplot >/dev/null || { echo "FAIL: gnuplot is not installed (make deps)"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

check_png() {   # check_png FILE
	[ -s "$1" ] || { fail "$1 missing"; return; }
	sig=$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')
	[ "$sig" = 89504e470d0a1a0a ] || fail "$1 does not start with the PNG signature ($sig)"
	size=$(wc -c <"$1")
	[ "$size" -gt 5120 ] || fail "$1 is only $size bytes"
}

# check_svg FILE MIN_SERIES: well-formed, and >= MIN_SERIES plot groups
# (<g id="gnuplot_plot_N...">, first occurrence: later ones redraw the key)
# holding a <path> (a line, bar, error bar) or a <polygon> (a CI band).
check_svg() {
	[ -s "$1" ] || { fail "$1 missing"; return; }
	if command -v xmllint >/dev/null; then
		xmllint --noout "$1" 2>"$tmp/xmllint.err" ||
			fail "$1 is not well-formed XML: $(head -3 "$tmp/xmllint.err")"
	else
		head -c 200 "$1" | grep -q '<svg\|<?xml' || fail "$1: no <svg> at the start"
		tail -c 20 "$1" | grep -q '</svg>' || fail "$1: no </svg> at the end"
	fi
	n=$(awk '
		/<g id="gnuplot_plot_/ { match($0, /gnuplot_plot_[0-9a-z]+/)
			cur = substr($0, RSTART, RLENGTH); seen[cur]++; next }
		/<\/g>/ { }
		/<path|<polygon/ && cur != "" && seen[cur] == 1 { has[cur] = 1 }
		END { c = 0; for (k in has) c++; print c }' "$1")
	[ "$n" -ge "$2" ] || fail "$1: $n plot groups with a path, want >= $2"
}

# 1. Every figure kind from the fixtures, PNG and SVG.
cp -R tests/plots "$tmp/fx"
"$BPFSIM" plot --plot-format both "$tmp/fx/compare" "$tmp/fx/sweep" \
	"$tmp/fx/validation" "$tmp/fx/phase" "$tmp/fx/capacity" \
	"$tmp/fx/calibration" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "plot exited $rc: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "unexpected stderr: $(cat "$tmp/err")"
for f in compare/timeline compare/compare compare/portrait sweep/sweep \
	validation/validation phase/phase phase/portrait capacity/capacity \
	calibration/calibration-fixture; do
	grep -qx "$tmp/fx/$f.png" "$tmp/out" || fail "$f.png not listed on stdout"
	grep -qx "$tmp/fx/$f.svg" "$tmp/out" || fail "$f.svg not listed on stdout"
	check_png "$tmp/fx/$f.png"
	[ -s "$tmp/fx/$f.dat" ] || fail "$f.dat missing"
	[ -s "$tmp/fx/$f.gp" ] || fail "$f.gp missing"
done
# Series: timeline 2 strategies x 2 panels; compare bars and CI bars of
# 6 panels; sweep 2 strategies x (band + line) in 6 panels; validation
# 2 groups x (curve + points) on top and 2 below.
check_svg "$tmp/fx/compare/timeline.svg" 4
check_svg "$tmp/fx/compare/compare.svg" 12
check_svg "$tmp/fx/sweep/sweep.svg" 24
check_svg "$tmp/fx/validation/validation.svg" 6
# portrait: a line and arrows per run (2 strategies; 6 runs of the phase);
# phase: regime cells x 2, overhead cells x 2 (and their grey and hatched
# layers), the difference and the ratio; capacity: a line and CI bars per
# strategy in each of the 2 panels; calibration: histogram and 5 fits in
# each of 3 panels.
check_svg "$tmp/fx/compare/portrait.svg" 4
check_svg "$tmp/fx/phase/portrait.svg" 12
check_svg "$tmp/fx/phase/phase.svg" 10
check_svg "$tmp/fx/capacity/capacity.svg" 8
check_svg "$tmp/fx/calibration/calibration-fixture.svg" 18
[ -e "$tmp/fx/phase/sweep.png" ] && fail "a phase folder got a sweep figure"
# The folder's script redraws the figure by hand.
(cd "$tmp/fx/sweep" && rm -f sweep.png && gnuplot sweep.gp) 2>"$tmp/err" ||
	fail "gnuplot sweep.gp by hand failed: $(cat "$tmp/err")"
check_png "$tmp/fx/sweep/sweep.png"
(cd "$tmp/fx/calibration" && rm -f calibration-fixture.png &&
	gnuplot calibration-fixture.gp) 2>"$tmp/err" ||
	fail "gnuplot calibration-fixture.gp by hand failed: $(cat "$tmp/err")"
check_png "$tmp/fx/calibration/calibration-fixture.png"
left=$(find "$tmp/fx" -name '*.tmp.*')
[ -z "$left" ] || fail "temporary files left behind: $left"

# 2. No gnuplot on PATH: data and scripts, one warning, exit 0.
cp -R tests/plots/compare "$tmp/nogp"
PATH=/nonexistent "$BPFSIM" plot "$tmp/nogp" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "plot without gnuplot exited $rc"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "want one warning line, got: $(cat "$tmp/err")"
grep -q 'gnuplot not found' "$tmp/err" || fail "warning does not name gnuplot: $(cat "$tmp/err")"
for f in timeline.dat timeline.gp compare.dat compare.gp; do
	[ -s "$tmp/nogp/$f" ] || fail "without gnuplot: $f missing"
done
ls "$tmp/nogp"/*.png >/dev/null 2>&1 && fail "without gnuplot: a PNG was written"
[ -s "$tmp/out" ] && fail "without gnuplot: figures listed: $(cat "$tmp/out")"

cp -R tests/plots/phase "$tmp/nogp-phase"
PATH=/nonexistent "$BPFSIM" plot "$tmp/nogp-phase" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "plot of a phase folder without gnuplot exited $rc"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "phase: want one warning line, got: $(cat "$tmp/err")"
for f in phase.dat phase.gp portrait.dat portrait.gp; do
	[ -s "$tmp/nogp-phase/$f" ] || fail "phase without gnuplot: $f missing"
done

# 2b. A calibration file named directly: its figure beside it; another
# file: exit 2.
cp -R tests/plots/calibration "$tmp/cal"
"$BPFSIM" plot "$tmp/cal/fixture.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "plot of a calibration file exited $rc: $(cat "$tmp/err")"
grep -qx "$tmp/cal/calibration-fixture.png" "$tmp/out" ||
	fail "plot FILE did not list calibration-fixture.png: $(cat "$tmp/out")"
check_png "$tmp/cal/calibration-fixture.png"
"$BPFSIM" plot "$tmp/fx/capacity/capacity.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "plot of a CSV file exited $rc, want 2"
grep -q 'capacity.csv' "$tmp/err" || fail "plot of a CSV file: $(cat "$tmp/err")"

# 3. A gnuplot that fails: exit 1, its message shown, nothing half-written.
mkdir "$tmp/bin"
printf '#!/bin/sh\ncat >/dev/null\necho "fake gnuplot: broken" >&2\nexit 1\n' >"$tmp/bin/gnuplot"
chmod +x "$tmp/bin/gnuplot"
cp -R tests/plots/sweep "$tmp/badgp"
PATH="$tmp/bin:$PATH" "$BPFSIM" plot "$tmp/badgp" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "plot with a failing gnuplot exited $rc, want 1"
grep -q 'fake gnuplot: broken' "$tmp/err" || fail "gnuplot's message not shown: $(cat "$tmp/err")"
[ -e "$tmp/badgp/sweep.png" ] && fail "a failing gnuplot left sweep.png"
left=$(find "$tmp/badgp" -name '*.tmp.*' -o -name '.*log*')
[ -z "$left" ] || fail "failing gnuplot left: $left"

# 3b. A gnuplot that exits 0 having written a truncated PNG (a full disk):
#     the figure is not published.
mkdir "$tmp/bin2"
cat >"$tmp/bin2/gnuplot" <<'EOT'
#!/bin/sh
out=$(sed -n "s/^out = '\(.*\)'\$/\1/p")
printf '\211PNG\r\n\032\n0000' >"$out"
exit 0
EOT
chmod +x "$tmp/bin2/gnuplot"
cp -R tests/plots/sweep "$tmp/truncgp"
PATH="$tmp/bin2:$PATH" "$BPFSIM" plot "$tmp/truncgp" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "plot with a truncating gnuplot exited $rc, want 1"
grep -q 'truncated' "$tmp/err" || fail "truncated PNG not reported: $(cat "$tmp/err")"
[ -e "$tmp/truncgp/sweep.png" ] && fail "a truncated sweep.png was published"
left=$(find "$tmp/truncgp" -name '*.tmp.*' -o -name '.*log*')
[ -z "$left" ] || fail "truncating gnuplot left: $left"

# 3c. The same for a PDF without its %%EOF trailer.
cat >"$tmp/bin2/gnuplot" <<'EOT'
#!/bin/sh
out=$(sed -n "s/^out = '\(.*\)'\$/\1/p")
printf '%%PDF-1.5\n1 0 obj\n' >"$out"
exit 0
EOT
rm -rf "$tmp/truncgp" && cp -R tests/plots/sweep "$tmp/truncgp"
PATH="$tmp/bin2:$PATH" "$BPFSIM" plot --plot-format pdf "$tmp/truncgp" \
	>"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "plot with a truncating gnuplot (pdf) did not exit 1"
[ -e "$tmp/truncgp/sweep.pdf" ] && fail "a truncated sweep.pdf was published"

# 4. Bad usage.
"$BPFSIM" plot --plot-format jpeg "$tmp/fx/sweep" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--plot-format jpeg did not exit 2"
mkdir "$tmp/empty"
"$BPFSIM" plot "$tmp/empty" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "plot of an empty folder did not exit 2"
grep -q 'nothing to plot' "$tmp/err" || fail "empty folder: $(cat "$tmp/err")"
"$BPFSIM" run scenarios/mmc.yaml --plot-format gif >/dev/null 2>&1
[ $? -eq 2 ] || fail "run --plot-format gif did not exit 2"

# 5. run draws its figures unless --no-plots.
small="--reps 3 --set customers=20000 --set warmup_customers=2000 --quiet"
"$BPFSIM" run scenarios/mmc.yaml $small --out "$tmp/run" >/dev/null 2>"$tmp/err" ||
	fail "run failed: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "run: unexpected stderr: $(cat "$tmp/err")"
check_png "$tmp/run/compare.png"
"$BPFSIM" run scenarios/mmc.yaml $small --no-plots --out "$tmp/run2" >/dev/null 2>&1
ls "$tmp/run2"/*.png "$tmp/run2"/*.gp >/dev/null 2>&1 && fail "--no-plots wrote figures"
"$BPFSIM" run scenarios/mmc.yaml $small --plot-format svg --out "$tmp/run3" >/dev/null 2>&1
check_svg "$tmp/run3/compare.svg" 1
[ -e "$tmp/run3/compare.png" ] && fail "--plot-format svg also wrote a PNG"
"$BPFSIM" plot --plot-format all "$tmp/run3" >/dev/null 2>&1 ||
	fail "--plot-format all failed"
for ext in png svg pdf; do
	[ -s "$tmp/run3/compare.$ext" ] || fail "--plot-format all: no compare.$ext"
done
head -c 5 "$tmp/run3/compare.pdf" 2>/dev/null | grep -q '%PDF-' ||
	fail "compare.pdf does not start with %PDF-"
tail -c 8 "$tmp/run3/compare.pdf" 2>/dev/null | grep -q '%%EOF' ||
	fail "compare.pdf does not end with %%EOF"

# 6. phase and capacity draw their figures unless --no-plots.
tiny="--reps 2 --set duration=10ms --quiet"
grid="--x workload.rate=10000/s:1000000/s:2:log --y workload.lifetime=2us:20us:2:log"
"$BPFSIM" phase scenarios/phase.yaml $grid $tiny --out "$tmp/ph" >/dev/null \
	2>"$tmp/err" || fail "phase failed: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "phase: unexpected stderr: $(cat "$tmp/err")"
check_png "$tmp/ph/phase.png"
check_png "$tmp/ph/portrait.png"
"$BPFSIM" phase scenarios/phase.yaml $grid $tiny --no-plots --out "$tmp/ph2" \
	>/dev/null 2>&1
ls "$tmp/ph2"/*.png "$tmp/ph2"/*.gp >/dev/null 2>&1 && fail "phase --no-plots wrote figures"
"$BPFSIM" capacity scenarios/capacity.yaml $tiny --probes 4 --out "$tmp/cap" \
	>/dev/null 2>"$tmp/err" || fail "capacity failed: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "capacity: unexpected stderr: $(cat "$tmp/err")"
check_png "$tmp/cap/capacity.png"
grep -q '"metric": "bpf_cpu_share", "op": "<=", "value": 0.05' "$tmp/cap/capacity.json" ||
	fail "capacity.json lacks the objective's term: $(cat "$tmp/cap/capacity.json")"
"$BPFSIM" capacity scenarios/capacity.yaml $tiny --probes 4 --no-plots \
	--out "$tmp/cap2" >/dev/null 2>&1
ls "$tmp/cap2"/*.png "$tmp/cap2"/*.gp >/dev/null 2>&1 && fail "capacity --no-plots wrote figures"
[ -s "$tmp/cap2/capacity.json" ] || fail "capacity --no-plots: no capacity.json"

# 7. summary.json / capacity.json re-saved by a JSON tool (jq -c, jq .,
# python's json.tool) plot the same .dat and .gp files; a summary.json that
# is not JSON: exit 1 and a message naming the file, no figure data.
if command -v python3 >/dev/null; then
	for d in compare sweep phase capacity; do
		for style in compact indent; do
			cp -R "tests/plots/$d" "$tmp/js-$d-$style"
			for j in "$tmp/js-$d-$style"/*.json; do
				python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
c = sys.argv[2] == "compact"
s = json.dumps(d, separators=(",", ":")) if c else json.dumps(d, indent="\t")
open(sys.argv[1], "w").write(s + "\n")' "$j" "$style" ||
					fail "python3 could not re-save $j"
			done
		done
		cp -R "tests/plots/$d" "$tmp/js-$d-orig"
		for v in orig compact indent; do
			PATH=/nonexistent "$BPFSIM" plot "$tmp/js-$d-$v" >/dev/null \
				2>"$tmp/err" || fail "plot of $d ($v JSON) failed: $(cat "$tmp/err")"
		done
		n=0
		for f in "$tmp/js-$d-orig"/*.dat "$tmp/js-$d-orig"/*.gp; do
			b=$(basename "$f")
			for v in compact indent; do
				cmp -s "$f" "$tmp/js-$d-$v/$b" ||
					fail "$d/$b differs when the JSON is re-saved $v"
			done
			n=$((n + 1))
		done
		[ "$n" -ge 2 ] || fail "$d: only $n figure files to compare"
	done
else
	echo "note: python3 not installed: re-saved JSON not checked here (tests/test_outdir.c does)"
fi
cp -R tests/plots/compare "$tmp/badjson"
size=$(wc -c < tests/plots/compare/summary.json)
head -c $((size / 2)) tests/plots/compare/summary.json > "$tmp/badjson/summary.json"
PATH=/nonexistent "$BPFSIM" plot "$tmp/badjson" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "plot of a truncated summary.json did not exit 1"
grep -q 'summary.json:[0-9]*:[0-9]*: JSON syntax error' "$tmp/err" ||
	fail "truncated summary.json: no positioned message: $(cat "$tmp/err")"
ls "$tmp/badjson"/*.dat >/dev/null 2>&1 && fail "truncated summary.json: figure data written"

[ "$fails" -eq 0 ] || exit 1
echo "ok: bpfsim plot (timeline, compare, sweep, validation, phase, portrait, capacity, calibration; png, svg; no gnuplot; failing gnuplot; re-saved and bad JSON)"
