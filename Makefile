# bpfsim - build, test, benchmark, install.
#
#   make            build ./bpfsim
#   make demo       install missing packages, build, run the default scenario
#   make check      install missing packages, build, run every test (unit tests
#                   and CLI tests under AddressSanitizer + UBSan)
#   make bench      engine and model benchmarks (see BENCHMARKS.md)
#   make docs-figures  regenerate docs/figures/*.png (demo, validation)
#   make check-vm   the fentry/fexit calibration path tested for real: Debian's
#                   kernel under qemu (scripts/check-vm.sh; skips, saying why,
#                   where qemu cannot be had)
#   make install    PREFIX=/usr/local DESTDIR=
#   make man        docs/bpfsim.1 from docs/bpfsim.1.in and the help texts
#   make deps       install missing Debian packages (apt-get, sudo if not root)
#   MPI=1           build ./bpfsim with mpicc and the MPI job runner (sweeps
#                   under mpirun; see README)
#   V=1             show full commands
.DELETE_ON_ERROR:
.SUFFIXES:
# `make` (and `make MPI=1`) builds ./bpfsim, whatever included makefiles
# (calibrate/calibrate.mk) define first.
.DEFAULT_GOAL := all

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config
VERSION := 0.1.0

# Debian packages the build and the tests need; `make check` also needs
# Open MPI (tests/cli/mpi.sh), GNU Parallel (tests/cli/shards.sh) and
# python3-jsonschema (tests/cli/schema.sh: summary.json against
# docs/summary.schema.json).
DEPS_PKGS := libgsl-dev libyaml-dev libcmocka-dev gnuplot-nox pkg-config \
	libxml2-utils libssl-dev
CHECK_PKGS := openmpi-bin libopenmpi-dev parallel python3-jsonschema

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# Warnings: everything -Wall -Wextra gives, plus the ones that catch real bugs
# in C of this kind: shadowed locals, prototypes missing or K&R-style, pointer
# arithmetic on void, format strings that are not literals, undefined macros in
# #if, implicit conversions that drop a double to an integer silently.
WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wundef -Wfloat-conversion -Wvla
PKGS := gsl yaml-0.1 libcrypto
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

CFLAGS ?= -O2 -g
BASE_CFLAGS := -std=gnu11 $(WARNINGS) -I. \
	-D_GNU_SOURCE -DBPFSIM_VERSION='"$(VERSION)"'
ALL_CFLAGS = $(BASE_CFLAGS) $(CALIB_CFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS = $(PKG_LIBS) -lpthread -lm

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

# MPI=1: build with mpicc and the MPI job runner (Open MPI from Debian).
# Its objects live in their own folder, so switching between MPI=1 and the
# default build never links one flavour's archive into the other.
ifeq ($(MPI),1)
CC := mpicc
MPI_SRC := sim/exp/mpi_runner.c
DEPS_PKGS += openmpi-bin libopenmpi-dev
OBJ_DIR := obj-mpi
else
MPI_SRC := sim/exp/mpi_single.c
OBJ_DIR := obj
endif
# bpfsim calibrate: the BPF build chain (vmlinux.h, .bpf.o, skeletons) when
# clang, bpftool, libbpf and the kernel's BTF are there, else a stub that
# says what is missing (calibrate/calibrate.mk).
include calibrate/calibrate.mk
DEPS_PKGS += $(CALIB_DEPS_PKGS)
LDLIBS += $(CALIB_LIBS)

LIB_SRCS := $(wildcard sim/*.c) \
	$(filter-out sim/exp/mpi_runner.c sim/exp/mpi_single.c,$(wildcard sim/exp/*.c)) \
	$(filter-out sim/cli/main.c,$(wildcard sim/cli/*.c)) $(MPI_SRC) $(wildcard models/*.c models/*/*.c) $(wildcard plots/*.c) $(CALIB_SRCS)
MAIN_SRC := sim/cli/main.c
TEST_SRCS := $(wildcard tests/test_*.c)
BENCH_SRCS := $(wildcard tests/bench_*.c)

OBJ := $(BUILD)/$(OBJ_DIR)
SAN := $(BUILD)/asan
LIB_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(LIB_SRCS))
SAN_OBJS := $(patsubst %.c,$(SAN)/%.o,$(LIB_SRCS))
TESTS := $(patsubst tests/%.c,$(SAN)/tests/%,$(TEST_SRCS))
# The fuzz harnesses replayed over their saved inputs (tests/fuzz/replay.c).
REPLAYS := $(patsubst tests/fuzz/fuzz_%.c,$(SAN)/tests/fuzz/replay-%,\
	$(wildcard tests/fuzz/fuzz_*.c))
BENCHES := $(patsubst tests/%.c,$(OBJ)/tests/%,$(BENCH_SRCS))

.PHONY: all demo check unit-tests cli-tests bench install uninstall clean deps man \
	check-deps distclean FORCE
all: bpfsim

deps:
	$(Q)sh scripts/deps.sh $(DEPS_PKGS)

check-deps:
	$(Q)sh scripts/deps.sh $(sort $(DEPS_PKGS) $(CHECK_PKGS))

bpfsim: $(OBJ)/sim/cli/main.o $(OBJ)/libbpfsim.a $(BUILD)/bpfsim.flavour
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(filter-out %.flavour,$^) $(LDLIBS)

# summary.json's provenance (sim/cli/provenance.h): the tree's
# `git describe` (empty outside a git checkout: the release version
# stands in) and the MPI flavour, compiled into provenance.c only.  The
# stamp is rewritten when the description changes (a commit, an edit that
# makes the tree dirty), so that one file is rebuilt and ./bpfsim relinked.
GIT_DESCRIBE := $(shell git describe --tags --always --dirty 2>/dev/null)
PROV_OBJS := $(OBJ)/sim/cli/provenance.o $(SAN)/sim/cli/provenance.o
$(PROV_OBJS): ALL_CFLAGS += -DBPFSIM_DESCRIBE='"$(GIT_DESCRIBE)"' \
	-DBPFSIM_MPI=$(if $(filter 1,$(MPI)),1,0)
$(PROV_OBJS): $(BUILD)/describe.stamp
$(BUILD)/describe.stamp: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(GIT_DESCRIBE) MPI=$(MPI)' | cmp -s - $@ || \
		echo '$(GIT_DESCRIBE) MPI=$(MPI)' > $@

# Which flavour (MPI or not) ./bpfsim was linked as: rewritten only when it
# changes, so `make` after `make MPI=1` (or the reverse) relinks ./bpfsim.
$(BUILD)/bpfsim.flavour: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)echo 'MPI=$(MPI)' | cmp -s - $@ || echo 'MPI=$(MPI)' > $@

# The MPI binary make check runs under mpirun (tests/cli/mpi.sh), built
# beside ./bpfsim without touching it: `make MPI=1 build/bpfsim-mpi`.
ifeq ($(MPI),1)
$(BUILD)/bpfsim-mpi: $(OBJ)/sim/cli/main.o $(OBJ)/libbpfsim.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)
endif

$(BUILD)/bpfsim-asan: $(SAN)/sim/cli/main.o $(SAN)/libbpfsim.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

$(OBJ)/libbpfsim.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(SAN)/libbpfsim.a: $(SAN_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OBJ)/%.o: %.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(SAN)/%.o: %.c
	$(call msg,CC-SAN,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -MMD -MP -c -o $@ $<

$(SAN)/tests/%: $(SAN)/tests/%.o $(SAN)/libbpfsim.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

# replay-NAME: tests/fuzz/replay.c (NAME compiled in) + fuzz_NAME.c, gcc,
# ASan + UBSan, no libFuzzer.
.SECONDARY: $(patsubst $(SAN)/tests/fuzz/replay-%,$(SAN)/tests/fuzz/replay-%.o \
	$(SAN)/tests/fuzz/fuzz_%.o,$(REPLAYS))
# (Static patterns: the dependency files replay-NAME.d must not match.)
$(REPLAYS:=.o): $(SAN)/tests/fuzz/replay-%.o: tests/fuzz/replay.c
	$(call msg,CC-SAN,$< ($*))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -DREPLAY_NAME='"$*"' -MMD -MP \
		-c -o $@ $<

$(REPLAYS): $(SAN)/tests/fuzz/replay-%: $(SAN)/tests/fuzz/replay-%.o \
		$(SAN)/tests/fuzz/fuzz_%.o $(SAN)/libbpfsim.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

$(OBJ)/tests/%: $(OBJ)/tests/%.o $(OBJ)/libbpfsim.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

demo: deps
	$(Q)$(MAKE) --no-print-directory bpfsim
	./bpfsim compare scenarios/runqslower.yaml --out out/demo

# Unit tests, CLI tests and the fuzz harnesses replayed over their saved
# crashes and seeds (REPLAYS), all under ASan + UBSan; a sanitizer report
# fails the run (halt_on_error, no recovery).
# The MPI test runs the MPI build (BPFSIM_MPI) without sanitizers: Open MPI
# itself does not run clean under LeakSanitizer.
check: check-deps
	$(Q)$(MAKE) --no-print-directory bpfsim $(BUILD)/bpfsim-asan $(TESTS) \
		$(REPLAYS)
	$(Q)$(MAKE) --no-print-directory MPI=1 $(BUILD)/bpfsim-mpi
	$(Q)ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	BPFSIM_MPI=$(BUILD)/bpfsim-mpi BPFSIM_PLAIN=./bpfsim \
	sh tests/run-tests.sh $(BUILD)/bpfsim-asan $(TESTS) $(REPLAYS)

bench: deps
	$(Q)$(MAKE) --no-print-directory bpfsim $(BENCHES)
	$(Q)sh tests/bench.sh $(OBJ)/tests

# The man page: docs/bpfsim.1.in with its SYNOPSIS and SUBCOMMANDS made
# from the subcommands' help texts (bpfsim help --man, sim/cli/man.h), so
# it lists what --help lists.  tests/cli/docs.sh fails when the committed
# docs/bpfsim.1 is not what this makes.
man: docs/bpfsim.1
docs/bpfsim.1: docs/bpfsim.1.in scripts/man.sh bpfsim
	$(call msg,MAN,$@)
	$(Q)sh scripts/man.sh docs/bpfsim.1.in ./bpfsim > $@

install: bpfsim docs/bpfsim.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bpfsim/scenarios \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/doc/bpfsim
	install -m 755 bpfsim $(DESTDIR)$(PREFIX)/bin/bpfsim
	cp -R scenarios/. $(DESTDIR)$(PREFIX)/share/bpfsim/scenarios/
	install -m 644 docs/bpfsim.1 $(DESTDIR)$(PREFIX)/share/man/man1/bpfsim.1
	install -m 644 LICENSE LICENSE.BSD-2-Clause LICENSE.GPL-2.0 CHANGELOG.md \
		$(DESTDIR)$(PREFIX)/share/doc/bpfsim/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/bpfsim $(DESTDIR)$(PREFIX)/share/man/man1/bpfsim.1
	rm -rf $(DESTDIR)$(PREFIX)/share/bpfsim $(DESTDIR)$(PREFIX)/share/doc/bpfsim

clean:
	rm -rf $(BUILD) bpfsim

distclean: clean
	rm -rf out

# plots/fig_NAME.c embeds plots/NAME.gp with .incbin, which -MMD cannot see.
FIGS := $(patsubst plots/fig_%.c,%,$(wildcard plots/fig_*.c))
$(foreach f,$(FIGS),$(eval $(OBJ)/plots/fig_$(f).o $(SAN)/plots/fig_$(f).o: plots/$(f).gp))

# The figures README shows, from the shipped scenarios (about a minute): the
# demo compare (timeline, compare), a sweep of the demo's process count, the
# engine validation (M/M/1 and M/M/8 sweeps, drawn together), the phase
# diagram and portrait (scenarios/phase.yaml), the capacity search
# (scenarios/capacity.yaml) and the shipped calibration file (drawn from a
# copy, so that scenarios/ stays clean).
.PHONY: docs-figures
docs-figures: bpfsim
	$(Q)rm -rf out/docs
	$(Q)./bpfsim compare scenarios/runqslower.yaml --out out/docs/demo --quiet
	$(Q)./bpfsim sweep scenarios/runqslower.yaml --quiet --reps 4 \
		--sweep workload.processes=1000:8000:4:log --out out/docs/demo-sweep
	$(Q)./bpfsim sweep scenarios/mm1-validation.yaml --quiet --no-plots \
		--out out/docs/validation/c1
	$(Q)./bpfsim sweep scenarios/mm8-validation.yaml --quiet --no-plots \
		--out out/docs/validation/c8
	$(Q)./bpfsim plot out/docs/validation
	$(Q)mkdir -p docs/figures
	cp out/docs/demo/timeline.png docs/figures/demo-timeline.png
	cp out/docs/demo/compare.png docs/figures/demo-compare.png
	cp out/docs/demo-sweep/sweep.png docs/figures/demo-sweep.png
	cp out/docs/demo-sweep/paired.png docs/figures/demo-paired.png
	$(Q)./bpfsim sweep scenarios/bloom.yaml --quiet --out out/docs/bloom
	cp out/docs/bloom/sweep.png docs/figures/bloom-sweep.png
	cp out/docs/validation/validation.png docs/figures/validation.png
	$(Q)./bpfsim phase scenarios/phase.yaml --quiet --out out/docs/phase >/dev/null
	$(Q)./bpfsim capacity scenarios/capacity.yaml --quiet --out out/docs/capacity \
		>/dev/null
	$(Q)mkdir -p out/docs/calibration
	$(Q)cp scenarios/calibration/host.yaml out/docs/calibration/host.yaml
	$(Q)./bpfsim plot out/docs/calibration
	cp out/docs/phase/phase.png docs/figures/phase.png
	cp out/docs/phase/portrait.png docs/figures/phase-portrait.png
	cp out/docs/capacity/capacity.png docs/figures/capacity.png
	cp out/docs/calibration/calibration-host.png docs/figures/calibration.png

# ---- fuzzing (libFuzzer) ---------------------------------------------------
# make fuzz FUZZ_SECONDS=N   build tests/fuzz/fuzz_*.c (the scenario loader,
#                            the distribution parser, the calibration file
#                            loader, the job files, the output folder's
#                            JSON, the workload trace) with clang's
#                            -fsanitize=fuzzer,address,undefined and run
#                            each harness N seconds (default 60); seeds and
#                            dictionaries: tests/fuzz/README.md, run.sh.
# make fuzzers               build them only; FUZZERS='...' picks some, e.g.
#                            make fuzz FUZZERS=build/fuzz/fuzz_trace.
# make check replays every harness over tests/fuzz/regress/ and seed/ with
# gcc (REPLAYS above): no clang needed there.
# The library is rebuilt with clang's coverage instrumentation in its own
# folder (sim/, models/ and calibrate/'s file code: no plots, no BPF, no main).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ := $(BUILD)/fuzz
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_LIB_SRCS := $(wildcard sim/*.c) \
	$(filter-out sim/exp/mpi_runner.c,$(wildcard sim/exp/*.c)) \
	sim/cli/env.c $(wildcard models/*.c models/*/*.c) $(CALIB_COMMON)
FUZZERS := $(patsubst tests/fuzz/%.c,$(FUZZ)/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: fuzz fuzzers
.SECONDARY: $(patsubst $(FUZZ)/%,$(FUZZ)/tests/fuzz/%.o,$(FUZZERS))
fuzzers: $(FUZZERS)

fuzz: $(FUZZERS)
	$(Q)sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

$(FUZZ)/%.o: %.c
	$(call msg,CC-FUZZ,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(BASE_CFLAGS) $(PKG_CFLAGS) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ)/libbpfsim.a: $(patsubst %.c,$(FUZZ)/%.o,$(FUZZ_LIB_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ)/fuzz_%: $(FUZZ)/tests/fuzz/fuzz_%.o $(FUZZ)/libbpfsim.a
	$(call msg,LINK,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# make check-vm: the guest tests of tests/vm/ under Debian's own kernels in
# qemu (the development hosts are locked down and refuse fentry/fexit).
# scripts/check-vm.sh installs VM_PKGS (qemu and busybox on the host; the
# kernel packages are only downloaded and unpacked under $(VM)), builds
# vm-binaries through this Makefile, boots, and reports the guests' results.
# The guest binaries are static: the initramfs has no libc.  vmtool is the
# guest's own BPF helper (fentry/fexit smoke test, exact run counts, program
# list), built from tests/vm/*.bpf.c with skeletons that need no vmlinux.h.
VM := $(BUILD)/vm
VM_PKGS := qemu-system-x86 busybox-static cpio python3 zstd clang llvm \
	libbpf-dev libelf-dev zlib1g-dev bpftool
VM_TIMEOUT ?= 900
CLANG ?= clang
BPFTOOL ?= bpftool
VM_BPF_CFLAGS := -g -O2 -target bpf -Wall -I/usr/include/$(shell $(CC) -dumpmachine)

.PHONY: check-vm vm-binaries
check-vm:
	$(Q)VM_DIR='$(VM)' VM_PKGS='$(VM_PKGS)' VM_TIMEOUT='$(VM_TIMEOUT)' \
	MAKE='$(MAKE)' sh scripts/check-vm.sh

vm-binaries: $(VM)/bpfsim $(VM)/vmtool
.SECONDARY: $(VM)/vm_target.bpf.o $(VM)/vm_prof.bpf.o

$(VM)/bpfsim: $(OBJ)/sim/cli/main.o $(OBJ)/libbpfsim.a
	$(call msg,LINK,$@ (static))
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -static -o $@ $^ $(LDLIBS)

$(VM)/vmtool: tests/vm/vmtool.c $(VM)/vm_target.skel.h $(VM)/vm_prof.skel.h
	$(call msg,LINK,$@ (static))
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS) -I$(VM) -static -o $@ $< \
		-l:libbpf.a -lelf -lz

$(VM)/%.bpf.o: tests/vm/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(VM_BPF_CFLAGS) -c -o $@ $<

$(VM)/%.skel.h: $(VM)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
