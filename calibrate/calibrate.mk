# calibrate.mk - the BPF build chain of bpfsim calibrate (included by the
# Makefile).  Shaped like libbpf-tools' Makefile:
#
#   /sys/kernel/btf/vmlinux --bpftool btf dump--> $(BPF_OUT)/vmlinux.h
#   calibrate/X.bpf.c --clang -target bpf (CO-RE)--> $(BPF_OUT)/X.bpf.o
#   X.bpf.o --bpftool gen skeleton--> $(BPF_OUT)/X.skel.h
#   calibrate/X.c (includes X.skel.h) --cc--> the usual objects
#
# rqslower.bpf.c is built twice: rqs_hash (hash map) and rqs_task (task
# local storage), the two runqslower variants.  Everything lands in
# $(BUILD)/bpf.  Without clang, bpftool, libbpf, libelf, zlib or the
# running kernel's BTF, calibrate/nobpf.c is built instead and says which
# of them was missing (BPF=0 forces that).  The rest of bpfsim builds and
# runs the same either way.
#
# In:  BUILD, OBJ_DIR, PKG_CONFIG, Q, msg (the Makefile's).
# Out: CALIB_SRCS (add to the library sources), CALIB_CFLAGS, CALIB_LIBS,
#      CALIB_DEPS_PKGS (Debian packages for make deps).

# libbpf-tools: the real tools `bpfsim validate --tool` runs (not needed to
# build).
CALIB_DEPS_PKGS := clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool libbpf-tools
BPF_CLANG ?= clang
BPF_STRIP ?= llvm-strip
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPFTOOL ?= $(firstword $(shell command -v bpftool 2>/dev/null) \
	$(wildcard /usr/sbin/bpftool /sbin/bpftool /usr/local/sbin/bpftool))
BPF_OUT := $(BUILD)/bpf
BPF_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/s390x/s390/' -e 's/riscv64/riscv/')

CALIB_COMMON := calibrate/chist.c calibrate/fit.c calibrate/calfile.c \
	calibrate/calopt.c \
	calibrate/loadgen.c
# bpfsim validate: scenario, simulation and tables (validate.c,
# cmd_validate.c) build everywhere; the measurement (validate_live.c) is
# live only (nobpf.c stubs it).  Not in CALIB_COMMON: the fuzz library
# (sim, models, CALIB_COMMON) has no plots.
CALIB_VALIDATE := calibrate/validate.c calibrate/validate_tool.c
CALIB_LIVE := calibrate/live.c calibrate/workload.c calibrate/rqslower.c \
	calibrate/profile.c calibrate/validate_live.c calibrate/irqtime.c \
	calibrate/tool_run.c calibrate/prims.c calibrate/dispatch.c
CALIB_SKELS := workload rqs_hash rqs_task profile floor irqtime prims dispatch

ifeq ($(BPF),0)
CALIB_MISSING := disabled with BPF=0
else
CALIB_MISSING := $(strip \
	$(if $(shell command -v $(BPF_CLANG) 2>/dev/null),,clang) \
	$(if $(BPFTOOL),,bpftool) \
	$(if $(shell $(PKG_CONFIG) --exists libbpf 2>/dev/null && echo y),,libbpf-dev) \
	$(if $(shell $(PKG_CONFIG) --exists libelf 2>/dev/null && echo y),,libelf-dev) \
	$(if $(shell $(PKG_CONFIG) --exists zlib 2>/dev/null && echo y),,zlib1g-dev) \
	$(if $(wildcard $(VMLINUX_BTF)),,kernel BTF ($(VMLINUX_BTF))))
endif

ifeq ($(CALIB_MISSING),)
CALIB_SRCS := $(CALIB_COMMON) $(CALIB_VALIDATE) $(CALIB_LIVE)
CALIB_CFLAGS := -I$(BPF_OUT)
CALIB_LIBS = $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) \
	-I$(BPF_OUT) -I. -Wall -Wno-unused-function
CALIB_SKEL_H := $(patsubst %,$(BPF_OUT)/%.skel.h,$(CALIB_SKELS))
# Every live object needs the skeletons before its first compile; later
# changes are tracked by the compiler's dependency files.
$(patsubst %.c,$(BUILD)/$(OBJ_DIR)/%.o,$(CALIB_LIVE)) \
$(patsubst %.c,$(BUILD)/asan/%.o,$(CALIB_LIVE)): $(CALIB_SKEL_H)

$(BPF_OUT)/vmlinux.h: | $(VMLINUX_BTF)
	$(call msg,BTF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(BPF_OUT)/%.bpf.o: calibrate/%.bpf.c $(BPF_OUT)/vmlinux.h calibrate/hist.h \
		calibrate/calib.bpf.h calibrate/%.h
	$(call msg,BPF,$@)
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp && \
		$(BPF_STRIP) -g $@.tmp -o $@ 2>/dev/null || mv $@.tmp $@
	$(Q)rm -f $@.tmp

# The two runqslower variants from one source.
$(BPF_OUT)/rqs_hash.bpf.o $(BPF_OUT)/rqs_task.bpf.o: calibrate/rqslower.bpf.c \
		$(BPF_OUT)/vmlinux.h calibrate/hist.h calibrate/calib.bpf.h \
		calibrate/rqslower.h
	$(call msg,BPF,$@)
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) \
		-DRQS_TASK=$(if $(findstring rqs_task,$@),1,0) -c $< -o $@.tmp && \
		$(BPF_STRIP) -g $@.tmp -o $@ 2>/dev/null || mv $@.tmp $@
	$(Q)rm -f $@.tmp

# Keep the objects (make would delete them as intermediates).
.SECONDARY: $(patsubst %,$(BPF_OUT)/%.bpf.o,$(CALIB_SKELS))

$(BPF_OUT)/%.skel.h: $(BPF_OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@
else
CALIB_SRCS := $(CALIB_COMMON) $(CALIB_VALIDATE) calibrate/nobpf.c
CALIB_CFLAGS :=
CALIB_LIBS :=
$(BUILD)/$(OBJ_DIR)/calibrate/nobpf.o $(BUILD)/asan/calibrate/nobpf.o: \
	CALIB_CFLAGS += -DCALIB_MISSING='"$(CALIB_MISSING)"'
endif

# A library archive built for the other flavour (stub vs live) would be
# up to date by its objects' times yet hold the wrong ones: drop it when
# the flavour changes.
CALIB_FLAVOUR := $(if $(CALIB_MISSING),stub,live)
ifneq ($(shell cat $(BUILD)/calib.flavour 2>/dev/null),$(CALIB_FLAVOUR))
$(shell mkdir -p $(BUILD) && rm -f $(BUILD)/*/libbpfsim.a && \
	echo $(CALIB_FLAVOUR) > $(BUILD)/calib.flavour)
endif

.PHONY: calibrate-info
calibrate-info:
	@echo "BPF support: $(if $(CALIB_MISSING),no (missing: $(CALIB_MISSING)),yes)"
