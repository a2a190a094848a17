# SPDX-License-Identifier: MIT
# The initramfs: initrd/etc/ (configuration) now; built userspace programs
# join it as they appear.  scripts/mkinitrd makes the archive deterministic.

INITRD_ETC := $(shell find initrd/etc -type f 2>/dev/null)

$(INITRD_TAR): $(INITRD_ETC) scripts/mkinitrd $(EPOCH_STAMP)
	@mkdir -p $(@D)
	$(Q)scripts/mkinitrd -o $@ initrd/etc:etc

.PHONY: initrd
initrd: $(INITRD_TAR) ## pack build/boot/initrd.tar from initrd/
