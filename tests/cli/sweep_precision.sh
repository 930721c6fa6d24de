#!/bin/sh
# sweep_precision.sh - run-length control: the stopping rule of precision:.
#
# Pins, on an M/M/1 fixture swept over five service distributions with
# precision: {metric: wait_mean, relative_halfwidth: 0.1, max_reps: 20} and
# 4 initial replications: each point's replication count (jobs.csv lines)
# is one of the rounds 4, 6, 9, 13, 19, 20 (each round adds half as many
# again, at least 2, never past max_reps); recomputing the 95% t CI of
# wait_mean from jobs.csv for the first n replications, every round before
# the last had a half-width > 0.1 x |mean| and the last either <= it or
# reached max_reps = 20 (so a point stops as soon as it is tight and never
# exceeds max_reps); points.csv agrees (replications column, and the
# half-width it reports for points that stopped early); the fixture has a
# point that stops at once, one that stops in between and one that hits
# max_reps, so none of this is vacuous (loads 0.5 deterministic, then
# 0.8, 0.87, 0.92 and 0.99 exponential, 20,000 customers: that holds for
# seeds 1-10, not by luck of one).  Also: --threads 1 and 2 give the
# same bytes, and --resume after deleting job lines or marking them not run,
# part-way through a round, gives the same bytes.
# Does not pin: which round each point stops at (that is the numbers).
# The t quantiles t(0.975, df) below are from gsl_cdf_tdist_Pinv, 12 digits.
set -u
. "${0%/*}/lib/same.sh"   # same_output A B: equal outputs, provenance aside
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

cat >"$tmp/mm1.yaml" <<'EOF'
model: mmc
seed: 7
replications: 4
servers: 1
arrival: exponential(1us)
service: exponential(500ns)
customers: 20000
warmup_customers: 2000
quantiles: false
sweep:
  service: [constant(500ns), exponential(800ns), exponential(870ns), exponential(920ns), exponential(990ns)]
precision: {metric: wait_mean, relative_halfwidth: 0.1, max_reps: 20}
EOF

t0=$(date +%s)
for t in 1 2; do
	"$BPFSIM" sweep "$tmp/mm1.yaml" --threads $t --quiet --no-plots --out "$tmp/t$t" \
		>/dev/null 2>"$tmp/t$t.err" || fail "sweep --threads $t exited $?: $(cat "$tmp/t$t.err")"
done
for f in points.csv differences.csv summary.json jobs.csv; do
	same_output "$tmp/t1/$f" "$tmp/t2/$f" || fail "$f differs between --threads 1 and 2"
done

# The rule, replayed from jobs.csv.
awk -F, -v rel=0.1 -v max=20 -v first=4 '
BEGIN {
	split("12.7062047362 4.30265272975 3.18244630528 2.7764451052 " \
	      "2.57058183564 2.44691185114 2.36462425159 2.3060041352 " \
	      "2.2621571628 2.22813885199 2.20098516009 2.17881282967 " \
	      "2.16036865646 2.14478668792 2.13144954556 2.11990529922 " \
	      "2.10981557783 2.10092204024 2.09302405441", t, " ")
	bad = 0
}
NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wait_mean") col = i; next }
$4 != "done" { print "FAIL: job " $1 "/" $3 " is " $4; bad++; next }
{
	p = $1; r = $3
	if (r != nrep[p] + 0) { print "FAIL: point " p " replication " r " out of order"; bad++ }
	x[p, r] = $col; nrep[p] = r + 1; if (p + 1 > np) np = p + 1
}
function tight(p, n,   i, m, ss) {
	m = 0; for (i = 0; i < n; i++) m += x[p, i]; m /= n
	ss = 0; for (i = 0; i < n; i++) ss += (x[p, i] - m) ^ 2
	return t[n - 1] * sqrt(ss / (n - 1)) / sqrt(n) <= rel * (m < 0 ? -m : m)
}
END {
	if (!col) { print "FAIL: no wait_mean column in jobs.csv"; exit 1 }
	for (p = 0; p < np; p++) {
		N = nrep[p]; n = first; rounds = ""
		if (N > max) { print "FAIL: point " p " ran " N " > max_reps " max; bad++ }
		while (n < N) {
			rounds = rounds n " "
			if (tight(p, n)) { print "FAIL: point " p " was tight at " n " but ran to " N; bad++ }
			n += (int(n / 2) > 2 ? int(n / 2) : 2); if (n > max) n = max
		}
		if (n != N) { print "FAIL: point " p " stopped at " N ", not a round"; bad++ }
		if (!tight(p, N) && N != max) { print "FAIL: point " p " stopped at " N " untight"; bad++ }
		printf "# point %d: rounds %s-> %d (%s)\n", p, rounds, N,
			tight(p, N) ? "tight" : N == max ? "max_reps" : "NOT tight"
		if (N == first) early++; else if (N == max) capped++; else mid++
	}
	if (!early || !mid || !capped) {
		print "FAIL: fixture no longer has a point stopping at once, one in between and one at max_reps"
		bad++
	}
	exit bad ? 1 : 0
}' "$tmp/t1/jobs.csv" >"$tmp/rule.out"
rc=$?
cat "$tmp/rule.out"
[ "$rc" -eq 0 ] || fail "stopping rule (see above)"

# points.csv: the replication counts, and the reported CI of early stoppers.
awk -F, -v rel=0.1 -v max=20 '
NR == 1 { for (i = 1; i <= NF; i++) { c[$i] = i } next }
{
	n = $c["replications"]; m = $c["wait_mean_mean"]
	h = ($c["wait_mean_ci_high"] - $c["wait_mean_ci_low"]) / 2
	print $c["point"], n
	if (n < max && h > rel * (m < 0 ? -m : m) * (1 + 1e-12)) {
		print "FAIL: point " $c["point"] " stopped at " n " with half-width " h " > " rel " x " m
		exit 1
	}
}' "$tmp/t1/points.csv" >"$tmp/points.n" || fail "points.csv: $(grep FAIL "$tmp/points.n" | cut -c7-)"
awk -F, 'NR > 1 { n[$1]++ } END { for (p in n) print p, n[p] }' "$tmp/t1/jobs.csv" |
	sort -n >"$tmp/jobs.n"
grep -v FAIL "$tmp/points.n" | sort -n | cmp -s - "$tmp/jobs.n" ||
	fail "points.csv replications differ from jobs.csv line counts"

# --resume part-way through rounds (job lines lost, or not run as after
# Ctrl-C): each point finishes its round before its CI is checked again, so
# the same bytes as the uninterrupted run.
cp -R "$tmp/t1" "$tmp/resumed"
awk -F, -v OFS=, '
NR > 1 && (($1 == 1 && $3 >= 10) || ($1 == 4 && $3 >= 15)) { next }   # lost
NR > 1 && $1 == 2 && $3 >= 7 { $4 = "not_run" }                       # Ctrl-C
{ print }' "$tmp/t1/jobs.csv" >"$tmp/resumed/jobs.csv"
sed -i '3,5d' "$tmp/resumed/jobs.csv"                                  # point 0
"$BPFSIM" sweep "$tmp/mm1.yaml" --resume "$tmp/resumed" --quiet --no-plots >/dev/null \
	2>"$tmp/resume.err" || fail "--resume exited $?: $(cat "$tmp/resume.err")"
for f in points.csv differences.csv summary.json jobs.csv; do
	same_output "$tmp/t1/$f" "$tmp/resumed/$f" || fail "$f differs after --resume"
done

[ "$fails" -eq 0 ] || exit 1
echo "ok: precision: stops each point once its CI is tight, never past max_reps ($(( $(date +%s) - t0 ))s)"
