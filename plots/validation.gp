# validation.gp - the engine against queueing theory: M/M/c mean wait.
#
# Top: mean wait in queue divided by the mean service time, Wq / E[S], against
# the utilisation rho = lambda E[S] / c, on a log scale: points are the
# simulation (mean over replications, 95% CI bars), lines the exact result
# (Erlang C: Wq / E[S] = C(c, c rho) / (c (1 - rho))), one colour per server
# count c.  Bottom: simulated / exact with the CI; a correct engine
# scatters around 1 and its bars cover 1 about 95% of the time.
#
# Parameters (bpfsim writes them at the top of the copy in the output folder):
#   data     data file: per group k (1-based) two blocks (gnuplot `index`):
#            2k-2: rho  sim  sim_lo  sim_hi  exact  ratio  ratio_lo  ratio_hi
#                  (sim and exact in units of E[S]; ratio = sim / exact)
#            2k-1: rho  exact  (the dense exact curve; may be empty)
#   groups   array of group labels ("M/M/1", "M/M/8")
#   ymin     bottom of the log axis of the top panel
#   title    figure title
#   fmt, out 'png' (pngcairo, default), 'svg' or 'pdf' (pdfcairo); output file

if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'validation.' . fmt
ngr = |groups|
if (fmt eq 'svg') {
	set terminal svg size 1000,900 dynamic font 'Sans,12' background rgb 'white'
} else {
	if (fmt eq 'pdf') {
		# 100 pixels to the inch: the same page as the PNG, vector text.
		set terminal pdfcairo size (1000) / 100.0, (900) / 100.0 font 'Sans,8' background rgb 'white'
	} else {
		set terminal pngcairo size 1000,900 font 'Sans,11' background rgb 'white'
	}
}
set output out
set termoption noenhanced
set encoding utf8

set linetype 1 lc rgb '#0072B2' lw 2 pt 7
set linetype 2 lc rgb '#D55E00' lw 2 pt 5
set linetype 3 lc rgb '#009E73' lw 2 pt 9
set linetype 4 lc rgb '#CC79A7' lw 2 pt 11
set linetype 5 lc rgb '#E69F00' lw 2 pt 13
set linetype 6 lc rgb '#56B4E9' lw 2 pt 7
set linetype 7 lc rgb '#000000' lw 2 pt 5
set linetype 8 lc rgb '#F0E442' lw 2 pt 9
set linetype cycle 8

set grid xtics ytics lc rgb '#dddddd' lw 1 dt 1
set border 3
set tics nomirror
set xrange [0:1]
set xtics 0.1
set format x '%.1f'

set multiplot title title font ',14'

# Top: Wq / E[S] vs rho, log y.
set origin 0, 0.36
set size 1, 0.58
set lmargin 11
set rmargin 3
set logscale y
set format y '%g'
set ylabel 'mean wait in queue / mean service time  (Wq / E[S])'
set xlabel 'utilisation ρ = λ·E[S] / c'
set yrange [ymin:*]
set key bottom right opaque box lc rgb '#bbbbbb' font ',10'
plot for [k=1:ngr] data index (2*k-1) using 1:2 with lines lt k \
		title groups[k] . ': exact (Erlang C)', \
     for [k=1:ngr] data index (2*k-2) using 1:2:3:4 with yerrorbars lt k \
		ps 0.8 title groups[k] . ': simulated, 95% CI'

# Bottom: simulated / exact.
set origin 0, 0.0
set size 1, 0.36
unset logscale y
set format y '%.2f'
set ylabel 'simulated / exact'
set yrange [*:*]
set key bottom right horizontal opaque box lc rgb '#bbbbbb' font ',10'
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb '#555555' dt 2
# Groups side by side at each rho, so that their bars do not hide each other.
dx(k) = (k - (ngr + 1) / 2.0) * 0.008
plot for [k=1:ngr] data index (2*k-2) using ($1+dx(k)):6:7:8 with yerrorbars lt k \
		ps 0.8 title groups[k]

unset multiplot
