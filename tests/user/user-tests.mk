# SPDX-License-Identifier: MIT
# The userspace test suite (tests/user): bin/usertest (usertest.c and
# every test_*.c) and its helper bin/crasher, built like every user
# program (initrd/user.mk), and the test initramfs
# build/tests/initrd-test.tar: the normal initramfs plus these programs.
# Boot it with the `usertest` option (init=bin/usertest).

USER_SRCS_usertest := tests/user/usertest.c $(sort $(wildcard tests/user/test_*.c))
USER_SRCS_crasher  := tests/user/crasher.c tests/user/crasher_io.c tests/user/crasher_quota.c \
                      tests/user/crasher_mem.c
USER_TEST_PROGRAMS := usertest crasher
USER_TEST_BINS     := $(addprefix $(USER_BIN)/,$(USER_TEST_PROGRAMS))
USER_TEST_OBJS     := $(call user_objs,$(USER_SRCS_usertest) $(USER_SRCS_crasher))
INITRD_TEST_TAR    := $(BUILD)/tests/initrd-test.tar

$(INITRD_TEST_TAR): $(INITRD_ETC) scripts/mkinitrd $(EPOCH_STAMP) $(USER_INITRD_PACKED) \
                    $(addprefix $(USER_PACKED)/,$(USER_TEST_PROGRAMS))
	@mkdir -p $(@D)
	$(Q)scripts/mkinitrd -o $@ $(INITRD_CONTENTS) \
	    $(foreach p,$(USER_TEST_PROGRAMS),$(USER_PACKED)/$(p):bin/$(p))

.SECONDARY: $(USER_TEST_OBJS) $(USER_TEST_BINS)
-include $(USER_TEST_OBJS:.o=.d)

.PHONY: user-tests
user-tests: $(INITRD_TEST_TAR) ## build the userspace test suite and build/tests/initrd-test.tar
