#!/bin/sh
# run.sh - run every libFuzzer harness for SECONDS each (make fuzz).
# Usage: tests/fuzz/run.sh SECONDS FUZZER...   (from the repository root)
#
# Seeds: the harness's own crash regressions tests/fuzz/regress/NAME/ and,
# when it has one, its seed corpus tests/fuzz/seed/NAME/ (tests/fuzz/seeds.sh
# makes them from real runs); harnesses without one (the scenario, the
# distribution and the calibration file readers) start from scenarios/
# (and costs/, calibration/, tools/), tests/bad/ (and inc/) and tests/scenarios/
# (read-only: libFuzzer does not recurse into sub-folders, hence the
# list).  The dictionary is tests/fuzz/NAME.dict, else scenario.dict.  New
# inputs go to build/fuzz/corpus-NAME (kept between runs).  Crashes, leaks, timeouts and
# out-of-memory inputs are written as build/fuzz/NAME-crash-* (etc.) and
# fail the run: fix the bug, then copy the input into tests/fuzz/regress/NAME/.
# Each harness's log is build/fuzz/NAME.log; its last libFuzzer lines
# (executions, cov:, ft:, corp:) are printed as the summary.
# Extra libFuzzer flags: FUZZ_ARGS (e.g. FUZZ_ARGS='-seed=1'; with -jobs=N
# libFuzzer writes each job's log to ./fuzz-JOB.log instead).
set -u
secs=$1; shift
status=0
for f in "$@"; do
	name=$(basename "$f")
	name=${name#fuzz_}
	corpus=build/fuzz/corpus-$name
	mkdir -p "$corpus" "tests/fuzz/regress/$name"
	log=build/fuzz/$name.log
	dict=tests/fuzz/$name.dict
	[ -f "$dict" ] || dict=tests/fuzz/scenario.dict
	echo "== fuzz $name for ${secs}s (log $log)"
	if [ -d "tests/fuzz/seed/$name" ]; then
		shared="tests/fuzz/seed/$name"
	else
		shared="scenarios scenarios/costs scenarios/calibration scenarios/tools tests/bad
			tests/bad/inc tests/scenarios"
	fi
	seeds=
	for d in "tests/fuzz/regress/$name" $shared; do
		[ -d "$d" ] && seeds="$seeds $d"
	done
	# shellcheck disable=SC2086
	"$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -dict="$dict" \
		-artifact_prefix="build/fuzz/$name-" ${FUZZ_ARGS:-} \
		"$corpus" $seeds >"$log" 2>&1
	rc=$?
	grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1
	grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log"
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: fuzz $name exited $rc:"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5
		status=1
	fi
done
exit $status
