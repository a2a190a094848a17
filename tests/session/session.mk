# SPDX-License-Identifier: MIT
# Scripted serial sessions (tests/session): the test programs, the
# session initramfs, the images build/tests/images/session.{iso,img} and
# `make sessions`, which boots them and types the *.session scripts
# (tests/session/run-sessions).  `make test` builds the images too; its
# driver, tests/run-tests, runs the sessions after the boot tests.
#
# The session initramfs is the normal one (INITRD_CONTENTS of
# initrd/initrd.mk) plus tests/session/etc/services.d/ as
# etc/services.d/ (a crashing service, a bad manifest line) and the
# programs of tests/session/tools/ as bin/NAME.

SESSION_TOOLS    := $(sort $(basename $(notdir $(wildcard tests/session/tools/*.c))))
$(foreach t,$(SESSION_TOOLS),$(eval USER_SRCS_$(t) := tests/session/tools/$(t).c))
SESSION_BINS     := $(addprefix $(USER_BIN)/,$(SESSION_TOOLS))
SESSION_OBJS     := $(call user_objs,$(foreach t,$(SESSION_TOOLS),$(USER_SRCS_$(t))))
SESSION_ETC      := $(shell find tests/session/etc -type f 2>/dev/null)
SESSION_INITRD   := $(BUILD)/tests/initrd-session.tar
SESSION_BOOTDIR  := $(BUILD)/tests/bootdirs/session
SESSION_IMAGES   := $(BUILD)/tests/images/session.iso $(BUILD)/tests/images/session.img

.SECONDARY: $(SESSION_OBJS) $(SESSION_BINS)
-include $(SESSION_OBJS:.o=.d)

$(SESSION_INITRD): $(INITRD_ETC) $(SESSION_ETC) scripts/mkinitrd $(EPOCH_STAMP) \
                   $$(USER_INITRD_PACKED) $(addprefix $(USER_PACKED)/,$(SESSION_TOOLS))
	@mkdir -p $(@D)
	$(Q)scripts/mkinitrd -o $@ $(INITRD_CONTENTS) tests/session/etc/services.d:etc/services.d \
	    $(foreach t,$(SESSION_TOOLS),$(USER_PACKED)/$(t):bin/$(t))

$(SESSION_BOOTDIR)/.ok: $(BOOT_FILES) $(SESSION_INITRD)
	@mkdir -p $(@D) && cp $(BOOT_FILES) $(@D)/
	$(Q)cp $(SESSION_INITRD) $(@D)/initrd.tar
	@touch $@
$(BUILD)/tests/images/session.iso: $(SESSION_BOOTDIR)/.ok grub/grub.cfg tests/session/session.cfg \
                                   scripts/mkiso
	@mkdir -p $(@D)
	$(Q)scripts/mkiso -o $@ -b $(SESSION_BOOTDIR) -x tests/session/session.cfg
$(BUILD)/tests/images/session.img: $(SESSION_BOOTDIR)/.ok grub/grub.cfg tests/session/session.cfg \
                                   scripts/mkdisk image/early.cfg
	@mkdir -p $(@D)
	$(Q)scripts/mkdisk -o $@ -b $(SESSION_BOOTDIR) -x tests/session/session.cfg

.PHONY: session-images sessions
session-images: $(SESSION_IMAGES) ## build the scripted-session images (build/tests/images/session.*)
sessions: $(SESSION_IMAGES) $(SCREEN_TEXT) ## boot the session images and run tests/session/*.session (SESSION=REGEX)
	@tests/session/run-sessions $(SESSION)

# `make test` runs the sessions (tests/run-tests), so it needs the images.
test: $(SESSION_IMAGES)

# The boot-time benchmark (tests/bench/boot-time: build/kestrel.iso to the
# shell prompt, wall time and -icount instructions) is part of `make bench`.
.PHONY: boot-time
boot-time: $(ISO) ## boot-time benchmark only: build/bench/boot-time.json
	@tests/bench/boot-time
bench: boot-time
