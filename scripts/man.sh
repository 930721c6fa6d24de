#!/bin/sh
# man.sh - docs/bpfsim.1 from its template and the binary's help texts.
#
# Usage: sh scripts/man.sh TEMPLATE BPFSIM > bpfsim.1
# TEMPLATE (docs/bpfsim.1.in) holds the hand-written sections and two
# marker lines, @SYNOPSIS@ and @SUBCOMMANDS@; each is replaced by that
# section of `BPFSIM help --man` (sim/cli/man.h), so the man page's
# subcommands and options are the ones --help prints.  Exit 1 when the
# binary fails or a marker is missing.
set -u
tmpl=$1 bin=$2
gen=$(mktemp) || exit 1
trap 'rm -f "$gen"' EXIT
"$bin" help --man >"$gen" || { echo "man.sh: $bin help --man failed" >&2; exit 1; }
grep -qx '@SYNOPSIS@' "$tmpl" && grep -qx '@SUBCOMMANDS@' "$tmpl" ||
	{ echo "man.sh: $tmpl lacks @SYNOPSIS@ or @SUBCOMMANDS@" >&2; exit 1; }
awk -v gen="$gen" '
BEGIN {
	part = 1
	while ((getline line < gen) > 0) {
		if (line == ".SH SUBCOMMANDS")
			part = 2
		text[part] = text[part] line "\n"
	}
}
$0 == "@SYNOPSIS@" { printf "%s", text[1]; next }
$0 == "@SUBCOMMANDS@" { printf "%s", text[2]; next }
{ print }
' "$tmpl"
