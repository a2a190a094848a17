# SPDX-License-Identifier: MIT
# Image recipes: the GRUB rescue ISO and the raw GPT disk, both BIOS+UEFI,
# plus the targets that boot them.  FW=bios|uefi, MACHINE=pc|q35, MEM=,
# SMP=, IMAGE=iso|disk and RUN_ARGS= (extra run-qemu options) tune `make run`.

BOOT_FILES := $(LOADER_ELF) $(KERNEL_ELF) $(INITRD_TAR)
FW      ?= bios
MACHINE ?= q35
MEM     ?= 256M
SMP     ?= 1
IMAGE   ?= iso
RUN_IMAGE = $(if $(filter disk,$(IMAGE)),--disk $(DISK),--iso $(ISO))

$(ISO): $(BOOT_FILES) grub/grub.cfg scripts/mkiso VERSION $(EPOCH_STAMP)
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot

$(DISK): $(BOOT_FILES) grub/grub.cfg image/early.cfg image/disk-layout.sfdisk scripts/mkdisk $(EPOCH_STAMP)
	$(Q)scripts/mkdisk -o $@ -b $(BUILD)/boot

.PHONY: iso disk run debug bochs release
iso: $(ISO) ## build build/kestrel.iso only
disk: $(DISK) ## build build/kestrel.img only

run: $(ISO) $(DISK) ## boot under QEMU, serial on this terminal (Ctrl-A X quits); FW=uefi IMAGE=disk
	scripts/run-qemu $(RUN_IMAGE) --fw $(FW) --machine $(MACHINE) --mem $(MEM) --smp $(SMP) $(RUN_ARGS)

debug: $(ISO) $(DISK) ## QEMU paused with a GDB stub on :1234 and gdb attached (docs/debugging.md)
	scripts/debug-qemu $(RUN_IMAGE) --fw $(FW) --machine $(MACHINE) --mem $(MEM) $(RUN_ARGS)

bochs: $(ISO) ## boot the ISO in Bochs: magic breakpoints, port 0xE9 log (BOCHS_HEADLESS=1 for no window)
	scripts/run-bochs --iso $(ISO) $(BOCHS_ARGS)

release: ## versioned reproducible images and SHA256SUMS in build/release/
	$(Q)scripts/mkrelease
