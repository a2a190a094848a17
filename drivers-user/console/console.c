/* SPDX-License-Identifier: MIT */
/*
 * console: Kestrel's text console service (protocol "Console" of
 * ks_proto.h, design in docs/console.md).  It draws what clients write
 * on the framebuffer or VGA text screen through the terminal model
 * (vt.h) and the renderer (render.h), mirrors the same bytes (LF sent
 * as CR LF) to the serial driver, and queues what the input drivers
 * type for readers.  While a client has asked for Ctrl-C
 * (KS_CONSOLE_INTERRUPT: the shell, while a program runs), a typed 0x03
 * signals its notification instead of being queued.
 *
 * Start handles (init's manifest): [0] names, [1] the "console"
 * endpoint (ours, unbadged), [2] the screen's physical memory object
 * (absent or 0: serial only), [3] the serial driver (badge client).
 * The screen's geometry arrives as `--screen TYPE,W,H,PITCH,BPP,...`.
 *
 * One thread serves every request in turn.  A write is answered before
 * it is drawn and mirrored, so a client never waits on the serial
 * driver; a mirror that fails or times out is dropped, and mirroring
 * pauses for a second so a dead serial driver cannot slow every write.
 *
 * This process must never print through the runtime's stdout (that is
 * the console service: itself).  Its own messages go straight to the
 * kernel log.
 */
#include "ks.h"
#include "ks_ipc.h"
#include "ks_proto.h"

#include "inq.h"
#include "render.h"
#include "screen.h"
#include "vt.h"

#define MIRROR_TIMEOUT_NS  (200ull * 1000 * 1000)
#define MIRROR_PAUSE_NS    (1000ull * 1000 * 1000)
#define PAGE_SIZE          4096u

static struct vt vt;
static struct vt_cell cells[VT_COLS_MAX * VT_ROWS_MAX];
static struct render rd;
static struct inq inq;
static struct inq_readers readers;
static uint8_t req_buf[KS_MSG_DATA_MAX];
static uint8_t out_buf[KS_MSG_DATA_MAX];

static uint32_t kind = KS_CONSOLE_SERIAL_ONLY;
static int cols = 80, rows = 25;
static ks_handle_t serial;
static ks_handle_t interrupt_note;  /* KS_CONSOLE_INTERRUPT's notification, 0: none */
static uint64_t interrupt_bits;
#define CTRL_C 0x03
static uint64_t mirror_after;       /* clock before which mirroring pauses */

/* A kernel log line built from pieces: a tiny formatter of its own keeps
 * the console independent of the runtime's stdio (which writes to the
 * console service, i.e. here). */
struct logbuf {
    char text[160];
    size_t len;
};

static void log_str(struct logbuf *b, const char *s)
{
    while (s && *s && b->len < sizeof(b->text) - 1)
        b->text[b->len++] = *s++;
}

static void log_num(struct logbuf *b, int64_t v)
{
    char digits[24];
    int n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    if (v < 0)
        log_str(b, "-");
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n > 0 && b->len < sizeof(b->text) - 1)
        b->text[b->len++] = digits[--n];
}

static void log_end(struct logbuf *b)
{
    b->text[b->len++] = '\n';
    ks_sys_log_write(b->text, b->len);
    b->len = 0;
}

static void log_line(const char *s)
{
    struct logbuf b = { .len = 0 };
    log_str(&b, s);
    log_end(&b);
}

/* Map the screen and set up the model; on any trouble stay serial only. */
static void screen_setup(int argc, char **argv)
{
    ks_handle_t mem = ks_start_handle(2);
    const char *arg = screen_arg(argc, argv);
    struct screen_geom g;
    if (!mem) {
        log_line("console: no screen handed over, serial only");
        return;
    }
    if (!arg || screen_parse(arg, strlen(arg), &g) != 0) {
        struct logbuf b = { .len = 0 };
        log_str(&b, "console: --screen ");
        log_str(&b, arg ? "malformed: " : "missing");
        log_str(&b, arg);
        log_str(&b, ", serial only");
        log_end(&b);
        return;
    }
    uint64_t bytes = 0;
    struct ks_memory_info info;
    screen_check(&g, &bytes);
    if (ks_memory_info(mem, &info) != 0 || info.size < bytes + g.offset) {
        log_line("console: the screen object is smaller than --screen says, serial only");
        return;
    }
    uint64_t size = (g.offset + bytes + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    int64_t addr = ks_memory_map(mem, 0, size, 0, KS_PROT_READ | KS_PROT_WRITE);
    if (addr < 0) {
        struct logbuf b = { .len = 0 };
        log_str(&b, "console: cannot map the screen (error ");
        log_num(&b, addr);
        log_str(&b, "), serial only");
        log_end(&b);
        return;
    }
    render_init(&rd, &g, (void *)(uintptr_t)(addr + g.offset), &cols, &rows);
    vt_init(&vt, cells, cols, rows);
    render_clear(&rd);
    render_update(&rd, &vt);
    struct logbuf b = { .len = 0 };
    if (g.type == SCREEN_VGA_TEXT) {
        kind = KS_CONSOLE_VGA_TEXT;
        log_str(&b, "console: VGA text ");
    } else {
        kind = KS_CONSOLE_FRAMEBUFFER;
        log_str(&b, "console: ");
        log_num(&b, g.width);
        log_str(&b, "x");
        log_num(&b, g.height);
        log_str(&b, " framebuffer, ");
    }
    log_num(&b, cols);
    log_str(&b, "x");
    log_num(&b, rows);
    log_str(&b, g.type == SCREEN_VGA_TEXT ? "" : " cells");
    log_end(&b);
}

static void mirror_send(const uint8_t *data, uint32_t len)
{
    struct ks_msg m;
    memset(&m, 0, sizeof(m));
    m.label = KS_SERIAL_WRITE;
    m.data = (uint64_t)(uintptr_t)data;
    m.data_len = len;
    int64_t rc = ks_sys_ipc_call(serial, &m, MIRROR_TIMEOUT_NS);
    if (rc < 0 || (int64_t)m.words[0] < 0)
        mirror_after = ks_clock_ns() + MIRROR_PAUSE_NS;
}

/* The same bytes to the serial line, with LF sent as CR LF (the screen
 * treats LF so; a serial terminal needs the CR).  A CR already before
 * the LF, even at the end of the previous write, is not doubled. */
static void mirror(const uint8_t *data, uint32_t len)
{
    static uint8_t out[KS_MSG_DATA_MAX];
    static bool last_cr;
    if (!serial || len == 0 || ks_clock_ns() < mirror_after)
        return;
    uint32_t n = 0;
    for (uint32_t i = 0; i < len && ks_clock_ns() >= mirror_after; i++) {
        if (n + 2 > sizeof(out)) {
            mirror_send(out, n);
            n = 0;
        }
        if (data[i] == '\n' && !last_cr)
            out[n++] = '\r';
        out[n++] = data[i];
        last_cr = data[i] == '\r';
    }
    if (n && ks_clock_ns() >= mirror_after)
        mirror_send(out, n);
}

static void signal_readers(void)
{
    for (int i = 0; i < INQ_READERS; i++) {
        struct inq_reader *r = &readers.r[i];
        if (r->handle == 0)
            continue;
        if (ks_sys_notification_signal((ks_handle_t)r->handle, r->bits) < 0) {
            /* The reader's notification is gone or unusable: forget it. */
            ks_sys_handle_close((ks_handle_t)r->handle);
            inq_reader_drop(&readers, r->handle);
        }
    }
}

static void close_handles(struct ks_msg *m, unsigned from)
{
    for (unsigned i = from; i < m->handle_count && i < KS_MSG_HANDLES_MAX; i++)
        if (m->handles[i])
            ks_sys_handle_close(m->handles[i]);
    m->handle_count = 0;
}

static void reply_status(struct ks_msg *m, int64_t status)
{
    memset(m, 0, sizeof(*m));
    m->words[0] = (uint64_t)status;
}

/* Serve one request in m (data in req_buf): m becomes the reply.  A
 * write's bytes are left in *draw_len for after the reply. */
static void serve(struct ks_msg *m, uint32_t *draw_len)
{
    uint64_t badge = m->badge;
    uint32_t len = m->data_len > KS_MSG_DATA_MAX ? KS_MSG_DATA_MAX : m->data_len;
    uint64_t w1 = m->words[1];
    *draw_len = 0;
    switch (m->label) {
    case KS_PROTO_PING:
        close_handles(m, 0);
        reply_status(m, 0);
        return;
    case KS_CONSOLE_WRITE:
        close_handles(m, 0);
        *draw_len = len;
        reply_status(m, 0);
        m->words[1] = len;
        return;
    case KS_CONSOLE_READ: {
        close_handles(m, 0);
        size_t want = w1 > KS_MSG_DATA_MAX ? KS_MSG_DATA_MAX : (size_t)w1;
        size_t n = inq_pop(&inq, out_buf, want);
        reply_status(m, 0);
        m->words[1] = n;
        m->data = (uint64_t)(uintptr_t)out_buf;
        m->data_len = (uint32_t)n;
        return;
    }
    case KS_CONSOLE_NOTIFY: {
        if (m->handle_count < 1 || !m->handles[0]) {
            close_handles(m, 0);
            reply_status(m, -KS_ERR_INVALID_ARGUMENT);
            return;
        }
        ks_handle_t h = m->handles[0];
        close_handles(m, 1);
        int64_t old = inq_reader_add(&readers, h, w1 ? w1 : 1);
        if (old)
            ks_sys_handle_close((ks_handle_t)old);
        /* Input that came before the reader registered is waiting. */
        if (inq.count)
            ks_sys_notification_signal(h, w1 ? w1 : 1);
        reply_status(m, 0);
        return;
    }
    case KS_CONSOLE_INFO:
        close_handles(m, 0);
        reply_status(m, 0);
        m->words[1] = (uint64_t)cols;
        m->words[2] = (uint64_t)rows;
        m->words[3] = kind;
        return;
    case KS_CONSOLE_INTERRUPT: {
        ks_handle_t h = m->handle_count >= 1 ? m->handles[0] : 0;
        close_handles(m, 1);
        if (interrupt_note)
            ks_sys_handle_close(interrupt_note);
        interrupt_note = h;
        interrupt_bits = w1 ? w1 : 1;
        reply_status(m, 0);
        return;
    }
    case KS_CONSOLE_INPUT: {
        close_handles(m, 0);
        if (badge != KS_BADGE_INPUT) {
            reply_status(m, -KS_ERR_DENIED);
            return;
        }
        size_t hits = 0;
        if (interrupt_note)
            len = (uint32_t)inq_strip(req_buf, len, CTRL_C, &hits);
        if (hits && ks_sys_notification_signal(interrupt_note, interrupt_bits) < 0) {
            ks_sys_handle_close(interrupt_note);    /* its owner is gone */
            interrupt_note = 0;
        }
        size_t n = inq_push(&inq, req_buf, len);
        if (len)
            signal_readers();
        reply_status(m, 0);
        m->words[1] = n;
        return;
    }
    default:
        close_handles(m, 0);
        reply_status(m, -KS_ERR_NOT_SUPPORTED);
        return;
    }
}

int main(int argc, char **argv)
{
    ks_handle_t ep = ks_start_handle(1);
    serial = ks_start_handle(3);
    if (!ep) {
        log_line("console: no service endpoint (start handle 1), exiting");
        return 1;
    }
    inq_init(&inq);
    screen_setup(argc, argv);
    if (!serial)
        log_line("console: no serial driver handle, not mirroring");

    for (;;) {
        struct ks_msg m;
        memset(&m, 0, sizeof(m));
        m.data = (uint64_t)(uintptr_t)req_buf;
        m.data_cap = sizeof(req_buf);
        int64_t rc = ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_INFINITE);
        if (rc < 0) {
            /* Nothing a client can do makes recv fail for long; do not
             * spin if the endpoint itself is in trouble. */
            ks_sleep_ns(10ull * 1000 * 1000);
            continue;
        }
        uint32_t draw_len = 0;
        serve(&m, &draw_len);
        ks_sys_ipc_reply(&m);       /* -NOT_FOUND for a plain send: fine */
        if (draw_len) {
            if (kind != KS_CONSOLE_SERIAL_ONLY) {
                vt_write(&vt, req_buf, draw_len);
                render_update(&rd, &vt);
            }
            mirror(req_buf, draw_len);
        }
    }
}
