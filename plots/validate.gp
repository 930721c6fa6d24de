# validate.gp - bpfsim validate: predicted against measured, log-log.
#
# Four panels: BPF time per hook invocation, invocations per second, BPF
# share of all CPU time and overhead ratio, runqueue wait p50 and p99.  In
# each, one point per (load, storage kind, metric): x the value measured on
# the host, y the simulation's mean with its 95% CI as an error bar.  The
# line is y = x (a perfect prediction), the shaded band y = x (1 +- tol):
# inside it the metric passes.  Colour is the storage kind, the point type
# the load; the small label says which metric of the panel a point is
# (w, n, s: sched_wakeup, _new, sched_switch; share, ovh; 50, 99).
#
# Parameters (bpfsim writes them at the top of the copy in the output folder):
#   data      data file: one block per panel (gnuplot `index`), rows
#             measured predicted ci_low ci_high kind load "label"
#             (kind 0 hash, 1 task storage; load 0-based; display units)
#   panels    array of panel titles; units: array of their display units
#   lo, hi    arrays: each panel's axis range (both axes)
#   loads     array of the loads; kinds: array of the storage kinds
#   tol       the tolerance (0.25 = 25%)
#   title     figure title
#   fmt, out  'png' (pngcairo, default), 'svg' or 'pdf' (pdfcairo); output file

if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'validate.' . fmt
npan = |panels|
nl = |loads|
nk = |kinds|
if (fmt eq 'svg') {
	set terminal svg size 1200,1050 dynamic font 'Sans,12' background rgb 'white'
} else {
	if (fmt eq 'pdf') {
		# 100 pixels to the inch: the same page as the PNG, vector text.
		set terminal pdfcairo size (1200) / 100.0, (1050) / 100.0 font 'Sans,8' background rgb 'white'
	} else {
		set terminal pngcairo size 1200,1050 font 'Sans,11' background rgb 'white'
	}
}
set output out
set termoption noenhanced
set encoding utf8

set linetype 1 lc rgb '#0072B2' lw 1.5
set linetype 2 lc rgb '#D55E00' lw 1.5
set linetype cycle 2
array ptypes[8] = [7, 5, 9, 11, 13, 15, 1, 2]

set grid xtics ytics mxtics mytics lc rgb '#e4e4e4' lw 1 dt 1
set border 3
set tics nomirror
set logscale xy
set format x '%g'
set format y '%g'
set samples 200
set style fill transparent solid 0.15 noborder
set key bottom right opaque box lc rgb '#bbbbbb' font ',9' spacing 0.9

set multiplot layout 2,2 title title font ',14'
do for [p=1:npan] {
	set title panels[p] font ',12'
	set xlabel 'measured (' . units[p] . ')'
	set ylabel 'predicted (' . units[p] . ')'
	set xrange [lo[p]:hi[p]]
	set yrange [lo[p]:hi[p]]
	if (p == 1) { set key } else { unset key }
	plot '+' using 1:($1 * (1 - tol)):($1 * (1 + tol)) with filledcurves \
		lc rgb '#2ca02c' title sprintf('within ±%.0f%%', 100 * tol), \
	     x with lines lc rgb '#555555' dt 2 lw 1 title 'y = x', \
	     for [k=0:nk-1] for [l=0:nl-1] data index (p - 1) \
		using ($5 == k && $6 == l ? $1 : NaN):2:3:4 with yerrorbars \
		lt (k + 1) pt ptypes[(l % 8) + 1] ps 1.2 \
		title (p == 1 ? kinds[k + 1] . ', ' . loads[l + 1] : ''), \
	     data index (p - 1) using 1:2:7 with labels offset char 1.2, char 0.5 \
		font ',8' tc rgb '#444444' notitle
}
unset multiplot
