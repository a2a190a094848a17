/* SPDX-License-Identifier: MIT */
/*
 * crt0: the entry point of every Kestrel user program.  The kernel
 * enters _start with the stack pointer at the start frame of
 * kestrel/syscall.h (argc, argv[0..argc-1], NULL, the ks_start_info
 * pointer).  _start hands argc and argv to ks_crt_main, which records
 * the start info, moves the environment out of argv (KS_ENV_MARK,
 * ks_services.h), runs main and exits with its result.  Single-threaded
 * until main creates threads.
 */
#include "ks.h"

const struct ks_start_info *ks_start_info;

int main(int argc, char **argv);
__attribute__((noreturn, used)) void ks_crt_main(long argc, char **argv);

/* The frame pointer is zeroed so a backtrace ends here; the stack is
 * aligned again in case a kernel hands over one that is not (the ABI
 * wants RSP 16-byte aligned at every call). */
__asm__(".pushsection .text.entry, \"ax\", @progbits\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "    xorl %ebp, %ebp\n"
        "    movq (%rsp), %rdi\n"
        "    leaq 8(%rsp), %rsi\n"
        "    andq $-16, %rsp\n"
        "    call ks_crt_main\n"
        "    ud2\n"
        ".size _start, . - _start\n"
        ".popsection\n");

void ks_env_init(char **vec, size_t count);
void ks_start_priority(void);

void ks_crt_main(long argc, char **argv)
{
    const struct ks_start_info *info = (const struct ks_start_info *)argv[argc + 1];
    if (info && info->magic == KS_START_INFO_MAGIC)
        ks_start_info = info;
    /* The strings after KS_ENV_MARK are the environment: the mark
     * becomes argv's terminating NULL, and the environment vector ends
     * at the start frame's own NULL. */
    long args = argc;
    for (long i = 0; i < argc; i++) {
        if (strcmp(argv[i], KS_ENV_MARK) == 0) {
            args = i;
            break;
        }
    }
    if (args < argc) {
        argv[args] = NULL;
        ks_env_init(argv + args + 1, (size_t)(argc - args - 1));
    } else {
        ks_env_init(argv + argc, 0);
    }
    ks_stdio_inherit();
    ks_start_priority();
    exit(main((int)args, argv));
}

unsigned ks_cpu_count(void)
{
    struct ks_mem_info info;
    if (ks_sys_mem_info(&info) == 0 && info.cpus)
        return info.cpus;
    return ks_start_info && ks_start_info->cpus ? ks_start_info->cpus : 1;
}
