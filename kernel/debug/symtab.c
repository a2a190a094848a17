/* SPDX-License-Identifier: MIT */
/*
 * Kestrel kernel symbol table lookup; see symtab.h.  Every read is
 * bounds-checked against the section, since a backtrace runs when
 * something is already wrong.
 */
#include <stdbool.h>
#include "debug/symtab.h"
#include "lib/string.h"

extern const uint8_t __ksymtab_start[], __ksymtab_end[];
extern const uint8_t __text_start[], __text_end[];

struct symtab_view {
    const struct symtab_entry *entries;
    const char *names;
    size_t count;
    size_t names_size;
};

static bool symtab_view(struct symtab_view *view)
{
    size_t size = (size_t)(__ksymtab_end - __ksymtab_start);
    const struct symtab_header *h = (const void *)__ksymtab_start;
    if (size < sizeof(*h) || h->magic != SYMTAB_MAGIC)
        return false;
    size_t table = sizeof(*h) + (size_t)h->count * sizeof(struct symtab_entry);
    if (table > size)
        return false;
    view->entries = (const void *)(__ksymtab_start + sizeof(*h));
    view->count = h->count;
    view->names = (const char *)__ksymtab_start + table;
    view->names_size = size - table;
    return true;
}

static const char *entry_name(const struct symtab_view *view, const struct symtab_entry *e)
{
    if (e->name_offset >= view->names_size)
        return "?";
    /* The name must end inside the section. */
    for (size_t i = e->name_offset; i < view->names_size; i++) {
        if (view->names[i] == '\0')
            return view->names + e->name_offset;
    }
    return "?";
}

const char *symtab_lookup(uintptr_t addr, uintptr_t *offset)
{
    struct symtab_view view;
    if (addr < (uintptr_t)__text_start || addr >= (uintptr_t)__text_end)
        return NULL;
    if (!symtab_view(&view) || view.count == 0 || addr < view.entries[0].address)
        return NULL;

    /* Last entry whose address is <= addr. */
    size_t low = 0, high = view.count;
    while (high - low > 1) {
        size_t mid = low + (high - low) / 2;
        if (view.entries[mid].address <= addr)
            low = mid;
        else
            high = mid;
    }
    *offset = addr - view.entries[low].address;
    return entry_name(&view, &view.entries[low]);
}

uintptr_t symtab_find(const char *name)
{
    struct symtab_view view;
    if (!symtab_view(&view))
        return 0;
    for (size_t i = 0; i < view.count; i++) {
        if (strcmp(entry_name(&view, &view.entries[i]), name) == 0)
            return view.entries[i].address;
    }
    return 0;
}

size_t symtab_count(void)
{
    struct symtab_view view;
    return symtab_view(&view) ? view.count : 0;
}
