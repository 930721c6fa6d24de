#!/bin/sh
# Install the Debian/Ubuntu packages bpfsim needs, and only those missing.
# Usage: scripts/deps.sh PACKAGE...   (the Makefile passes its list)
# Says what it installs; does nothing when everything is present.
set -eu
missing=""
for p in "$@"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "bpfsim: missing packages:$missing (no apt-get here: install them by hand)" >&2
	exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "bpfsim: installing missing packages:$missing"
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists once if an install fails on a stale index.
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
	$SUDO apt-get update -q >/dev/null
	$SUDO apt-get install -y -q --no-install-recommends $missing
}
