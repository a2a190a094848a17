/* SPDX-License-Identifier: MIT */
/*
 * Building a process's user half: its program (an ELF64 executable from
 * the initramfs), its stacks, and the first stack frame its crt0 reads.
 * Frames come from the PMM with owner PMM_OWNER_USER and are written
 * through the direct map (never through user addresses, so SMAP stays
 * on); pages are mapped VM_USER with the segment's own permissions.
 *
 * Every function either succeeds or leaves the space as it found it.
 * Errors: -KS_ERR_CORRUPT (malformed ELF; *why says what, in a few
 * words), -KS_ERR_NO_MEMORY, -KS_ERR_INVALID_ARGUMENT (bad arguments),
 * -KS_ERR_EXISTS (the range is already mapped).  Kernel lock held (or a
 * space no thread runs in yet).
 */
#ifndef KESTREL_PROC_USER_LOAD_H
#define KESTREL_PROC_USER_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include "kestrel/syscall.h"
#include "mm/vm.h"

/* Validate the ELF image and map its PT_LOAD segments into space;
 * *entry gets the entry point. */
int user_load_elf(struct vm_space *space, const void *image, size_t size,
                  uintptr_t *entry, const char **why);

/* Bytes of user memory user_load_elf would map for image (what the
 * process is charged for it); 0 for an image it would refuse. */
uint64_t user_load_elf_bytes(const void *image, size_t size);

/* Map size bytes (page multiple) of zeroed, writable, non-executable
 * stack ending at top (page-aligned); the page below stays unmapped. */
int user_stack_map(struct vm_space *space, uintptr_t top, size_t size);
/* Undo user_stack_map (or unmap any page-aligned range: pages that are
 * not mapped are skipped), freeing the frames. */
void user_range_unmap(struct vm_space *space, uintptr_t base, size_t size);

/* Write the start frame of kestrel/syscall.h below stack_top in the
 * (mapped) stack: argc, argv[], NULL, the ks_start_info pointer, then
 * the strings and the block.  *sp_out: the initial stack pointer
 * (16-byte aligned).  -KS_ERR_INVALID_ARGUMENT when it would not fit in
 * the stack's top page run (argc > KS_ARGV_MAX, bytes > KS_ARG_BYTES_MAX). */
int user_stack_start_frame(struct vm_space *space, uintptr_t stack_top,
                           const char *const *argv, uint32_t argc,
                           const struct ks_start_info *info, uintptr_t *sp_out);

/* Unmap every user page of space and free its frames (process end). */
void user_space_release(struct vm_space *space);
/* Pages mapped in the user half. */
uint64_t user_space_pages(struct vm_space *space);

#endif /* KESTREL_PROC_USER_LOAD_H */
