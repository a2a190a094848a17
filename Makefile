# SPDX-License-Identifier: MIT
# Kestrel top-level Makefile: the one entry point.  Per-folder fragments
# (*.mk) add their own rules; all output goes under $(BUILD).
# `make help` lists the targets.

.DEFAULT_GOAL := all
.SECONDEXPANSION:
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

BUILD    ?= build
export BUILD
CROSS    ?=
CC       := $(CROSS)gcc
LD       := $(CROSS)ld
OBJCOPY  := $(CROSS)objcopy
NM       := $(CROSS)nm
NASM     ?= nasm
HOSTCC   ?= cc
PYTHON   ?= python3

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

# Quiet by default: one line per step; V=1 shows every command.
ifeq ($(V),1)
  Q :=
  say =
else
  Q := @
  say = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif

# Host tools the build needs.  Checked once per build folder, when make
# starts (so even a parallel build installs them before compiling):
# scripts/install-deps.sh installs what is missing or names the package.
DEPS_STAMP := $(BUILD)/.host-tools-ok
ifeq ($(filter clean help,$(MAKECMDGOALS)),)
ifeq ($(wildcard $(DEPS_STAMP)),)
DEPS_RESULT := $(shell scripts/install-deps.sh --ensure >&2 && mkdir -p $(BUILD) && touch $(DEPS_STAMP) && echo ok)
ifneq ($(DEPS_RESULT),ok)
$(error host tools are missing: see the install-deps lines above)
endif
endif
endif

COMMON_WARN  := -Wall -Wextra -Werror
# Debug info names no absolute path and no build folder, so the same
# commit gives the same bytes wherever and into whatever BUILD it is built.
REPRODUCIBLE_PATHS := -ffile-prefix-map=$(CURDIR)=. -ffile-prefix-map=$(BUILD)/=build/
GCC_INCLUDE  := $(shell $(CC) -print-file-name=include 2>/dev/null)
FREESTANDING := -std=gnu11 -O2 -g -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) \
                -fno-stack-protector -fno-pic -fno-pie -fno-common \
                -mgeneral-regs-only -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
                -MMD -MP $(COMMON_WARN) \
                $(REPRODUCIBLE_PATHS)

# DEBUG=1 (the default) turns on the kernel's self-checks that cost time:
# heap red zones, poisoning and allocation sites.  DEBUG=0 for benchmarks.
DEBUG ?= 1
# IPC_FASTPATH=1 (the default) builds the IPC register fast path
# (kernel/ipc/fastpath.c); 0 leaves every IPC to the slow path.  The
# kernel command line's ipc=slow turns a built fast path off at boot.
IPC_FASTPATH ?= 1
KERNEL_CFLAGS := $(FREESTANDING) -m64 -mno-red-zone -mcmodel=kernel \
                 $(if $(filter 1,$(DEBUG)),-DKESTREL_DEBUG=1) \
                 -DKCONFIG_IPC_FASTPATH=$(if $(filter 1,$(IPC_FASTPATH)),1,0) \
                 -Ikernel/abi -Ikernel -Iarch/x86_64/kernel
LOADER_CFLAGS := $(FREESTANDING) -m32 -march=i686 -Ikernel/abi -Iarch/x86_64/loader
# NASM's DWARF records the absolute source folder and it has no prefix
# map, so assembly line info is opt-in (NASM_DEBUG=1): symbols are always
# there, and default builds stay byte-identical wherever they are built.
NASM_FLAGS    := -Werror $(if $(NASM_DEBUG),-g -F dwarf)
LIBGCC32      := $(shell $(CC) -m32 -print-libgcc-file-name 2>/dev/null)

HOST_TEST_CFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
                    -fno-omit-frame-pointer $(COMMON_WARN) -DKESTREL_HOST_TEST \
                    -Ikernel/abi -Ikernel -Iarch/x86_64/loader -Itests/unit

# Outputs that embed SOURCE_DATE_EPOCH (the initramfs and the images)
# depend on this stamp, rewritten only when the epoch changes (a commit).
EPOCH_STAMP := $(BUILD)/source-date-epoch
$(EPOCH_STAMP): FORCE
	@mkdir -p $(@D)
	@echo $(SOURCE_DATE_EPOCH) > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

.PHONY: FORCE
FORCE:

LOADER_ELF := $(BUILD)/boot/loader.elf
KERNEL_ELF := $(BUILD)/boot/kernel.elf
INITRD_TAR := $(BUILD)/boot/initrd.tar
ISO        := $(BUILD)/kestrel.iso
DISK       := $(BUILD)/kestrel.img

include arch/x86_64/loader/loader.mk
include kernel/kernel.mk
-include $(wildcard kernel/mm/*.mk)
-include $(wildcard kernel/acpi/*.mk)
-include $(wildcard kernel/time/*.mk)
-include $(wildcard kernel/debug/*.mk)
-include $(wildcard kernel/sched/*.mk)
-include $(wildcard kernel/proc/*.mk)
-include $(wildcard kernel/cap/*.mk)
include initrd/user.mk
include initrd/initrd.mk
include tests/user/user-tests.mk
include image/image.mk
include tests/tests.mk
-include tests/session/session.mk

.PHONY: all
all: $(ISO) $(DISK) $(LOADER_ELF) $(KERNEL_ELF) $(INITRD_TAR) ## build the ISO, the raw disk and the boot files

.PHONY: deps
deps: ## install missing host tools (apt-get; sudo when not root)
	@scripts/install-deps.sh --ensure

.PHONY: clean
clean: ## remove build/
	rm -rf $(BUILD)

.PHONY: help
help: ## list the targets
	@echo "Kestrel $(VERSION): make [target] [CROSS=x86_64-elf-] [V=1]"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort -u | \
	  awk 'BEGIN{FS=":.*## "}{printf "  %-14s %s\n", $$1, $$2}'
	@echo "Kernel command line: ktest[=NAME] usertest init=PATH log=LEVEL break=POINT exit console=serial smp=N (docs/boot.md)"
