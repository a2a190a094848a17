/* SPDX-License-Identifier: MIT */
/*
 * SIMD state survives preemption: threads sharing one CPU each load
 * their own pattern into xmm0-xmm15 (ymm0-ymm15 when the CPU has AVX
 * and the kernel enabled it in XCR0), spin without yielding while the
 * timer switches between them, then read every register back.  The
 * spin and the reads are one asm block, so the compiler never touches
 * the registers in between.
 */
#include "usertest.h"

#define SIMD_THREADS 3
#define SIMD_REGS    16
#define SIMD_CHUNK_NS (10 * NS_PER_MS)

struct simd_arg {
    int avx;
    uint8_t seed;
    uint64_t chunks;        /* out: spins done */
    uint64_t bad_chunks;    /* out: spins after which a register changed */
    uint64_t switches;      /* out: times it was switched in meanwhile */
};

/* CPUID.1:ECX AVX (28) and OSXSAVE (27), then XCR0 SSE|AVX state
 * (bits 1 and 2) enabled by the kernel (Intel SDM Vol. 1, 14.3). */
static int avx_usable(void)
{
    uint32_t eax = 1, ebx, ecx = 0, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    if (!(ecx & (1u << 27)) || !(ecx & (1u << 28)))
        return 0;
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 6u) == 6u;
}

#define LOAD_X(n)  "movdqu " #n "*16(%[in]), %%xmm" #n "\n"
#define STORE_X(n) "movdqu %%xmm" #n ", " #n "*16(%[out])\n"
#define LOAD_Y(n)  "vmovdqu " #n "*32(%[in]), %%ymm" #n "\n"
#define STORE_Y(n) "vmovdqu %%ymm" #n ", " #n "*32(%[out])\n"
#define ALL16(m) m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) \
                 m(8) m(9) m(10) m(11) m(12) m(13) m(14) m(15)
/* Spin on the clock call until deadline (RCX and R11 die in SYSCALL). */
#define SPIN "1: movl %[clock], %%eax\n syscall\n cmpq %[deadline], %%rax\n jb 1b\n"
#define VECTOR_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", \
                        "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

static void spin_sse(const uint8_t *in, uint8_t *out, uint64_t deadline)
{
    __asm__ volatile(ALL16(LOAD_X) SPIN ALL16(STORE_X)
                     :
                     : [in] "r"(in), [out] "r"(out), [deadline] "r"(deadline),
                       [clock] "i"(KS_SYS_CLOCK)
                     : "rax", "rcx", "r11", "memory", VECTOR_CLOBBERS);
}

static void spin_avx(const uint8_t *in, uint8_t *out, uint64_t deadline)
{
    __asm__ volatile(ALL16(LOAD_Y) SPIN ALL16(STORE_Y) "vzeroupper\n"
                     :
                     : [in] "r"(in), [out] "r"(out), [deadline] "r"(deadline),
                       [clock] "i"(KS_SYS_CLOCK)
                     : "rax", "rcx", "r11", "memory", VECTOR_CLOBBERS);
}

static uint64_t my_switches(void)
{
    struct ks_thread_info info;
    return ks_sys_thread_info(0, &info) == 0 ? info.switches : 0;
}

static int64_t simd_thread(void *p)
{
    struct simd_arg *arg = p;
    uint8_t in[SIMD_REGS * 32], out[SIMD_REGS * 32];
    size_t bytes = arg->avx ? sizeof(in) : SIMD_REGS * 16;
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)(arg->seed * 31u + i * 7u);
    uint64_t start = ks_clock_ns(), first_switches = my_switches();
    /* At least 50 ms, and until the timer has switched us a few times
     * (at most 3 s, so a kernel that never preempts fails, not hangs). */
    while (ks_clock_ns() - start < 50 * NS_PER_MS ||
           (my_switches() - first_switches < 3 && ks_clock_ns() - start < 3000 * NS_PER_MS)) {
        memset(out, 0, sizeof(out));
        uint64_t deadline = ks_clock_ns() + SIMD_CHUNK_NS;
        if (arg->avx)
            spin_avx(in, out, deadline);
        else
            spin_sse(in, out, deadline);
        arg->chunks++;
        if (memcmp(in, out, bytes))
            arg->bad_chunks++;
    }
    arg->switches = my_switches() - first_switches;
    return 0;
}

TEST(simd_registers_survive_preemption)
{
    int avx = avx_usable();
    struct simd_arg args[SIMD_THREADS];
    struct ks_thread t[SIMD_THREADS];
    for (int i = 0; i < SIMD_THREADS; i++) {
        args[i] = (struct simd_arg){ .avx = avx, .seed = (uint8_t)(i + 1) };
        CHECK(ks_thread_create(&t[i], simd_thread, &args[i], KS_PRIORITY_DEFAULT, 1) > 0);
    }
    uint64_t bad = 0, switches = 0;
    for (int i = 0; i < SIMD_THREADS; i++) {
        CHECK_EQ(ks_thread_join(&t[i], NULL), 0);
        bad += args[i].bad_chunks;
        switches += args[i].switches;
        printf("usertest: simd thread %d (%s): %llu spins, %llu switched in, %llu bad\n", i,
               avx ? "ymm" : "xmm", (unsigned long long)args[i].chunks,
               (unsigned long long)args[i].switches, (unsigned long long)args[i].bad_chunks);
    }
    CHECK_EQ(bad, 0);
    CHECK(switches >= SIMD_THREADS);     /* they really were preempted */
}
