# timeline.gp - payload vs BPF bookkeeping CPU time per window, per strategy.
#
# The study's "positive payload vs bookkeeping overhead" picture: the top
# panel is the CPU time spent on payload (the tasks' own work) in each window,
# the bottom panel the CPU time spent in BPF programs (probe bookkeeping);
# one line per strategy, the same colour in both panels.  Both are summed over
# the CPUs, so a 1 ms window of 8 busy CPUs holds 8 ms of CPU time.
#
# Parameters (bpfsim writes them at the top of the copy in the output folder;
# by hand: gnuplot -e "data='timeline.dat'; ..." timeline.gp):
#   data           data file: one block per strategy (gnuplot `index`), rows
#                  time payload_ms bpf_ms backlog (time: window midpoint,
#                  in tunit; backlog: mean tasks waiting)
#   backlog        1: draw the backlog panel (the series records it)
#   strategies     array of strategy names, in block order
#   colour         array: each strategy's linetype (its fixed colour)
#   title          figure title
#   window_ms      window width in ms
#   tunit          unit of the time column: 'ms' (or 's' for long runs)
#   payload_cap    top of the payload axis in ms (0 = autoscale)
#   payload_peak   largest payload value in ms (named when above the cap)
#   bpf_cap, bpf_peak   the same for the BPF panel
#   fmt            'png' (pngcairo, default), 'svg' or 'pdf' (pdfcairo)
#   out            output file (default timeline.png / timeline.svg)

if (!exists("fmt")) fmt = 'png'
if (!exists("out")) out = 'timeline.' . fmt
height = backlog ? 1000 : 720
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

# Okabe-Ito colours: distinguishable with the common colour-vision deficits.
set linetype 1 lc rgb '#0072B2' lw 1.5
set linetype 2 lc rgb '#D55E00' lw 1.5
set linetype 3 lc rgb '#009E73' lw 1.5
set linetype 4 lc rgb '#CC79A7' lw 1.5
set linetype 5 lc rgb '#E69F00' lw 1.5
set linetype 6 lc rgb '#56B4E9' lw 1.5
set linetype 7 lc rgb '#000000' lw 1.5
set linetype 8 lc rgb '#F0E442' lw 1.5
set linetype cycle 8

nstrat = |strategies|
wlabel = sprintf('%g ms', window_ms)

set grid xtics ytics lc rgb '#dddddd' lw 1 dt 1
set border 3
set tics nomirror
set key outside right top vertical Left reverse box lc rgb '#bbbbbb'
set yrange [0:*]
set xrange [0:*]

set multiplot layout (backlog ? 3 : 2),1 title title font ',14' margins 0.08,0.86,0.09,0.90 spacing 0,0.09

# Top: payload.
offscale(cap, peak) = cap > 0 ? sprintf(' - axis cut at %.3g ms, peak %.3g ms', cap, peak) : ''
set title sprintf('Payload: CPU time per %s window (all CPUs)%s', wlabel, \
	offscale(payload_cap, payload_peak))
set ylabel 'payload CPU time (ms)'
unset xlabel
set format x '%g'
if (payload_cap > 0) { set yrange [0:payload_cap] } else { set yrange [0:*] }
plot for [i=1:nstrat] data index (i-1) using 1:2 with lines lt colour[i] \
	title strategies[i]

# Bottom: BPF bookkeeping.
set title sprintf('BPF bookkeeping: CPU time per %s window in BPF programs (all CPUs)%s', \
	wlabel, offscale(bpf_cap, bpf_peak))
set ylabel 'BPF CPU time (ms)'
if (!backlog) { set xlabel sprintf('simulated time (%s)', tunit) }
if (bpf_cap > 0) { set yrange [0:bpf_cap] } else { set yrange [0:*] }
plot for [i=1:nstrat] data index (i-1) using 1:3 with lines lt colour[i] \
	title strategies[i]

# Below: the runqueue backlog, where the series has it.
if (backlog) {
	set xlabel sprintf('simulated time (%s)', tunit)
	set title sprintf('Runqueue backlog: mean tasks waiting per %s window (all CPUs)', wlabel)
	set ylabel 'tasks waiting'
	set yrange [0:*]
	plot for [i=1:nstrat] data index (i-1) using 1:4 with lines lt colour[i] \
		title strategies[i]
}

unset multiplot
