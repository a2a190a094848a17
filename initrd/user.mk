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

# GCC would turn the byte loops of string.c and string_ext.c into calls
# to themselves.
$(USER_BUILD)/obj/initrd/lib/string.o $(USER_BUILD)/obj/initrd/lib/string_ext.o: \
    USER_EXTRA_CFLAGS := -fno-tree-loop-distribute-patterns

$(USER_BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(USER_CFLAGS) $(USER_EXTRA_CFLAGS) -c -o $@ $<

$(USER_LIB): $(USER_LIB_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(call say,AR,$@)$(CROSS)ar rcsD $@ $^

# Programs of the normal initramfs: the services (initrd/NAME), the
# drivers (drivers-user/NAME) and the small tools of initrd/tools, one
# file each.  Every .c file of a program's folder is one of its sources.
USER_SRCS_init    := $(sort $(wildcard initrd/init/*.c))
USER_SRCS_names   := $(sort $(wildcard initrd/names/*.c))
USER_SRCS_vfs     := $(sort $(wildcard initrd/vfs/*.c))
USER_SRCS_shell   := $(sort $(wildcard initrd/shell/*.c))
USER_SRCS_serial  := $(sort $(wildcard drivers-user/serial/*.c))
USER_SRCS_kbd     := $(sort $(wildcard drivers-user/ps2kbd/*.c))
USER_SRCS_console := $(sort $(wildcard drivers-user/console/*.c)) kernel/lib/font.c
USER_SRCS_pci     := $(sort $(wildcard drivers-user/pci/*.c))
USER_SRCS_rtc     := $(sort $(wildcard drivers-user/rtc/*.c))
USER_SRCS_ubench  := tests/bench/user/ubench.c tests/bench/user/ubench_ipc.c
USER_TOOLS        := $(sort $(basename $(notdir $(wildcard initrd/tools/*.c))))
$(foreach t,$(USER_TOOLS),$(eval USER_SRCS_$(t) := initrd/tools/$(t).c))
USER_INITRD_PROGRAMS := init names vfs shell serial kbd console pci rtc ubench $(USER_TOOLS)
USER_INITRD_BINS := $(addprefix $(USER_BIN)/,$(USER_INITRD_PROGRAMS))

$(USER_BIN)/%: $$(call user_objs,$$(USER_SRCS_$$*)) $(USER_CRT0) $(USER_LIB) initrd/lib/user.ld
	@mkdir -p $(@D)
	$(call say,LD,$@)$(LD) $(USER_LDFLAGS) -o $@ $(USER_CRT0) \
	    $(call user_objs,$(USER_SRCS_$*)) $(USER_LIB) $(LIBGCC64)

# An initramfs holds the programs without their debug information (the
# symbol tables stay): a quarter of the bytes for GRUB to load.  The
# full ELF files stay in build/user/bin for gdb.
USER_PACKED := $(USER_BUILD)/packed
$(USER_PACKED)/%: $(USER_BIN)/%
	@mkdir -p $(@D)
	$(call say,STRIP,$@)$(OBJCOPY) --strip-debug $< $@
USER_INITRD_PACKED := $(addprefix $(USER_PACKED)/,$(USER_INITRD_PROGRAMS))
.SECONDARY: $(USER_INITRD_BINS)

USER_INITRD_OBJS := $(call user_objs,$(foreach p,$(USER_INITRD_PROGRAMS),$(USER_SRCS_$(p))))
# Objects reached through the pattern rule would count as intermediate.
.SECONDARY: $(USER_CRT0) $(USER_INITRD_OBJS)
-include $(USER_CRT0:.o=.d) $(USER_LIB_OBJS:.o=.d) $(USER_INITRD_OBJS:.o=.d)

.PHONY: user
user: $(USER_INITRD_BINS) ## build the runtime and the user programs (build/user/bin)

# kernel/lib/font.c (the console's font) names its header from kernel/.
$(USER_BUILD)/obj/kernel/lib/font.o: USER_EXTRA_CFLAGS := -Ikernel

# Host unit tests of userspace logic: each component's unit.mk lists
# the sources its tests/unit/test_*.c link (UNIT_DEPS_test_NAME).
-include $(wildcard initrd/*/unit.mk drivers-user/*/unit.mk)
