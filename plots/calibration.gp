# calibration.gp - a calibration file: each measured distribution's
# histogram with the fitted densities.
#
# One panel per distribution the file measured (bpfsim calibrate).  The
# grey bars are the histogram, the lines the densities of the fitted
# families: thick and solid the one chosen by AIC (what scenarios use with
# {from: calibration.X}), thin and dashed the alternatives.  The key gives
# the chosen fit's AIC and the others' ΔAIC (how much worse; above ~10 is
# decisively worse), and each fit's KS distance (the largest gap between
# its CDF and the measured one, 0..1).  x is logarithmic, so y is the
# density per decade of x: the share of values, in %, that a decade-wide
# stretch would hold there; areas under bars and curves are probabilities.
# One colour per family in every panel.
#
# Parameters (bpfsim writes them at the top of the copy in the output folder):
#   data        data file: per distribution two blocks (gnuplot `index`):
#               2p-2: xlo xhi density       (histogram bars)
#               2p-1: x density...          (one column per fit, chosen first)
#   titles      array of panel titles (the distribution's path)
#   details     array of their second lines (n, mean, baseline)
#   units       array of x units ('ns', 'µs', ...)
#   xtics       array of tic lists ("('10' 10, '20' 20)"; '' = automatic)
#   keypos      array: 'left' or 'right' (where the key goes)
#   xmin, xmax, ymax   arrays: ranges
#   nfit        array: number of fits in each panel
#   maxfits     fits per panel in the flattened arrays below
#   fam         array [panel * maxfits]: family of each fit (1 normal,
#               2 lognormal, 3 gamma, 4 exponential, 5 weibull)
#   keys        array [panel * maxfits]: key text of each fit
#   title, subtitle   figure title and its second line
#   fmt, out    'png' (pngcairo, default), 'svg' or 'pdf' (pdfcairo); output file

if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'calibration.' . fmt
np = |titles|
ncols = np < 3 ? np : 3
nrows = (np + ncols - 1) / ncols
colw = 600.0
rowh = 445.0
top0 = 90.0
W = ncols * colw
H = top0 + nrows * rowh
if (fmt eq 'svg') {
	set terminal svg size W,H dynamic font 'Sans,12' background rgb 'white'
} else {
	if (fmt eq 'pdf') {
		# 100 pixels to the inch: the same page as the PNG, vector text.
		set terminal pdfcairo size (W) / 100.0, (H) / 100.0 font 'Sans,8' background rgb 'white'
	} else {
		set terminal pngcairo size W,H font 'Sans,11' background rgb 'white'
	}
}
set output out
set termoption noenhanced
set encoding utf8

# Families: normal, lognormal, gamma, exponential, weibull.
set linetype 1 lc rgb '#CC79A7'
set linetype 2 lc rgb '#0072B2'
set linetype 3 lc rgb '#009E73'
set linetype 4 lc rgb '#E69F00'
set linetype 5 lc rgb '#D55E00'
set linetype cycle 5

L(c) = (c * colw + 75.0) / W
R(c) = ((c + 1) * colw - 25.0) / W
T(r) = 1 - (top0 + r * rowh + 62.0) / H
B(r) = 1 - (top0 + (r + 1) * rowh - 58.0) / H
panel(r, c) = sprintf('set lmargin at screen %.5f; set rmargin at screen %.5f; set tmargin at screen %.5f; set bmargin at screen %.5f', L(c), R(c), T(r), B(r))

set grid xtics ytics lc rgb '#e4e4e4' lw 1 dt 1
set border 3
set tics nomirror
set logscale x
set format x '%g'
set format y '%g'
set ylabel '% of values per decade'
set style fill solid 0.45 border rgb '#777777'

set multiplot title title . "\n" . subtitle font ',13'
do for [p=1:np] {
	eval panel((p - 1) / ncols, (p - 1) % ncols)
	set title titles[p] . "\n" . details[p] font ',11'
	set xlabel 'duration (' . units[p] . ', log scale)'
	set xrange [xmin[p]:xmax[p]]
	set yrange [0:ymax[p]]
	if (strlen(xtics[p]) > 0) { eval 'set xtics ' . xtics[p] } else { set xtics autofreq }
	eval 'set key top ' . keypos[p] . ' Left reverse opaque box lc rgb "#cccccc" font ",9" samplen 2.5 spacing 0.95'
	base = (p - 1) * maxfits
	plot data index (2*p-2) using (sqrt($1*$2)):3:1:2:(0):3 with boxxyerror \
		lc rgb '#b0b0b0' title 'measured', \
	     for [j=1:(nfit[p] > 0 ? 1 : 0)] data index (2*p-1) using 1:2 with lines \
		lt fam[base + 1] lw 2.8 title keys[base + 1], \
	     for [j=2:nfit[p]] data index (2*p-1) using 1:(column(j+1)) with lines \
		lt fam[base + j] lw 1.6 dt 2 title keys[base + j]
}
unset multiplot
