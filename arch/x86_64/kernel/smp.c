/* SPDX-License-Identifier: MIT */
/*
 * Kestrel SMP bring-up (x86_64): start every application processor the
 * MADT lists (up to the smp=N limit) with INIT-SIPI-SIPI (SDM Vol. 3A
 * 8.4.4.1), one at a time, and leave each waiting in HLT with interrupts
 * on.
 *
 * The trampoline (smp_trampoline.asm) runs from physical page 0: the one
 * page below 1 MiB that is RAM on every PC yet never handed out by the
 * PMM (frame 0 is a hole there), so no allocator change is needed.  Its
 * old contents (the real-mode vector table, unused by Kestrel) are saved
 * and put back once the APs are up.  Start-up page tables (static, in the
 * kernel image, below 4 GiB as the 32-bit CR3 load needs) map the low
 * 2 MiB identity and share the kernel half of the kernel space; the AP
 * then switches to the kernel space's own CR3 and never sees the
 * identity map again.  The kernel space itself gets no identity map.
 *
 * Each AP gets a kernel stack and three IST stacks (vm_kstack_alloc), its
 * own GDT and TSS, the shared IDT, the boot CPU's CR0/CR4/EFER/PAT, its
 * struct percpu in the GS base, the user-mode set-up (arch_user_init_cpu,
 * which the boot CPU has run first) and its local APIC.  It prints its line
 * and only then sets online, so the boot CPU (which waits for it) never
 * prints at the same time.  It then idles in HLT, running any work posted
 * by smp_post_idle_work (smp_ipi.c) between interrupts.  Every wait is bounded: a CPU that does not
 * come up is reported and the next one is tried.
 *
 * Boot CPU, once, interrupts off, after arch_platform_init.
 */
#include "acpi/acpi.h"
#include <stddef.h>
#include "arch.h"
#include "cpu.h"
#include "init/boot.h"
#include "debug/kprintf.h"
#include "kestrel/errors.h"
#include "lapic.h"
#include "msr.h"
#include "smp.h"

#define MSR_PAT         0x277u
#define PTE_PRESENT     0x1ull
#define PTE_WRITE       0x2ull
#define PTE_LARGE       0x80ull
#define PTE_ADDR        0x000FFFFFFFFFF000ull
#define TRAMPOLINE_PHYS 0x0ull
#define INIT_DELAY_US   10000u     /* SDM 8.4.4.1: 10 ms after INIT */
#define SIPI_DELAY_US   200u       /* and 200 us after each SIPI */
#define ONLINE_WAIT_NS  2000000000ull  /* generous: 8 vCPUs under TCG */

extern const uint8_t smp_trampoline_start[], smp_trampoline_end[];
extern const uint8_t smp_tr_gdtr_base[], smp_tr_far32[], smp_tr_far64[], smp_tr_cr3[];
extern const uint8_t smp_tr_stack[], smp_tr_entry[], smp_tr_arg[];
extern const uint8_t smp_tr_protected[], smp_tr_long[], smp_tr_gdt[];

struct percpu smp_cpus[SMP_MAX_CPUS];
unsigned smp_cpu_total = 1;
static unsigned online_count = 1;
static bool gs_ready;

static uint64_t startup_pml4[512] __attribute__((aligned(4096)));
static uint64_t startup_pdpt[512] __attribute__((aligned(4096)));
static uint64_t startup_pd[512] __attribute__((aligned(4096)));
static uint8_t saved_page0[4096];

/* What every AP copies from the boot CPU. */
static struct {
    uint64_t cr0, cr3, cr4, efer, pat;
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr;
    const struct acpi_info *acpi;
} boot_state;

struct percpu *smp_this_cpu(void)
{
    if (!gs_ready)
        return &smp_cpus[0];
    struct percpu *self;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(self));
    return self;
}

unsigned arch_cpu_id(void)
{
    if (!gs_ready)
        return 0;
    unsigned index;
    __asm__ volatile("movl %%gs:%c1, %0" : "=r"(index) : "i"(offsetof(struct percpu, index)));
    return index;
}

unsigned arch_cpu_count(void)
{
    return __atomic_load_n(&online_count, __ATOMIC_ACQUIRE);
}

uint64_t smp_now_ns(void)
{
    uint64_t ns = arch_time_ns();
    /* Uncalibrated: assume 1 GHz, which only makes a timeout longer on
     * a slower CPU. */
    return ns ? ns : arch_cycles();
}

static void delay_us(uint64_t us)
{
    uint64_t end = smp_now_ns() + us * 1000;
    while (smp_now_ns() < end)
        __asm__ volatile("pause");
}

static void set_gs_base(struct percpu *cpu)
{
    cpu->self = cpu;
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)cpu);
}

static __attribute__((noreturn)) void ap_entry(void *arg)
{
    struct percpu *cpu = arg;
    __asm__ volatile("mov %0, %%cr3" : : "r"(boot_state.cr3) : "memory");
    wrmsr(MSR_EFER, boot_state.efer);
    wrmsr(MSR_PAT, boot_state.pat);
    __asm__ volatile("mov %0, %%cr4" : : "r"(boot_state.cr4) : "memory");
    __asm__ volatile("mov %0, %%cr0" : : "r"(boot_state.cr0) : "memory");
    __asm__ volatile("lidt %0" : : "m"(boot_state.idtr) : "memory");
    uint64_t ist_top[GDT_IST_COUNT];
    for (unsigned i = 0; i < GDT_IST_COUNT; i++)
        ist_top[i] = cpu->ist[i].top;
    gdt_init_cpu(&cpu->tables, ist_top);
    set_gs_base(cpu);
    arch_user_init_cpu();
    int err = lapic_init_ap(boot_state.acpi);
    if (err < 0 || lapic_id() != cpu->apic_id) {
        kerror("smp: CPU %u (APIC id %u): local APIC unusable (error %d, id %u)\n",
               cpu->index, cpu->apic_id, err, lapic_id());
        cpu_halt_forever();
    }
    kinfo("smp: CPU %u (APIC id %u) online\n", cpu->index, cpu->apic_id);
    __atomic_store_n(&cpu->idle_loop, true, __ATOMIC_RELAXED);
    __atomic_store_n(&cpu->online, true, __ATOMIC_RELEASE);
    /* The idle loop: posted work is checked with interrupts off, so a
     * post that lands after the check wakes the HLT that follows. */
    for (;;)
        if (!smp_idle_run_work(cpu))
            arch_wait_for_interrupt();
}

static void patch32(uint8_t *page, const uint8_t *field, uint64_t value, unsigned bytes)
{
    uint8_t *p = page + (field - smp_trampoline_start);
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

static uint64_t tr_linear(const uint8_t *label)
{
    return TRAMPOLINE_PHYS + (uint64_t)(label - smp_trampoline_start);
}

/* Copy the trampoline to page 0 and fill its data block for cpu. */
static void trampoline_prepare(struct percpu *cpu, uint64_t startup_cr3)
{
    uint8_t *page = (uint8_t *)(uintptr_t)(KS_DIRECT_MAP_BASE + TRAMPOLINE_PHYS);
    size_t size = (size_t)(smp_trampoline_end - smp_trampoline_start);
    for (size_t i = 0; i < size; i++)
        page[i] = smp_trampoline_start[i];
    patch32(page, smp_tr_gdtr_base, tr_linear(smp_tr_gdt), 4);
    patch32(page, smp_tr_far32, tr_linear(smp_tr_protected), 4);
    patch32(page, smp_tr_far64, tr_linear(smp_tr_long), 4);
    patch32(page, smp_tr_cr3, startup_cr3, 8);
    patch32(page, smp_tr_stack, cpu->stack.top, 8);
    patch32(page, smp_tr_entry, (uint64_t)(uintptr_t)ap_entry, 8);
    patch32(page, smp_tr_arg, (uint64_t)(uintptr_t)cpu, 8);
    __asm__ volatile("mfence" ::: "memory");
}

/* Start-up tables: identity 0-2 MiB and the kernel half.  0 or an error
 * when they do not sit below 4 GiB. */
static int startup_tables(uint64_t *cr3)
{
    uint64_t pml4, pdpt, pd;
    if (arch_virt_to_phys((uintptr_t)startup_pml4, &pml4) < 0 ||
        arch_virt_to_phys((uintptr_t)startup_pdpt, &pdpt) < 0 ||
        arch_virt_to_phys((uintptr_t)startup_pd, &pd) < 0 ||
        (pml4 | pdpt | pd) >> 32)
        return -KS_ERR_NOT_FOUND;
    const uint64_t *kernel_root =
        (const uint64_t *)(uintptr_t)(KS_DIRECT_MAP_BASE + (boot_state.cr3 & PTE_ADDR));
    for (unsigned i = 256; i < 512; i++)
        startup_pml4[i] = kernel_root[i];
    startup_pd[0] = 0 | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
    startup_pdpt[0] = pd | PTE_PRESENT | PTE_WRITE;
    startup_pml4[0] = pdpt | PTE_PRESENT | PTE_WRITE;
    *cr3 = pml4;
    return 0;
}

static int alloc_stacks(struct percpu *cpu)
{
    int err = vm_kstack_alloc(&cpu->stack);
    for (unsigned i = 0; i < GDT_IST_COUNT && !err; i++)
        err = vm_kstack_alloc(&cpu->ist[i]);
    return err;
}

static void free_stacks(struct percpu *cpu)
{
    if (cpu->stack.top)
        vm_kstack_free(&cpu->stack);
    for (unsigned i = 0; i < GDT_IST_COUNT; i++)
        if (cpu->ist[i].top)
            vm_kstack_free(&cpu->ist[i]);
}

static bool wait_online(struct percpu *cpu, uint64_t ns)
{
    uint64_t end = smp_now_ns() + ns;
    while (!__atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE)) {
        if (smp_now_ns() >= end)
            return false;
        __asm__ volatile("pause");
    }
    return true;
}

/* INIT, then two STARTUPs at the trampoline (SDM 8.4.4.1). */
static bool start_one(struct percpu *cpu, uint64_t startup_cr3)
{
    int err = alloc_stacks(cpu);
    if (err < 0) {
        kerror("smp: CPU %u (APIC id %u): no stacks (error %d)\n", cpu->index, cpu->apic_id, err);
        free_stacks(cpu);
        return false;
    }
    trampoline_prepare(cpu, startup_cr3);
    uint32_t sipi = LAPIC_ICR_STARTUP | LAPIC_ICR_ASSERT | (uint32_t)(TRAMPOLINE_PHYS >> 12);
    err = lapic_send_ipi(cpu->apic_id, LAPIC_ICR_INIT | LAPIC_ICR_ASSERT | LAPIC_ICR_LEVEL);
    delay_us(INIT_DELAY_US);
    for (unsigned i = 0; i < 2 && !err && !cpu->online; i++) {
        err = lapic_send_ipi(cpu->apic_id, sipi);
        delay_us(SIPI_DELAY_US);
    }
    if (!err && wait_online(cpu, ONLINE_WAIT_NS))
        return true;
    /* The stacks stay: a CPU that starts late must not run on freed memory. */
    kerror("smp: CPU %u (APIC id %u) did not come online (error %d)\n",
           cpu->index, cpu->apic_id, err);
    return false;
}

static bool page0_is_ram(void)
{
    const struct ks_boot_info *bi = kernel_boot_info;
    uint64_t phys;
    if (arch_virt_to_phys((uintptr_t)KS_DIRECT_MAP_BASE, &phys) < 0 || phys != 0 || !bi)
        return false;
    for (uint32_t i = 0; i < bi->mem_count && i < KS_BOOT_MAX_MEM; i++)
        if (bi->mem[i].base == 0 && bi->mem[i].length >= 4096)
            return bi->mem[i].type == KS_MEM_USABLE;
    return false;
}

/* The MADT's enabled CPUs other than this one, up to limit in all. */
static unsigned collect_cpus(const struct acpi_info *acpi, unsigned limit)
{
    unsigned total = 1;
    for (unsigned i = 0; acpi && i < acpi->cpu_count && i < ACPI_MAX_CPUS; i++) {
        const struct acpi_cpu *c = &acpi->cpus[i];
        if (!c->enabled || c->apic_id == smp_cpus[0].apic_id)
            continue;
        if (total >= limit || total >= SMP_MAX_CPUS) {
            kinfo("smp: CPU APIC id %u not started (limit %u)\n", c->apic_id,
                  limit < SMP_MAX_CPUS ? limit : SMP_MAX_CPUS);
            continue;
        }
        if (!lapic_is_x2apic() && c->apic_id > 0xFE) {
            kwarn("smp: warning: APIC id %u unreachable without x2APIC\n", c->apic_id);
            continue;
        }
        smp_cpus[total].index = total;
        smp_cpus[total].apic_id = c->apic_id;
        total++;
    }
    return total;
}

static void save_boot_state(const struct acpi_info *acpi)
{
    __asm__ volatile("mov %%cr0, %0" : "=r"(boot_state.cr0));
    boot_state.cr3 = read_cr3();
    boot_state.cr4 = read_cr4();
    boot_state.efer = rdmsr(MSR_EFER);
    boot_state.pat = rdmsr(MSR_PAT);
    __asm__ volatile("sidt %0" : "=m"(boot_state.idtr));
    boot_state.acpi = acpi;
}

int arch_smp_start(const struct acpi_info *acpi, unsigned limit)
{
    struct percpu *bsp = &smp_cpus[0];
    bsp->index = 0;
    bsp->apic_id = lapic_ready() ? lapic_id() : 0;
    bsp->online = true;
    set_gs_base(bsp);
    gs_ready = true;
    kinfo("smp: CPU 0 (APIC id %u) online (boot CPU)\n", bsp->apic_id);
    smp_ipi_init();
    if (limit == 0 || limit > SMP_MAX_CPUS)
        limit = SMP_MAX_CPUS;
    save_boot_state(acpi);
    unsigned wanted = lapic_ready() ? collect_cpus(acpi, limit) : 1;
    uint64_t startup_cr3 = 0;
    if (wanted > 1 && (!page0_is_ram() || startup_tables(&startup_cr3) < 0)) {
        kerror("smp: error: no low page or start-up tables for the trampoline\n");
        wanted = 1;
    }
    uint8_t *page0 = (uint8_t *)(uintptr_t)KS_DIRECT_MAP_BASE;
    if (wanted > 1)
        for (unsigned i = 0; i < sizeof(saved_page0); i++)
            saved_page0[i] = page0[i];
    smp_cpu_total = wanted;
    for (unsigned i = 1; i < wanted; i++)
        if (start_one(&smp_cpus[i], startup_cr3))
            __atomic_add_fetch(&online_count, 1, __ATOMIC_RELEASE);
    if (wanted > 1)
        for (unsigned i = 0; i < sizeof(saved_page0); i++)
            page0[i] = saved_page0[i];
    kinfo("smp: %u of %u CPUs online\n", online_count, wanted);
    return (int)online_count;
}

unsigned arch_cpu_possible(void)
{
    return smp_cpu_total;
}

bool arch_cpu_online(unsigned cpu)
{
    return cpu < smp_cpu_total && __atomic_load_n(&smp_cpus[cpu].online, __ATOMIC_ACQUIRE);
}

uint32_t arch_cpu_hw_id(unsigned cpu)
{
    return cpu < smp_cpu_total ? smp_cpus[cpu].apic_id : 0;
}
