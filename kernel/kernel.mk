# SPDX-License-Identifier: MIT
# Kestrel kernel fragment (included by the top-level Makefile).
#
# Builds $(KERNEL_ELF) from kernel/, arch/x86_64/kernel/ and the in-kernel
# self-tests in tests/kernel/.  Objects go under $(BUILD)/kernel/.
# The kernel is linked twice: pass 1 without a symbol table, then
# scripts/gen-symtab turns `nm -n` of pass 1 into the .ksymtab section and
# pass 2 links it in after everything else.  The build fails unless every
# symbol of pass 2 has the address it had in pass 1.

KERNEL_BUILD   := $(BUILD)/kernel
KERNEL_LDS     := arch/x86_64/kernel/kernel.ld
KERNEL_LDFLAGS := -m elf_x86_64 -z max-page-size=4096 -z noexecstack -nostdlib -static \
                  -T $(KERNEL_LDS)

KERNEL_C_SRCS   := $(sort $(wildcard kernel/*.c kernel/*/*.c arch/x86_64/kernel/*.c \
                                     tests/kernel/*.c))
KERNEL_ASM_SRCS := $(sort $(wildcard arch/x86_64/kernel/*.asm))
KERNEL_OBJS     := $(patsubst %.c,$(KERNEL_BUILD)/%.o,$(KERNEL_C_SRCS)) \
                   $(patsubst %.asm,$(KERNEL_BUILD)/%.o,$(KERNEL_ASM_SRCS))
KERNEL_PASS1    := $(KERNEL_BUILD)/kernel.pass1.elf
KERNEL_SYMTAB   := $(KERNEL_BUILD)/symtab

# GCC must not turn the loops inside memmove/memset back into calls to them.
$(KERNEL_BUILD)/kernel/lib/string.o: KERNEL_FILE_CFLAGS := -fno-tree-loop-distribute-patterns

$(KERNEL_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(KERNEL_CFLAGS) $(KERNEL_FILE_CFLAGS) -c $< -o $@

$(KERNEL_BUILD)/%.o: %.asm
	@mkdir -p $(@D)
	$(call say,NASM,$<)$(NASM) $(NASM_FLAGS) -f elf64 -MD $(@:.o=.d) -MP -o $@ $<

$(KERNEL_PASS1): $(KERNEL_OBJS) $(KERNEL_LDS)
	$(call say,LD,$@)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

$(KERNEL_SYMTAB).asm: $(KERNEL_PASS1) scripts/gen-symtab
	$(call say,SYMTAB,$@)$(NM) -n $< > $(KERNEL_SYMTAB).nm
	$(Q)$(PYTHON) scripts/gen-symtab $(KERNEL_SYMTAB).nm > $@

$(KERNEL_SYMTAB).o: $(KERNEL_SYMTAB).asm
	$(Q)$(NASM) -f elf64 -o $@ $<

# Pass 2, then compare the address and name of every symbol but the table's
# own end marker (the table's start changes type once the section is filled).
$(KERNEL_ELF): $(KERNEL_PASS1) $(KERNEL_SYMTAB).o
	@mkdir -p $(@D)
	$(call say,LD,$@)$(LD) $(KERNEL_LDFLAGS) -o $@.pass2 $(KERNEL_OBJS) $(KERNEL_SYMTAB).o
	$(Q)$(NM) -n $(KERNEL_PASS1) | awk '$$NF != "__ksymtab_end" { print $$1, $$NF }' > $(KERNEL_BUILD)/symbols.pass1
	$(Q)$(NM) -n $@.pass2 | awk '$$NF != "__ksymtab_end" { print $$1, $$NF }' > $(KERNEL_BUILD)/symbols.pass2
	@cmp -s $(KERNEL_BUILD)/symbols.pass1 $(KERNEL_BUILD)/symbols.pass2 || \
	  { echo "kernel: symbols moved between link passes:"; \
	    diff $(KERNEL_BUILD)/symbols.pass1 $(KERNEL_BUILD)/symbols.pass2 | head -20; \
	    rm -f $@.pass2; exit 1; }
	$(Q)mv $@.pass2 $@

.PHONY: kernel
kernel: $(KERNEL_ELF) ## build the kernel ELF (two-pass link with symbol table)

-include $(KERNEL_OBJS:.o=.d)

UNIT_DEPS_test_format  := kernel/lib/format.c
UNIT_DEPS_test_tar     := kernel/lib/tar.c
UNIT_DEPS_test_cmdline := kernel/lib/cmdline.c
