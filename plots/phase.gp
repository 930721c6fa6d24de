# phase.gp - the phase diagram: regime and overhead ratio over two parameters.
#
# One column per strategy.  Row 1: the regime of each cell (the majority of
# its replications; letters C S O E ? in small grids, for readers who do not
# tell the colours apart).  Row 2: the overhead ratio (BPF time / payload
# time) of each cell, one logarithmic colour scale for every strategy;
# exploding cells hatched; grey: no value.  Row 3 (two strategies or more): for each
# strategy after the first, the cells where exactly one of it and the first
# explodes; in the last slot the second strategy's overhead ratio divided by
# the first's (blue: the second is cheaper, red: dearer; log scale centred
# on 1).  Cells span halfway to their neighbours, geometrically on a log axis.
#
# Parameters (bpfsim writes them at the top of the copy in the output folder):
#   data          data file: blocks (gnuplot `index`) of cells, each row
#                 x y xlo xhi ylo yhi then
#                   blocks 0..ns-1 (per strategy): regime_code overhead_% letter
#                     (codes 0 converging, 1 stable, 2 oscillating,
#                     3 exploding, 4 unknown)
#                   blocks ns..2ns-2 (strategy k+1 vs the first): code
#                     (0 neither explodes, 1 both, 2 only the first,
#                     3 only strategy k+1)
#                   block 2ns-1: overhead ratio, second strategy / first
#   strategies    array of strategy names
#   xlabel, ylabel    axis labels (parameter, unit, log scale)
#   xlog, ylog    1 = log axis
#   xmin, xmax, ymin, ymax    ranges (the outer cell edges)
#   nxt, xtv, xtl number of x tics (0 = gnuplot's own), their values, labels
#   nyt, ytv, ytl the same for y
#   letters       1 = print regime letters in the cells
#   present       array[5]: 1 = that regime occurs (key entries)
#   has_ov        1 = overhead ratios present
#   cbmin, cbmax  overhead ratio colour range (%)
#   ncbt, cbtv, cbtl   its tics
#   rmax, nrt, rtv, rtl   ratio colour range [1/rmax, rmax] and its tics
#   dfirst, dother, dboth arrays (strategy k+1 vs first): cells where only the
#                 first, only k+1, both explode
#   title         figure title
#   fmt, out      'png' (pngcairo, default), 'svg' or 'pdf' (pdfcairo); output file

if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'phase.' . fmt
ns = |strategies|
ncols = ns
nrows = (ns > 1) ? 3 : 2
colw = 690.0
rowh = 440.0
top0 = 70.0
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

# Panel (row r, column c from 0): plot area; key and colour box to its right.
L(c) = (c * colw + 90) / W
R(c) = ((c + 1) * colw - 205) / W
T(r) = 1 - (top0 + r * rowh + 48) / H
B(r) = 1 - (top0 + (r + 1) * rowh - 62) / H
panel(r, c) = sprintf('set lmargin at screen %.5f; set rmargin at screen %.5f; set tmargin at screen %.5f; set bmargin at screen %.5f; set key at screen %.5f, screen %.5f left top Left reverse samplen 1 spacing 1.1 font ",10" noopaque nobox; set colorbox user origin screen %.5f, screen %.5f size screen %.5f, screen %.5f', L(c), R(c), T(r), B(r), R(c) + 14 / W, T(r), R(c) + 16 / W, B(r), 16 / W, T(r) - B(r))

regnames = 'converging stable oscillating exploding unknown'
regletters = 'C S O E ?'
rcol(g) = g == 0 ? 0x56B4E9 : g == 1 ? 0x009E73 : g == 2 ? 0xE69F00 : g == 3 ? 0xD55E00 : 0xBBBBBB
dcol(k) = k == 0 ? 0xF0F0F0 : k == 1 ? 0x8C8C8C : k == 2 ? 0xD55E00 : 0x0072B2
hex(c) = sprintf('#%06x', c)

set border 15
set tics out nomirror
set xlabel xlabel
set ylabel ylabel
set xrange [xmin:xmax]
set yrange [ymin:ymax]
if (xlog) { set logscale x }
if (ylog) { set logscale y }
set format x '%g'
set format y '%g'
if (nxt > 0) {
	set xtics ()
	do for [k=1:nxt] { set xtics add (xtl[k] xtv[k]) }
}
if (nyt > 0) {
	set ytics ()
	do for [k=1:nyt] { set ytics add (ytl[k] ytv[k]) }
}
set style fill solid 1.0 border rgb 'white'

set multiplot title title font ',14'

# Row 1: regimes.
unset colorbox
do for [s=1:ns] {
	eval panel(0, s - 1)
	set title strategies[s] . ': regime (majority of replications)' font ',12'
	plot data index (s-1) using 1:2:3:4:5:6:(rcol($7)) with boxxyerror \
			lc rgb variable notitle, \
	     '' index (s-1) using 1:2:(letters ? stringcolumn(9) : '') with labels \
			font ',9' tc rgb '#1a1a1a' notitle, \
	     for [g=1:5] NaN with boxes lc rgb hex(rcol(g-1)) \
			title (present[g] ? word(regnames, g) . ' (' . word(regletters, g) . ')' : '')
}

# Row 2: overhead ratio, log colour scale shared by the strategies.
set logscale cb
set cbrange [cbmin:cbmax]
set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')
set cblabel 'overhead ratio: BPF / payload CPU time (%)' offset 0.5,0
set format cb '%g'
if (ncbt > 0) {
	set cbtics ()
	do for [k=1:ncbt] { set cbtics add (cbtl[k] cbtv[k]) }
}
do for [s=1:ns] {
	eval panel(1, s - 1)
	if (s == ns) { set colorbox } else { unset colorbox }
	set title strategies[s] . ': overhead ratio (hatched: exploding)' font ',12'
	plot data index (s-1) using 1:2:3:4:5:6 with boxxyerror lc rgb '#dddddd' \
			notitle, \
	     '' index (s-1) using ($8 > 0 ? $1 : NaN):2:3:4:5:6:8 with boxxyerror \
			lc palette z notitle, \
	     '' index (s-1) using ($7 == 3 ? $1 : NaN):2:3:4:5:6 with boxxyerror \
			fs transparent pattern 4 noborder lc rgb '#70000000' notitle
}

# Row 3: who explodes, and the overhead ratio of the second over the first.
if (ns > 1) {
	unset colorbox
	do for [k=1:ns-1] {
		eval panel(2, k - 1)
		set title sprintf('%s vs %s: where exactly one explodes', \
			strategies[k+1], strategies[1]) font ',12'
		plot data index (ns + k - 1) using 1:2:3:4:5:6:(dcol($7)) with boxxyerror \
				lc rgb variable notitle, \
		     NaN with boxes lc rgb hex(dcol(2)) \
				title sprintf('only %s (%d)', strategies[1], dfirst[k]), \
		     NaN with boxes lc rgb hex(dcol(3)) \
				title sprintf('only %s (%d)', strategies[k+1], dother[k]), \
		     NaN with boxes lc rgb hex(dcol(1)) \
				title sprintf('both (%d)', dboth[k]), \
		     NaN with boxes fs solid 1.0 border rgb '#aaaaaa' lc rgb hex(dcol(0)) \
				title 'neither'
	}
	eval panel(2, ns - 1)
	set colorbox
	set cbrange [1.0/rmax:rmax]
	set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')
	set cblabel sprintf('%s / %s  (below 1: %s cheaper)', strategies[2], \
		strategies[1], strategies[2]) offset 0.5,0
	set cbtics ()
	if (nrt > 0) {
		do for [k=1:nrt] { set cbtics add (rtl[k] rtv[k]) }
	}
	set title sprintf('overhead ratio of %s / %s', strategies[2], strategies[1]) \
		font ',12'
	plot data index (2 * ns - 1) using 1:2:3:4:5:6 with boxxyerror \
			lc rgb '#dddddd' notitle, \
	     '' index (2 * ns - 1) using ($7 > 0 ? $1 : NaN):2:3:4:5:6:7 \
			with boxxyerror lc palette z notitle
}
unset multiplot
