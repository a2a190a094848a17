/* SPDX-License-Identifier: MIT */
/*
 * bin/pci: enumerates PCI configuration space at start, prints one line
 * per device, then serves "pci" (ks_proto.h): LIST the devices, CLAIM a
 * BAR (as a physical memory object or an I/O-port object) and the
 * device's interrupt, PING.
 *
 * Start handles (from init's manifest): [0] names, [1] the "pci"
 * endpoint, [2] the boot resource (MANAGE), [3] ports 0xCF8..0xCFF.
 * Booted as the first process instead (init=bin/pci), handles[0] is the
 * boot resource: it lists the devices and exits 0 (a boot test).
 */
#include "ks.h"
#include "ks_ipc.h"
#include "kestrel/errors.h"
#include "kestrel/memory.h"
#include "pci.h"

#define H_ENDPOINT 1
#define H_RESOURCE 2
#define H_PORTS    3
#define PAGE_SIZE  4096ull
#define IRQ_BITS   1ull          /* the bits the interrupt object signals */

static struct ks_pci_device devices[PCI_MAX_DEVICES];
static unsigned device_count;
/* Bit b: BAR b was handed out; a BAR goes to one driver only. */
static uint8_t bar_claimed[PCI_MAX_DEVICES];
static bool irq_claimed[PCI_MAX_DEVICES];
static ks_handle_t resource;

/* The object for one BAR -> a handle, or -KS_ERR_*. */
static int64_t make_bar_object(const struct ks_pci_device *d, unsigned bar)
{
    uint64_t base = d->bar_base[bar], size = d->bar_size[bar];
    if (d->bar_kind[bar] == 2) {
        if (base >= KS_IO_PORTS || size > KS_IO_PORTS - base)
            return -KS_ERR_INVALID_ARGUMENT;
        return ks_sys_io_ports_create(resource, (uint32_t)base, (uint32_t)size);
    }
    uint64_t start = base & ~(PAGE_SIZE - 1);
    uint64_t end = (base + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (end <= start)
        return -KS_ERR_INVALID_ARGUMENT;
    /* Device registers must not be cached; a driver that wants a
     * write-combined framebuffer has no way to ask yet. */
    return ks_memory_create_physical(resource, start, end - start, KS_MEMORY_UNCACHED);
}

/* CLAIM: words[1] index, words[2] BAR, handles[0] an optional
 * notification.  On success m carries the new handles. */
static int64_t claim(struct ks_msg *m, ks_handle_t notification)
{
    uint64_t index = m->words[1], bar = m->words[2];
    if (index >= device_count || bar >= KS_PCI_BARS)
        return -KS_ERR_INVALID_ARGUMENT;
    const struct ks_pci_device *d = &devices[index];
    if (d->bar_kind[bar] == 0)
        return -KS_ERR_NOT_FOUND;
    if (bar_claimed[index] & (1u << bar))
        return -KS_ERR_BUSY;
    if (notification) {
        if (irq_claimed[index])
            return -KS_ERR_BUSY;
        if (d->irq_pin == 0 || d->irq_line >= KS_IRQ_LINES)
            return -KS_ERR_NOT_FOUND;
    }
    int64_t bar_handle = make_bar_object(d, (unsigned)bar);
    if (bar_handle < 0)
        return bar_handle;
    int64_t irq_handle = 0;
    if (notification) {
        irq_handle = ks_sys_interrupt_create(resource, d->irq_line, notification, IRQ_BITS);
        if (irq_handle < 0) {
            ks_sys_handle_close((ks_handle_t)bar_handle);
            return irq_handle;
        }
        irq_claimed[index] = true;
    }
    bar_claimed[index] |= (uint8_t)(1u << bar);
    m->handles[0] = (ks_handle_t)bar_handle;
    m->handles[1] = (ks_handle_t)irq_handle;
    m->handle_count = notification ? 2 : 1;
    return 0;
}

__attribute__((noreturn)) static void serve(ks_handle_t endpoint)
{
    static uint8_t buf[KS_MSG_DATA_MAX];
    for (;;) {
        struct ks_msg req = { 0 };
        req.data = (uint64_t)(uintptr_t)buf;
        req.data_cap = sizeof(buf);
        if (ks_sys_ipc_recv(endpoint, &req, KS_TIMEOUT_INFINITE) < 0) {
            ks_sys_sleep(10 * 1000 * 1000);     /* never spin on a broken endpoint */
            continue;
        }
        /* Handles that came along: CLAIM's first is the notification,
         * the rest are closed so no client can fill the table. */
        ks_handle_t notification = 0;
        for (uint32_t i = 0; i < req.handle_count && i < KS_MSG_HANDLES_MAX; i++) {
            if (i == 0 && req.label == KS_PCI_CLAIM)
                notification = req.handles[0];
            else
                ks_sys_handle_close(req.handles[i]);
        }
        struct ks_msg rep = { 0 };
        int64_t status;
        switch (req.label) {
        case KS_PROTO_PING:
            status = 0;
            break;
        case KS_PCI_LIST:
            if (req.words[1] >= device_count) {
                status = -KS_ERR_NOT_FOUND;
                break;
            }
            rep.data = (uint64_t)(uintptr_t)&devices[req.words[1]];
            rep.data_len = sizeof(devices[0]);
            status = 0;
            break;
        case KS_PCI_CLAIM:
            rep.words[1] = req.words[1];
            rep.words[2] = req.words[2];
            status = claim(&rep, notification);
            break;
        default:
            status = -KS_ERR_NOT_SUPPORTED;
            break;
        }
        rep.words[0] = (uint64_t)status;
        if (status < 0)
            rep.handle_count = 0;
        if (ks_sys_ipc_reply(&rep) < 0) {
            /* The caller went away: the handles meant for it are ours. */
            for (uint32_t i = 0; i < rep.handle_count; i++)
                ks_sys_handle_close(rep.handles[i]);
        }
        if (notification)
            ks_sys_handle_close(notification);
    }
}

/* Booted as the first process: list the devices and end. */
static int standalone(ks_handle_t boot_resource)
{
    int64_t ports = ks_sys_io_ports_create(boot_resource, PCI_CONFIG_ADDRESS, PCI_CONFIG_PORTS);
    if (ports < 0 || ks_sys_io_ports_enable((ks_handle_t)ports) < 0) {
        printf("pci: no access to ports 0xcf8..0xcff (%lld)\n", (long long)ports);
        return 1;
    }
    device_count = pci_enumerate(devices, PCI_MAX_DEVICES);
    pci_print(devices, device_count);
    /* The BARs too: the boot test checks the sizing against QEMU's. */
    for (unsigned i = 0; i < device_count; i++) {
        const struct ks_pci_device *d = &devices[i];
        for (unsigned b = 0; b < KS_PCI_BARS; b++) {
            if (d->bar_kind[b])
                printf("pci:   %02x:%02x.%x bar %u %s 0x%llx size 0x%llx\n", d->bus,
                       d->device, d->function, b, d->bar_kind[b] == 2 ? "io" : "mem",
                       (unsigned long long)d->bar_base[b], (unsigned long long)d->bar_size[b]);
        }
        if (d->irq_pin)
            printf("pci:   %02x:%02x.%x irq %u pin %c\n", d->bus, d->device, d->function,
                   d->irq_line, 'A' + d->irq_pin - 1);
    }
    printf("pci: %u devices\n", device_count);
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    ks_handle_t first = ks_start_handle(0);
    if (ks_handle_type(first) == KS_OBJECT_RESOURCE)
        return standalone(first);

    ks_handle_t endpoint = ks_start_handle(H_ENDPOINT);
    ks_handle_t ports = ks_start_handle(H_PORTS);
    resource = ks_start_handle(H_RESOURCE);
    if (ks_handle_type(endpoint) != KS_OBJECT_ENDPOINT ||
        ks_handle_type(ports) != KS_OBJECT_IO_PORTS ||
        ks_handle_type(resource) != KS_OBJECT_RESOURCE) {
        printf("pci: start handles are not endpoint, resource, ports\n");
        return 1;
    }
    int64_t r = ks_sys_io_ports_enable((ks_handle_t)ports);
    if (r < 0) {
        printf("pci: cannot enable ports 0xcf8..0xcff (%lld)\n", (long long)r);
        return 1;
    }
    device_count = pci_enumerate(devices, PCI_MAX_DEVICES);
    pci_print(devices, device_count);
    serve((ks_handle_t)endpoint);
}
