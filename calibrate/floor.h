/* floor.h - the stats-floor probe: empty programs on sched_switch.
 *
 * bpf_stats' run_time_ns of a program includes the time stats take to
 * measure it (clock reads around the run); an empty program's mean
 * run_time_ns is that floor, measured on this host and subtracted from the
 * other programs' means.  Nothing is shared with user space but the
 * program names below (the loader picks one by attach type).
 */
#ifndef BPFSIM_CALIB_FLOOR_H
#define BPFSIM_CALIB_FLOOR_H

#define FLOOR_TP_BTF "stats_floor"
#define FLOOR_RAW_TP "stats_floor_raw"

#endif
