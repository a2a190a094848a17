/* SPDX-License-Identifier: MIT */
/*
 * The kernel's chunk allocator for handle tables (cap/handle.h):
 * handle_chunk_alloc gives HANDLE_CHUNK_SLOTS zeroed struct cap from
 * kmalloc (NULL when the heap is out of memory), handle_chunk_free gives
 * it back.  Kept apart from handle.c so the host tests, which bring their
 * own allocator, can link that file without the heap.
 *
 * Locking: the kernel lock, as for every handle table operation.
 */
#include "cap/handle.h"
#include "lib/string.h"
#include "mm/heap.h"

#define HANDLE_CHUNK_BYTES (HANDLE_CHUNK_SLOTS * sizeof(struct cap))

void *handle_chunk_alloc(void)
{
    void *chunk = kmalloc(HANDLE_CHUNK_BYTES);
    if (chunk != NULL)
        memset(chunk, 0, HANDLE_CHUNK_BYTES);
    return chunk;
}

void handle_chunk_free(void *chunk)
{
    kfree(chunk);
}
