# capacity.gp - a capacity search: objective metrics vs the searched
# parameter, the threshold, and each strategy's capacity.
#
# One row per metric term of the objective.  Left: the whole search range
# (log x); right: a zoom on the capacities found (linear x).  Per strategy
# (colour): its probes with 95% CI bars - filled when the probe met the whole
# objective by the means, open when it did not - joined in parameter order;
# its capacity (the bisection estimate) as a dashed vertical line and the
# interval the probes' confidence gives as a translucent band.  The black
# dotted line is the objective's threshold.
#
# Parameters (bpfsim writes them at the top of the copy in the output folder):
#   data        data file: one block per strategy (gnuplot `index`), rows
#               x meets sure_pass sure_fail, then mean ci_low ci_high per
#               term (display units); probes in parameter order
#   strategies  array of key labels (strategy and capacity)
#   colour      array: each strategy's linetype (its fixed colour)
#   est, low, high   arrays: each strategy's capacity and interval (x units;
#               NaN: none / open-ended)
#   nterm       number of metric terms (0: one panel of `meets`, 0 or 1,
#               without CI bars)
#   names, units, thrtext   arrays per panel: metric, display unit,
#               threshold text for its label ('' = none)
#   thr         array per panel: the threshold (NaN = none)
#   ylog        array per panel: 1 = log y in the left panel
#   xlabel      x axis label
#   xmin, xmax  left panels' x range
#   nxt, xtv, xtl   its tics (values and labels)
#   zoom        1 = draw the right-hand zoom panels over [zmin, zmax]
#   zymin, zymax    arrays per panel: the zoom's y range (NaN: autoscale)
#   nzt, ztv, ztl   the zoom's x tics
#   title, subtitle  figure title and its second line
#   fmt, out    'png' (pngcairo, default), 'svg' or 'pdf' (pdfcairo); output file

if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'capacity.' . fmt
ns = |strategies|
np = |names|
ncols = zoom ? 2 : 1
W = zoom ? 1300 : 1150
rowh = 430
top0 = 80.0
keyh = 25.0 + 19 * ns
H = top0 + np * rowh + keyh
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

colours = '#0072B2 #D55E00 #009E73 #CC79A7 #E69F00 #56B4E9 #000000 #F0E442'
scol(i) = word(colours, (i - 1) % 8 + 1)
do for [i=1:8] {
	eval sprintf("set linetype %d lc rgb '%s' lw 1.5 ps 1.1", i, scol(i))
}
set linetype cycle 8

colw = W / ncols
L(c) = (c * colw + 95.0) / W
R(c) = ((c + 1) * colw - 25.0) / W
T(r) = 1 - (top0 + r * rowh + 40.0) / H
B(r) = 1 - (top0 + (r + 1) * rowh - 60.0) / H
panel(r, c) = sprintf('set lmargin at screen %.5f; set rmargin at screen %.5f; set tmargin at screen %.5f; set bmargin at screen %.5f', L(c), R(c), T(r), B(r))

set grid xtics ytics lc rgb '#dddddd' lw 1 dt 1
set border 3
set tics nomirror
set format y '%g'
set xlabel xlabel
unset key
set style textbox opaque noborder margins 2,1

# Band, capacity line (strategy s) and threshold (panel m) as commands.
band(s, x0, x1) = (est[s] == est[s]) ? sprintf( \
	"set object rect from %.9g, graph 0 to %.9g, graph 1 fc rgb '%s' fs transparent solid 0.13 noborder behind; set arrow from %.9g, graph 0 to %.9g, graph 1 nohead lc rgb '%s' dt 2 lw 2; ", \
	(low[s] == low[s]) ? low[s] : x0, (high[s] == high[s]) ? high[s] : x1, \
	scol(int(colour[s])), est[s], est[s], scol(int(colour[s]))) : ''
threshold(m) = (thr[m] == thr[m]) ? sprintf( \
	"set arrow from graph 0, first %.9g to graph 1, first %.9g nohead lc rgb '#000000' dt 3 lw 2 front; set label '%s' at graph 0.02, first %.9g offset 0,0.8 front boxed font ',10'", \
	thr[m], thr[m], thrtext[m], thr[m]) : ''

set multiplot title title . "\n" . subtitle font ',13'
do for [m=1:np] {
	c = nterm > 0 ? 3 + 3 * m : 2
	ylabel = units[m] eq '' ? names[m] : names[m] . ' (' . units[m] . ')'
	# Left: the whole range.
	eval panel(m - 1, 0)
	set title names[m] . ': the whole search range (log x)' font ',12'
	set ylabel ylabel . (ylog[m] ? ', log scale' : '')
	set logscale x
	set xrange [xmin:xmax]
	if (nxt > 0) {
		set xtics ()
		do for [k=1:nxt] { set xtics add (xtl[k] xtv[k]) }
	}
	if (ylog[m]) { set logscale y; set yrange [*:*] } else { unset logscale y; set yrange [*:*] }
	if (nterm == 0) { set yrange [-0.2:1.2]; set ytics (0, 1) } else { set ytics autofreq }
	unset object; unset arrow; unset label
	do for [s=1:ns] { eval band(s, xmin, xmax) }
	eval threshold(m)
	plot for [s=1:ns] data index (s-1) using 1:(column(c)) with lines lt colour[s] lw 1 notitle, \
	     for [s=1:(nterm > 0 ? ns : 0)] data index (s-1) \
		using 1:(column(c)):(column(c+1)):(column(c+2)) with yerrorbars lt colour[s] pt 6 notitle, \
	     for [s=1:ns] data index (s-1) using ($2 > 0 ? NaN : $1):(column(c)) \
		with points lt colour[s] pt 6 notitle, \
	     for [s=1:ns] data index (s-1) using ($2 > 0 ? $1 : NaN):(column(c)) \
		with points lt colour[s] pt 7 notitle
	# Right: the zoom on the capacities.
	if (zoom) {
		eval panel(m - 1, 1)
		set title names[m] . ': near the capacities (linear scale)' font ',12'
		unset logscale x
		unset logscale y
		set xrange [zmin:zmax]
		set xtics autofreq
		set format x '%g'
		if (nzt > 0) {
			set xtics ()
			do for [k=1:nzt] { set xtics add (ztl[k] ztv[k]) }
		}
		if (zymin[m] == zymin[m]) { set yrange [zymin[m]:zymax[m]] } else { set yrange [*:*] }
		unset object; unset arrow; unset label
		do for [s=1:ns] { eval band(s, zmin, zmax) }
		eval threshold(m)
		plot for [s=1:ns] data index (s-1) using 1:(column(c)) with lines lt colour[s] lw 1 notitle, \
		     for [s=1:(nterm > 0 ? ns : 0)] data index (s-1) \
			using 1:(column(c)):(column(c+1)):(column(c+2)) with yerrorbars lt colour[s] pt 6 notitle, \
		     for [s=1:ns] data index (s-1) using ($2 > 0 ? NaN : $1):(column(c)) \
			with points lt colour[s] pt 6 notitle, \
		     for [s=1:ns] data index (s-1) using ($2 > 0 ? $1 : NaN):(column(c)) \
			with points lt colour[s] pt 7 notitle
	}
}

# The key, under the panels: one line per strategy with its capacity.
unset object
unset arrow
unset label
unset title
unset xlabel
unset ylabel
unset border
unset tics
unset grid
unset logscale
set lmargin at screen L(0)
set rmargin at screen R(ncols - 1)
set bmargin at screen 0.0
set tmargin at screen (keyh - 5) / H
set key at screen L(0), screen (keyh - 5) / H left top Left reverse vertical \
	maxrows ns box lc rgb '#bbbbbb' samplen 3 font ',11'
set xrange [0:1]
set yrange [0:1]
plot for [s=1:ns] NaN with linespoints lt colour[s] pt 7 dt 2 title strategies[s]
unset multiplot
