/* SPDX-License-Identifier: MIT */
/*
 * bin/serial: the COM1 driver (a 16550 UART at 0x3F8, IRQ 4).
 * Interrupt-driven both ways: received bytes are pushed to the console
 * (KS_CONSOLE_INPUT), bytes to send wait in a ring that the transmitter
 * interrupts drain.  Two threads share the UART and the rings under one
 * mutex: the interrupt thread, and the main thread serving "serial"
 * (WRITE, STATS, PING).
 *
 * Start handles (init's manifest): [0] names, [1] the "serial"
 * endpoint, [2] ports 0x3F8..0x3FF, [3] a notification, [4] the
 * interrupt object of IRQ 4 bound to it, [5] the console with badge
 * KS_BADGE_INPUT.  The interrupt signals IRQ_BIT, the kernel log
 * LOG_BIT.  Without a usable interrupt object (the kernel keeps
 * IRQ 4 while it owns the port) the driver polls every few ms instead.
 *
 * The kernel log: at start the driver takes the kernel's log UART
 * (log_take; not in standalone mode).  From then the kernel signals
 * LOG_BIT on the notification at each line, and the interrupt thread
 * reads the log and lets logmerge.c place whole kernel lines between
 * the console's lines in the transmit ring; each read tells the kernel
 * how far the UART has sent, so after a crash it re-sends the rest.
 * Until take succeeds, or if it fails, the kernel writes its log to
 * THR itself, polled, at any time: the FIFO is only filled after LSR
 * says it is empty, and a THRE interrupt the kernel's bytes consumed is
 * made up for by looking at LSR on every pass rather than trusting IIR
 * alone.
 *
 * Booted as the first process instead (init=bin/serial), handles[0] is
 * the boot resource: the driver makes its own objects, echoes what it
 * receives back through the transmit ring, and exits 0 at a 'q' (a
 * boot test of both directions).
 *
 * This driver never prints through stdout: stdout may lead to the
 * console, which mirrors to this driver.  It writes to the kernel log.
 */
#include "ks.h"
#include "ks_ipc.h"
#include "kestrel/errors.h"
#include "logmerge.h"
#include "ring.h"

enum { H_ENDPOINT = 1, H_PORTS, H_NOTIFY, H_IRQ, H_CONSOLE, H_COUNT };

#define COM1        0x3F8
#define REG_DATA    (COM1 + 0)  /* RBR / THR; DLL with DLAB */
#define REG_IER     (COM1 + 1)  /* DLM with DLAB */
#define REG_IIR     (COM1 + 2)  /* read: IIR; write: FCR */
#define REG_LCR     (COM1 + 3)
#define REG_MCR     (COM1 + 4)
#define REG_LSR     (COM1 + 5)
#define REG_MSR     (COM1 + 6)

#define IER_RX      0x01        /* data available and the RX timeout */
#define IER_THRE    0x02        /* ETBEI: THR empty */
#define IER_LINE    0x04        /* line status (errors, break) */
#define IIR_NONE    0x01        /* no interrupt pending */
#define FCR_ENABLE  0x01
#define FCR_CLEAR   0x06        /* reset both FIFOs */
#define FCR_TRIG14  0xC0
#define LCR_8N1     0x03
#define LCR_DLAB    0x80
#define MCR_DTR     0x01
#define MCR_RTS     0x02
#define MCR_OUT2    0x08        /* gates the IRQ line on PCs */
#define LSR_DATA    0x01
#define LSR_THRE    0x20        /* THR and the FIFO are empty */
#define FIFO_SIZE   16
#define DIVISOR_115200 1

#define NS_PER_MS       1000000ull
#define PUSH_TIMEOUT_NS (100 * NS_PER_MS)
#define RETRY_NS        (200 * NS_PER_MS)
#define POLL_NS         (5 * NS_PER_MS)
#define WRITE_WAIT_NS   (250 * NS_PER_MS)
#define PASS_LIMIT      64      /* IIR loops per interrupt: a stuck UART cannot hold us */
#define LOG_READS_MAX   4       /* log reads per pass: the rest waits for the next */
#define IRQ_BIT         1       /* the interrupt object's bit (init binds it) */
#define LOG_BIT         2       /* the kernel log's */

static ks_handle_t h[H_COUNT];
static bool polled;             /* no interrupt object: poll LSR */
static bool standalone;         /* first process: echo instead of the console */

static struct ks_mutex lock;    /* the UART registers, tx, merge, ier, the stats */
static struct ring tx;          /* to send */
static struct logmerge merge;   /* who may add to tx next: kernel lines or the client */
static bool log_taken;          /* the kernel log is ours to print (set before the IRQ thread) */
static struct ring rx;          /* received, not yet taken by the console (IRQ thread) */
static uint8_t ier;             /* what IER holds */
static uint64_t stat_rx, stat_tx, stat_irqs, stat_rx_dropped;

static void log_line(const char *fmt, long long value)
{
    char line[128];
    int n = snprintf(line, sizeof(line), fmt, value);
    if (n > 0)
        ks_sys_log_write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* Standalone: the objects init would have given, from the boot
 * resource.  IRQ 4 may be refused (the kernel's): then it polls. */
static int64_t make_own_handles(ks_handle_t resource)
{
    int64_t r;
    if ((r = ks_sys_io_ports_create(resource, COM1, 8)) < 0)
        return r;
    h[H_PORTS] = (ks_handle_t)r;
    if ((r = ks_sys_notification_create()) < 0)
        return r;
    h[H_NOTIFY] = (ks_handle_t)r;
    r = ks_sys_interrupt_create(resource, 4, h[H_NOTIFY], 1);
    h[H_IRQ] = r > 0 ? (ks_handle_t)r : 0;
    h[H_ENDPOINT] = 0;
    h[H_CONSOLE] = 0;
    return 0;
}

/* 115200 8N1, FIFOs on with a 14-byte trigger, RX and line status
 * interrupts; every latched condition read away.  Also what a restart
 * does, whatever state the previous run left. */
static void uart_init(void)
{
    ks_outb(REG_IER, 0);
    ks_outb(REG_LCR, LCR_DLAB);
    ks_outb(REG_DATA, DIVISOR_115200 & 0xFF);
    ks_outb(REG_IER, DIVISOR_115200 >> 8);
    ks_outb(REG_LCR, LCR_8N1);
    ks_outb(REG_IIR, FCR_ENABLE | FCR_CLEAR | FCR_TRIG14);
    ks_outb(REG_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
    (void)ks_inb(REG_LSR);
    (void)ks_inb(REG_MSR);
    for (int i = 0; i < FIFO_SIZE * 2 && (ks_inb(REG_LSR) & LSR_DATA); i++)
        (void)ks_inb(REG_DATA);
    (void)ks_inb(REG_IIR);
    /* Polled, the UART raises no interrupt: the kernel may own the line. */
    ier = polled ? 0 : IER_RX | IER_LINE;
    ks_outb(REG_IER, ier);
}

/* Fill the FIFO from tx when it is empty; ETBEI on only while there is
 * more to send.  Under lock. */
static void tx_pump(void)
{
    if (ring_used(&tx) && (ks_inb(REG_LSR) & LSR_THRE)) {
        uint8_t chunk[FIFO_SIZE];
        size_t n = ring_get(&tx, chunk, sizeof(chunk));
        for (size_t i = 0; i < n; i++)
            ks_outb(REG_DATA, chunk[i]);
        stat_tx += n;
    }
    uint8_t want = polled ? 0 : (uint8_t)((ier & ~IER_THRE) | (ring_used(&tx) ? IER_THRE : 0));
    if (want != ier) {
        ier = want;
        ks_outb(REG_IER, ier);
    }
}

/* Read the kernel log into tx while the merge allows, telling the
 * kernel how far the UART has sent.  Under lock, held across the reads
 * so the ring room the merge planned stays free. */
static void log_pass(void)
{
    static uint8_t buf[LOGMERGE_READ_MAX];
    struct logmerge_read plan;
    if (!log_taken)
        return;
    uint64_t now = ks_clock_ns();
    for (int i = 0; i < LOG_READS_MAX && logmerge_read_plan(&merge, &tx, now, &plan); i++) {
        struct ks_log_read args = { .from = plan.from, .done = plan.done,
                                    .buf = (uint64_t)(uintptr_t)buf, .len = plan.len };
        int64_t n = ks_sys_log_read(h[H_PORTS], &args);
        if (n < 0) {
            logmerge_read_failed(&merge, &plan);    /* retried at the next signal */
            break;
        }
        logmerge_read_result(&merge, &tx, &plan, buf, (size_t)n, args.next, args.lost);
    }
    tx_pump();
}

/* Take what arrived into rx.  Under lock. */
static void rx_drain(void)
{
    for (int i = 0; i < 256 && (ks_inb(REG_LSR) & LSR_DATA); i++) {
        uint8_t byte = ks_inb(REG_DATA);
        if (ring_put(&rx, &byte, 1))
            stat_rx++;
        else
            stat_rx_dropped++;              /* the console has been away too long */
    }
}

/* One service pass: acknowledge every cause IIR names (reading IIR
 * clears THRE, LSR the line status, MSR the modem status), then do the
 * work by LSR, which is right whatever IIR said. */
static void uart_service(void)
{
    ks_mutex_lock(&lock);
    for (int pass = 0; pass < PASS_LIMIT; pass++) {
        uint8_t iir = ks_inb(REG_IIR);
        if (iir & IIR_NONE)
            break;
        switch (iir & 0x0E) {
        case 0x06: (void)ks_inb(REG_LSR); break;    /* line status */
        case 0x00: (void)ks_inb(REG_MSR); break;    /* modem status */
        default: break;                             /* RX, timeout, THRE: below */
        }
        rx_drain();
        tx_pump();
    }
    rx_drain();
    tx_pump();
    log_pass();
    ks_mutex_unlock(&lock);
}

/* Hand received bytes to the console; what it does not take stays in
 * rx for the next try.  Never under lock: the console may be calling
 * this driver's WRITE at the same time. */
/* Standalone: what arrived goes back out; 'q' ends the run. */
static void echo_rx(void)
{
    uint8_t chunk[256];
    ks_mutex_lock(&lock);
    size_t n = ring_get(&rx, chunk, sizeof(chunk));
    ring_put(&tx, chunk, n);
    tx_pump();
    uint64_t received = stat_rx, sent = stat_tx, irqs = stat_irqs;
    ks_mutex_unlock(&lock);
    if (!memchr(chunk, 'q', n))
        return;
    ks_sys_sleep(50 * NS_PER_MS);           /* let the echo drain */
    char line[128];
    int len = snprintf(line, sizeof(line), "serial: standalone: %llu received, %llu sent, "
                       "%llu interrupts%s\n", (unsigned long long)received,
                       (unsigned long long)sent, (unsigned long long)irqs,
                       polled ? " (polled)" : "");
    ks_sys_log_write(line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
    ks_sys_exit(0);
}

static void push_rx(void)
{
    static uint8_t chunk[KS_MSG_DATA_MAX];
    if (standalone) {
        echo_rx();
        return;
    }
    for (;;) {
        ks_mutex_lock(&lock);
        size_t n = ring_peek(&rx, chunk, sizeof(chunk));
        ks_mutex_unlock(&lock);
        if (!n || !h[H_CONSOLE])
            return;
        struct ks_msg m = { 0 };
        m.label = KS_CONSOLE_INPUT;
        m.data = (uint64_t)(uintptr_t)chunk;
        m.data_len = (uint32_t)n;
        if (ks_sys_ipc_call(h[H_CONSOLE], &m, PUSH_TIMEOUT_NS) < 0 || (int64_t)m.words[0] < 0)
            return;
        ks_mutex_lock(&lock);
        ring_get(&rx, NULL, n);
        ks_mutex_unlock(&lock);
    }
}

static int64_t irq_thread(void *arg)
{
    (void)arg;
    for (;;) {
        ks_mutex_lock(&lock);
        bool waiting = ring_used(&rx) != 0;
        /* Kernel lines held back by a client line wake us when it idles. */
        uint64_t log_wait = log_taken ? logmerge_wait_ns(&merge, &tx, ks_clock_ns())
                                      : LOGMERGE_NEVER;
        ks_mutex_unlock(&lock);
        uint64_t timeout = polled ? POLL_NS : waiting ? RETRY_NS : KS_TIMEOUT_INFINITE;
        if (log_wait < timeout)
            timeout = log_wait;
        uint64_t bits = 0;
        int64_t r = ks_sys_notification_wait(h[H_NOTIFY], timeout, &bits);
        if (r < 0 && r != -KS_ERR_TIMED_OUT) {
            ks_sys_sleep(10 * NS_PER_MS);   /* never spin on a broken handle */
            continue;
        }
        /* Only a delivery of the interrupt is acknowledged: a wake by
         * the log alone would unmask a line that has not fired. */
        bool interrupted = r == 0 && !polled && (bits & IRQ_BIT);
        ks_mutex_lock(&lock);
        if (interrupted)
            stat_irqs++;
        if (r == 0 && (bits & LOG_BIT))
            logmerge_log_signaled(&merge);
        ks_mutex_unlock(&lock);
        uart_service();
        if (interrupted)
            ks_sys_interrupt_ack(h[H_IRQ]);
        push_rx();
    }
    return 0;
}

/* WRITE: queue all of it if room appears within WRITE_WAIT_NS (the
 * transmitter drains 11.5 bytes a millisecond) -> bytes queued. */
static uint64_t serial_write(const uint8_t *data, size_t len)
{
    size_t done = 0;
    uint64_t deadline = ks_clock_ns() + WRITE_WAIT_NS;
    for (;;) {
        ks_mutex_lock(&lock);
        done += logmerge_client_write(&merge, &tx, data + done, len - done, ks_clock_ns());
        tx_pump();
        log_pass();                         /* a client line ended: held kernel lines go */
        ks_mutex_unlock(&lock);
        if (done == len || ks_clock_ns() >= deadline)
            return done;
        ks_sys_sleep(polled ? POLL_NS : NS_PER_MS);
        if (polled)
            uart_service();
    }
}

/* Take the kernel's log UART; on failure the kernel keeps writing it. */
static void log_take(void)
{
    char line[96];
    int64_t r = ks_sys_log_take(h[H_PORTS], h[H_NOTIFY], LOG_BIT);
    if (r >= 0) {
        logmerge_init(&merge, (uint64_t)r);
        log_taken = true;
        snprintf(line, sizeof(line), "serial: kernel log handed over at sequence %lld\n",
                 (long long)r);
    } else {
        snprintf(line, sizeof(line), "serial: kernel log stays with the kernel (%s)\n",
                 ks_strerror(r));
    }
    ks_sys_log_write(line, strlen(line));
}

static uint8_t request_buf[KS_MSG_DATA_MAX];

static int64_t serial_request(const struct ks_msg *req, struct ks_msg *rep)
{
    switch (req->label) {
    case KS_SERIAL_WRITE:
        rep->words[1] = serial_write(request_buf, req->data_len <= sizeof(request_buf)
                                                  ? req->data_len : 0);
        return 0;
    case KS_SERIAL_STATS:
        ks_mutex_lock(&lock);
        rep->words[1] = stat_rx;
        rep->words[2] = stat_tx;
        rep->words[3] = stat_irqs;
        rep->words[4] = stat_rx_dropped;    /* beyond the protocol: diagnostics */
        ks_mutex_unlock(&lock);
        return 0;
    default:
        return -KS_ERR_NOT_SUPPORTED;
    }
}

__attribute__((noreturn)) static void serve(void)
{
    for (;;)
        (void)ks_serve_one(h[H_ENDPOINT], request_buf, sizeof(request_buf), KS_TIMEOUT_INFINITE,
                           serial_request);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct ks_start_info *si = ks_start_info;
    for (unsigned i = 0; si && i < H_COUNT && i < si->handle_count; i++)
        h[i] = (ks_handle_t)si->handles[i];
    if (ks_handle_type(h[0]) == KS_OBJECT_RESOURCE) {
        standalone = true;
        if (make_own_handles(h[0]) < 0) {
            log_line("serial: standalone: cannot make the device objects (%lld)\n", -1);
            return 1;
        }
    }
    if ((!standalone && ks_handle_type(h[H_ENDPOINT]) != KS_OBJECT_ENDPOINT) ||
        ks_handle_type(h[H_PORTS]) != KS_OBJECT_IO_PORTS ||
        ks_handle_type(h[H_NOTIFY]) != KS_OBJECT_NOTIFICATION) {
        log_line("serial: start handles are not endpoint, ports, notification (%lld)\n",
                 si ? (long long)si->handle_count : -1);
        return 1;
    }
    if (ks_handle_type(h[H_CONSOLE]) != KS_OBJECT_ENDPOINT)
        h[H_CONSOLE] = 0;                   /* input is kept, then dropped */
    polled = ks_handle_type(h[H_IRQ]) != KS_OBJECT_INTERRUPT;
    int64_t r = ks_sys_io_ports_enable(h[H_PORTS]);
    if (r < 0) {
        log_line("serial: cannot enable ports 0x3f8..0x3ff (%lld)\n", r);
        return 1;
    }
    ring_init(&tx);
    ring_init(&rx);
    logmerge_init(&merge, 0);
    uart_init();
    if (!standalone)
        log_take();
    if (polled)
        log_line("serial: no interrupt object for IRQ 4: polling every %lld ms\n",
                 (long long)(POLL_NS / NS_PER_MS));
    else
        ks_sys_interrupt_ack(h[H_IRQ]);     /* a delivery the last run left masked */

    static struct ks_thread thread;
    r = ks_thread_create(&thread, irq_thread, NULL, KS_PRIORITY_DEFAULT + 20, 0);
    if (r < 0) {
        log_line("serial: no interrupt thread (%lld)\n", r);
        return 1;
    }
    if (standalone) {
        static const char banner[] = "serial: standalone: type, 'q' ends\r\n";
        serial_write((const uint8_t *)banner, sizeof(banner) - 1);
        ks_thread_join(&thread, NULL);
        return 0;
    }
    serve();
}
