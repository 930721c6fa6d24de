#!/bin/sh
# bad_corpus.sh - every file of the bad-input corpus (tests/bad/) ends with
# its one expected message, its exit status, and no output.
#
# Pins, for each line of tests/bad/EXPECTED (NAME, SUBCOMMAND, STATUS,
# STDERR): `bpfsim SUBCOMMAND /abs/tests/bad/NAME --out TMP/out --quiet
# --no-plots`, run from an empty working directory, exits STATUS (2), prints
# exactly the one STDERR line ({file} = the path given, {dir} = tests/bad)
# and nothing on stdout, creates neither TMP/out nor anything in the
# working directory, and leaves no temporary file behind.  Generated inputs
# (NAME.gen: the 10 MiB file) are written to TMP first.  Every corpus file
# must have a manifest line and the reverse, so the corpus cannot rot.
# Also pins: at least 40 cases.
# Does not pin: how long each takes (under ASan, ~0.1 s).
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
bad=$PWD/tests/bad
manifest=$bad/EXPECTED
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
cases=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
tab=$(printf '\t')

# Manifest and corpus agree.
for f in "$bad"/*; do
	[ -f "$f" ] || continue
	n=$(basename "$f")
	case $n in EXPECTED) continue ;; *.gen) n=${n%.gen} ;; esac
	grep -q "^$n$tab" "$manifest" || fail "$n has no line in tests/bad/EXPECTED"
done

mkdir "$tmp/cwd"
while IFS="$tab" read -r name cmd want_rc want; do
	case $name in ''|'#'*) continue ;; esac
	cases=$((cases + 1))
	if [ -f "$bad/$name.gen" ]; then
		path=$tmp/$name
		sh "$bad/$name.gen" "$path" || { fail "$name.gen failed"; continue; }
	else
		path=$bad/$name
		[ -f "$path" ] || { fail "$name: listed but missing"; continue; }
	fi
	want=$(printf '%s\n' "$want" | sed -e "s|{file}|$path|g" -e "s|{dir}|$bad|g")
	rm -rf "$tmp/out"
	(cd "$tmp/cwd" && "$BPFSIM" "$cmd" "$path" --out "$tmp/out" --quiet \
		--no-plots >"$tmp/stdout" 2>"$tmp/stderr")
	rc=$?
	got=$(cat "$tmp/stderr")
	[ "$rc" = "$want_rc" ] || fail "$name ($cmd): exit $rc, want $want_rc"
	[ "$got" = "$want" ] || fail "$name ($cmd): stderr
  got:  $got
  want: $want"
	[ -s "$tmp/stdout" ] && fail "$name: printed on stdout: $(head -c 200 "$tmp/stdout")"
	[ -e "$tmp/out" ] && fail "$name: created the output folder"
	[ -z "$(ls -A "$tmp/cwd")" ] || fail "$name: wrote into the working directory: $(ls -A "$tmp/cwd")"
	leftovers=$(find "$bad" "$tmp" -name '*.tmp.*' 2>/dev/null)
	[ -z "$leftovers" ] || fail "$name: left temporary files: $leftovers"
	rm -f "$tmp/$name"
done <"$manifest"

[ "$cases" -ge 40 ] || fail "only $cases cases in tests/bad/EXPECTED (want >= 40)"
[ "$fails" -eq 0 ] || exit 1
echo "ok: $cases bad inputs: exit 2, one exact positioned message, nothing written"
