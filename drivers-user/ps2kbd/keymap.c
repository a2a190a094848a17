/* SPDX-License-Identifier: MIT */
/*
 * Scancode set 1 to terminal bytes (keymap.h).  A byte with bit 7 set is
 * the release of the key bit 7 clear names; 0xE0 says the next byte is
 * an extended key (arrows, the right Ctrl and Alt, the navigation
 * block); 0xE1 starts the Pause key's six bytes, which make nothing.
 */
#include "keymap.h"

#define SC_RELEASE   0x80
#define SC_EXTENDED  0xE0
#define SC_PAUSE     0xE1
#define PAUSE_BYTES  5          /* after the 0xE1: 1D 45 E1 9D C5 */

#define ESC 0x1b

/* The US layout's printable keys, without and with Shift (0: not a
 * printable key).  Index: scancode 0x00..0x39. */
static const char plain_keys[0x3a] = {
    [0x02] = '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=',
    [0x10] = 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']',
    [0x1e] = 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
    [0x2b] = '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/',
    [0x39] = ' ',
};

static const char shift_keys[0x3a] = {
    [0x02] = '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',
    [0x10] = 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}',
    [0x1e] = 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
    [0x2b] = '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?',
    [0x39] = ' ',
};

/* Keys that send an escape sequence, and the sequence (after ESC). */
enum nav_key { NAV_NONE, NAV_UP, NAV_DOWN, NAV_RIGHT, NAV_LEFT, NAV_HOME, NAV_END,
               NAV_INSERT, NAV_DELETE, NAV_PGUP, NAV_PGDN };

static const char *const nav_seq[] = {
    [NAV_UP] = "[A", [NAV_DOWN] = "[B", [NAV_RIGHT] = "[C", [NAV_LEFT] = "[D",
    [NAV_HOME] = "[H", [NAV_END] = "[F", [NAV_INSERT] = "[2~", [NAV_DELETE] = "[3~",
    [NAV_PGUP] = "[5~", [NAV_PGDN] = "[6~",
};

/* The navigation block (0xE0 prefix) and the keypad with Num Lock off
 * share scancodes 0x47..0x53. */
static enum nav_key nav_of(uint8_t code)
{
    switch (code) {
    case 0x47: return NAV_HOME;
    case 0x48: return NAV_UP;
    case 0x49: return NAV_PGUP;
    case 0x4b: return NAV_LEFT;
    case 0x4d: return NAV_RIGHT;
    case 0x4f: return NAV_END;
    case 0x50: return NAV_DOWN;
    case 0x51: return NAV_PGDN;
    case 0x52: return NAV_INSERT;
    case 0x53: return NAV_DELETE;
    default:   return NAV_NONE;
    }
}

/* The keypad's digits with Num Lock on (0x47..0x53; 0: not a digit). */
static const char keypad_digits[0x0d] = {
    '7', '8', '9', 0, '4', '5', '6', 0, '1', '2', '3', '0', '.',
};

/* F1..F12 as xterm sends them (after ESC). */
static const char *const function_seq[12] = {
    "OP", "OQ", "OR", "OS", "[15~", "[17~", "[18~", "[19~", "[20~", "[21~", "[23~", "[24~",
};

void kbd_state_init(struct kbd_state *s)
{
    *s = (struct kbd_state){ 0 };
}

static size_t put_seq(uint8_t *out, size_t n, const char *seq)
{
    out[n++] = ESC;
    while (*seq && n < KBD_OUT_MAX)
        out[n++] = (uint8_t)*seq++;
    return n;
}

/* Modifier keys: true when code (press or release) was one. */
static bool track_modifier(struct kbd_state *s, uint8_t key, bool extended, bool pressed)
{
    switch (key) {
    case 0x2a:
        /* 0xE0 0x2A / 0xE0 0xAA are the fake shifts around Print Screen
         * and the navigation keys: not a real Shift. */
        if (!extended)
            s->shift_left = pressed;
        return true;
    case 0x36:
        if (!extended)
            s->shift_right = pressed;
        return true;
    case 0x1d:
        if (extended)
            s->ctrl_right = pressed;
        else
            s->ctrl_left = pressed;
        return true;
    case 0x38:
        if (extended)
            s->alt_right = pressed;
        else
            s->alt_left = pressed;
        return true;
    case 0x3a:
        if (!extended) {
            if (pressed && !s->caps_down)
                s->caps_lock = !s->caps_lock;
            s->caps_down = pressed;
        }
        return !extended;
    case 0x45:
        if (!extended) {
            if (pressed && !s->num_down)
                s->num_lock = !s->num_lock;
            s->num_down = pressed;
        }
        return !extended;
    default:
        return false;
    }
}

/* The one byte of a key that sends one byte (0: none). */
static uint8_t single_byte(const struct kbd_state *s, uint8_t key, bool extended)
{
    bool shift = s->shift_left || s->shift_right;
    bool ctrl = s->ctrl_left || s->ctrl_right;

    if (extended) {
        switch (key) {
        case 0x1c: return '\r';          /* keypad Enter */
        case 0x35: return '/';           /* keypad / */
        default:   return 0;
        }
    }
    switch (key) {
    case 0x01: return ESC;
    case 0x0e: return 0x7f;              /* Backspace */
    case 0x0f: return '\t';
    case 0x1c: return '\r';
    case 0x37: return '*';               /* keypad */
    case 0x4a: return '-';
    case 0x4e: return '+';
    default: break;
    }
    if (key >= 0x47 && key <= 0x53) {
        char digit = keypad_digits[key - 0x47];
        /* Shift inverts Num Lock, as on a PC. */
        return (digit && (s->num_lock != shift)) ? (uint8_t)digit : 0;
    }
    if (key >= sizeof(plain_keys) || !plain_keys[key])
        return 0;

    char c = plain_keys[key];
    bool letter = c >= 'a' && c <= 'z';
    if (ctrl) {
        if (letter)
            return (uint8_t)(c - 'a' + 1);
        switch (c) {
        case '[':  return ESC;
        case '\\': return 0x1c;
        case ']':  return 0x1d;
        default:   break;             /* Ctrl does not change the rest */
        }
    }
    /* Caps Lock turns letters to capitals, and Shift turns them back. */
    bool upper = letter ? (shift != s->caps_lock) : shift;
    return (uint8_t)(upper ? shift_keys[key] : c);
}

size_t kbd_feed(struct kbd_state *s, uint8_t code, uint8_t out[KBD_OUT_MAX])
{
    if (s->pause_skip) {
        s->pause_skip--;
        return 0;
    }
    if (code == SC_EXTENDED) {
        s->extended = true;
        return 0;
    }
    if (code == SC_PAUSE) {
        s->pause_skip = PAUSE_BYTES;
        s->extended = false;
        return 0;
    }
    bool extended = s->extended;
    s->extended = false;

    bool pressed = !(code & SC_RELEASE);
    uint8_t key = code & (uint8_t)~SC_RELEASE;
    if (track_modifier(s, key, extended, pressed) || !pressed)
        return 0;

    size_t n = 0;
    /* Alt sends ESC before the key, as terminals' "meta sends escape". */
    if (s->alt_left || s->alt_right)
        out[n++] = ESC;

    uint8_t byte = single_byte(s, key, extended);
    if (byte) {
        out[n++] = byte;
        return n;
    }
    enum nav_key nav = NAV_NONE;
    if (extended || key >= 0x47)
        nav = (key >= 0x47 && key <= 0x53) ? nav_of(key) : NAV_NONE;
    if (nav != NAV_NONE)
        return put_seq(out, n, nav_seq[nav]);
    if (!extended) {
        if (key >= 0x3b && key <= 0x44)
            return put_seq(out, n, function_seq[key - 0x3b]);
        if (key == 0x57 || key == 0x58)
            return put_seq(out, n, function_seq[10 + key - 0x57]);
    }
    return 0;                           /* unknown, or a key that sends nothing */
}
