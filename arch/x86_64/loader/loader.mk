# SPDX-License-Identifier: MIT
# Kestrel loader stub (arch/x86_64/loader): a 32-bit Multiboot2 ELF linked
# at 1 MiB that loads kernel.elf and enters long mode.  Also names the
# sources each loader host unit test links (UNIT_DEPS_test_*).

LOADER_DIR      := arch/x86_64/loader
LOADER_OUT      := $(BUILD)/loader
LOADER_FONT_SRC ?= kernel/lib/font.c
LOADER_C_SRCS   := $(addprefix $(LOADER_DIR)/,main.c mb2.c memmap.c palloc.c elf_load.c \
                   paging.c cpu.c console.c lib.c)
# Pure code shared with the kernel: the console font and the formatting
# engine (kernel/lib/, host-tested there) are compiled in for i386.
LOADER_CC_FLAGS := $(LOADER_CFLAGS) -Ikernel
LOADER_OBJS     := $(LOADER_OUT)/entry.o \
                   $(patsubst $(LOADER_DIR)/%.c,$(LOADER_OUT)/%.o,$(LOADER_C_SRCS)) \
                   $(LOADER_OUT)/shared/font.o $(LOADER_OUT)/shared/format.o

$(LOADER_OUT)/%.o: $(LOADER_DIR)/%.c $(LOADER_DIR)/loader.mk
	@mkdir -p $(@D)
	$(call say,CC32,$<)$(CC) $(LOADER_CC_FLAGS) -c -o $@ $<

$(LOADER_OUT)/shared/font.o: $(LOADER_FONT_SRC) $(LOADER_DIR)/loader.mk
	@mkdir -p $(@D)
	$(call say,CC32,$<)$(CC) $(LOADER_CC_FLAGS) -c -o $@ $<

$(LOADER_OUT)/shared/format.o: kernel/lib/format.c $(LOADER_DIR)/loader.mk
	@mkdir -p $(@D)
	$(call say,CC32,$<)$(CC) $(LOADER_CC_FLAGS) -c -o $@ $<

$(LOADER_OUT)/entry.o: $(LOADER_DIR)/entry.asm $(LOADER_DIR)/loader.mk
	@mkdir -p $(@D)
	$(call say,NASM,$<)$(NASM) $(NASM_FLAGS) -f elf32 -MD $(LOADER_OUT)/entry.d -o $@ $<

$(LOADER_ELF): $(LOADER_OBJS) $(LOADER_DIR)/loader.ld
	@mkdir -p $(@D)
	$(call say,LD,$@)$(LD) -m elf_i386 -nostdlib -z max-page-size=4096 -z noexecstack \
	    -T $(LOADER_DIR)/loader.ld -o $@ $(LOADER_OBJS) $(LIBGCC32)

.PHONY: loader
loader: $(LOADER_ELF) ## build the 32-bit Multiboot2 loader stub

UNIT_DEPS_test_mb2      := $(LOADER_DIR)/mb2.c
UNIT_DEPS_test_memmap   := $(LOADER_DIR)/memmap.c $(LOADER_DIR)/palloc.c
UNIT_DEPS_test_elf_load := $(LOADER_DIR)/elf_load.c $(LOADER_DIR)/palloc.c

-include $(LOADER_OBJS:.o=.d)
