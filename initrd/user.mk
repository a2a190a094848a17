# SPDX-License-Identifier: MIT
# Userspace: the runtime library (initrd/lib -> $(BUILD)/user/lib/libks.a
# and crt0.o) and the user programs ($(BUILD)/user/bin/NAME), freestanding
# static ELF64 executables linked at 0x400000 by initrd/lib/user.ld.
#
# A program NAME lists its sources in USER_SRCS_NAME and its object files
# come from $(call user_objs,...); $(BUILD)/user/bin/NAME links them with
# crt0.o and libks.a.  USER_INITRD_PROGRAMS go into build/boot/initrd.tar
# (initrd/initrd.mk); tests/user/user-tests.mk adds the test programs.

USER_BUILD := $(BUILD)/user
USER_BIN   := $(USER_BUILD)/bin
USER_CFLAGS := -std=gnu11 -O2 -g -m64 -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) \
               -fno-stack-protector -fno-pic -fno-pie -fno-common -fno-plt \
               -fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none \
               -fno-omit-frame-pointer -MMD -MP $(COMMON_WARN) $(REPRODUCIBLE_PATHS) \
               -Ikernel/abi -Iinitrd/lib
USER_LDFLAGS := -m elf_x86_64 -z max-page-size=4096 -z noexecstack -static -nostdlib \
                --build-id=none -T initrd/lib/user.ld
LIBGCC64   := $(shell $(CC) -m64 -print-libgcc-file-name 2>/dev/null)

user_objs = $(patsubst %.c,$(USER_BUILD)/obj/%.o,$(1))

USER_CRT0    := $(USER_BUILD)/obj/initrd/lib/crt0.o
USER_LIB     := $(USER_BUILD)/lib/libks.a
USER_LIB_OBJS := $(call user_objs,$(filter-out initrd/lib/crt0.c,$(wildcard initrd/lib/*.c)))

# GCC would turn the byte loops of string.c into calls to themselves.
$(USER_BUILD)/obj/initrd/lib/string.o: USER_EXTRA_CFLAGS := -fno-tree-loop-distribute-patterns

$(USER_BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(USER_CFLAGS) $(USER_EXTRA_CFLAGS) -c -o $@ $<

$(USER_LIB): $(USER_LIB_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(call say,AR,$@)$(CROSS)ar rcsD $@ $^

# Programs of the normal initramfs.
USER_SRCS_init   := initrd/init/init.c
USER_SRCS_ubench := tests/bench/user/ubench.c tests/bench/user/ubench_ipc.c
USER_INITRD_PROGRAMS := init ubench
USER_INITRD_BINS := $(addprefix $(USER_BIN)/,$(USER_INITRD_PROGRAMS))

$(USER_BIN)/%: $$(call user_objs,$$(USER_SRCS_$$*)) $(USER_CRT0) $(USER_LIB) initrd/lib/user.ld
	@mkdir -p $(@D)
	$(call say,LD,$@)$(LD) $(USER_LDFLAGS) -o $@ $(USER_CRT0) \
	    $(call user_objs,$(USER_SRCS_$*)) $(USER_LIB) $(LIBGCC64)

USER_INITRD_OBJS := $(call user_objs,$(foreach p,$(USER_INITRD_PROGRAMS),$(USER_SRCS_$(p))))
# Objects reached through the pattern rule would count as intermediate.
.SECONDARY: $(USER_CRT0) $(USER_INITRD_OBJS)
-include $(USER_CRT0:.o=.d) $(USER_LIB_OBJS:.o=.d) $(USER_INITRD_OBJS:.o=.d)

.PHONY: user
user: $(USER_INITRD_BINS) ## build the runtime and the user programs (build/user/bin)
