/* SPDX-License-Identifier: MIT */
/*
 * The system builtins, clients of init's service manager and of the
 * PCI service: ps, kill, caps, lspci, reboot, poweroff.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ks.h"
#include "ks_services.h"
#include "ks_system.h"
#include "dot.h"
#include "shell.h"

#define LIST_MAX 1024u          /* entries any listing goes through, at most */

/* The index-th service of init into *info: 0, -KS_ERR_NOT_FOUND past the
 * last, or another error. */
static int64_t init_list(ks_handle_t init, uint32_t index, struct ks_service_info *info)
{
    struct ks_msg m;
    memset(&m, 0, sizeof(m));
    memset(info, 0, sizeof(*info));
    m.label = KS_INIT_LIST;
    m.words[1] = index;
    m.data = (uint64_t)(uintptr_t)info;
    m.data_cap = sizeof(*info);
    int64_t rc = ks_service_call(init, &m);
    if (rc == 0 && m.data_len < sizeof(*info))
        return -KS_ERR_CORRUPT;
    info->name[sizeof(info->name) - 1] = '\0';
    info->binary[sizeof(info->binary) - 1] = '\0';
    return rc;
}

static const char *state_name(uint32_t state)
{
    switch (state) {
    case KS_SERVICE_WAITING: return "waiting";
    case KS_SERVICE_RUNNING: return "running";
    case KS_SERVICE_BACKOFF: return "backoff";
    case KS_SERVICE_STOPPED: return "stopped";
    case KS_SERVICE_FAILED: return "failed";
    default: return "?";
    }
}

/* A decimal pid argument; false (and a message) when it is not one. */
static int parse_pid(const char *name, const char *arg, int64_t *pid)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (!*arg || *end || errno || v < 0) {
        printf("%s: %s: not a process id\n", name, arg);
        return 0;
    }
    *pid = v;
    return 1;
}

static ks_handle_t need_init(const char *name)
{
    ks_handle_t init = shell_init_handle();
    if (!init)
        printf("%s: no service manager (init) to ask\n", name);
    return init;
}

int builtin_ps(int argc, char **argv)
{
    struct ks_service_info info;
    int64_t self = (int64_t)getpid();
    int self_listed = 0;
    (void)argc;
    (void)argv;

    printf("%5s  %-8s %8s %4s  %s\n", "PID", "STATE", "RESTARTS", "PRIO", "NAME");
    ks_handle_t init = shell_init_handle();
    for (uint32_t i = 0; init && i < LIST_MAX; i++) {
        int64_t rc = init_list(init, i, &info);
        if (rc == -KS_ERR_NOT_FOUND)
            break;
        if (rc < 0) {
            shell_error_code("ps", "init", rc);
            break;
        }
        int is_self = info.pid != 0 && info.pid == self;
        self_listed |= is_self;
        if (info.pid)
            printf("%5lld", (long long)info.pid);
        else
            printf("%5s", "-");
        printf("  %-8s %8u %4d  %s (%s)%s\n", state_name(info.state), (unsigned)info.restarts,
               (int)info.priority, info.name, info.binary, is_self ? " <- this shell" : "");
    }
    if (!self_listed)
        printf("%5lld  %-8s %8s %4s  shell (this shell)\n", (long long)self, "running", "-", "-");
    return 0;
}

int builtin_kill(int argc, char **argv)
{
    int64_t pid;
    if (argc != 2) {
        printf("usage: kill PID\n");
        return 2;
    }
    if (!parse_pid("kill", argv[1], &pid))
        return 1;
    ks_handle_t init = need_init("kill");
    if (!init)
        return 1;
    struct ks_msg m;
    memset(&m, 0, sizeof(m));
    m.label = KS_INIT_KILL;
    m.words[1] = (uint64_t)pid;
    int64_t rc = ks_service_call(init, &m);
    if (rc < 0) {
        shell_error_code("kill", argv[1], rc);
        return 1;
    }
    return 0;
}

/* The name init knows pid by, into name (size bytes); false if none. */
static int service_name(int64_t pid, char *name, size_t size)
{
    struct ks_service_info info;
    ks_handle_t init = shell_init_handle();
    for (uint32_t i = 0; init && i < LIST_MAX; i++) {
        if (init_list(init, i, &info) < 0)
            break;
        if (info.pid == pid) {
            snprintf(name, size, "%s", info.name);
            return 1;
        }
    }
    return 0;
}

int builtin_caps(int argc, char **argv)
{
    int64_t pid;
    ks_handle_t process = 0;            /* 0: this process */
    char name[KS_NAME_LEN + KS_SERVICE_NAME_MAX + 2];
    char label[sizeof(name) + 32];

    if (argc != 2) {
        printf("usage: caps PID\n");
        return 2;
    }
    if (!parse_pid("caps", argv[1], &pid))
        return 1;
    int64_t self = (int64_t)getpid();
    if (pid == 0)
        pid = self;
    if (pid != self) {
        ks_handle_t init = need_init("caps");
        if (!init)
            return 1;
        struct ks_msg m;
        memset(&m, 0, sizeof(m));
        m.label = KS_INIT_PROCESS;
        m.words[1] = (uint64_t)pid;
        int64_t rc = ks_service_call(init, &m);
        if (rc == 0 && m.handle_count < 1)
            rc = -KS_ERR_CORRUPT;
        if (rc < 0) {
            shell_error_code("caps", argv[1], rc);
            return 1;
        }
        process = m.handles[0];
    }

    struct ks_process_info pinfo;
    if (pid == self)
        snprintf(name, sizeof(name), "shell");
    else if (!service_name(pid, name, sizeof(name))) {
        if (ks_sys_process_info(process, &pinfo) == 0) {
            pinfo.name[sizeof(pinfo.name) - 1] = '\0';
            snprintf(name, sizeof(name), "%s", pinfo.name);
        } else {
            snprintf(name, sizeof(name), "?");
        }
    }
    snprintf(label, sizeof(label), "pid %lld (%s)", (long long)pid, name);

    /* Printed a line at a time, so a large table needs no large buffer. */
    char buf[512];
    struct dot_out o;
    dot_init(&o, buf, sizeof(buf));
    dot_begin(&o, label);
    printf("%s", buf);
    int status = 0;
    for (uint32_t i = 0; i < 65536u; i++) {
        struct ks_handle_entry e;
        memset(&e, 0, sizeof(e));
        int64_t rc = ks_sys_handle_list(process, i, &e);
        if (rc == -KS_ERR_NOT_FOUND)
            break;
        if (rc < 0) {
            fflush(stdout);
            shell_error_code("caps", argv[1], rc);
            status = 1;
            break;
        }
        dot_reset(&o);
        dot_edge(&o, label, &e);
        printf("%s", buf);
    }
    dot_reset(&o);
    dot_end(&o);
    printf("%s", buf);
    if (process)
        ks_sys_handle_close(process);
    return status;
}

int builtin_lspci(int argc, char **argv)
{
    struct ks_pci_device dev;
    (void)argc;
    (void)argv;

    ks_handle_t pci = ks_service("pci");
    if (!pci) {
        printf("lspci: pci: %s\n", ks_strerror(-KS_ERR_NOT_FOUND));
        return 1;
    }
    for (uint32_t i = 0; i < LIST_MAX; i++) {
        struct ks_msg m;
        memset(&m, 0, sizeof(m));
        memset(&dev, 0, sizeof(dev));
        m.label = KS_PCI_LIST;
        m.words[1] = i;
        m.data = (uint64_t)(uintptr_t)&dev;
        m.data_cap = sizeof(dev);
        int64_t rc = ks_service_call(pci, &m);
        if (rc == -KS_ERR_NOT_FOUND)
            break;
        if (rc == 0 && m.data_len < sizeof(dev))
            rc = -KS_ERR_CORRUPT;
        if (rc < 0) {
            shell_error_code("lspci", "pci", rc);
            return 1;
        }
        printf("%02x:%02x.%x %04x:%04x %s (class %02x.%02x)\n", dev.bus, dev.device,
               dev.function, dev.vendor, dev.device_id,
               shell_pci_class_name(dev.class_code, dev.subclass), dev.class_code,
               dev.subclass);
    }
    return 0;
}

static int power(const char *name, uint32_t op)
{
    ks_handle_t init = need_init(name);
    if (!init)
        return 1;
    fflush(stdout);
    struct ks_msg m;
    memset(&m, 0, sizeof(m));
    m.label = KS_INIT_POWER;
    m.words[1] = op;
    int64_t rc = ks_service_call(init, &m);
    if (rc < 0) {
        shell_error_code(name, NULL, rc);
        return 1;
    }
    return 0;
}

int builtin_reboot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return power("reboot", KS_POWER_REBOOT);
}

int builtin_poweroff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return power("poweroff", KS_POWER_OFF);
}
