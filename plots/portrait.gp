# portrait.gp - phase portrait: runs as trajectories in (backlog, overhead
# ratio) space.
#
# Every window of a run is one point: the runqueue backlog (runnable tasks
# waiting, time-averaged over the window) and the window's overhead ratio
# (BPF time / payload time).  A run is a line through its windows in time
# order (block means of consecutive windows for long runs); arrows on six
# of its steps show where time goes; an open circle marks the first
# window, a filled one the last.  A run that settles makes a knot, one that explodes
# runs off to the right.  Colour = run.
#
# Parameters (bpfsim writes them at the top of the copy in the output folder):
#   data        data file: per run three blocks (gnuplot `index`):
#               3k-3: backlog overhead_%  (its windows)
#               3k-2: x y dx dy           (arrows)
#               3k-1: the first and the last window
#   runs        array of run labels
#   xlog, ylog  1 = log axis
#   xmin, xmax, ymin, ymax   ranges
#   nxt, xtv, xtl  x tics (0 = gnuplot's own), values and labels
#   nyt, ytv, ytl  the same for y
#   title, subtitle   figure title and its second line
#   fmt, out    'png' (pngcairo, default), 'svg' or 'pdf' (pdfcairo); output file

if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'portrait.' . fmt
nrun = |runs|
height = 760 + 20 * nrun
if (fmt eq 'svg') {
	set terminal svg size 1100,height dynamic font 'Sans,12' background rgb 'white'
} else {
	if (fmt eq 'pdf') {
		# 100 pixels to the inch: the same page as the PNG, vector text.
		set terminal pdfcairo size (1100) / 100.0, (height) / 100.0 font 'Sans,8' background rgb 'white'
	} else {
		set terminal pngcairo size 1100,height font 'Sans,11' background rgb 'white'
	}
}
set output out
set termoption noenhanced
set encoding utf8

set linetype 1 lc rgb '#0072B2' lw 1.5
set linetype 2 lc rgb '#D55E00' lw 1.5
set linetype 3 lc rgb '#009E73' lw 1.5
set linetype 4 lc rgb '#CC79A7' lw 1.5
set linetype 5 lc rgb '#E69F00' lw 1.5
set linetype 6 lc rgb '#56B4E9' lw 1.5
set linetype 7 lc rgb '#000000' lw 1.5
set linetype 8 lc rgb '#F0E442' lw 1.5
set linetype cycle 8

set title title . "\n" . subtitle font ',13'
set grid xtics ytics lc rgb '#dddddd' lw 1 dt 1
set border 3
set tics nomirror
set format x '%g'
set format y '%g'
set xlabel 'runqueue backlog: runnable tasks waiting, window average' . \
	(xlog ? ' (log scale)' : '')
set ylabel 'overhead ratio: BPF / payload CPU time (%)' . (ylog ? ', log scale' : '')
if (xlog) { set logscale x }
if (ylog) { set logscale y }
set xrange [xmin:xmax]
set yrange [ymin:ymax]
if (nxt > 0) {
	set xtics ()
	do for [k=1:nxt] { set xtics add (xtl[k] xtv[k]) }
}
if (nyt > 0) {
	set ytics ()
	do for [k=1:nyt] { set ytics add (ytl[k] ytv[k]) }
}
# The key under the plot: fixed margins, so it never meets the x label.
set lmargin at screen 90.0 / 1100
set rmargin at screen 1 - 30.0 / 1100
set tmargin at screen 1 - 80.0 / height
set bmargin at screen (90.0 + 20 * nrun) / height
set key at screen 90.0 / 1100, screen (12.0 + 20 * nrun) / height left top \
	Left reverse vertical maxrows nrun box lc rgb '#bbbbbb' samplen 2

plot for [i=1:nrun] data index (3*i-3) using 1:2 with lines lt i lw 0.8 \
		dt 1 notitle, \
     for [i=1:nrun] data index (3*i-2) using 1:2:3:4 with vectors \
		head filled size screen 0.011,22 lw 2 lc i title runs[i], \
     for [i=1:nrun] data index (3*i-1) every ::0::0 using 1:2 with points \
		pt 6 ps 1.4 lc i notitle, \
     for [i=1:nrun] data index (3*i-1) every ::1::1 using 1:2 with points \
		pt 7 ps 1.4 lc i notitle
