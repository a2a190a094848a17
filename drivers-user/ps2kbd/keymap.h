/* SPDX-License-Identifier: MIT */
/*
 * The keyboard driver's decoder: PS/2 scancode set 1 bytes (what the
 * i8042 delivers with translation on) in, the bytes a terminal sends
 * out.  US layout; Shift, Ctrl, Alt and Caps Lock / Num Lock (toggles);
 * 0xE0 extended keys; releases and unknown codes give nothing.
 *
 * Pure logic (standard headers only), tested on the host by
 * tests/unit/test_kbd_keymap.c.
 */
#ifndef KBD_KEYMAP_H
#define KBD_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most bytes one scancode can produce (Alt + "ESC [ 1 5 ~"). */
#define KBD_OUT_MAX 8

struct kbd_state {
    bool shift_left, shift_right;
    bool ctrl_left, ctrl_right;
    bool alt_left, alt_right;
    bool caps_lock, num_lock;
    bool caps_down, num_down;   /* held: typematic repeats do not toggle */
    bool extended;          /* the last byte was the 0xE0 prefix */
    uint8_t pause_skip;     /* bytes of the Pause key's 0xE1 sequence left */
};

/* Every modifier up, both locks off. */
void kbd_state_init(struct kbd_state *s);

/* Feed one byte read from the data port; the bytes the key press makes
 * (0..KBD_OUT_MAX) go to out -> how many. */
size_t kbd_feed(struct kbd_state *s, uint8_t code, uint8_t out[KBD_OUT_MAX]);

#endif /* KBD_KEYMAP_H */
