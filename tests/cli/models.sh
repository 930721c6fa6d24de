#!/bin/sh
# models.sh - `bpfsim models` lists the registry.
#
# Pins: `bpfsim models` exits 0 and lists mmc with its parameters (servers,
# arrival, service, customers, warmup_customers; arrival and service required) and
# metrics (wait_mean, wait_exact, ...); `bpfsim models mmc` shows only mmc;
# an unknown model name exits 2 with a message; `bpfsim models runqslower`
# prints each storage strategy's own parameter table (a heading per
# strategy, its keys as storage.<kind>.<key> with their defaults) and no
# "see README" in place of a parameter.
# Does not pin: column layout or help wording.
set -u
: "${BPFSIM:=build/bpfsim-asan}"
case $BPFSIM in /*) ;; *) BPFSIM=$PWD/$BPFSIM ;; esac
[ -x "$BPFSIM" ] || { echo "FAIL: BPFSIM=$BPFSIM is not executable"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$BPFSIM" models >"$tmp/all" 2>"$tmp/err" || fail "models exited $?"
[ -s "$tmp/err" ] && fail "models wrote to stderr: $(cat "$tmp/err")"
grep -q '^mmc - ' "$tmp/all" || fail "models does not list mmc"
for p in servers arrival service customers warmup_customers \
	wait_mean system_time_mean utilisation queue_length_mean wait_exact; do
	grep -q "^    $p " "$tmp/all" || fail "models: mmc entry lacks '$p'"
done
grep -q '^    arrival .*(required)' "$tmp/all" || fail "models: arrival not shown as required"
grep -q '^    servers .* 1 ' "$tmp/all" || fail "models: servers default 1 not shown"

"$BPFSIM" models mmc >"$tmp/one" 2>&1 || fail "models mmc exited $?"
grep -q '^mmc - ' "$tmp/one" || fail "models mmc does not show mmc"
[ "$(grep -c '^[a-z_]* - ' "$tmp/one")" -eq 1 ] || fail "models mmc shows other models"

"$BPFSIM" models runqslower >"$tmp/rqs" 2>&1 || fail "models runqslower exited $?"
for k in hash task_storage lru_hash; do
	grep -q "^  parameters of storage.kind: $k - " "$tmp/rqs" ||
		fail "models runqslower: no parameter heading for strategy $k"
done
for p in storage.hash.max_entries storage.hash.prealloc \
	storage.hash.full_update_cost storage.hash.occupancy_factor \
	storage.lru_hash.max_entries storage.lru_hash.evict_batch \
	storage.lru_hash.evict storage.task_storage.get \
	storage.task_storage.create storage.task_storage.maps_on_host \
	storage.task_storage.active_factor probe.hooks.sched_switch; do
	grep -q "^    $p " "$tmp/rqs" || fail "models runqslower lacks '$p'"
done
grep -q '^    storage.hash.max_entries .* 10240 ' "$tmp/rqs" ||
	fail "models: storage.hash.max_entries default 10240 not shown"
grep -qi 'see README' "$tmp/rqs" && fail "models runqslower still says 'see README'"

"$BPFSIM" models nosuch >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "models nosuch: exit $rc, want 2"
grep -qx "bpfsim models: unknown model 'nosuch'" "$tmp/err" ||
	fail "models nosuch: message '$(cat "$tmp/err")'"

[ "$fails" -eq 0 ] || exit 1
echo "ok: models lists mmc, and runqslower with each strategy's parameters"
