/* SPDX-License-Identifier: MIT */
/*
 * The console's screen: its geometry as init passes it on the command
 * line (`--screen TYPE,WIDTH,HEIGHT,PITCH,BPP,RPOS,RSIZE,GPOS,GSIZE,
 * BPOS,BSIZE[,OFFSET]`, the fields of struct ks_framebuffer,
 * kestrel/boot_info.h, and optionally the byte offset of the screen's
 * first byte in the memory object, for a screen whose base is not
 * page-aligned; default 0) and the checks that make it safe to draw
 * with.  Pure logic.
 */
#ifndef CONSOLE_SCREEN_H
#define CONSOLE_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCREEN_RGB      1
#define SCREEN_VGA_TEXT 2

struct screen_geom {
    uint32_t type;              /* SCREEN_RGB or SCREEN_VGA_TEXT */
    uint32_t width, height;     /* pixels, or text cells */
    uint32_t pitch;             /* bytes per scan line / text row */
    uint32_t bpp;
    uint32_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
    uint32_t offset;            /* of the screen in the memory object */
};

/* Parse the comma-separated value of --screen (text of len bytes, not
 * NUL-terminated).  0 on success; -1 when a field is missing, not a
 * number, or the geometry is unusable (see screen_check). */
int screen_parse(const char *text, size_t len, struct screen_geom *out);

/* Is g drawable: a known type, sane sizes, 16/24/32 bpp with channels
 * inside the pixel, a pitch that holds a row?  The bytes it spans
 * (pitch * height) are returned in *bytes. */
bool screen_check(const struct screen_geom *g, uint64_t *bytes);

/* Find the --screen value in argv ("--screen VALUE" or "--screen=VALUE"):
 * its text, or NULL when absent (or "--screen" is last). */
const char *screen_arg(int argc, char **argv);

#endif /* CONSOLE_SCREEN_H */
