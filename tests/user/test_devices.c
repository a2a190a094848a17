/* SPDX-License-Identifier: MIT */
/*
 * Device access (kestrel/device.h): the boot resource and what only it
 * can make; interrupt objects, with real deliveries from the CMOS RTC's
 * periodic interrupt (ISA line 8, ports 0x70/0x71); I/O-port objects,
 * with the CPU's own enforcement seen from crasher children (#GP
 * without an enable, after a disable, a close, a revoke; a thread on
 * another CPU loses the ports at once and gains them at once).
 */
#include "usertest.h"

#define RTC_INDEX  0x70
#define RTC_DATA   0x71
#define RTC_LINE   8u
#define RTC_NO_NMI 0x80          /* index bit 7: keep NMIs off while selecting */
#define RTC_REG_A  0x0A
#define RTC_REG_B  0x0B
#define RTC_REG_C  0x0C
#define RTC_B_PIE  0x40          /* periodic interrupt enable */
#define RTC_C_PF   0x40          /* periodic flag */
#define RTC_RATE_64HZ 0x0A       /* 32768 >> (rate - 1) Hz */
#define IRQ_BIT    0x10ull
#define POST_PORT  0x80
#define OTHER_PORT 0xED          /* nothing there */

static int64_t resource(void)
{
    const struct ks_start_info *info = ks_start_info;
    return info ? info->handles[KS_START_RESOURCE] : 0;
}

static uint8_t rtc_read(uint8_t reg)
{
    ks_outb(RTC_INDEX, RTC_NO_NMI | reg);
    return ks_inb(RTC_DATA);
}

static void rtc_write(uint8_t reg, uint8_t value)
{
    ks_outb(RTC_INDEX, RTC_NO_NMI | reg);
    ks_outb(RTC_DATA, value);
}

/* A second port range for the crasher's io-partial kinds (0 = none). */
static int64_t second_ports;

/* Spawn bin/crasher kind with ports (and second_ports, when set) as its
 * start handles and wait for it. */
static int64_t run_io_crasher(const char *kind, int64_t ports, struct ks_exit_status *status)
{
    const char *argv[] = { "bin/crasher", kind };
    int64_t handles[2] = { ports, second_ports };
    int64_t child = ks_sys_spawn("bin/crasher", argv, 2, handles,
                                 ports ? (second_ports ? 2 : 1) : 0);
    if (child < 0)
        return child;
    memset(status, 0, sizeof(*status));
    int64_t err = ks_sys_wait(child, status, 30000 * NS_PER_MS);
    if (err < 0) {
        ks_sys_process_kill(child);
        ks_sys_wait(child, status, KS_TIMEOUT_INFINITE);
    }
    ks_sys_handle_close(child);
    return err;
}

static void expect_gp(const char *kind, int64_t ports)
{
    struct ks_exit_status st;
    CHECK_EQ(run_io_crasher(kind, ports, &st), 0);
    if (!CHECK_EQ(st.reason, KS_EXIT_FAULT))
        printf("usertest: %s: reason %u status %d\n", kind, st.reason, st.status);
    CHECK_EQ(st.fault_vector, 13);
}

static void expect_exit_0(const char *kind, int64_t ports)
{
    struct ks_exit_status st;
    CHECK_EQ(run_io_crasher(kind, ports, &st), 0);
    if (!CHECK_EQ(st.reason, KS_EXIT_NORMAL))
        printf("usertest: %s: reason %u vector %u\n", kind, st.reason, st.fault_vector);
    CHECK_EQ(st.status, 0);
}

TEST(boot_resource_is_given_with_manage)
{
    struct ks_handle_info hi;
    CHECK(resource() > 0);
    CHECK_EQ(ks_sys_handle_info(resource(), &hi), 0);
    CHECK_EQ(hi.type, KS_OBJECT_RESOURCE);
    CHECK_EQ(hi.rights, KS_RIGHT_MANAGE | KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER);
}

TEST(resource_without_manage_or_of_wrong_type_makes_nothing)
{
    int64_t weak = ks_sys_handle_duplicate(resource(), KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER);
    int64_t n = ks_sys_notification_create();
    CHECK(weak > 0 && n > 0);
    CHECK_EQ(ks_sys_io_ports_create(weak, POST_PORT, 1), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_interrupt_create(weak, RTC_LINE, n, IRQ_BIT), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_io_ports_create(n, POST_PORT, 1), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_interrupt_create(n, RTC_LINE, n, IRQ_BIT), -KS_ERR_WRONG_TYPE);
    /* The notification slot must name a notification with SIGNAL. */
    CHECK_EQ(ks_sys_interrupt_create(resource(), RTC_LINE, resource(), IRQ_BIT),
             -KS_ERR_WRONG_TYPE);
    int64_t no_signal = ks_sys_handle_duplicate(n, KS_RIGHT_WAIT);
    CHECK_EQ(ks_sys_interrupt_create(resource(), RTC_LINE, no_signal, IRQ_BIT), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_io_ports_create(0, POST_PORT, 1), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_handle_close(weak), 0);
    CHECK_EQ(ks_sys_io_ports_create(weak, POST_PORT, 1), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_interrupt_create(resource(), RTC_LINE, weak, IRQ_BIT), -KS_ERR_BAD_HANDLE);
    ks_sys_handle_close(no_signal);
    ks_sys_handle_close(n);
}

TEST(bad_lines_and_port_ranges_are_refused)
{
    int64_t n = ks_sys_notification_create();
    static const uint64_t bad_lines[] = { KS_IRQ_LINES, 255, 1ull << 32, ~0ull };
    for (unsigned i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++)
        check_result("interrupt_create", bad_lines[i],
                     ks_syscall6(KS_SYS_INTERRUPT_CREATE, (uint64_t)resource(), bad_lines[i],
                                 (uint64_t)n, IRQ_BIT, 0, 0),
                     -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_sys_interrupt_create(resource(), RTC_LINE, n, 0), -KS_ERR_INVALID_ARGUMENT);
    /* The kernel's own lines: timer and cascade. */
    CHECK_EQ(ks_sys_interrupt_create(resource(), 0, n, IRQ_BIT), -KS_ERR_BUSY);
    CHECK_EQ(ks_sys_interrupt_create(resource(), 2, n, IRQ_BIT), -KS_ERR_BUSY);
    /* COM1's line is the user serial driver's: bound once, then busy. */
    int64_t com1 = ks_sys_interrupt_create(resource(), 4, n, IRQ_BIT);
    CHECK(com1 > 0);
    CHECK_EQ(ks_sys_interrupt_create(resource(), 4, n, IRQ_BIT), -KS_ERR_BUSY);
    CHECK_EQ(ks_sys_handle_close(com1), 0);
    static const uint64_t bad_ranges[][2] = {
        { 0x80, 0 }, { 0x10000, 1 }, { 0xFFFF, 2 }, { 0, 0x10001 }, { 1ull << 32, 1 },
        { 0x80, (1ull << 32) + 1 }, { 0xFFFFFFFFull, 2 },
    };
    for (unsigned i = 0; i < sizeof(bad_ranges) / sizeof(bad_ranges[0]); i++)
        check_result("io_ports_create", bad_ranges[i][0] << 32 | bad_ranges[i][1],
                     ks_syscall6(KS_SYS_IO_PORTS_CREATE, (uint64_t)resource(), bad_ranges[i][0],
                                 bad_ranges[i][1], 0, 0, 0),
                     -KS_ERR_INVALID_ARGUMENT);
    /* The edges themselves are fine. */
    int64_t last = ks_sys_io_ports_create(resource(), 0xFFFF, 1);
    int64_t all = ks_sys_io_ports_create(resource(), 0, 0x10000);
    CHECK(last > 0 && all > 0);
    struct ks_handle_info hi;
    CHECK_EQ(ks_sys_handle_info(all, &hi), 0);
    CHECK_EQ(hi.type, KS_OBJECT_IO_PORTS);
    CHECK_EQ(hi.rights, KS_RIGHT_READ | KS_RIGHT_WRITE | KS_RIGHT_DUPLICATE |
                        KS_RIGHT_TRANSFER | KS_RIGHT_MANAGE);
    ks_sys_handle_close(last);
    ks_sys_handle_close(all);
    ks_sys_handle_close(n);
}

TEST(interrupt_and_port_calls_check_type_and_rights)
{
    int64_t n = ks_sys_notification_create();
    int64_t irq = ks_sys_interrupt_create(resource(), RTC_LINE, n, IRQ_BIT);
    int64_t ports = ks_sys_io_ports_create(resource(), POST_PORT, 1);
    CHECK(irq > 0 && ports > 0);
    struct ks_handle_info hi;
    CHECK_EQ(ks_sys_handle_info(irq, &hi), 0);
    CHECK_EQ(hi.type, KS_OBJECT_INTERRUPT);
    CHECK_EQ(hi.rights, KS_RIGHT_READ | KS_RIGHT_WAIT | KS_RIGHT_MANAGE | KS_RIGHT_DUPLICATE |
                        KS_RIGHT_TRANSFER);
    /* A bound line is busy, through any notification. */
    CHECK_EQ(ks_sys_interrupt_create(resource(), RTC_LINE, n, 1), -KS_ERR_BUSY);
    struct ks_interrupt_info info;
    CHECK_EQ(ks_sys_interrupt_ack(n), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_interrupt_info(ports, &info), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_io_ports_enable(irq), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_io_ports_disable(n), -KS_ERR_WRONG_TYPE);
    int64_t read_only = ks_sys_handle_duplicate(irq, KS_RIGHT_READ);
    int64_t wait_only = ks_sys_handle_duplicate(irq, KS_RIGHT_WAIT);
    CHECK_EQ(ks_sys_interrupt_ack(read_only), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_interrupt_info(wait_only, &info), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_interrupt_info(read_only, &info), 0);
    CHECK_EQ(info.line, RTC_LINE);
    CHECK_EQ(info.count, 0);
    for (unsigned i = 0; i < BAD_POINTER_COUNT; i++)
        check_fault("interrupt_info", bad_pointers[i],
                    ks_sys_interrupt_info(irq, (struct ks_interrupt_info *)(uintptr_t)
                                          bad_pointers[i]));
    int64_t no_write = ks_sys_handle_duplicate(ports, KS_RIGHT_READ);
    int64_t no_read = ks_sys_handle_duplicate(ports, KS_RIGHT_WRITE);
    CHECK_EQ(ks_sys_io_ports_enable(no_write), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_io_ports_enable(no_read), -KS_ERR_DENIED);
    ks_sys_handle_close(no_write);
    ks_sys_handle_close(no_read);
    ks_sys_handle_close(read_only);
    ks_sys_handle_close(wait_only);
    /* The line stays bound while any handle does; the last one frees it. */
    CHECK_EQ(ks_sys_interrupt_create(resource(), RTC_LINE, n, 1), -KS_ERR_BUSY);
    CHECK_EQ(ks_sys_handle_close(irq), 0);
    CHECK_EQ(ks_sys_interrupt_ack(irq), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_io_ports_enable(0), -KS_ERR_BAD_HANDLE);
    ks_sys_handle_close(ports);
    ks_sys_handle_close(n);
}

/* One round: the bit arrives, the line is masked until the ack. */
static bool rtc_round(int64_t n, int64_t irq, uint64_t *count)
{
    uint64_t bits = 0;
    bool ok = CHECK_EQ(ks_sys_notification_wait(n, 2000 * NS_PER_MS, &bits), 0);
    ok &= CHECK_EQ(bits, IRQ_BIT);
    struct ks_interrupt_info info;
    ok &= CHECK_EQ(ks_sys_interrupt_info(irq, &info), 0);
    ok &= CHECK_EQ(info.masked, 1);
    ok &= CHECK(info.count > *count);
    *count = info.count;
    ok &= CHECK(rtc_read(RTC_REG_C) & RTC_C_PF);
    ok &= CHECK_EQ(ks_sys_interrupt_ack(irq), 0);
    return ok;
}

TEST(rtc_periodic_interrupt_is_delivered_masked_and_acked)
{
    int64_t ports = ks_sys_io_ports_create(resource(), RTC_INDEX, 2);
    CHECK_EQ(ks_sys_io_ports_enable(ports), 0);
    CHECK_EQ(ks_sys_io_ports_enable(ports), 0);   /* again: no change */
    int64_t n = ks_sys_notification_create();
    int64_t irq = ks_sys_interrupt_create(resource(), RTC_LINE, n, IRQ_BIT);
    if (!CHECK(ports > 0 && n > 0 && irq > 0))
        return;
    uint8_t reg_a = rtc_read(RTC_REG_A), reg_b = rtc_read(RTC_REG_B);
    rtc_write(RTC_REG_A, (uint8_t)((reg_a & 0xF0) | RTC_RATE_64HZ));
    rtc_write(RTC_REG_B, reg_b | RTC_B_PIE);
    (void)rtc_read(RTC_REG_C);           /* a flag already up would hold the line */
    uint64_t count = 0;
    for (unsigned round = 0; round < 5; round++)
        if (!rtc_round(n, irq, &count))
            break;
    printf("usertest: rtc: %llu interrupts delivered\n", (unsigned long long)count);
    /* Without an ack nothing more arrives: the line is masked. */
    uint64_t bits = 0;
    (void)ks_sys_notification_wait(n, 100 * NS_PER_MS, &bits);
    CHECK_EQ(ks_sys_notification_wait(n, 100 * NS_PER_MS, &bits), -KS_ERR_TIMED_OUT);
    rtc_write(RTC_REG_B, reg_b & (uint8_t)~RTC_B_PIE);
    rtc_write(RTC_REG_A, reg_a);
    (void)rtc_read(RTC_REG_C);
    ks_outb(RTC_INDEX, RTC_REG_C);       /* NMIs back on */
    /* Closing the last handle unbinds: the line can be bound again. */
    CHECK_EQ(ks_sys_handle_close(irq), 0);
    int64_t again = ks_sys_interrupt_create(resource(), RTC_LINE, n, IRQ_BIT);
    CHECK(again > 0);
    struct ks_interrupt_info info;
    CHECK_EQ(ks_sys_interrupt_info(again, &info), 0);
    CHECK_EQ(info.count, 0);
    CHECK_EQ(info.masked, 0);
    ks_sys_handle_close(again);
    ks_sys_handle_close(ports);
    ks_sys_handle_close(n);
}

TEST(interrupt_outlives_its_notification_handle)
{
    /* The object keeps the notification: closing its only handle first
     * and then the interrupt must neither crash nor leak a binding. */
    int64_t n = ks_sys_notification_create();
    int64_t irq = ks_sys_interrupt_create(resource(), RTC_LINE, n, IRQ_BIT);
    CHECK(irq > 0);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    struct ks_interrupt_info info;
    CHECK_EQ(ks_sys_interrupt_info(irq, &info), 0);
    CHECK_EQ(ks_sys_interrupt_ack(irq), 0);
    CHECK_EQ(ks_sys_handle_close(irq), 0);
    n = ks_sys_notification_create();
    irq = ks_sys_interrupt_create(resource(), RTC_LINE, n, IRQ_BIT);
    CHECK(irq > 0);
    ks_sys_handle_close(irq);
    ks_sys_handle_close(n);
}

TEST(io_ports_fault_without_enable_and_after_withdrawal)
{
    int64_t ports = ks_sys_io_ports_create(resource(), POST_PORT, 1);
    CHECK(ports > 0);
    expect_gp("io-inb", 0);
    /* A copy of the handle gives nothing until the child enables it, even
     * while this process has the same ports enabled. */
    CHECK_EQ(ks_sys_io_ports_enable(ports), 0);
    (void)ks_inb(POST_PORT);
    expect_gp("io-inb", ports);
    expect_exit_0("io-enable", ports);
    expect_gp("io-disable", ports);
    expect_gp("io-close", ports);
    expect_gp("io-revoke", ports);
    expect_gp("io-thread-disable", ports);
    expect_exit_0("io-thread-enable", ports);
    /* Two grants, one withdrawn: the bitmap is rebuilt and republished. */
    second_ports = ks_sys_io_ports_create(resource(), OTHER_PORT, 1);
    CHECK(second_ports > 0);
    expect_exit_0("io-partial-keep", ports);
    expect_gp("io-partial-drop", ports);
    expect_gp("io-thread-partial", ports);
    ks_sys_handle_close(second_ports);
    second_ports = 0;
    CHECK_EQ(ks_sys_io_ports_disable(ports), 0);
    CHECK_EQ(ks_sys_io_ports_disable(ports), 0);  /* nothing left: still fine */
    ks_sys_handle_close(ports);
}
