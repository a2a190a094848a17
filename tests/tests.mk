# SPDX-License-Identifier: MIT
# Tests.  Host unit tests: every tests/unit/test_NAME.c is one program,
# linked with the sources its owner lists in UNIT_DEPS_test_NAME, built
# with the sanitizers.  Boot tests: test images under build/tests/images,
# booted by tests/boot/run-boot-tests.  `make test` runs everything and
# ends with one line, "N passed, N failed".

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRC))
UNIT_HDRS := $(wildcard tests/unit/*.h kernel/abi/kestrel/*.h kernel/lib/*.h kernel/mm/*.h \
                                       arch/x86_64/loader/*.h arch/x86_64/kernel/*.h)

$(BUILD)/tests/unit/test_%: tests/unit/test_%.c $(UNIT_HDRS) $$(UNIT_DEPS_test_$$*)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)$(HOSTCC) $(HOST_TEST_CFLAGS) -o $@ $< $(UNIT_DEPS_test_$*)

# --- boot-test images -------------------------------------------------------
TIMG := $(BUILD)/tests/images
TBOOT := $(BUILD)/tests/bootdirs

# A boot folder that differs from build/boot in one file.
$(TBOOT)/notelf/.ok: $(BOOT_FILES) tests/boot/not-an-elf.txt
	@mkdir -p $(@D) && cp $(BOOT_FILES) $(@D)/
	$(Q)cp tests/boot/not-an-elf.txt $(@D)/kernel.elf
	@touch $@
$(TBOOT)/elf32/.ok: $(BOOT_FILES)
	@mkdir -p $(@D) && cp $(BOOT_FILES) $(@D)/
	$(Q)cp $(LOADER_ELF) $(@D)/kernel.elf
	@touch $@
$(TBOOT)/initrd-corrupt/.ok: $(BOOT_FILES) tests/boot/corrupt-tar
	@mkdir -p $(@D) && cp $(BOOT_FILES) $(@D)/
	$(Q)tests/boot/corrupt-tar checksum $(INITRD_TAR) $(@D)/initrd.tar
	@touch $@
$(TBOOT)/initrd-truncated/.ok: $(BOOT_FILES) tests/boot/corrupt-tar
	@mkdir -p $(@D) && cp $(BOOT_FILES) $(@D)/
	$(Q)tests/boot/corrupt-tar truncate $(INITRD_TAR) $(@D)/initrd.tar
	@touch $@

# The userspace suite boots the test initramfs (tests/user/user-tests.mk).
$(TBOOT)/usertest/.ok: $(BOOT_FILES) $(INITRD_TEST_TAR)
	@mkdir -p $(@D) && cp $(BOOT_FILES) $(@D)/
	$(Q)cp $(INITRD_TEST_TAR) $(@D)/initrd.tar
	@touch $@
$(TIMG)/usertest.iso: $(TBOOT)/usertest/.ok grub/grub.cfg tests/boot/usertest.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(TBOOT)/usertest -x tests/boot/usertest.cfg
$(TIMG)/usertest.img: $(TBOOT)/usertest/.ok grub/grub.cfg tests/boot/usertest.cfg scripts/mkdisk \
                      image/early.cfg
	$(Q)scripts/mkdisk -o $@ -b $(TBOOT)/usertest -x tests/boot/usertest.cfg
$(TIMG)/usertest-slow.iso: $(TBOOT)/usertest/.ok grub/grub.cfg tests/boot/usertest-slow.cfg \
                           scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(TBOOT)/usertest -x tests/boot/usertest-slow.cfg
$(TIMG)/init-not-elf.iso: $(BOOT_FILES) grub/grub.cfg tests/boot/init-not-elf.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot -x tests/boot/init-not-elf.cfg
$(TIMG)/init-missing.iso: $(BOOT_FILES) grub/grub.cfg tests/boot/init-missing.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot -x tests/boot/init-missing.cfg

TEST_IMAGES := $(TIMG)/usertest.iso $(TIMG)/usertest.img $(TIMG)/init-not-elf.iso \
               $(TIMG)/usertest-slow.iso \
               $(TIMG)/init-missing.iso \
               $(TIMG)/ktest.iso $(TIMG)/ktest.img $(TIMG)/bios-fb.iso $(TIMG)/default.iso \
               $(TIMG)/bochs.iso $(TIMG)/ktest-smp2.iso $(TIMG)/no-kernel.iso $(TIMG)/notelf.iso \
               $(TIMG)/elf32.iso $(TIMG)/initrd-corrupt.iso $(TIMG)/initrd-truncated.iso

$(TIMG)/ktest.iso: $(BOOT_FILES) grub/grub.cfg tests/boot/ktest.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot -x tests/boot/ktest.cfg
$(TIMG)/ktest.img: $(BOOT_FILES) grub/grub.cfg tests/boot/ktest.cfg scripts/mkdisk image/early.cfg
	$(Q)scripts/mkdisk -o $@ -b $(BUILD)/boot -x tests/boot/ktest.cfg
$(TIMG)/bios-fb.iso: $(BOOT_FILES) grub/grub.cfg tests/boot/ktest-bios-fb.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot -x tests/boot/ktest-bios-fb.cfg
# Boot one named self-test (ktest=NAME): only-NAME.iso, from
# tests/boot/ktest-one.cfg.in.  The boot-test runner builds these on demand
# for the cases that name them.
$(BUILD)/tests/cfg/only-%.cfg: tests/boot/ktest-one.cfg.in
	@mkdir -p $(@D)
	$(Q)sed 's/@TEST@/$*/' $< > $@
.PRECIOUS: $(BUILD)/tests/cfg/only-%.cfg
$(TIMG)/only-%.iso: $(BUILD)/tests/cfg/only-%.cfg $(BOOT_FILES) grub/grub.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot -x $<
$(TIMG)/ktest-smp2.iso: $(BOOT_FILES) grub/grub.cfg tests/boot/ktest-smp2.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot -x tests/boot/ktest-smp2.cfg
$(TIMG)/bochs.iso: $(BOOT_FILES) grub/grub.cfg tests/boot/bochs.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot -x tests/boot/bochs.cfg
$(TIMG)/bench.iso: $(BOOT_FILES) grub/grub.cfg tests/bench/bench.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot -x tests/bench/bench.cfg
$(TIMG)/default.iso: $(BOOT_FILES) grub/grub.cfg tests/boot/default.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot -x tests/boot/default.cfg
$(TIMG)/no-kernel.iso: $(BOOT_FILES) grub/grub.cfg tests/boot/no-kernel.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(BUILD)/boot -x tests/boot/no-kernel.cfg
$(TIMG)/%.iso: $(TBOOT)/%/.ok grub/grub.cfg tests/boot/ktest.cfg scripts/mkiso
	$(Q)scripts/mkiso -o $@ -b $(TBOOT)/$* -x tests/boot/ktest.cfg

# Reads a screen dump back as text, with Kestrel's font (tests/boot/screen-text.c).
SCREEN_TEXT := $(BUILD)/tests/tools/screen-text
$(SCREEN_TEXT): tests/boot/screen-text.c kernel/lib/font.c kernel/lib/font.h
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)$(HOSTCC) -std=gnu11 -O2 $(COMMON_WARN) -Ikernel -o $@ $< kernel/lib/font.c

.PHONY: unit test test-images bench
unit: $(UNIT_BINS) ## build and run the host unit tests only
	@tests/run-tests --unit-only $(UNIT_BINS)

test-images: $(TEST_IMAGES) $(SCREEN_TEXT)

test: $(UNIT_BINS) $(TEST_IMAGES) $(SCREEN_TEXT) $(ISO) $(DISK) ## run unit, in-kernel and boot tests; ends "N passed, N failed"
	@tests/run-tests $(UNIT_BINS)

bench: ## kernel and userspace benchmarks: instruction counts (-icount) and TCG ns; JSON in build/bench/
	@tests/bench/run-bench
