/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the x86_64 user-mode pieces (user.c, fpu.c,
 * usercopy.asm, switch.asm, exception.c's user-fault details), run in
 * the normal ktest boot before any thread exists: copies to and from a
 * user page of an active test space work, and an unmapped or read-only
 * page returns -KS_ERR_FAULT with RFLAGS.AC clear again; an FPU area
 * round trip (init, restore, save) carries XMM0 and MXCSR; two kernel
 * stacks switch back and forth with arch_context_switch; a prepared user
 * thread stack holds the frame isr.asm's exit expects; every online CPU
 * has SYSCALL configured and the CR4 protections CPUID offers.
 * Every test gives back every frame it took.
 */
#include "arch.h"
#include "cpu.h"
#include "exception.h"
#include "fpu.h"
#include "gdt.h"
#include "kestrel/errors.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "msr.h"
#include "regs.h"

#define USER_TEST_PAGE 0x0000000000500000ULL
#define CR4_UMIP (1ull << 11)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define RFLAGS_AC (1ull << 18)
#define PAGE 4096u

extern const uint8_t syscall_entry[], user_thread_trampoline[];

static uint64_t read_rflags(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags;
}

/* Two pages in a fresh space: USER_TEST_PAGE writable, the next one
 * read-only; the page after both is unmapped. */
struct user_pages {
    struct vm_space space;
    phys_addr_t frames[2];
};

static const char *user_pages_set_up(struct user_pages *p)
{
    if (vm_space_init(&p->space) < 0)
        return "vm_space_init failed";
    p->frames[0] = p->frames[1] = 0;
    for (unsigned i = 0; i < 2; i++) {
        if (pmm_alloc(PMM_OWNER_TEST, PMM_ZERO, &p->frames[i]) < 0)
            return "no test frame";
        unsigned flags = VM_READ | VM_USER | (i == 0 ? VM_WRITE : 0);
        if (vm_map(&p->space, USER_TEST_PAGE + i * PAGE, p->frames[i], flags) < 0)
            return "user map failed";
    }
    ((uint8_t *)phys_to_virt(p->frames[1]))[7] = 0xA5;
    return NULL;
}

static void user_pages_tear_down(struct user_pages *p)
{
    vm_space_activate(vm_kernel_space());
    vm_space_fini(&p->space);
    for (unsigned i = 0; i < 2; i++)
        if (p->frames[i])
            pmm_free(p->frames[i], PMM_OWNER_TEST);
}

static const char *copies_in_active_space(struct user_pages *p)
{
    static const char text[] = "kestrel user copy";
    char back[sizeof(text)] = { 0 };
    void *user = (void *)(uintptr_t)(USER_TEST_PAGE + 100);
    KTEST_EXPECT(arch_copy_to_user(user, text, sizeof(text)) == 0, "copy to a user page failed");
    KTEST_EXPECT(memcmp((uint8_t *)phys_to_virt(p->frames[0]) + 100, text, sizeof(text)) == 0,
                 "copy to user wrote the wrong bytes");
    KTEST_EXPECT(arch_copy_from_user(back, user, sizeof(text)) == 0,
                 "copy from a user page failed");
    KTEST_EXPECT(memcmp(back, text, sizeof(text)) == 0, "copy from user read the wrong bytes");
    uint8_t byte = 0;
    KTEST_EXPECT(arch_copy_from_user(&byte, (const void *)(uintptr_t)(USER_TEST_PAGE + PAGE + 7),
                                     1) == 0 && byte == 0xA5,
                 "copy from a read-only user page failed");
    KTEST_EXPECT(arch_copy_to_user(user, text, 0) == 0, "an empty copy failed");
    return NULL;
}

KTEST(usercopy_moves_bytes_to_and_from_a_mapped_user_page)
{
    struct user_pages p;
    const char *why = user_pages_set_up(&p);
    if (!why) {
        vm_space_activate(&p.space);
        why = copies_in_active_space(&p);
    }
    user_pages_tear_down(&p);
    return why;
}

static const char *faulting_copies(void)
{
    uint8_t buf[32] = { 0 };
    void *read_only = (void *)(uintptr_t)(USER_TEST_PAGE + PAGE);
    void *unmapped = (void *)(uintptr_t)(USER_TEST_PAGE + 2 * PAGE);
    KTEST_EXPECT(arch_copy_from_user(buf, unmapped, sizeof(buf)) == -KS_ERR_FAULT,
                 "copy from an unmapped user page did not return -KS_ERR_FAULT");
    KTEST_EXPECT(!(read_rflags() & RFLAGS_AC), "RFLAGS.AC left set after a faulting copy");
    KTEST_EXPECT(arch_copy_to_user(read_only, buf, sizeof(buf)) == -KS_ERR_FAULT,
                 "copy to a read-only user page did not return -KS_ERR_FAULT");
    /* Starts on the writable page and runs into the read-only one. */
    void *straddle = (void *)(uintptr_t)(USER_TEST_PAGE + PAGE - 8);
    KTEST_EXPECT(arch_copy_to_user(straddle, buf, sizeof(buf)) == -KS_ERR_FAULT,
                 "copy running into a read-only page did not fault");
    KTEST_EXPECT(!(read_rflags() & RFLAGS_AC), "RFLAGS.AC left set after a faulting copy");
    KTEST_EXPECT(arch_copy_from_user(buf, (const void *)(uintptr_t)0x1000, 1) == -KS_ERR_FAULT,
                 "copy from user page 1 did not fault");
    return NULL;
}

KTEST(usercopy_fault_on_unmapped_or_read_only_page_returns_fault)
{
    struct user_pages p;
    const char *why = user_pages_set_up(&p);
    if (!why) {
        vm_space_activate(&p.space);
        why = faulting_copies();
    }
    user_pages_tear_down(&p);
    return why;
}

static void xmm0_store(uint8_t out[16])
{
    __asm__ volatile("movdqu %%xmm0, (%0)" : : "r"(out) : "memory");
}

/* No clobber list entry for XMM0: the kernel is built
 * -mgeneral-regs-only, so the compiler keeps nothing there (and refuses
 * the clobber). */
static void xmm0_load(const uint8_t in[16])
{
    __asm__ volatile("movdqu (%0), %%xmm0" : : "r"(in) : "memory");
}

static uint32_t mxcsr_read(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static const char *fpu_round_trip(uint8_t *area_a, uint8_t *area_b)
{
    uint8_t marker[16], seen[16], second[16];
    for (unsigned i = 0; i < 16; i++) {
        marker[i] = (uint8_t)(0x10 + i);
        second[i] = (uint8_t)(0xF0 - i);
    }
    arch_fpu_area_init(area_a);
    arch_fpu_area_init(area_b);
    memcpy(area_a + FPU_AREA_XMM0, marker, 16);
    arch_fpu_restore(area_a);
    xmm0_store(seen);
    KTEST_EXPECT(memcmp(seen, marker, 16) == 0, "restore did not load XMM0 from the area");
    KTEST_EXPECT(mxcsr_read() == 0x1F80, "restore of a clean area left MXCSR not 0x1F80");
    xmm0_load(second);
    arch_fpu_save(area_b);
    KTEST_EXPECT(memcmp(area_b + FPU_AREA_XMM0, second, 16) == 0,
                 "save did not store XMM0 in the area");
    uint16_t fcw;
    memcpy(&fcw, area_b + FPU_AREA_FCW, sizeof(fcw));
    KTEST_EXPECT(fcw == 0x37F, "saved x87 control word is not the clean 0x37F");
    return NULL;
}

KTEST(fpu_area_init_restore_save_round_trip_keeps_xmm0)
{
    size_t size = arch_fpu_area_size(), align = arch_fpu_area_align();
    KTEST_EXPECT(size >= 512 && size <= PAGE, "FPU area size out of range");
    KTEST_EXPECT(align == (fpu_uses_xsave() ? 64u : 16u), "FPU area alignment wrong");
    phys_addr_t frames[3];
    unsigned got = 0;
    while (got < 3 && pmm_alloc(PMM_OWNER_TEST, 0, &frames[got]) == 0)
        got++;
    const char *why = got < 3 ? "no test frame" : NULL;
    if (!why) {
        uint8_t *saved = phys_to_virt(frames[0]);
        /* Keep whatever state this CPU had around the test. */
        arch_fpu_save(saved);
        why = fpu_round_trip(phys_to_virt(frames[1]), phys_to_virt(frames[2]));
        arch_fpu_restore(saved);
    }
    while (got > 0)
        pmm_free(frames[--got], PMM_OWNER_TEST);
    return why;
}

/* The two sides of the switch test; the other side runs on its own
 * kernel stack and switches back twice. */
static uintptr_t switch_main_sp, switch_other_sp;
static volatile unsigned switch_steps;

static __attribute__((noreturn)) void switch_other_side(void)
{
    unsigned local = 7;
    switch_steps++;
    arch_context_switch(&switch_other_sp, switch_main_sp);
    switch_steps += local;
    arch_context_switch(&switch_other_sp, switch_main_sp);
    for (;;)
        arch_halt();
}

KTEST(context_switch_runs_another_kernel_stack_and_comes_back)
{
    struct vm_kstack stack;
    KTEST_EXPECT(vm_kstack_alloc(&stack) == 0, "vm_kstack_alloc failed");
    /* Return address slot at top-16, so the function starts with RSP
     * 8 below a 16-byte boundary, as after a call. */
    uint64_t *sp = (uint64_t *)((stack.top & ~(uintptr_t)15) - 16) - 6;
    memset(sp, 0, 8 * sizeof(*sp));
    sp[6] = (uint64_t)(uintptr_t)switch_other_side;
    switch_other_sp = (uintptr_t)sp;
    switch_steps = 0;
    unsigned keep = 1234;
    arch_context_switch(&switch_main_sp, switch_other_sp);
    const char *why = switch_steps != 1 ? "the other stack did not run once" : NULL;
    arch_context_switch(&switch_main_sp, switch_other_sp);
    if (!why && switch_steps != 8)
        why = "the other stack lost its state across the switch";
    if (!why && keep != 1234)
        why = "this side lost its state across the switch";
    if (!why && (switch_other_sp < stack.base || switch_other_sp >= stack.top))
        why = "the saved stack pointer is not on the other stack";
    vm_kstack_free(&stack);
    return why;
}

KTEST(prepared_user_thread_stack_enters_ring_3_through_the_trampoline)
{
    struct vm_kstack stack;
    KTEST_EXPECT(vm_kstack_alloc(&stack) == 0, "vm_kstack_alloc failed");
    uintptr_t sp = arch_thread_prepare_user(stack.top, 0x401000, 0x7FFFFFFF0000ull, 11, 22);
    const uint64_t *slots = (const uint64_t *)sp;
    const struct arch_regs *f = (const struct arch_regs *)(slots + 7);
    const char *why = NULL;
    if ((uintptr_t)f + sizeof(*f) != (stack.top & ~(uintptr_t)15) || (uintptr_t)f % 16)
        why = "the user context is not at the aligned top of the stack";
    else if (slots[6] != (uint64_t)(uintptr_t)user_thread_trampoline)
        why = "the first switch does not return into the trampoline";
    else if (slots[0] | slots[1] | slots[2] | slots[3] | slots[4] | slots[5])
        why = "callee-saved registers of the first switch are not zero";
    else if (f->rip != 0x401000 || f->rsp != 0x7FFFFFFF0000ull || f->rdi != 11 || f->rsi != 22)
        why = "entry, stack or arguments wrong in the user context";
    else if (f->cs != (GDT_USER_CODE64 | 3) || f->ss != (GDT_USER_DATA | 3) ||
             f->rflags != 0x202)
        why = "selectors or RFLAGS wrong in the user context";
    else if (f->rax | f->rbx | f->rcx | f->rdx | f->rbp | f->r8 | f->r9 | f->r10 | f->r11 |
             f->r12 | f->r13 | f->r14 | f->r15)
        why = "a general register is not zero in the user context";
    vm_kstack_free(&stack);
    return why;
}

struct cpu_user_state {
    uint64_t cr4, efer, star, lstar, sfmask;
    uint64_t expected_cr4;
};

static void read_cpu_user_state(void *arg)
{
    struct cpu_user_state *s = arg;
    s->cr4 = read_cr4();
    s->efer = rdmsr(MSR_EFER);
    s->star = rdmsr(MSR_STAR);
    s->lstar = rdmsr(MSR_LSTAR);
    s->sfmask = rdmsr(MSR_SFMASK);
    s->expected_cr4 = 0;
    if (cpuid(0, 0).eax >= 7) {
        struct cpuid_regs l7 = cpuid(7, 0);
        s->expected_cr4 = (l7.ebx & CPUID_7_EBX_SMEP ? CR4_SMEP : 0) |
                          (l7.ebx & CPUID_7_EBX_SMAP ? CR4_SMAP : 0) |
                          (l7.ecx & CPUID_7_ECX_UMIP ? CR4_UMIP : 0);
    }
}

static const char *check_cpu_user_state(const struct cpu_user_state *s)
{
    KTEST_EXPECT((s->cr4 & (CR4_SMEP | CR4_SMAP | CR4_UMIP)) == s->expected_cr4,
                 "CR4 SMEP/SMAP/UMIP do not match what CPUID offers");
    KTEST_EXPECT(s->efer & EFER_SCE, "EFER.SCE is off");
    KTEST_EXPECT(s->star >> 32 == ((uint64_t)(GDT_USER_CODE32 | 3) << 16 | GDT_KERNEL_CODE),
                 "STAR selectors wrong");
    KTEST_EXPECT(s->lstar == (uint64_t)(uintptr_t)syscall_entry, "LSTAR is not the entry");
    KTEST_EXPECT((s->sfmask & 0x44700) == 0x44700, "SFMASK does not clear IF, DF, TF, AC, NT");
    return NULL;
}

KTEST(every_cpu_has_syscall_and_the_cr4_protections_cpuid_offers)
{
    struct cpu_user_state s;
    read_cpu_user_state(&s);
    const char *why = check_cpu_user_state(&s);
    for (unsigned cpu = 1; !why && cpu < arch_cpu_possible(); cpu++) {
        if (!arch_cpu_online(cpu))
            continue;
        if (arch_cpu_call(cpu, read_cpu_user_state, &s) < 0)
            return "a CPU did not answer the call";
        why = check_cpu_user_state(&s);
    }
    return why;
}

KTEST(user_fault_details_decode_the_error_code)
{
    char buf[80];
    const char *d = exception_user_detail(EXC_PAGE_FAULT, 0x6, buf, sizeof(buf));
    KTEST_EXPECT(strcmp(d, "user write, not present") == 0, "#PF 0x6 decoded wrong");
    d = exception_user_detail(EXC_PAGE_FAULT, 0x15, buf, sizeof(buf));
    KTEST_EXPECT(strcmp(d, "user instruction fetch, present") == 0, "#PF 0x15 decoded wrong");
    d = exception_user_detail(EXC_GENERAL_PROTECTION, 0x80 << 3 | 2, buf, sizeof(buf));
    KTEST_EXPECT(strcmp(d, "IDT index 128 (selector 0x400)") == 0, "#GP of INT 0x80 decoded wrong");
    d = exception_user_detail(EXC_GENERAL_PROTECTION, 0, buf, sizeof(buf));
    KTEST_EXPECT(strcmp(d, "") == 0, "#GP 0 has a detail");
    d = exception_user_detail(EXC_INVALID_OPCODE, 0, buf, sizeof(buf));
    KTEST_EXPECT(strcmp(d, "") == 0, "#UD has a detail");
    return NULL;
}
