#!/bin/sh
# names.sh - a scenario's name is a label, never a path.
#
# Pins: a scenario named "../../esc", "..", "a/b" or "" writes its default
# output folder inside out/ (one folder, no '/' from the name, no folder
# named ".." or "."), and nothing outside the working directory's out/.
# Does not pin: the exact spelling of the sanitised folder name.
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
mkdir -p "$tmp/w/d"
for name in '../../esc' '..' 'a/b' '' '.hidden'; do
	rm -rf "$tmp/w/d/out"
	printf 'model: mmc\nname: "%s"\nservers: 1\narrival: exponential(1us)\nservice: exponential(500ns)\ncustomers: 100\nwarmup_customers: 10\nreplications: 2\n' "$name" >"$tmp/w/d/s.yaml"
	(cd "$tmp/w/d" && "$BPFSIM" run s.yaml --quiet --no-plots >/dev/null 2>"$tmp/err") ||
		{ fail "name '$name': exit $? $(cat "$tmp/err")"; continue; }
	n=$(find "$tmp/w/d/out" -mindepth 1 -maxdepth 1 -type d | wc -l)
	[ "$n" = 1 ] || fail "name '$name': $n folders in out/"
	d=$(find "$tmp/w/d/out" -mindepth 1 -maxdepth 1 -type d)
	[ -s "$d/summary.json" ] || fail "name '$name': no summary.json in $d"
	case ${d##*/} in .|..|.*) fail "name '$name': folder '${d##*/}'" ;; esac
	[ -z "$(find "$tmp/w" -name summary.json ! -path "$tmp/w/d/out/*")" ] ||
		fail "name '$name': a summary.json outside out/"
done
[ "$fails" -eq 0 ] || exit 1
echo "ok: scenario names never leave out/"
