# SPDX-License-Identifier: MIT
# The initramfs: initrd/etc/ (configuration) and the user programs of
# initrd/user.mk as bin/NAME.  scripts/mkinitrd makes the archive
# deterministic.  The program list is expanded late ($$), so this works
# whichever order the fragments are included in.

INITRD_ETC := $(shell find initrd/etc -type f 2>/dev/null)
# mkinitrd SRC:DEST pairs of the normal initramfs (tests/user reuses them).
# The programs go in without debug information ($(USER_PACKED), user.mk).
INITRD_CONTENTS = initrd/etc:etc $(foreach p,$(USER_INITRD_PROGRAMS),$(USER_PACKED)/$(p):bin/$(p))

$(INITRD_TAR): $(INITRD_ETC) scripts/mkinitrd $(EPOCH_STAMP) $$(USER_INITRD_PACKED)
	@mkdir -p $(@D)
	$(Q)scripts/mkinitrd -o $@ $(INITRD_CONTENTS)

.PHONY: initrd
initrd: $(INITRD_TAR) ## pack build/boot/initrd.tar from initrd/ and the user programs
