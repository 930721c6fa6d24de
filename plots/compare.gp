# compare.gp - key metrics per strategy: mean with 95% confidence interval.
#
# Small multiples, one panel per metric; in each, one bar per strategy (its
# mean over replications) with the 95% CI as an error bar and the mean
# printed above.  Bars start at zero so that their heights compare honestly;
# a CI too small to see is a tight CI.  (The CI is drawn as a vector with
# flat heads: gnuplot's yerrorbars style leaves a hole around the mean.)
#
# Parameters (bpfsim writes them at the top of the copy in the output folder):
#   data        data file: one block per metric (gnuplot `index`), one row per
#               strategy: index "strategy" mean ci_low ci_high (display units)
#   metrics     array of metric names, in block order
#   units       array of the metrics' display units ("ms", "%", "count", ...)
#   helps       array of one-line descriptions (second line of panel titles)
#   strategies  array of strategy names (row order within a block)
#   colour      array: each strategy's linetype (its fixed colour)
#   pdiff       array: per metric, the paired difference of each strategy
#               from the first with its CI ('' when there is one strategy)
#   title       figure title
#   fmt, out    'png' (pngcairo, default), 'svg' or 'pdf' (pdfcairo); output file

if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'compare.' . fmt
nmet = |metrics|
nstrat = |strategies|
ncols = (nmet <= 3) ? nmet : 3
nrows = (nmet + ncols - 1) / ncols
# A line of paired differences under each panel title takes room.
haspd = exists("pdiff") && nstrat > 1
height = 130 + (haspd ? 340 : 300) * nrows
if (fmt eq 'svg') {
	set terminal svg size 1200,height dynamic font 'Sans,12' background rgb 'white'
} else {
	if (fmt eq 'pdf') {
		# 100 pixels to the inch: the same page as the PNG, vector text.
		set terminal pdfcairo size (1200) / 100.0, (height) / 100.0 font 'Sans,8' background rgb 'white'
	} else {
		set terminal pngcairo size 1200,height font 'Sans,11' background rgb 'white'
	}
}
set output out
set termoption noenhanced
set encoding utf8

set linetype 1 lc rgb '#0072B2'
set linetype 2 lc rgb '#D55E00'
set linetype 3 lc rgb '#009E73'
set linetype 4 lc rgb '#CC79A7'
set linetype 5 lc rgb '#E69F00'
set linetype 6 lc rgb '#56B4E9'
set linetype 7 lc rgb '#000000'
set linetype 8 lc rgb '#F0E442'
set linetype cycle 8

set style fill solid 0.75 border lc rgb '#333333'
set boxwidth 0.6
set grid ytics lc rgb '#dddddd' lw 1 dt 1
set border 3
set tics nomirror
set xtics scale 0
if (nstrat > 3) { set xtics rotate by -25 }
set xrange [-0.6:nstrat-0.4]
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
set format y '%g'
unset key

set multiplot layout nrows,ncols title title font ',14' \
	margins 0.07,0.98,0.08,(1 - (haspd ? 110.0 : 80.0) / height) \
	spacing 0.08,(haspd ? 0.22 : 0.16)
do for [m=1:nmet] {
	set title metrics[m] . (strlen(helps[m]) ? "\n" . helps[m] : '') . \
		(haspd && strlen(pdiff[m]) ? "\n" . pdiff[m] : '') font (haspd ? ',11' : ',12')
	set ylabel units[m]
	plot data index (m-1) using 1:3:(colour[int($1)+1]):xtic(2) with boxes lc variable, \
	     '' index (m-1) using 1:4:(0):($5-$4) with vectors heads \
		size screen 0.012,90 lc rgb '#222222' lw 1.5, \
	     '' index (m-1) using 1:5:(sprintf('%.4g', $3)) with labels \
		offset 0,0.8 font ',10'
}
unset multiplot
