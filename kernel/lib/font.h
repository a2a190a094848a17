/* SPDX-License-Identifier: MIT */
/*
 * Kestrel's 8x16 bitmap console font, shared by the kernel's framebuffer
 * console and the loader stub's fatal-message screen (compiled into both).
 *
 * Interface: font_glyph(c) returns FONT_HEIGHT bytes, one per pixel row,
 * top row first; bit 7 is the leftmost pixel.  Printable ASCII (32..126)
 * has real glyphs; any other byte gets a hollow box.  Pure data: no
 * locking, usable from any context.
 */
#ifndef KESTREL_LIB_FONT_H
#define KESTREL_LIB_FONT_H

#include <stdint.h>

#define FONT_WIDTH  8
#define FONT_HEIGHT 16
#define FONT_FIRST  32
#define FONT_LAST   126

extern const uint8_t font_8x16[FONT_LAST - FONT_FIRST + 2][FONT_HEIGHT]; /* last row: the box */

static inline const uint8_t *font_glyph(unsigned char c)
{
    if (c < FONT_FIRST || c > FONT_LAST)
        return font_8x16[FONT_LAST - FONT_FIRST + 1];
    return font_8x16[c - FONT_FIRST];
}

#endif /* KESTREL_LIB_FONT_H */
