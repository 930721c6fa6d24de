#!/bin/sh
# bad_input.sh - bad scenarios and bad command lines: one message, exit 2,
# nothing written.
#
# Pins: a misspelt key prints exactly
#   tests/scenarios/bad_typo_arrival.yaml:3:1: unknown key 'arival' (did you mean 'arrival'?)
# on stderr (nothing else, nothing on stdout), exits 2 and creates no output
# folder - neither the --out one nor the default out/<name> under the
# working directory; every tests/scenarios/bad_*.yaml does the same with one
# "FILE:LINE:COL: message" line (the exact messages are pinned by
# test_scenario.c); a bad --set value names "--set '...'"; a missing file;
# usage errors (no scenario, bad --reps/--threads/--format, unknown option)
# exit 2.
# Does not pin: usage text wording.
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
root=$PWD

# expect_input_error WANT-STDERR-LINE ARGS...: exit 2, that exact single
# line on stderr, empty stdout, no output folder.
expect_input_error() {
	want=$1; shift
	rm -rf "$tmp/out"
	"$BPFSIM" "$@" --out "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$*: exit $rc, want 2"
	got=$(cat "$tmp/stderr")
	[ "$got" = "$want" ] || fail "$*: stderr
  got:  $got
  want: $want"
	[ -s "$tmp/stdout" ] && fail "$*: printed on stdout: $(cat "$tmp/stdout")"
	[ -e "$tmp/out" ] && fail "$*: created the output folder"
}

typo=tests/scenarios/bad_typo_arrival.yaml
expect_input_error \
	"$typo:3:1: unknown key 'arival' (did you mean 'arrival'?)" run "$typo"
# No --out: the default out/<name> must not appear in the working directory.
mkdir "$tmp/cwd"
(cd "$tmp/cwd" && "$BPFSIM" run "$root/$typo" >/dev/null 2>"$tmp/stderr"); rc=$?
[ "$rc" -eq 2 ] || fail "run (default out dir) exit $rc, want 2"
[ -z "$(ls -A "$tmp/cwd")" ] || fail "run of a bad scenario wrote: $(ls -A "$tmp/cwd")"
grep -q "^$root/$typo:3:1: unknown key 'arival'" "$tmp/stderr" ||
	fail "message does not name the path as given: $(cat "$tmp/stderr")"

for f in tests/scenarios/bad_*.yaml; do
	rm -rf "$tmp/out"
	"$BPFSIM" run "$f" --out "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	[ "$rc" -eq 2 ] || fail "run $f: exit $rc, want 2"
	lines=$(wc -l <"$tmp/stderr")
	[ "$lines" -eq 1 ] || fail "run $f: $lines lines on stderr, want 1: $(cat "$tmp/stderr")"
	grep -q "^$f:[0-9][0-9]*:[0-9][0-9]*: ." "$tmp/stderr" ||
		fail "run $f: not FILE:LINE:COL: message: $(cat "$tmp/stderr")"
	[ -s "$tmp/stdout" ] && fail "run $f: printed on stdout"
	[ -e "$tmp/out" ] && fail "run $f: created the output folder"
done

expect_input_error "--set 'servers=0': 'servers' must be >= 1 (got 0)" \
	run scenarios/mmc.yaml --set servers=0
expect_input_error "--set 'service=exponential(400xs)': unknown unit 'xs' in '400xs' (expected ns, us, ms or s)" \
	run scenarios/mmc.yaml --set 'service=exponential(400xs)'
expect_input_error "tests/scenarios/none.yaml: cannot open: No such file or directory" \
	run tests/scenarios/none.yaml

# Usage errors: exit 2 with a message, nothing written.
for args in "run" "run scenarios/mmc.yaml extra.yaml" \
	"run scenarios/mmc.yaml --reps 0" "run scenarios/mmc.yaml --reps x" \
	"run scenarios/mmc.yaml --threads 0" "run scenarios/mmc.yaml --seed -1" \
	"run scenarios/mmc.yaml --format xml" "run scenarios/mmc.yaml --bogus"; do
	rm -rf "$tmp/out"
	# shellcheck disable=SC2086
	"$BPFSIM" $args --out "$tmp/out" >/dev/null 2>"$tmp/stderr"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$args: exit $rc, want 2"
	[ -s "$tmp/stderr" ] || fail "$args: no message on stderr"
	[ -e "$tmp/out" ] && fail "$args: created the output folder"
done

[ "$fails" -eq 0 ] || exit 1
echo "ok: bad input exits 2 with one positioned message and writes nothing"
