/* SPDX-License-Identifier: MIT */
/*
 * Interrupt objects; see interrupt.h.  One static slot per line holds
 * what the handler needs (the GSI and its flags, fixed once the line
 * first gets its vector) and what it updates (masked, count: atomics),
 * so an interrupt arriving on any CPU never follows a pointer into an
 * object another CPU may be freeing.  Kernel lock held everywhere else.
 */
#include "arch.h"
#include "cap/interrupt.h"
#include "cap/notification.h"
#include "kestrel/errors.h"
#include "mm/heap.h"
#include "sched/sched.h"

#define ISA_LINES 16u

struct line {
    struct interrupt *bound;     /* kernel lock; NULL: free */
    uint32_t gsi;                /* fixed once registered */
    unsigned flags;
    bool registered;             /* has its vector (kept for good) */
    uint32_t masked;             /* atomic: 1 from an interrupt to its ack */
    uint64_t count;              /* atomic: deliveries since bound */
};

static struct line lines[KS_IRQ_LINES];
static uint32_t pending_lines;   /* atomic: bit n = line n fired, not delivered */

_Static_assert(KS_IRQ_LINES <= 32, "pending_lines holds a bit per line");

/* The kernel's own: the PIT and the cascade.  COM1's line (4) is not:
 * the kernel's log writes poll the UART with its interrupts off, so the
 * user serial driver may bind it (docs/devices.md). */
static bool line_reserved(uint32_t line)
{
    return line == 0 || line == 2;
}

static int line_gsi(uint32_t line, uint32_t *gsi, unsigned *flags)
{
    if (line < ISA_LINES)
        return arch_irq_isa_to_gsi(line, gsi, flags);
    *gsi = line;
    *flags = ARCH_IRQ_LEVEL | ARCH_IRQ_ACTIVE_LOW;
    return 0;
}

/* Another line, bound or the kernel's, that lands on the same GSI. */
static bool gsi_taken(uint32_t line, uint32_t gsi)
{
    for (uint32_t other = 0; other < KS_IRQ_LINES; other++) {
        uint32_t other_gsi;
        unsigned flags;
        if (other == line || line_gsi(other, &other_gsi, &flags) < 0 || other_gsi != gsi)
            continue;
        if (line_reserved(other) || lines[other].bound)
            return true;
    }
    return false;
}

static void line_fired(unsigned vector, void *ctx)
{
    (void)vector;
    uintptr_t line = (uintptr_t)ctx;
    if (line >= KS_IRQ_LINES)
        return;
    struct line *l = &lines[line];
    (void)arch_irq_gsi_set_masked(l->gsi, l->flags, true);
    __atomic_store_n(&l->masked, 1, __ATOMIC_RELEASE);
    __atomic_fetch_add(&l->count, 1, __ATOMIC_RELAXED);
    __atomic_fetch_or(&pending_lines, 1u << line, __ATOMIC_RELEASE);
    sched_note_interrupt();
}

void interrupt_deliver_pending(void)
{
    uint32_t fired = __atomic_exchange_n(&pending_lines, 0, __ATOMIC_ACQ_REL);
    while (fired) {
        unsigned line = (unsigned)__builtin_ctz(fired);
        fired &= fired - 1;
        struct interrupt *irq = lines[line].bound;
        if (irq)
            notification_signal(irq->notification, irq->bits);
    }
}

static void interrupt_destroy(struct kobject *obj)
{
    struct interrupt *irq = interrupt_of(obj);
    struct line *l = &lines[irq->line];
    (void)arch_irq_gsi_set_masked(l->gsi, l->flags, true);
    /* A delivery recorded but not yet made must not reach the next
     * binding of the line. */
    __atomic_fetch_and(&pending_lines, ~(1u << irq->line), __ATOMIC_ACQ_REL);
    l->bound = NULL;
    kobject_unref(&irq->notification->obj);
    kfree(irq);
}

/* Give line its vector (the first binding), or route it here again;
 * either way it is unmasked. */
static int line_connect(uint32_t line, uint32_t gsi, unsigned flags)
{
    struct line *l = &lines[line];
    if (l->registered)
        return arch_irq_gsi_set_masked(gsi, flags, false);
    l->gsi = gsi;
    l->flags = flags;
    int err = arch_irq_register_gsi(gsi, flags, line_fired, (void *)(uintptr_t)line, NULL);
    if (err == -KS_ERR_EXISTS)
        return -KS_ERR_BUSY;         /* the kernel's own */
    if (err == -KS_ERR_NOT_FOUND)
        return -KS_ERR_NOT_SUPPORTED;
    if (err == 0)
        l->registered = true;
    return err;
}

int interrupt_create(uint64_t line, struct notification *n, uint64_t bits,
                     struct interrupt **out)
{
    if (line >= KS_IRQ_LINES || bits == 0)
        return -KS_ERR_INVALID_ARGUMENT;
    uint32_t gsi;
    unsigned flags;
    if (line_reserved((uint32_t)line) || lines[line].bound)
        return -KS_ERR_BUSY;
    if (line_gsi((uint32_t)line, &gsi, &flags) < 0)
        return -KS_ERR_INVALID_ARGUMENT;
    if (gsi_taken((uint32_t)line, gsi))
        return -KS_ERR_BUSY;
    struct interrupt *irq = kmalloc(sizeof(*irq));
    if (!irq)
        return -KS_ERR_NO_MEMORY;
    struct line *l = &lines[line];
    __atomic_store_n(&l->count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&l->masked, 0, __ATOMIC_RELAXED);
    int err = line_connect((uint32_t)line, gsi, flags);
    if (err < 0) {
        kfree(irq);
        return err;
    }
    kobject_init(&irq->obj, KS_OBJECT_INTERRUPT, interrupt_destroy);
    irq->line = (uint32_t)line;
    irq->bits = bits;
    irq->notification = n;
    kobject_ref(&n->obj);
    l->bound = irq;
    *out = irq;
    return 0;
}

void interrupt_ack(struct interrupt *irq)
{
    struct line *l = &lines[irq->line];
    /* Cleared first: an interrupt right after the unmask sets it again. */
    __atomic_store_n(&l->masked, 0, __ATOMIC_RELEASE);
    (void)arch_irq_gsi_set_masked(l->gsi, l->flags, false);
}

void interrupt_info(const struct interrupt *irq, struct ks_interrupt_info *out)
{
    const struct line *l = &lines[irq->line];
    out->line = irq->line;
    out->masked = __atomic_load_n(&l->masked, __ATOMIC_ACQUIRE);
    out->count = __atomic_load_n(&l->count, __ATOMIC_ACQUIRE);
}
