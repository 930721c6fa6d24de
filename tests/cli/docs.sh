#!/bin/sh
# docs.sh - README, --help and the man page agree on the options.
#
# Pins: docs/bpfsim.1 is what scripts/man.sh makes from docs/bpfsim.1.in
# and this binary's help texts (bpfsim help --man), so the committed man
# page is not stale; groff renders it without a warning (-ww; skipped,
# saying so, without groff); and for every subcommand `bpfsim --help`
# lists, the options of `bpfsim SUBCOMMAND --help`, those of the man
# page's ".SS SUBCOMMAND" section and those of README's "### SUBCOMMAND"
# option tables (under "## Subcommands"; plus run's table where the
# section says it takes all the `run` options) are the same set (-h and
# --help, which every subcommand takes, aside).  A subcommand without a
# README section fails.
# Needs python3 for the lists (skipped, saying so, without it).
# Does not pin: the options' descriptions, defaults or order.
# Usage: BPFSIM=build/bpfsim-asan sh tests/cli/docs.sh (repo root)
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
notes=""

sh scripts/man.sh docs/bpfsim.1.in "$BPFSIM" >"$tmp/bpfsim.1" 2>"$tmp/err" ||
	fail "scripts/man.sh failed: $(cat "$tmp/err")"
cmp -s "$tmp/bpfsim.1" docs/bpfsim.1 ||
	fail "docs/bpfsim.1 is stale: run 'make man' (diff: $(diff docs/bpfsim.1 "$tmp/bpfsim.1" | head -5))"
if command -v groff >/dev/null 2>&1; then
	groff -man -ww -z docs/bpfsim.1 >"$tmp/groff" 2>&1 ||
		fail "groff failed on docs/bpfsim.1"
	[ -s "$tmp/groff" ] && fail "groff warns on docs/bpfsim.1: $(head -5 "$tmp/groff")"
else
	notes="$notes (groff missing: rendering not checked)"
fi

if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: docs.sh: no python3 to compare the option lists${notes}"
	[ "$fails" -eq 0 ] || exit 1
	exit 0
fi
"$BPFSIM" --help >"$tmp/usage"
for c in $(sed -n '/^subcommands:/,/^$/s/^  \([a-z]*\) .*/\1/p' "$tmp/usage"); do
	"$BPFSIM" "$c" --help >"$tmp/help.$c" 2>&1 || fail "$c --help exited $?"
done
python3 - "$tmp" <<'PY' || fail "the option lists differ (above)"
import os, re, sys
tmp = sys.argv[1]
cmds = [f[5:] for f in sorted(os.listdir(tmp)) if f.startswith("help.")]
OPT = r"--[a-z][a-z-]*"
def help_opts(c):
    t = open(os.path.join(tmp, "help." + c)).read()
    return set(re.findall(r"^ {2}(?:-\w, )?(" + OPT + ")", t, re.M)) - {"--help"}
man = open("docs/bpfsim.1").read()
def man_opts(c):
    m = re.search(r"^\.SS " + re.escape(c) + r"\n(.*?)(?=^\.S[SH] )", man, re.M | re.S)
    if not m:
        return None
    items = re.findall(r"^\.TP\n\.B (.*)$", m.group(1), re.M)
    out = set()
    for head in items:
        o = re.search(r"\\-\\-([a-z][a-z\\-]*)", head)
        if o:
            out.add("--" + o.group(1).replace("\\-", "-"))
    return out - {"--help"}
readme = open("README.md").read()
chapter = readme[readme.index("\n## Subcommands\n"):readme.index("\n## Scenario format\n")]
sections = {}
for m in re.finditer(r"^### ([^\n]*)\n(.*?)(?=^### |\Z)", chapter, re.M | re.S):
    for name in m.group(1).split(", "):
        sections[name.strip()] = m.group(2)
def table_opts(body):
    return set(re.findall(r"^\| `(?:-\w, )?(" + OPT + ")", body, re.M)) - {"--help"}
def readme_opts(c):
    if c not in sections:
        return None
    body = sections[c]
    got = table_opts(body)
    if c != "run" and re.search(r"all the `run` options|options are those of `run`", body):
        got |= table_opts(sections["run"])
    return got
bad = 0
for c in cmds:
    h, m, r = help_opts(c), man_opts(c), readme_opts(c)
    if m is None:
        print("FAIL: the man page has no .SS %s" % c); bad += 1; continue
    if r is None:
        print("FAIL: README has no '### %s' under Subcommands" % c); bad += 1; continue
    for name, other in (("man page", m), ("README", r)):
        if other != h:
            print("FAIL: %s: --help and the %s differ: only in --help %s, only in the %s %s"
                  % (c, name, sorted(h - other), name, sorted(other - h)))
            bad += 1
if len(cmds) < 10 or not help_opts("run"):
    print("FAIL: found %d subcommands, run has %d options" % (len(cmds), len(help_opts("run"))))
    bad += 1
print("compared %d subcommands" % len(cmds))
sys.exit(1 if bad else 0)
PY
[ "$fails" -eq 0 ] || exit 1
echo "ok: docs/bpfsim.1 up to date; README, --help and the man page list the same options for every subcommand${notes}"
