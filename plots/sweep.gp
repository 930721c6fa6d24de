# sweep.gp - key metrics vs the swept parameter, with 95% CI bands; also
# draws the paired-difference figure (paired.png: zero = 1).
#
# Small multiples, one panel per metric; in each, one line per series (a
# strategy, and a value of every further sweep axis) through the means, and a
# translucent band from CI low to CI high.  Colour = strategy, dash pattern =
# value of the further axes.  The x axis is logarithmic when the swept
# values are geometrically spaced (a :log range), a y axis when its values
# span more than two decades.
#
# Parameters (bpfsim writes them at the top of the copy in the output folder):
#   data        data file: one block per series (gnuplot `index`), rows
#               x  then mean ci_low ci_high for each metric (display units),
#               then the point's regime code (0 unknown, 1 stable,
#               2 converging, 3 oscillating, 4 exploding)
#   metrics     array of metric names (column groups, in order)
#   units       array of their display units
#   helps       array of one-line descriptions (second line of panel titles)
#   ylog        array: 1 = log y axis for that metric
#   series      array of series labels ("hash", "hash, cpus=4", ...)
#   colour      array: colour (strategy) index of each series, from 1
#   dash        array: dash pattern index of each series, from 1
#   xlabel      x axis label (parameter and unit)
#   xlog        1 = log x axis
#   xmin, xmax  x range
#   nxticks     number of x tics at the swept values (0 = gnuplot's own)
#   xticks      array of those values (only when nxticks > 0)
#   nxnames     number of x tic labels: 0 when the values are numbers, else
#               the number of values (x is then 0, 1, ...), named by
#   xnames      array of x tic labels (only when nxnames > 0)
#   hasreg      array[5]: 1 where some point's regime is unknown, stable,
#               converging, oscillating, exploding (its marker: open
#               circle, disc, triangle, diamond, cross)
#   zero        1: the figure of paired differences (differences.csv):
#               a dashed line at 0, markers without regimes
#   title       figure title
#   fmt, out    'png' (pngcairo, default), 'svg' or 'pdf' (pdfcairo); output file

if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = (exists("zero") && zero ? 'paired.' : 'sweep.') . fmt
nmet = |metrics|
nser = |series|
ncols = (nmet <= 3) ? nmet : 3
nrows = (nmet + ncols - 1) / ncols
height = 150 + 320 * nrows
if (fmt eq 'svg') {
	set terminal svg size 1250,height dynamic font 'Sans,12' background rgb 'white'
} else {
	if (fmt eq 'pdf') {
		# 100 pixels to the inch: the same page as the PNG, vector text.
		set terminal pdfcairo size (1250) / 100.0, (height) / 100.0 font 'Sans,8' background rgb 'white'
	} else {
		set terminal pngcairo size 1250,height font 'Sans,11' background rgb 'white'
	}
}
set output out
set termoption noenhanced
set encoding utf8

set linetype 1 lc rgb '#0072B2' lw 2
set linetype 2 lc rgb '#D55E00' lw 2
set linetype 3 lc rgb '#009E73' lw 2
set linetype 4 lc rgb '#CC79A7' lw 2
set linetype 5 lc rgb '#E69F00' lw 2
set linetype 6 lc rgb '#56B4E9' lw 2
set linetype 7 lc rgb '#000000' lw 2
set linetype 8 lc rgb '#F0E442' lw 2
set linetype cycle 8

set grid xtics ytics mxtics lc rgb '#dddddd' lw 1 dt 1
set border 3
set tics nomirror
set format y '%g'
set format x '%g'
set xlabel xlabel
if (xlog) { set logscale x }
set xrange [xmin:xmax]
if (nxticks > 0) {
	set xtics ()
	do for [k=1:nxticks] { set xtics add (sprintf('%g', xticks[k]) xticks[k]) }
}
if (nxnames > 0) {
	set xtics ()
	do for [k=1:nxnames] { set xtics add (xnames[k] k-1) }
}
set key top left opaque box lc rgb '#bbbbbb' font ',10'

# Bottom and top margins in pixels (tic labels, the x label, the titles),
# so that a single row keeps its x label.
bm = 75.0 / height
tm = 1 - 95.0 / height
# The regime of each point (last column) as its marker; the key names
# those present when there is more than one.
rc = 2 + 3 * nmet
rpt(r) = r == 1 ? 7 : r == 2 ? 9 : r == 3 ? 13 : r == 4 ? 2 : r == 0 ? 6 : 7
array rname[5] = ['regime unknown', 'stable', 'converging', 'oscillating', 'exploding']
nregkinds = 0
do for [k=1:5] { nregkinds = nregkinds + (hasreg[k] ? 1 : 0) }

set multiplot layout nrows,ncols title title font ',14' \
	margins 0.07,0.98,bm,tm spacing 0.08,0.16
do for [m=1:nmet] {
	c = 2 + 3 * (m - 1)
	set title metrics[m] . (strlen(helps[m]) ? "\n" . helps[m] : '') font ',12'
	set ylabel units[m] . (ylog[m] ? (strlen(units[m]) ? ', log scale' : 'log scale') : '')
	if (ylog[m]) {
		set logscale y
		set autoscale yfix
	} else {
		unset logscale y
		set autoscale y
		# A paired difference's axis always shows zero.
		if (zero) { set yrange [*<0:0<*] }
	}
	if (m > 1 || (nser == 1 && nregkinds < 2 && !zero)) { unset key }
	# A paired difference: the zero line is "no difference".
	unset arrow
	if (zero) { set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#444444' dt 2 lw 1 }
	plot for [i=1:nser] data index (i-1) using 1:(column(c+1)):(column(c+2)) \
		with filledcurves lc colour[i] fs transparent solid 0.18 noborder notitle, \
	     for [i=1:nser] data index (i-1) using 1:(column(c)) \
		with lines lc colour[i] dt dash[i] title ((nser > 1 || zero) ? series[i] : ''), \
	     for [i=1:nser] data index (i-1) using 1:(column(c)):(rpt(column(rc))) \
		with points lc colour[i] pt variable ps 0.9 notitle, \
	     for [k=1:5] NaN with points lc rgb '#444444' pt rpt(k - 1) ps 0.9 \
		title ((nregkinds > 1 && hasreg[k]) ? rname[k] : '')
}
unset multiplot
