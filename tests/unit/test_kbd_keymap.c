/* SPDX-License-Identifier: MIT */
/*
 * Host tests for drivers-user/ps2kbd/keymap.c: scancode set 1 to the
 * bytes a terminal sends, with Shift, Caps Lock (with and without
 * Shift), Ctrl, Alt, Num Lock, extended keys, releases ignored, the
 * fake shifts and the Pause sequence, and unknown codes.
 */
#include <stdint.h>
#include "unit.h"
#include "../../drivers-user/ps2kbd/keymap.h"

/* Feed a byte sequence; the output of all of it, NUL-terminated. */
static char got[64];

static const char *feed(struct kbd_state *s, const uint8_t *codes, size_t count)
{
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        uint8_t out[KBD_OUT_MAX];
        memset(out, 0xcc, sizeof(out));
        size_t n = kbd_feed(s, codes[i], out);
        if (n > KBD_OUT_MAX || used + n >= sizeof(got))
            return "<overflow>";
        memcpy(got + used, out, n);
        used += n;
    }
    got[used] = '\0';
    return got;
}

#define FEED(s, ...) feed((s), (const uint8_t[]){ __VA_ARGS__ }, \
                          sizeof((const uint8_t[]){ __VA_ARGS__ }))

UNIT_TEST(letters_digits_and_punctuation)
{
    struct kbd_state s;
    kbd_state_init(&s);
    /* h e l l o, each pressed and released */
    CHECK_STR(FEED(&s, 0x23, 0xa3, 0x12, 0x92, 0x26, 0xa6, 0x26, 0xa6, 0x18, 0x98), "hello");
    CHECK_STR(FEED(&s, 0x02, 0x0b, 0x0c, 0x0d, 0x1a, 0x1b, 0x27, 0x28, 0x29, 0x2b),
              "10-=[];'`\\");
    CHECK_STR(FEED(&s, 0x33, 0x34, 0x35, 0x39), ",./ ");
}

UNIT_TEST(shift_gives_the_upper_row)
{
    struct kbd_state s;
    kbd_state_init(&s);
    CHECK_STR(FEED(&s, 0x2a, 0x1e, 0x02, 0x0c, 0x27, 0xaa, 0x1e), "A!_:a");
    /* The right Shift works too, and both must be up for lowercase. */
    CHECK_STR(FEED(&s, 0x36, 0x2a, 0x10, 0xb6, 0x10, 0xaa, 0x10), "QQq");
}

UNIT_TEST(caps_lock_toggles_letters_only)
{
    struct kbd_state s;
    kbd_state_init(&s);
    CHECK_STR(FEED(&s, 0x3a, 0xba, 0x1e, 0x02, 0x1a), "A1[");
    CHECK(s.caps_lock);
    /* Shift with Caps Lock: letters back to lowercase, others shifted. */
    CHECK_STR(FEED(&s, 0x2a, 0x1e, 0x02, 0x1a, 0xaa), "a!{");
    /* Holding Caps Lock (typematic repeats) toggles once per press. */
    CHECK_STR(FEED(&s, 0x3a, 0x3a, 0xba, 0x1e), "a");
    CHECK(!s.caps_lock);
    CHECK_STR(FEED(&s, 0x3a, 0xba, 0x3a, 0xba, 0x1e), "a");
}

UNIT_TEST(ctrl_letters_are_control_codes)
{
    struct kbd_state s;
    kbd_state_init(&s);
    CHECK_STR(FEED(&s, 0x1d, 0x2e), "\x03");               /* Ctrl+C */
    CHECK_STR(FEED(&s, 0x1e, 0x2c, 0x1a, 0x2b, 0x1b), "\x01\x1a\x1b\x1c\x1d");
    CHECK_STR(FEED(&s, 0x02), "1");                          /* no control code */
    CHECK_STR(FEED(&s, 0x9d, 0x2e), "c");
    /* The right Ctrl (0xE0 0x1D) and Ctrl with Shift or Caps Lock. */
    CHECK_STR(FEED(&s, 0xe0, 0x1d, 0x20, 0xe0, 0x9d, 0x20), "\x04" "d");
    CHECK_STR(FEED(&s, 0x3a, 0x1d, 0x2a, 0x20, 0xaa, 0x9d, 0x3a), "\x04");
}

UNIT_TEST(special_keys)
{
    struct kbd_state s;
    kbd_state_init(&s);
    CHECK_STR(FEED(&s, 0x1c, 0x0e, 0x0f, 0x01), "\r\x7f\t\x1b");
    CHECK_STR(FEED(&s, 0xe0, 0x1c, 0xe0, 0x35), "\r/");     /* keypad Enter and / */
    CHECK_STR(FEED(&s, 0x37, 0x4a, 0x4e), "*-+");
}

UNIT_TEST(extended_navigation_keys)
{
    struct kbd_state s;
    kbd_state_init(&s);
    CHECK_STR(FEED(&s, 0xe0, 0x48), "\x1b[A");
    CHECK_STR(FEED(&s, 0xe0, 0x50), "\x1b[B");
    CHECK_STR(FEED(&s, 0xe0, 0x4d), "\x1b[C");
    CHECK_STR(FEED(&s, 0xe0, 0x4b), "\x1b[D");
    CHECK_STR(FEED(&s, 0xe0, 0x47, 0xe0, 0x4f), "\x1b[H\x1b[F");
    CHECK_STR(FEED(&s, 0xe0, 0x53, 0xe0, 0x52), "\x1b[3~\x1b[2~");
    CHECK_STR(FEED(&s, 0xe0, 0x49, 0xe0, 0x51), "\x1b[5~\x1b[6~");
    /* Their releases make nothing, nor do the fake shifts around them. */
    CHECK_STR(FEED(&s, 0xe0, 0xc8, 0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa), "\x1b[A");
    CHECK(!s.shift_left && !s.extended);
    CHECK_STR(FEED(&s, 0x1e), "a");
}

UNIT_TEST(keypad_follows_num_lock)
{
    struct kbd_state s;
    kbd_state_init(&s);
    CHECK_STR(FEED(&s, 0x48, 0x4c, 0x52), "\x1b[A\x1b[2~");   /* Num Lock off */
    CHECK_STR(FEED(&s, 0x45, 0xc5, 0x47, 0x48, 0x49, 0x4b, 0x4c, 0x4d, 0x4f, 0x50, 0x51, 0x52,
                   0x53), "789456123" "0.");
    CHECK_STR(FEED(&s, 0x2a, 0x48, 0xaa), "\x1b[A");          /* Shift inverts it */
    /* The navigation block ignores Num Lock. */
    CHECK_STR(FEED(&s, 0xe0, 0x48), "\x1b[A");
}

UNIT_TEST(alt_prefixes_escape)
{
    struct kbd_state s;
    kbd_state_init(&s);
    CHECK_STR(FEED(&s, 0x38, 0x1e, 0xb8, 0x1e), "\x1b" "aa");
    CHECK_STR(FEED(&s, 0xe0, 0x38, 0x2d, 0xe0, 0xb8), "\x1b" "x");  /* AltGr */
    CHECK(!s.alt_left && !s.alt_right);
}

UNIT_TEST(function_keys)
{
    struct kbd_state s;
    kbd_state_init(&s);
    CHECK_STR(FEED(&s, 0x3b, 0x3e), "\x1bOP\x1bOS");
    CHECK_STR(FEED(&s, 0x3f, 0x44, 0x57, 0x58), "\x1b[15~\x1b[21~\x1b[23~\x1b[24~");
}

UNIT_TEST(releases_and_unknown_codes_make_nothing)
{
    struct kbd_state s;
    kbd_state_init(&s);
    for (unsigned code = 0x80; code <= 0xff; code++) {
        if (code == 0xe0 || code == 0xe1)
            continue;
        struct kbd_state t;
        kbd_state_init(&t);
        uint8_t out[KBD_OUT_MAX];
        CHECK_EQ_U(kbd_feed(&t, (uint8_t)code, out), 0);
    }
    /* Codes with no key in the map, plain and extended. */
    CHECK_STR(FEED(&s, 0x00, 0x46, 0x54, 0x55, 0x56, 0x59, 0x7f), "");
    CHECK_STR(FEED(&s, 0xe0, 0x5b, 0xe0, 0x5c, 0xe0, 0x5d, 0xe0, 0x10, 0xe0, 0x37), "");
    /* Controller replies (ACK, resend, errors) are ignored too. */
    CHECK_STR(FEED(&s, 0xfa, 0xfe, 0xff, 0xee), "");
    CHECK_STR(FEED(&s, 0x1e), "a");
}

UNIT_TEST(pause_sequence_is_swallowed)
{
    struct kbd_state s;
    kbd_state_init(&s);
    CHECK_STR(FEED(&s, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e), "a");
    CHECK(!s.ctrl_left && !s.num_lock);
}

UNIT_TEST(every_byte_in_every_state_is_bounded)
{
    /* No code, in any combination of modifiers, writes past KBD_OUT_MAX
     * or leaves a modifier stuck after its release. */
    for (unsigned mods = 0; mods < 64; mods++) {
        for (unsigned code = 0; code < 256; code++) {
            struct kbd_state s;
            kbd_state_init(&s);
            s.shift_left = mods & 1;
            s.ctrl_left = mods & 2;
            s.alt_left = mods & 4;
            s.caps_lock = mods & 8;
            s.num_lock = mods & 16;
            s.extended = mods & 32;
            uint8_t out[KBD_OUT_MAX];
            CHECK(kbd_feed(&s, (uint8_t)code, out) <= KBD_OUT_MAX);
        }
    }
}

UNIT_MAIN(UNIT_CASE(letters_digits_and_punctuation), UNIT_CASE(shift_gives_the_upper_row),
          UNIT_CASE(caps_lock_toggles_letters_only), UNIT_CASE(ctrl_letters_are_control_codes),
          UNIT_CASE(special_keys), UNIT_CASE(extended_navigation_keys),
          UNIT_CASE(keypad_follows_num_lock), UNIT_CASE(alt_prefixes_escape),
          UNIT_CASE(function_keys), UNIT_CASE(releases_and_unknown_codes_make_nothing),
          UNIT_CASE(pause_sequence_is_swallowed), UNIT_CASE(every_byte_in_every_state_is_bounded))
