/* SPDX-License-Identifier: MIT */
/*
 * screen-text: turn a dump of a Kestrel screen back into text, so the boot
 * tests can check what the screen consoles show, not only the serial log.
 *
 *   screen-text vga DUMP        DUMP is VGA text memory (pmemsave of
 *                               0xB8000, 80x25 cells of char+attribute)
 *   screen-text ppm SCREEN.ppm  SCREEN is a QEMU screendump (binary PPM) of
 *                               the framebuffer console: every 8x16 cell
 *                               from the top left is matched against
 *                               Kestrel's font (kernel/lib/font.c); the
 *                               background is the most common colour
 *
 * Prints the screen's rows, trailing blanks removed; a cell that matches
 * no glyph, drawn or inverted, prints '?'.  Exit status 2 on unreadable input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/font.h"

static void print_row(char *row, size_t len)
{
    while (len > 0 && row[len - 1] == ' ')
        len--;
    printf("%.*s\n", (int)len, row);
}

static int dump_vga(FILE *f)
{
    uint8_t cells[80 * 25 * 2];
    if (fread(cells, 1, sizeof(cells), f) != sizeof(cells)) {
        fprintf(stderr, "screen-text: VGA dump shorter than 80x25 cells\n");
        return 2;
    }
    for (int r = 0; r < 25; r++) {
        char row[80];
        for (int c = 0; c < 80; c++) {
            uint8_t ch = cells[(r * 80 + c) * 2];
            row[c] = ch >= 32 && ch < 127 ? (char)ch : ' ';
        }
        print_row(row, 80);
    }
    return 0;
}

/* Read one whitespace-separated number of a PPM header, skipping comments. */
static int ppm_number(FILE *f, unsigned *out)
{
    int c;
    do {
        c = fgetc(f);
        if (c == '#')
            while (c != '\n' && c != EOF)
                c = fgetc(f);
    } while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
    if (c < '0' || c > '9')
        return -1;
    unsigned v = 0;
    for (; c >= '0' && c <= '9'; c = fgetc(f))
        v = v * 10 + (unsigned)(c - '0');
    *out = v;
    return 0;
}

static uint32_t pixel(const uint8_t *rgb, unsigned w, unsigned x, unsigned y)
{
    const uint8_t *p = rgb + ((size_t)y * w + x) * 3;
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* The background is the colour of most cells' top-left pixel. */
static uint32_t background_colour(const uint8_t *rgb, unsigned w, unsigned h)
{
    uint32_t best = 0;
    unsigned best_n = 0;
    for (unsigned y = 0; y + FONT_HEIGHT <= h && best_n < 64; y += FONT_HEIGHT) {
        uint32_t c = pixel(rgb, w, 0, y);
        unsigned n = 0;
        for (unsigned yy = 0; yy + FONT_HEIGHT <= h; yy += FONT_HEIGHT)
            n += pixel(rgb, w, 0, yy) == c;
        if (n > best_n) {
            best_n = n;
            best = c;
        }
    }
    return best;
}

static char match_cell(const uint8_t *rgb, unsigned w, unsigned cx, unsigned cy, uint32_t bg)
{
    uint8_t bits[FONT_HEIGHT];
    for (unsigned y = 0; y < FONT_HEIGHT; y++) {
        bits[y] = 0;
        for (unsigned x = 0; x < FONT_WIDTH; x++)
            if (pixel(rgb, w, cx * FONT_WIDTH + x, cy * FONT_HEIGHT + y) != bg)
                bits[y] |= (uint8_t)(0x80u >> x);
    }
    for (unsigned c = FONT_FIRST; c <= FONT_LAST; c++)
        if (memcmp(bits, font_glyph((unsigned char)c), FONT_HEIGHT) == 0)
            return (char)c;
    /* An inverted cell (the user console's cursor) is its glyph with
     * every bit flipped. */
    for (unsigned y = 0; y < FONT_HEIGHT; y++)
        bits[y] = (uint8_t)~bits[y];
    for (unsigned c = FONT_FIRST; c <= FONT_LAST; c++)
        if (memcmp(bits, font_glyph((unsigned char)c), FONT_HEIGHT) == 0)
            return (char)c;
    return '?';
}

static int dump_ppm(FILE *f)
{
    unsigned w, h, maxval;
    if (fgetc(f) != 'P' || fgetc(f) != '6' || ppm_number(f, &w) || ppm_number(f, &h) ||
        ppm_number(f, &maxval) || maxval != 255 || w < FONT_WIDTH || h < FONT_HEIGHT) {
        fprintf(stderr, "screen-text: not an 8-bit binary PPM\n");
        return 2;
    }
    size_t size = (size_t)w * h * 3;
    uint8_t *rgb = malloc(size);
    if (!rgb || fread(rgb, 1, size, f) != size) {
        fprintf(stderr, "screen-text: PPM pixel data truncated\n");
        free(rgb);
        return 2;
    }
    uint32_t bg = background_colour(rgb, w, h);
    unsigned cols = w / FONT_WIDTH, rows = h / FONT_HEIGHT;
    char *row = malloc(cols);
    for (unsigned r = 0; row && r < rows; r++) {
        for (unsigned c = 0; c < cols; c++)
            row[c] = match_cell(rgb, w, c, r, bg);
        print_row(row, cols);
    }
    free(row);
    free(rgb);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "vga") != 0 && strcmp(argv[1], "ppm") != 0)) {
        fprintf(stderr, "usage: screen-text vga DUMP | screen-text ppm SCREEN.ppm\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    int status = argv[1][0] == 'v' ? dump_vga(f) : dump_ppm(f);
    fclose(f);
    return status;
}
