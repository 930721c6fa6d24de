#!/bin/sh
# licences.sh - the licence split LICENSE describes holds in the tree.
#
# Pins: LICENSE, LICENSE.BSD-2-Clause and LICENSE.GPL-2.0 exist (the GPL
# text whole: its preamble and its last section); every BPF program
# (calibrate/*.bpf.c, tests/vm/*.bpf.c) starts with
# `// SPDX-License-Identifier: GPL-2.0` and declares exactly one
# SEC("license") string, "GPL" (the kernel's ident for GPL v2), so the
# header and the string the kernel checks agree; calibrate/calib.bpf.h
# (included only by those programs) carries the GPL-2.0 SPDX line too;
# LICENSE names every BPF program's folder; no user-space C file (sim/,
# models/, plots/, calibrate/ outside *.bpf.*) claims GPL in an SPDX line.
# Does not pin: the licence of built objects (nothing is built here), nor
# any legal reading of the texts.
# Usage: sh tests/cli/licences.sh (from the repo root; BPFSIM unused)
set -u
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for f in LICENSE LICENSE.BSD-2-Clause LICENSE.GPL-2.0; do
	[ -s "$f" ] || fail "$f missing"
done
grep -q 'GNU GENERAL PUBLIC LICENSE' LICENSE.GPL-2.0 &&
grep -q 'Version 2, June 1991' LICENSE.GPL-2.0 &&
grep -q 'END OF TERMS AND CONDITIONS' LICENSE.GPL-2.0 ||
	fail "LICENSE.GPL-2.0 is not the whole GPL version 2"
grep -q 'Redistributions in binary form must reproduce' LICENSE.BSD-2-Clause ||
	fail "LICENSE.BSD-2-Clause is not the BSD 2-Clause text"
n=0
for f in calibrate/*.bpf.c tests/vm/*.bpf.c; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	[ "$(head -1 "$f")" = "// SPDX-License-Identifier: GPL-2.0" ] ||
		fail "$f: first line is not the GPL-2.0 SPDX line: $(head -1 "$f")"
	lic=$(grep -c 'SEC("license")' "$f")
	[ "$lic" -eq 1 ] || fail "$f: $lic license sections, want 1"
	grep -q 'char LICENSE\[\] SEC("license") = "GPL";' "$f" ||
		fail "$f: license string is not \"GPL\": $(grep 'SEC("license")' "$f")"
	grep -q "${f%/*}/\*.bpf.c" LICENSE || fail "LICENSE does not name ${f%/*}/*.bpf.c"
done
[ "$n" -ge 4 ] || fail "only $n BPF programs found"
[ "$(head -1 calibrate/calib.bpf.h)" = "/* SPDX-License-Identifier: GPL-2.0 */" ] ||
	fail "calibrate/calib.bpf.h: no GPL-2.0 SPDX line"
bad=$(grep -l 'SPDX-License-Identifier:.*GPL' sim/*.[ch] sim/*/*.[ch] models/*.[ch] \
	models/*/*.[ch] plots/*.[ch] calibrate/*.[ch] 2>/dev/null | grep -v '\.bpf\.')
[ -z "$bad" ] || fail "user-space files claim GPL: $bad"

[ "$fails" -eq 0 ] || exit 1
echo "ok: licences (GPL-2.0 SPDX lines and \"GPL\" sections agree in $n BPF programs; texts present)"
