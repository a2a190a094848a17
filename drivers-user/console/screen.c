/* SPDX-License-Identifier: MIT */
/* Parsing and checking the console's screen geometry (screen.h). */
#include "screen.h"

#include <string.h>

bool screen_check(const struct screen_geom *g, uint64_t *bytes)
{
    if (g->type == SCREEN_VGA_TEXT) {
        if (g->width == 0 || g->width > 256 || g->height == 0 || g->height > 128)
            return false;
        if (g->pitch < g->width * 2u || g->pitch > 4096)
            return false;
    } else if (g->type == SCREEN_RGB) {
        if (g->bpp != 16 && g->bpp != 24 && g->bpp != 32)
            return false;
        /* At least one text cell; at most a 16K screen. */
        if (g->width < 8 || g->height < 16 || g->width > 16384 || g->height > 16384)
            return false;
        if ((uint64_t)g->pitch < (uint64_t)g->width * (g->bpp / 8) || g->pitch > 1u << 20)
            return false;
        const uint32_t pos[3] = { g->red_pos, g->green_pos, g->blue_pos };
        const uint32_t size[3] = { g->red_size, g->green_size, g->blue_size };
        for (int i = 0; i < 3; i++)
            if (size[i] == 0 || size[i] > 8 || pos[i] + size[i] > g->bpp)
                return false;
    } else {
        return false;
    }
    if (g->offset >= 1u << 20)
        return false;
    if (bytes)
        *bytes = (uint64_t)g->pitch * g->height;
    return true;
}

int screen_parse(const char *text, size_t len, struct screen_geom *out)
{
    uint32_t f[12] = { 0 };
    size_t i = 0;
    for (int n = 0; n < 12; n++) {
        if (n == 11 && i == len)
            break;                  /* the offset is optional */
        if (n > 0) {
            if (i >= len || text[i] != ',')
                return -1;
            i++;
        }
        if (i >= len || text[i] < '0' || text[i] > '9')
            return -1;
        uint64_t v = 0;
        while (i < len && text[i] >= '0' && text[i] <= '9') {
            v = v * 10 + (uint64_t)(text[i] - '0');
            if (v > 0xFFFFFFFFull)
                return -1;
            i++;
        }
        f[n] = (uint32_t)v;
    }
    if (i != len)
        return -1;
    struct screen_geom g = {
        .type = f[0], .width = f[1], .height = f[2], .pitch = f[3], .bpp = f[4],
        .red_pos = f[5], .red_size = f[6], .green_pos = f[7], .green_size = f[8],
        .blue_pos = f[9], .blue_size = f[10], .offset = f[11],
    };
    if (!screen_check(&g, NULL))
        return -1;
    *out = g;
    return 0;
}

const char *screen_arg(int argc, char **argv)
{
    static const char opt[] = "--screen";
    for (int i = 1; i < argc; i++) {
        if (!argv[i] || strncmp(argv[i], opt, sizeof(opt) - 1) != 0)
            continue;
        const char *rest = argv[i] + sizeof(opt) - 1;
        if (*rest == '=')
            return rest + 1;
        if (*rest == '\0')
            return i + 1 < argc ? argv[i + 1] : NULL;
    }
    return NULL;
}
