/* SPDX-License-Identifier: MIT */
/*
 * Reading the manifest straight from the initramfs memory object (the
 * VFS is itself one of the services): etc/services, then every regular
 * file directly in etc/services.d/ in name order.  The directory listing
 * walks the archive's ustar headers the way ks_initrd_find does.
 */
#include "init.h"

#define TAR_BLOCK      512u
#define MANIFEST_MAX   16384u
#define DROPIN_MAX     16u
#define DROPIN_DIR     "etc/services.d/"

struct manifest g_manifest;
static char text[MANIFEST_MAX];
/* The file names the manifest's entries point at (s->file). */
static char dropins[DROPIN_MAX][100];
static uint32_t dropin_count;

static void report(void *ctx, const char *file, uint32_t line, const char *what)
{
    (void)ctx;
    say("init: %s:%u: %s; line skipped\n", file, line, what);
}

static bool bin_exists(const char *bin, void *ctx)
{
    (void)ctx;
    uint64_t offset, size;
    return ks_initrd_find(g.initrd, bin, &offset, &size) == 0;
}

/* Read path into text: its length, or -1 when it is not there. */
static int64_t read_file(const char *path)
{
    uint64_t offset, size;
    if (ks_initrd_find(g.initrd, path, &offset, &size) < 0)
        return -1;
    if (size > MANIFEST_MAX) {
        say("init: %s: longer than %u bytes; only the start is read\n", path, MANIFEST_MAX);
        size = MANIFEST_MAX;
    }
    if (ks_memory_read(g.initrd, offset, text, size) < 0)
        return -1;
    return (int64_t)size;
}

/* The header's full name (ustar prefix joined) without "./" or "/". */
static void header_name(const uint8_t *h, char *out, size_t cap)
{
    size_t n = 0;
    if (h[345]) {
        for (size_t i = 0; i < 155 && h[345 + i] && n + 2 < cap; i++)
            out[n++] = (char)h[345 + i];
        out[n++] = '/';
    }
    for (size_t i = 0; i < 100 && h[i] && n + 1 < cap; i++)
        out[n++] = (char)h[i];
    out[n] = 0;
    size_t skip = 0;
    while (out[skip] == '/' || (out[skip] == '.' && out[skip + 1] == '/'))
        skip += out[skip] == '/' ? 1 : 2;
    if (skip)
        memmove(out, out + skip, n - skip + 1);
}

static uint64_t octal(const uint8_t *field, size_t len)
{
    uint64_t value = 0;
    for (size_t i = 0; i < len && field[i] >= '0' && field[i] <= '7'; i++)
        value = value * 8 + (uint64_t)(field[i] - '0');
    return value;
}

/* The regular files directly in etc/services.d/, sorted by name. */
static void list_dropins(void)
{
    struct ks_memory_info info;
    uint8_t h[TAR_BLOCK];
    char name[300];
    size_t prefix = strlen(DROPIN_DIR);
    if (ks_memory_info(g.initrd, &info) < 0)
        return;
    for (uint64_t at = 0; at + TAR_BLOCK <= info.size;) {
        if (ks_memory_read(g.initrd, at, h, TAR_BLOCK) < 0 || h[0] == 0)
            break;
        uint64_t size = octal(h + 124, 12);
        header_name(h, name, sizeof(name));
        size_t len = strlen(name);
        if ((h[156] == '0' || h[156] == 0) && len > prefix && len < sizeof(dropins[0]) &&
            strncmp(name, DROPIN_DIR, prefix) == 0 && !strchr(name + prefix, '/')) {
            if (dropin_count == DROPIN_MAX) {
                say("init: %s: more than %u files; %s ignored\n", DROPIN_DIR, DROPIN_MAX, name);
            } else {
                /* Insertion keeps the list sorted. */
                uint32_t i = dropin_count++;
                while (i > 0 && strcmp(dropins[i - 1], name) > 0) {
                    memcpy(dropins[i], dropins[i - 1], sizeof(dropins[i]));
                    i--;
                }
                memcpy(dropins[i], name, len + 1);
            }
        }
        if (size > info.size)
            break;
        at += TAR_BLOCK + (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
    }
}

bool load_manifest(void)
{
    mf_init(&g_manifest);
    int64_t len = read_file("etc/services");
    if (len < 0)
        return false;
    mf_parse(&g_manifest, "etc/services", text, (size_t)len, report, NULL);
    list_dropins();
    for (uint32_t i = 0; i < dropin_count; i++) {
        len = read_file(dropins[i]);
        if (len >= 0)
            mf_parse(&g_manifest, dropins[i], text, (size_t)len, report, NULL);
    }
    mf_resolve(&g_manifest, bin_exists, NULL, report, NULL);
    return true;
}
