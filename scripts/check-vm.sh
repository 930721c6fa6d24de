#!/bin/sh
# make check-vm: run the guest tests (tests/vm/) under Debian's own kernels
# in qemu, where fentry/fexit may load (the development hosts are locked
# down and refuse it).
#
# Two guests, booted side by side:
#   linux-image-amd64 (6.1, what Debian 12 ships): fentry/fexit on a tp_btf
#     program is refused ("Cannot recursively attach", kernels before 2024),
#     so profile must fall back there and profile raw_tp variants instead;
#   linux-image-6.12-amd64 (Debian 12's newer kernel): fentry/fexit on
#     tp_btf programs works, so the task-storage probe (tp_btf only) is
#     profiled for real.
# Both run the smoke and profile tests; the slow, kernel-independent
# `calibrate workload` and `calibrate storage` tests are spread over them
# (the suite after the colon in VM_KERNELS) so the two finish together.
#
# Steps, each cached under $VM_DIR (default build/vm):
#   1. install qemu-system-x86, busybox-static, cpio and the BPF toolchain
#      with scripts/deps.sh (only what is missing);
#   2. build the static guest binaries: `$MAKE vm-binaries` (bpfsim, vmtool);
#   3. per kernel: `apt-get download` the package the meta-package points
#      at, unpack only its vmlinuz (dpkg-deb; never installed on the host),
#      decompress the XZ or zstd payload once into an ELF vmlinux: qemu
#      boots that through its PVH entry, which saves the 10-15 s an emulated
#      decompressor costs on every boot;
#   4. pack busybox, the binaries, tests/vm/init, tests/vm/guest-tests.sh and
#      scenarios/ into an initramfs (cpio newc | gzip);
#   5. boot each kernel with -accel tcg,thread=single under a hard timeout,
#      console on the serial port saved to $VM_DIR/console-NAME.log.
#      Never KVM: /dev/kvm here is a software hypervisor that hangs qemu.
#      Single-threaded TCG: with one host thread per vCPU (the default),
#      patching a running BPF program's entry (every fentry/fexit attach)
#      intermittently crashes the guest (6.12: "Oops: int3" in the patched
#      program; 6.1: hangs) - other vCPUs keep executing stale translated
#      code.  Round-robin vCPUs on one thread do not; two guests still use
#      both host cores;
#   6. turn the guests' PASS/FAIL/SKIP lines into the result.
#
# Exit status: 0 when every guest test passed (skips allowed) and also when
# the VM cannot be had here (no qemu, no kernel package): then one line
# "SKIP check-vm: why" says so.  1 when a test failed or a guest gave no
# complete result (timeout, crash): its console log is shown.
#
# Environment: VM_DIR, VM_PKGS (packages to ensure), VM_KERNELS (space-
# separated META:SUITE pairs; SUITE: workload, storage, workload+storage or
# none, see tests/vm/guest-tests.sh), VM_TIMEOUT (s per guest, default 900),
# VM_MEM (MiB, default 1024), VM_SMP (default 2), MAKE.
set -u
cd "$(dirname "$0")/.." || exit 1

VM_DIR=${VM_DIR:-build/vm}
VM_TIMEOUT=${VM_TIMEOUT:-900}
VM_MEM=${VM_MEM:-1024}
VM_SMP=${VM_SMP:-2}
MAKE=${MAKE:-make}
VM_PKGS=${VM_PKGS:-qemu-system-x86 busybox-static cpio python3 zstd clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool}
VM_KERNELS=${VM_KERNELS:-linux-image-amd64:workload linux-image-6.12-amd64:storage}

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

# --- 1. packages -------------------------------------------------------------------
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
for tool in cpio python3 zstd; do
	command -v $tool >/dev/null 2>&1 || skip "$tool is not installed (apt-get install $tool)"
done
for tool in clang bpftool; do
	command -v $tool >/dev/null 2>&1 ||
		skip "$tool is not installed: cannot build the guest's BPF objects"
done

# --- 2. guest binaries ---------------------------------------------------------------
$MAKE --no-print-directory vm-binaries ||
	fail "building the static guest binaries failed"

# --- 3. kernels ------------------------------------------------------------------
# extract_vmlinux VMLINUZ OUT: the bzImage is a boot stub followed by the
# compressed ELF kernel (XZ in Debian's 6.1, zstd in 6.12); find the
# stream's magic and decompress from there (a trailer follows the stream).
extract_vmlinux() {
	python3 - "$1" "$2" <<'EOF'
import lzma, subprocess, sys
data = open(sys.argv[1], "rb").read()
for magic, how in ((b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd")):
    at = data.find(magic)
    while at >= 0:
        try:
            if how == "xz":
                elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[at:])
            else:
                elf = subprocess.run(["zstd", "-dcq"], input=data[at:],
                                     capture_output=True).stdout
        except (lzma.LZMAError, OSError):
            elf = b""
        if elf[:4] == b"\x7fELF":
            open(sys.argv[2], "wb").write(elf)
            sys.exit(0)
        at = data.find(magic, at + 1)
sys.exit("no XZ or zstd stream holding an ELF kernel in " + sys.argv[1])
EOF
}

# fetch_kernel META: the ELF kernel of the package META depends on, cached
# as $VM_DIR/vmlinux-VERSION; prints its path, or says why on stderr.
fetch_kernel() {
	kpkg=$(apt-cache depends "$1" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$kpkg" ]; then
		echo "check-vm: apt-cache cannot name the kernel package $1 depends on" >&2
		return 1
	fi
	out="$VM_DIR/vmlinux-${kpkg#linux-image-}"
	if [ ! -s "$out" ]; then
		kdir="$VM_DIR/kernel-$kpkg"
		rm -rf "$kdir" && mkdir -p "$kdir" || return 1
		echo "check-vm: downloading $kpkg (unpacked under $kdir, not installed)" >&2
		(cd "$kdir" && apt-get download -q "$kpkg" >/dev/null 2>&1) ||
			(apt-get update -q >/dev/null 2>&1 && cd "$kdir" &&
				apt-get download -q "$kpkg" >/dev/null 2>&1) || {
			echo "check-vm: apt-get download $kpkg failed (no Debian mirror?)" >&2
			return 1
		}
		deb=$(ls "$kdir"/*.deb | head -n 1)
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$kdir" --wildcards './boot/vmlinuz-*' &&
			extract_vmlinux "$(ls "$kdir"/boot/vmlinuz-* | head -n 1)" "$out.tmp" &&
			mv "$out.tmp" "$out" || {
			echo "check-vm: no kernel could be extracted from $deb" >&2
			rm -f "$out.tmp"
			return 1
		}
		rm -rf "$kdir"
		echo "check-vm: $out: $(($(wc -c <"$out") / 1048576)) MiB ELF, cached" >&2
	fi
	echo "$out"
}

# A kernel that cannot be had costs its guest (a SKIP line says so), not
# the others; with none at all the whole check is skipped.
guests="" skipped=""
for spec in $VM_KERNELS; do
	meta=${spec%%:*} suite=${spec#*:}
	if vmlinux=$(fetch_kernel "$meta"); then
		guests="$guests $vmlinux:$suite"
	else
		skipped="$skipped $meta"
	fi
done
[ -n "$guests" ] || skip "no kernel could be fetched for:$skipped (see above)"

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

# --- 5. boot -------------------------------------------------------------------
# boot VMLINUX SUITE LOG: one guest; its qemu exit status goes to LOG.rc.
boot() {
	{
		timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg,thread=single \
			-m "$VM_MEM" -smp "$VM_SMP" -nic none -kernel "$1" \
			-initrd "$VM_DIR/initrd.gz" \
			-append "console=ttyS0 quiet panic=-1 vmtest_suite=$2" \
			-nographic -no-reboot </dev/null 2>&1
		echo "$?" >"$3.rc"
	} | tr -d '\r' >"$3"
}

t_boot=$(date +%s)
pids=""
for g in $guests; do
	vmlinux=${g%:*} suite=${g#*:}
	name=$(basename "$vmlinux")
	echo "check-vm: booting $name (suite $suite) under qemu -accel tcg,thread=single (timeout ${VM_TIMEOUT}s)"
	boot "$vmlinux" "$suite" "$VM_DIR/console-$name.log" &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
t_end=$(date +%s)

# --- 6. result -----------------------------------------------------------------
pass=0 failn=0 skipn=0
for meta in $skipped; do
	echo "SKIP guest $meta: its kernel could not be fetched (see above)"
	skipn=$((skipn + 1))
done
for g in $guests; do
	name=$(basename "${g%:*}")
	log="$VM_DIR/console-$name.log"
	echo "== guest $name (suite ${g#*:})"
	# From VMTEST BEGIN on: the tests' lines and their indented output.
	sed -n '/VMTEST BEGIN/,$p' "$log" | sed 's/^.*VMTEST BEGIN/VMTEST BEGIN/' |
		grep -E '^(VMTEST|PASS|FAIL|SKIP| {4})'
	pass=$((pass + $(grep -c '^PASS ' "$log")))
	failn=$((failn + $(grep -c '^FAIL ' "$log")))
	skipn=$((skipn + $(grep -c '^SKIP ' "$log")))
	if ! grep -q '^VMTEST END' "$log"; then
		case $(cat "$log.rc" 2>/dev/null) in
		124 | 137) why="killed by the ${VM_TIMEOUT}s timeout" ;;
		*) why="qemu exited with status $(cat "$log.rc" 2>/dev/null) before the guest finished (panic, crash?)" ;;
		esac
		echo "FAIL guest $name: no complete result: $why; the end of $log:"
		tail -n 40 "$log" | sed 's/^/    /'
		failn=$((failn + 1))
	fi
done
echo "check-vm: guests ran $((t_end - t_boot))s side by side, total $((t_end - t_start))s"
echo "$pass passed, $failn failed, $skipn skipped"
[ "$failn" -eq 0 ] || exit 1
exit 0
