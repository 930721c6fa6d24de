#!/bin/sh
# caps_memory.sh - a scenario built to explode ends `capped`, inside a
# memory bound.
#
# The scenario (written below): one CPU, 10 ms tasks arriving at 1M/s, so
# the backlog grows by ~1M live tasks per simulated second without end;
# pid_max 4194304 (Linux's largest), duration 100 s.  Three runs, each with
# one cap, under `ulimit -v 1 GiB` (an allocation failure would end the run
# `failed`, exit 1):
#   max_live_tasks 3000000  -> capped, cap max_live_tasks, peak_live_tasks
#                              just past 3,000,000;
#   max_events 4000000      -> capped, cap max_events, exactly 4,000,000
#                              events;
#   max_wall 2s             -> capped, cap max_wall, within 2 s + 2 s slack
#                              of wall time;
#   pid_max 1000000, max_events 3000000, max_wall 20s
#                           -> capped by max_events, not max_wall, after
#                              ~2M spawns refused at pid exhaustion (every
#                              usable pid taken): each refused spawn once
#                              cost a pid_max-step scan, which made such a
#                              run crawl for hours and starved the wall-clock
#                              check (made every 4096 events).
# Pins: exit 0, status `capped`, the cap's name, the numbers above.
#
# Binary: the plain ./bpfsim (BPFSIM_PLAIN), not the ASan build in $BPFSIM:
# AddressSanitizer reserves terabytes of virtual address space for its
# shadow memory at start-up, so under any useful `ulimit -v` it cannot
# even start, and its allocator's overhead would not measure bpfsim's own
# footprint.  (The caps themselves also run under ASan in test_regime.c.)
# Does not pin: speed beyond the wall cap, the exact RSS (~300 MB here).
set -u
plain=${BPFSIM_PLAIN:-./bpfsim}
case $plain in /*) ;; *) plain=$PWD/$plain ;; esac
[ -x "$plain" ] || { echo "FAIL: BPFSIM_PLAIN=$plain is not executable (make bpfsim)"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
limit_kb=1048576   # 1 GiB of address space

explode() {
	cat <<EOT
model: runqslower
replications: 1
duration: 100s
pid_max: ${2:-4194304}
cpus: 1
window: 0
caps: $1
workload:
  arrival: poisson
  spawner: none        # arrivals on their own: a parent would self-limit
  rate: 1000000/s
  lifetime: 10ms
storage:
  kind: task_storage
EOT
}

# column NAME FILE: the value of column NAME in the first data row.
column() {
	awk -F, -v k="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i }
		NR == 2 { print $c }' "$2"
}

# capped NAME CAPS WANT-CAP [PID_MAX]: run under the memory limit, check
# the cap.
capped() {
	explode "$2" "${4:-}" >"$tmp/$1.yaml"
	t0=$(date +%s.%N)
	(ulimit -v "$limit_kb" && "$plain" run "$tmp/$1.yaml" --threads 1 --quiet \
		--no-plots --out "$tmp/$1" >"$tmp/$1.out" 2>"$tmp/$1.err")
	rc=$?
	t1=$(date +%s.%N)
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	csv=$tmp/$1/replications.csv
	[ "$rc" -eq 0 ] || { fail "$1: exit $rc: $(head -c 300 "$tmp/$1.err")"; return 1; }
	[ "$(column status "$csv")" = capped ] ||
		fail "$1: status $(column status "$csv"), want capped"
	[ "$(column cap "$csv")" = "$3" ] ||
		fail "$1: cap '$(column cap "$csv")', want $3"
	echo "  $1: capped by $3 in ${wall}s, $(column events "$csv") events, peak $(column peak_live_tasks "$csv") live tasks"
}

capped live '{max_live_tasks: 3000000, max_wall: 60s}' max_live_tasks &&
	awk -v p="$(column peak_live_tasks "$tmp/live/replications.csv")" \
		'BEGIN { exit !(p > 3000000 && p <= 3000001) }' ||
	fail "live: peak_live_tasks not just past 3000000"

capped events '{max_events: 4000000, max_wall: 60s}' max_events &&
	[ "$(column events "$tmp/events/replications.csv")" = 4000000 ] ||
	fail "events: not exactly 4000000 events"

capped wall '{max_wall: 2s}' max_wall &&
	{ awk -v w="$wall" 'BEGIN { exit !(w < 4) }' ||
		fail "wall: took ${wall}s for a 2 s cap"; }

capped pids '{max_events: 3000000, max_wall: 20s}' max_events 1000000 && {
	f=$(column spawn_failures "$tmp/pids/replications.csv")
	awk -v f="$f" 'BEGIN { exit !(f > 1000000) }' ||
		fail "pids: only $f spawns refused: never reached pid exhaustion"
}

[ "$fails" -eq 0 ] || exit 1
echo "ok: an exploding scenario ends capped by each cap, under a 1 GiB address-space limit"
