/* SPDX-License-Identifier: MIT */
/*
 * Memory objects; see memory_object.h.  Kernel lock held throughout.
 *
 * An anonymous object's frames come from the PMM with owner
 * PMM_OWNER_USER and are only ever freed here, when the object is
 * destroyed: a mapping holds a reference to the object, so by then no
 * page table refers to them (user_map.c unmaps and shoots the TLBs down
 * before it drops that reference).  Physical objects never free what
 * they name.
 *
 * Which physical ranges may become objects: nothing the boot memory
 * map calls RAM the kernel manages or uses (usable and ACPI-reclaimable
 * RAM, which the PMM owns, the kernel image, the loader's data, page
 * tables, boot modules), except a range inside the initramfs module,
 * which is only ever handed out read-only.  Anything else (reserved
 * ranges, the framebuffer, holes where device registers sit) is device
 * memory.
 */
#include "debug/kprintf.h"
#include "init/boot.h"
#include "init/boot_caps.h"
#include "kestrel/errors.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/memory_object.h"
#include "proc/quota.h"
#include "syscall/syscall.h"

#define PHYS_LIMIT (1ull << 52)   /* the architectural physical-address width */

static const uint8_t zero_page[PAGE_SIZE];

static phys_addr_t *chunk_slot(struct memory_object *mo, uint64_t index)
{
    phys_addr_t *chunk = mo->chunks[index / MEMORY_CHUNK_PAGES];
    return chunk ? &chunk[index % MEMORY_CHUNK_PAGES] : NULL;
}

static void memory_object_destroy(struct kobject *obj)
{
    struct memory_object *mo = memory_object_of(obj);
    if (mo->kind == KS_MEMORY_ANONYMOUS) {
        for (uint64_t c = 0; c < mo->chunk_count; c++) {
            phys_addr_t *chunk = mo->chunks[c];
            if (!chunk)
                continue;
            for (uint64_t i = 0; i < MEMORY_CHUNK_PAGES; i++)
                if (chunk[i])
                    (void)pmm_free(chunk[i], PMM_OWNER_USER);
            kfree(chunk);
            quota_uncharge(mo->quota, QUOTA_KERNEL, PAGE_SIZE);
        }
        quota_uncharge(mo->quota, QUOTA_MEMORY, mo->committed * PAGE_SIZE);
        quota_uncharge(mo->quota, QUOTA_KERNEL, mo->chunk_count * sizeof(phys_addr_t *));
        kfree(mo->chunks);
    }
    if (mo->quota)
        quota_unref(mo->quota);
    kfree(mo);
}

static struct memory_object *memory_object_alloc(uint32_t kind, uint64_t pages)
{
    struct memory_object *mo = kmalloc(sizeof(*mo));
    if (!mo)
        return NULL;
    memset(mo, 0, sizeof(*mo));
    kobject_init(&mo->obj, KS_OBJECT_MEMORY, memory_object_destroy);
    mo->kind = kind;
    mo->pages = pages;
    return mo;
}

int memory_object_create_anonymous(uint64_t size, struct quota *q, struct memory_object **out)
{
    if (size == 0 || size > KS_MEMORY_SIZE_MAX)
        return -KS_ERR_INVALID_ARGUMENT;
    uint64_t pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t chunk_count = (pages + MEMORY_CHUNK_PAGES - 1) / MEMORY_CHUNK_PAGES;
    uint64_t directory = chunk_count * sizeof(phys_addr_t *);
    int err = quota_charge(q, QUOTA_KERNEL, directory);
    if (err < 0)
        return err;
    struct memory_object *mo = memory_object_alloc(KS_MEMORY_ANONYMOUS, pages);
    phys_addr_t **chunks = mo ? kmalloc(directory) : NULL;
    if (!chunks) {
        kfree(mo);
        quota_uncharge(q, QUOTA_KERNEL, directory);
        return -KS_ERR_NO_MEMORY;
    }
    memset(chunks, 0, directory);
    mo->chunks = chunks;
    mo->chunk_count = chunk_count;
    if (q)
        quota_ref(q);
    mo->quota = q;
    *out = mo;
    return 0;
}

int memory_object_create_physical(phys_addr_t phys, uint64_t size, uint32_t flags,
                                  struct memory_object **out)
{
    if (flags & ~KS_MEMORY_UNCACHED)
        return -KS_ERR_INVALID_ARGUMENT;
    struct memory_object *mo = memory_object_alloc(KS_MEMORY_PHYSICAL, size / PAGE_SIZE);
    if (!mo)
        return -KS_ERR_NO_MEMORY;
    mo->phys_base = phys;
    mo->flags = flags;
    *out = mo;
    return 0;
}

static const struct ks_module *initrd_module(void)
{
    const struct ks_boot_info *bi = kernel_boot_info;
    for (uint32_t i = 0; bi && i < bi->module_count; i++)
        if (bi->modules[i].kind == KS_MODULE_INITRD)
            return &bi->modules[i];
    return NULL;
}

static bool kernel_ram(uint32_t type)
{
    return type == KS_MEM_USABLE || type == KS_MEM_ACPI_RECLAIM || type == KS_MEM_MODULE ||
           type == KS_MEM_BOOT_DATA || type == KS_MEM_PAGE_TABLES || type == KS_MEM_KERNEL ||
           type == KS_MEM_ACPI_NVS || type == KS_MEM_BAD;
}

int memory_object_phys_allowed(phys_addr_t phys, uint64_t size)
{
    if (size == 0 || phys % PAGE_SIZE || size % PAGE_SIZE || phys >= PHYS_LIMIT ||
        size > PHYS_LIMIT - phys)
        return -KS_ERR_INVALID_ARGUMENT;
    const struct ks_module *initrd = initrd_module();
    if (initrd && initrd->base % PAGE_SIZE == 0 && phys >= initrd->base &&
        phys + size <= initrd->base + ((initrd->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)))
        return 1;
    const struct ks_boot_info *bi = kernel_boot_info;
    for (uint32_t i = 0; bi && i < bi->mem_count; i++) {
        const struct ks_mem_region *r = &bi->mem[i];
        if (kernel_ram(r->type) && phys < r->base + r->length && r->base < phys + size)
            return -KS_ERR_DENIED;
    }
    return 0;
}

int memory_object_create_initrd(struct kobject **out, uint32_t *rights)
{
    const struct ks_module *initrd = initrd_module();
    if (!initrd || initrd->size == 0)
        return -KS_ERR_NOT_SUPPORTED;
    if (initrd->base % PAGE_SIZE) {
        kwarn("memory: the initramfs module at 0x%llx is not page-aligned: no initrd "
              "handle\n", (unsigned long long)initrd->base);
        return -KS_ERR_NOT_SUPPORTED;
    }
    uint64_t size = (initrd->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    struct memory_object *mo;
    int err = memory_object_create_physical(initrd->base, size, KS_MEMORY_CACHED, &mo);
    if (err < 0)
        return err;
    *out = &mo->obj;
    *rights = MEMORY_INITRD_RIGHTS;
    return 0;
}

/* Commit page index of an anonymous object: a zeroed frame, charged. */
static int commit_page(struct memory_object *mo, uint64_t index, phys_addr_t *out)
{
    phys_addr_t **chunk = &mo->chunks[index / MEMORY_CHUNK_PAGES];
    bool new_chunk = !*chunk;
    if (new_chunk) {
        int err = quota_charge(mo->quota, QUOTA_KERNEL, PAGE_SIZE);
        if (err < 0)
            return err;
        *chunk = kmalloc(PAGE_SIZE);
        if (!*chunk) {
            quota_uncharge(mo->quota, QUOTA_KERNEL, PAGE_SIZE);
            return -KS_ERR_NO_MEMORY;
        }
        memset(*chunk, 0, PAGE_SIZE);
    }
    /* A new chunk stays even when the page fails: it is charged and
     * freed with the object, and the next commit there reuses it. */
    int err = quota_charge(mo->quota, QUOTA_MEMORY, PAGE_SIZE);
    if (err < 0)
        return err;
    phys_addr_t frame;
    err = pmm_alloc(PMM_OWNER_USER, PMM_ZERO, &frame);
    if (err < 0) {
        quota_uncharge(mo->quota, QUOTA_MEMORY, PAGE_SIZE);
        return err;
    }
    (*chunk)[index % MEMORY_CHUNK_PAGES] = frame;
    mo->committed++;
    *out = frame;
    return 0;
}

int memory_object_page(struct memory_object *mo, uint64_t index, bool commit,
                       phys_addr_t *out)
{
    if (index >= mo->pages)
        return -KS_ERR_INVALID_ARGUMENT;
    if (mo->kind == KS_MEMORY_PHYSICAL) {
        *out = mo->phys_base + index * PAGE_SIZE;
        return 0;
    }
    phys_addr_t *slot = chunk_slot(mo, index);
    if (slot && *slot) {
        *out = *slot;
        return 0;
    }
    if (!commit)
        return -KS_ERR_NOT_FOUND;
    return commit_page(mo, index, out);
}

int memory_object_copy(struct memory_object *mo, uint64_t offset, uint64_t user, uint64_t len,
                       bool to_user)
{
    uint64_t size = mo->pages * PAGE_SIZE;
    if (offset > size || len > size - offset)
        return -KS_ERR_INVALID_ARGUMENT;
    /* Physical objects are reached through the direct map, which covers
     * RAM (the initramfs) but not device registers. */
    if (mo->kind == KS_MEMORY_PHYSICAL &&
        (!kernel_boot_info || mo->phys_base + size > kernel_boot_info->direct_map_size))
        return -KS_ERR_NOT_SUPPORTED;
    while (len) {
        uint64_t in_page = offset % PAGE_SIZE;
        uint64_t chunk = PAGE_SIZE - in_page < len ? PAGE_SIZE - in_page : len;
        phys_addr_t pa;
        int err = memory_object_page(mo, offset / PAGE_SIZE, !to_user, &pa);
        if (err == 0 && to_user)
            err = copy_to_user(user, (uint8_t *)phys_to_virt(pa) + in_page, chunk);
        else if (err == 0)
            err = copy_from_user((uint8_t *)phys_to_virt(pa) + in_page, user, chunk);
        else if (err == -KS_ERR_NOT_FOUND)
            err = copy_to_user(user, zero_page, chunk);
        if (err < 0)
            return err;
        offset += chunk;
        user += chunk;
        len -= chunk;
    }
    return 0;
}

void memory_object_info(const struct memory_object *mo, struct ks_memory_info *out)
{
    memset(out, 0, sizeof(*out));
    out->size = mo->pages * PAGE_SIZE;
    out->kind = mo->kind;
    out->flags = mo->flags;
    out->committed_pages = mo->kind == KS_MEMORY_ANONYMOUS ? mo->committed : mo->pages;
    out->mappings = mo->mappings;
    out->phys_base = mo->phys_base;
}

const void *memory_object_direct(const struct memory_object *mo, uint64_t offset, uint64_t len)
{
    uint64_t size = mo->pages * PAGE_SIZE;
    if (mo->kind != KS_MEMORY_PHYSICAL || offset > size || len > size - offset ||
        !kernel_boot_info || mo->phys_base + size > kernel_boot_info->direct_map_size)
        return NULL;
    return (const uint8_t *)phys_to_virt(mo->phys_base) + offset;
}

int memory_object_read_kernel(struct memory_object *mo, uint64_t offset, void *dst, uint64_t len)
{
    uint64_t size = mo->pages * PAGE_SIZE;
    if (offset > size || len > size - offset || mo->kind != KS_MEMORY_ANONYMOUS)
        return -KS_ERR_INVALID_ARGUMENT;
    uint8_t *to = dst;
    while (len) {
        uint64_t in_page = offset % PAGE_SIZE;
        uint64_t chunk = PAGE_SIZE - in_page < len ? PAGE_SIZE - in_page : len;
        phys_addr_t pa;
        if (memory_object_page(mo, offset / PAGE_SIZE, false, &pa) == 0)
            memcpy(to, (uint8_t *)phys_to_virt(pa) + in_page, chunk);
        else
            memset(to, 0, chunk);
        to += chunk;
        offset += chunk;
        len -= chunk;
    }
    return 0;
}
