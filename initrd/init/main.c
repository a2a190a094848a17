/* SPDX-License-Identifier: MIT */
/*
 * init: the first user process (pid 1).  It holds the boot resource
 * (start handle KS_START_RESOURCE) and the initramfs (KS_START_INITRD),
 * reads the manifest etc/services (+ etc/services.d/), creates every
 * service's endpoint up front, starts the services in dependency order
 * and then loops for ever: notice ends and restart per policy, watch
 * the heartbeat, serve the "init" protocol.  docs/init.md has the
 * details; init.h the layout of the program.
 */
#include <stdarg.h>
#include "init.h"

struct init_state g;

void say(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(line) - 1)
        n = (int)sizeof(line) - 1;
    if (n > 0)
        ks_sys_log_write(line, (size_t)n);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!ks_start_info || ks_start_info->handle_count <= KS_START_INITRD) {
        say("init: started without the boot resource and the initramfs\n");
        return 1;
    }
    g.resource = ks_start_info->handles[KS_START_RESOURCE];
    g.initrd = ks_start_info->handles[KS_START_INITRD];
    say("init: Kestrel userspace: pid %lld, %u CPUs\n", (long long)ks_start_info->pid,
        ks_cpu_count());
    if (!load_manifest()) {
        say("init: no /etc/services; nothing to start\n");
        return 1;
    }
    int64_t h = ks_sys_endpoint_create();
    int64_t wake = ks_sys_notification_create();
    if (h < 0 || wake < 0) {
        say("init: cannot create its endpoint (%s)\n", ks_strerror(h < 0 ? h : wake));
        return 1;
    }
    g.self = h;
    g.wake = wake;
    supervisor_setup();
    watchdog_start();

    static uint8_t data[256];
    for (;;) {
        uint64_t now = ks_clock_ns();
        supervisor_step(now);
        watchdog_check(now);
        struct ks_msg m;
        memset(&m, 0, sizeof(m));
        m.data = (uint64_t)(uintptr_t)data;
        m.data_cap = sizeof(data);
        if (ks_sys_ipc_recv(g.self, &m, supervisor_next_due(ks_clock_ns())) == 0)
            server_handle(&m);
    }
}
