/* SPDX-License-Identifier: MIT */
/*
 * init: the first user process (pid 1), started by the kernel from
 * bin/init (or the program of `init=PATH`).  For now it reports who and
 * where it is (its process, its thread, the memory and CPUs the kernel
 * sees) and exits 0; supervising other programs comes later.
 */
#include "ks.h"

static int report_process(void)
{
    struct ks_process_info p;
    int64_t err = ks_sys_process_info(0, &p);
    if (err < 0) {
        printf("init: process_info failed (%lld)\n", (long long)err);
        return 1;
    }
    printf("init: process %lld (%.32s), parent %lld, %u thread(s), %llu user pages\n",
           (long long)p.pid, p.name, (long long)p.parent, p.threads,
           (unsigned long long)p.user_pages);
    return 0;
}

static int report_thread(void)
{
    struct ks_thread_info t;
    int64_t err = ks_sys_thread_info(0, &t);
    if (err < 0) {
        printf("init: thread_info failed (%lld)\n", (long long)err);
        return 1;
    }
    printf("init: thread %lld on CPU %u, priority %d, %llu switches, %llu ns run\n",
           (long long)t.tid, t.cpu, t.priority, (unsigned long long)t.switches,
           (unsigned long long)t.run_ns);
    return 0;
}

static int report_memory(void)
{
    struct ks_mem_info m;
    int64_t err = ks_sys_mem_info(&m);
    if (err < 0) {
        printf("init: mem_info failed (%lld)\n", (long long)err);
        return 1;
    }
    printf("init: memory: %llu of %llu frames of %llu bytes free, %u CPUs online\n",
           (unsigned long long)m.free_frames, (unsigned long long)m.total_frames,
           (unsigned long long)m.page_size, m.cpus);
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!ks_start_info) {
        printf("init: no start info from the kernel\n");
        return 1;
    }
    printf("init: Kestrel userspace: pid %lld, %u CPUs\n", (long long)ks_start_info->pid,
           ks_cpu_count());
    int failed = report_process() + report_thread() + report_memory();
    return failed ? 1 : 0;
}
