/* SPDX-License-Identifier: MIT */
/*
 * bin/kbd: the PS/2 keyboard driver.  An interrupt thread reads the
 * scancodes the i8042 controller delivers on IRQ 1, decodes them
 * (keymap.c) and pushes the bytes to the console (KS_CONSOLE_INPUT);
 * the main thread serves "kbd": STATS and PING.
 *
 * Start handles (init's manifest): [0] names, [1] the "kbd" endpoint,
 * [2] port 0x60, [3] port 0x64, [4] a notification, [5] the interrupt
 * object of IRQ 1 bound to it, [6] the console with badge
 * KS_BADGE_INPUT.
 *
 * Booted as the first process instead (init=bin/kbd), handles[0] is the
 * boot resource: the driver makes its own port and interrupt objects,
 * writes what each key sends to the kernel log, and exits 0 at a 'q'
 * (a boot test: keys come from QEMU's sendkey).
 */
#include "ks.h"
#include "ks_ipc.h"
#include "kestrel/errors.h"
#include "keymap.h"

enum { H_ENDPOINT = 1, H_DATA_PORT, H_STATUS_PORT, H_NOTIFY, H_IRQ, H_CONSOLE, H_COUNT };

#define PORT_DATA       0x60
#define PORT_STATUS     0x64            /* read: status; write: command */
#define STATUS_OUT_FULL 0x01            /* a byte waits at 0x60 */
#define STATUS_IN_FULL  0x02            /* the controller has not taken our last byte */
#define STATUS_AUX      0x20            /* the byte is from the mouse port */
#define CMD_READ_CONFIG  0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_ENABLE_PORT1 0xAE
#define CONFIG_IRQ1      0x01
#define CONFIG_CLOCK1_OFF 0x10
#define CONFIG_TRANSLATE 0x40
#define SPIN_LIMIT      100000          /* polls before a controller wait gives up */

#define NS_PER_MS       1000000ull
#define PUSH_TIMEOUT_NS (100 * NS_PER_MS)
#define RETRY_NS        (200 * NS_PER_MS)
#define PENDING_MAX     512             /* typed bytes kept while the console is away */
#define POLL_NS         (10 * NS_PER_MS)

static ks_handle_t h[H_COUNT];
static bool standalone;         /* first process: keys go to the kernel log */
static bool polled;             /* no interrupt object: poll the status port */

static struct ks_mutex stats_lock;
static uint64_t stat_keys, stat_interrupts;     /* under stats_lock */

/* Typed bytes the console has not taken yet (IRQ thread only). */
static uint8_t pending[PENDING_MAX];
static size_t pending_len;

static bool wait_status(uint8_t mask, bool set)
{
    for (int i = 0; i < SPIN_LIMIT; i++) {
        if (((ks_inb(PORT_STATUS) & mask) != 0) == set)
            return true;
        ks_cpu_relax();
    }
    return false;
}

/* Drain what the controller holds (keys typed before we ran, replies). */
static void flush_output(void)
{
    for (int i = 0; i < 64 && (ks_inb(PORT_STATUS) & STATUS_OUT_FULL); i++)
        (void)ks_inb(PORT_DATA);
}

/* Turn IRQ 1, the keyboard clock and translation (set 1) on, without a
 * controller reset: firmware and QEMU already brought the keyboard up. */
static void controller_init(void)
{
    flush_output();
    if (!wait_status(STATUS_IN_FULL, false))
        return;
    ks_outb(PORT_STATUS, CMD_READ_CONFIG);
    if (!wait_status(STATUS_OUT_FULL, true)) {
        printf("kbd: the controller did not answer; using it as it is\n");
        return;
    }
    uint8_t config = ks_inb(PORT_DATA);
    uint8_t want = (uint8_t)((config | CONFIG_IRQ1 | CONFIG_TRANSLATE) & ~CONFIG_CLOCK1_OFF);
    if (want != config && wait_status(STATUS_IN_FULL, false)) {
        ks_outb(PORT_STATUS, CMD_WRITE_CONFIG);
        if (wait_status(STATUS_IN_FULL, false))
            ks_outb(PORT_DATA, want);
    }
    if (wait_status(STATUS_IN_FULL, false))
        ks_outb(PORT_STATUS, CMD_ENABLE_PORT1);
    flush_output();
}

/* Standalone: the bytes as text (control bytes as \xNN) on one log line. */
static void log_pending(void)
{
    char line[PENDING_MAX * 4 + 16];
    size_t n = 0;
    bool quit = false;
    n += (size_t)snprintf(line, sizeof(line), "kbd: key ");
    for (size_t i = 0; i < pending_len; i++) {
        uint8_t c = pending[i];
        quit |= c == 'q';
        if (c >= 0x21 && c < 0x7f && c != '\\')
            line[n++] = (char)c;
        else
            n += (size_t)snprintf(line + n, sizeof(line) - n, "\\x%02x", c);
    }
    line[n++] = '\n';
    ks_sys_log_write(line, n);
    pending_len = 0;
    if (quit) {
        ks_mutex_lock(&stats_lock);
        printf("kbd: %llu keys, %llu interrupts\n", (unsigned long long)stat_keys,
               (unsigned long long)stat_interrupts);
        ks_mutex_unlock(&stats_lock);
        exit(0);
    }
}

/* Hand the pending bytes to the console; on failure they stay queued. */
static void push_pending(void)
{
    if (standalone && pending_len) {
        log_pending();
        return;
    }
    while (pending_len) {
        struct ks_msg m = { 0 };
        m.label = KS_CONSOLE_INPUT;
        m.data = (uint64_t)(uintptr_t)pending;
        m.data_len = (uint32_t)pending_len;
        if (ks_sys_ipc_call(h[H_CONSOLE], &m, PUSH_TIMEOUT_NS) < 0 || (int64_t)m.words[0] < 0)
            return;
        /* The console took them all (it queues or drops, never half). */
        pending_len = 0;
    }
}

static void queue_bytes(const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        /* Full: the oldest typing is dropped, the newest is what counts. */
        if (pending_len == PENDING_MAX) {
            memmove(pending, pending + 1, PENDING_MAX - 1);
            pending_len--;
        }
        pending[pending_len++] = bytes[i];
    }
}

static int64_t irq_thread(void *arg)
{
    (void)arg;
    struct kbd_state state;
    kbd_state_init(&state);
    for (;;) {
        uint64_t bits = 0;
        uint64_t timeout = polled ? POLL_NS : pending_len ? RETRY_NS : KS_TIMEOUT_INFINITE;
        int64_t r = polled ? ks_sys_sleep(timeout) :
                             ks_sys_notification_wait(h[H_NOTIFY], timeout, &bits);
        if (r == -KS_ERR_TIMED_OUT) {
            push_pending();
            continue;
        }
        if (r < 0) {
            ks_sys_sleep(10 * NS_PER_MS);           /* never spin on a broken handle */
            continue;
        }
        uint64_t keys = 0;
        for (int i = 0; i < 32 && (ks_inb(PORT_STATUS) & STATUS_OUT_FULL); i++) {
            uint8_t status = ks_inb(PORT_STATUS);
            uint8_t code = ks_inb(PORT_DATA);
            if (status & STATUS_AUX)
                continue;                           /* a mouse byte: not ours */
            uint8_t out[KBD_OUT_MAX];
            size_t n = kbd_feed(&state, code, out);
            if (n) {
                queue_bytes(out, n);
                keys++;
            }
        }
        if (!polled)
            ks_sys_interrupt_ack(h[H_IRQ]);
        ks_mutex_lock(&stats_lock);
        stat_interrupts += !polled;
        stat_keys += keys;
        ks_mutex_unlock(&stats_lock);
        push_pending();
    }
    return 0;
}

static int64_t kbd_request(const struct ks_msg *req, struct ks_msg *rep)
{
    if (req->label != KS_KBD_STATS)
        return -KS_ERR_NOT_SUPPORTED;
    ks_mutex_lock(&stats_lock);
    rep->words[1] = stat_keys;
    rep->words[2] = stat_interrupts;
    ks_mutex_unlock(&stats_lock);
    return 0;
}

__attribute__((noreturn)) static void serve(void)
{
    for (;;)
        (void)ks_serve_one(h[H_ENDPOINT], NULL, 0, KS_TIMEOUT_INFINITE, kbd_request);
}

/* Standalone: the objects init would have given, made from the boot
 * resource; no endpoint (the main thread just waits) and no console. */
static int64_t make_own_handles(ks_handle_t resource)
{
    int64_t r;
    if ((r = ks_sys_io_ports_create(resource, PORT_DATA, 1)) < 0)
        return r;
    h[H_DATA_PORT] = (ks_handle_t)r;
    if ((r = ks_sys_io_ports_create(resource, PORT_STATUS, 1)) < 0)
        return r;
    h[H_STATUS_PORT] = (ks_handle_t)r;
    if ((r = ks_sys_notification_create()) < 0)
        return r;
    h[H_NOTIFY] = (ks_handle_t)r;
    if ((r = ks_sys_interrupt_create(resource, 1, h[H_NOTIFY], 1)) < 0)
        return r;
    h[H_IRQ] = (ks_handle_t)r;
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct ks_start_info *si = ks_start_info;
    int64_t r;
    if (si && si->handle_count && ks_handle_type((ks_handle_t)si->handles[0]) == KS_OBJECT_RESOURCE) {
        standalone = true;
        if ((r = make_own_handles((ks_handle_t)si->handles[0])) < 0) {
            printf("kbd: standalone: cannot make the device objects (%lld)\n", (long long)r);
            return 1;
        }
        printf("kbd: standalone: keys go to the log, 'q' ends\n");
    } else {
        if (!si || si->handle_count < H_COUNT) {
            printf("kbd: expected %d start handles\n", H_COUNT);
            return 1;
        }
        for (int i = 0; i < H_COUNT; i++)
            h[i] = (ks_handle_t)si->handles[i];
    }
    if ((r = ks_sys_io_ports_enable(h[H_DATA_PORT])) < 0 ||
        (r = ks_sys_io_ports_enable(h[H_STATUS_PORT])) < 0) {
        printf("kbd: cannot enable ports 0x60/0x64 (%lld)\n", (long long)r);
        return 1;
    }
    controller_init();
    polled = ks_handle_type(h[H_IRQ]) != KS_OBJECT_INTERRUPT ||
             ks_handle_type(h[H_NOTIFY]) != KS_OBJECT_NOTIFICATION;
    if (polled)
        printf("kbd: no interrupt object for IRQ 1: polling every %llu ms\n",
               (unsigned long long)(POLL_NS / NS_PER_MS));
    else
        ks_sys_interrupt_ack(h[H_IRQ]);     /* a key before we ran left the line masked */

    static struct ks_thread thread;
    r = ks_thread_create(&thread, irq_thread, NULL, KS_PRIORITY_DEFAULT + 20, 0);
    if (r < 0) {
        printf("kbd: no interrupt thread (%lld)\n", (long long)r);
        return 1;
    }
    if (standalone) {
        ks_thread_join(&thread, NULL);
        return 0;
    }
    serve();
}
