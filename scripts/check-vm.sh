#!/bin/sh
# make check-vm: run the guest tests (tests/vm/) under Debian's own kernel in
# qemu, where fentry/fexit may load (the development hosts are locked down).
#
# Steps, each cached under $VM_DIR (default build/vm):
#   1. install qemu-system-x86, busybox-static, cpio and the BPF toolchain
#      with scripts/deps.sh (only what is missing);
#   2. build the static guest binaries: `$MAKE vm-binaries` (bpfsim, vmtool);
#   3. download the kernel package linux-image-amd64 depends on with
#      `apt-get download` and unpack only its vmlinuz (dpkg-deb; the kernel is
#      never installed on the host), then decompress the XZ payload once into
#      an ELF vmlinux: qemu boots that through its PVH entry, which saves the
#      10-15 s an emulated decompressor costs on every boot;
#   4. pack busybox, the binaries, tests/vm/init, tests/vm/guest-tests.sh and
#      scenarios/ into an initramfs (cpio newc | gzip);
#   5. boot with -accel tcg (never KVM: /dev/kvm here is a software hypervisor
#      that hangs qemu) under a hard timeout, console on the serial port,
#      saved to $VM_DIR/console.log;
#   6. turn the guest's PASS/FAIL/SKIP lines into the result.
#
# Exit status: 0 when every guest test passed (skips allowed) and also when
# the VM cannot be had here (no qemu, no kernel package): then one line
# "SKIP check-vm: why" says so.  1 when a test failed or the guest gave no
# complete result (timeout, crash): the console log is shown.
#
# Environment: VM_DIR, VM_PKGS (packages to ensure), VM_TIMEOUT (s, default
# 600), VM_MEM (MiB, default 1024), VM_SMP (default 2), MAKE.
set -u
cd "$(dirname "$0")/.."

VM_DIR=${VM_DIR:-build/vm}
VM_TIMEOUT=${VM_TIMEOUT:-600}
VM_MEM=${VM_MEM:-1024}
VM_SMP=${VM_SMP:-2}
MAKE=${MAKE:-make}
VM_PKGS=${VM_PKGS:-qemu-system-x86 busybox-static cpio clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool}

skip() {
	echo "SKIP check-vm: $*"
	exit 0
}

fail() {
	echo "check-vm: $*" >&2
	exit 1
}

t_start=$(date +%s)
mkdir -p "$VM_DIR" || fail "cannot create $VM_DIR"

# --- 1. packages --------------------------------------------------------------
# shellcheck disable=SC2086
if ! sh scripts/deps.sh $VM_PKGS; then
	echo "check-vm: could not install some of: $VM_PKGS" >&2
fi
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	skip "qemu-system-x86_64 is not installed and could not be (apt-get install qemu-system-x86)"
qemu-system-x86_64 --version >/dev/null 2>&1 ||
	skip "qemu-system-x86_64 does not run: $(qemu-system-x86_64 --version 2>&1 | head -n 1)"
BUSYBOX=$(command -v busybox 2>/dev/null || true)
# ldd fails on a static binary: that is the one the guest can run.
if [ -z "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
	skip "no statically linked busybox (apt-get install busybox-static)"
fi
command -v cpio >/dev/null 2>&1 || skip "cpio is not installed (apt-get install cpio)"
for tool in clang bpftool; do
	command -v $tool >/dev/null 2>&1 || skip "$tool is not installed: cannot build the guest's BPF objects"
done

# --- 2. guest binaries ------------------------------------------------------------
$MAKE --no-print-directory vm-binaries ||
	fail "building the static guest binaries failed"

# --- 3. kernel ------------------------------------------------------------------
# The kernel is the one Debian's linux-image-amd64 points at; a cached one is
# used when the package index cannot say (offline).
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -n "$kpkg" ]; then
	vmlinux="$VM_DIR/vmlinux-${kpkg#linux-image-}"
else
	vmlinux=$(ls -t "$VM_DIR"/vmlinux-* 2>/dev/null | head -n 1)
	[ -n "$vmlinux" ] || skip "apt-cache cannot name Debian's kernel package (linux-image-amd64) and none is cached"
fi
if [ ! -s "$vmlinux" ]; then
	kdir="$VM_DIR/kernel"
	rm -rf "$kdir" && mkdir -p "$kdir" || fail "cannot create $kdir"
	echo "check-vm: downloading $kpkg (unpacked under $kdir, not installed)"
	(cd "$kdir" && apt-get download -q "$kpkg" >/dev/null 2>&1) ||
		(apt-get update -q >/dev/null 2>&1 && cd "$kdir" && apt-get download -q "$kpkg" >/dev/null) ||
		skip "apt-get download $kpkg failed (no Debian mirror?)"
	deb=$(ls "$kdir"/*.deb | head -n 1)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$kdir" --wildcards './boot/vmlinuz-*' ||
		fail "no vmlinuz in $deb"
	vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -n 1)
	# The bzImage is a boot stub followed by the XZ stream of the ELF kernel.
	python3 - "$vmlinuz" "$vmlinux.tmp" <<'EOF' || fail "cannot decompress $vmlinuz"
import lzma, sys
data = open(sys.argv[1], "rb").read()
at = data.find(b"\xfd7zXZ\x00")
if at < 0:
    sys.exit("no XZ stream in " + sys.argv[1])
elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[at:])
if elf[:4] != b"\x7fELF":
    sys.exit("the XZ stream is not an ELF kernel")
open(sys.argv[2], "wb").write(elf)
EOF
	mv "$vmlinux.tmp" "$vmlinux" && rm -rf "$kdir"
	echo "check-vm: kernel $vmlinux ($(($(wc -c <"$vmlinux") / 1048576)) MiB ELF, cached)"
fi

# --- 4. initramfs ---------------------------------------------------------------
root="$VM_DIR/root"
rm -rf "$root"
mkdir -p "$root/bin" "$root/tests" "$root/proc" "$root/sys" "$root/dev" \
	"$root/tmp" "$root/scenarios" || fail "cannot create $root"
cp "$BUSYBOX" "$root/bin/busybox" &&
	cp "$VM_DIR/bpfsim" "$VM_DIR/vmtool" "$root/bin/" &&
	cp tests/vm/init "$root/init" &&
	cp tests/vm/guest-tests.sh "$root/tests/" &&
	cp -R scenarios/. "$root/scenarios/" &&
	chmod 755 "$root/init" || fail "cannot fill $root"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$VM_DIR/initrd.gz" ||
	fail "cannot pack the initramfs"

# --- 5. boot --------------------------------------------------------------------
log="$VM_DIR/console.log"
echo "check-vm: booting $(basename "$vmlinux") under qemu -accel tcg (timeout ${VM_TIMEOUT}s)"
t_boot=$(date +%s)
{
	timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -m "$VM_MEM" -smp "$VM_SMP" \
		-nic none -kernel "$vmlinux" -initrd "$VM_DIR/initrd.gz" \
		-append 'console=ttyS0 quiet panic=-1' -nographic -no-reboot </dev/null 2>&1
	echo "$?" >"$VM_DIR/qemu.rc"
} | tr -d '\r' >"$log"
qrc=$(cat "$VM_DIR/qemu.rc")
t_end=$(date +%s)

# --- 6. result ------------------------------------------------------------------
# Guest lines from VMTEST BEGIN on: the tests' lines and their indented output.
sed -n '/VMTEST BEGIN/,$p' "$log" | sed 's/^.*VMTEST BEGIN/VMTEST BEGIN/' | grep -v '^\[ *[0-9.]*\] reboot:' |
	grep -E '^(VMTEST|PASS|FAIL|SKIP| {4})'
pass=$(grep -c '^PASS ' "$log")
failn=$(grep -c '^FAIL ' "$log")
skipn=$(grep -c '^SKIP ' "$log")
echo "check-vm: boot to power-off $((t_end - t_boot))s, total $((t_end - t_start))s"
if ! grep -q '^VMTEST END' "$log"; then
	case $qrc in
	124 | 137) why="killed by the ${VM_TIMEOUT}s timeout" ;;
	*) why="qemu exited with status $qrc before the guest finished (panic, crash?)" ;;
	esac
	echo "check-vm: no complete result from the guest: $why; console log $log:" >&2
	tail -n 40 "$log" >&2
	echo "$pass passed, $((failn + 1)) failed, $skipn skipped"
	exit 1
fi
echo "$pass passed, $failn failed, $skipn skipped"
[ "$failn" -eq 0 ] || exit 1
exit 0
