/* SPDX-License-Identifier: MIT */
/*
 * The machine-wide calls: resource_info (what the boot left), power (only
 * its refusals: a real power off ends the suite; the scripted sessions
 * power off for real), handle_list (a process's table, the capability
 * graph's source) and boot_milestone.
 */
#include "usertest.h"
#include "ks_system.h"

static int64_t resource(void)
{
    const struct ks_start_info *info = ks_start_info;
    return info ? info->handles[KS_START_RESOURCE] : 0;
}

TEST(resource_info_reports_the_machine)
{
    struct ks_resource_info info;
    memset(&info, 0xA5, sizeof(info));
    CHECK_EQ(ks_sys_resource_info((uint64_t)resource(), &info), 0);
    CHECK_EQ(info.cpus, ks_cpu_count());
    CHECK(info.firmware == KS_FW_BIOS || info.firmware == KS_FW_UEFI);
    CHECK(info.screen.type <= KS_FB_VGA_TEXT);
    if (info.screen.type == KS_FB_NONE) {
        CHECK_EQ(info.screen_size, 0);
    } else {
        CHECK(info.screen.width > 0 && info.screen.height > 0);
        CHECK_EQ(info.screen_size, (uint64_t)info.screen.pitch * info.screen.height);
    }
    /* QEMU's machines have an FADT with \_S5. */
    CHECK_EQ(info.acpi_power_off, 1);
    CHECK(info.acpi_reset <= 1);
    /* No right is needed: a duplicate without MANAGE still reads. */
    int64_t weak = ks_sys_handle_duplicate(resource(), KS_RIGHT_DUPLICATE);
    CHECK(weak > 0);
    CHECK_EQ(ks_sys_resource_info((uint64_t)weak, &info), 0);
    for (unsigned i = 0; i < BAD_POINTER_COUNT; i++)
        check_fault("resource_info", bad_pointers[i],
                    ks_syscall3(KS_SYS_RESOURCE_INFO, (uint64_t)resource(), bad_pointers[i], 0));
    int64_t n = ks_sys_notification_create();
    CHECK_EQ(ks_sys_resource_info((uint64_t)n, &info),
             -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_resource_info(0x7777, &info), -KS_ERR_BAD_HANDLE);
    /* power: a bad operation, a handle without MANAGE, another object. */
    CHECK_EQ(ks_syscall3(KS_SYS_POWER, (uint64_t)resource(), 0, 0), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_syscall3(KS_SYS_POWER, (uint64_t)resource(), 3, 0), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_syscall3(KS_SYS_POWER, (uint64_t)resource(), 1ull << 32 | KS_POWER_OFF, 0),
             -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_syscall3(KS_SYS_POWER, (uint64_t)weak, KS_POWER_OFF, 0), -KS_ERR_DENIED);
    CHECK_EQ(ks_syscall3(KS_SYS_POWER, (uint64_t)n, KS_POWER_REBOOT, 0), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_handle_close(weak), 0);
    CHECK_EQ(ks_sys_handle_close(n), 0);
}

/* Find the entry naming handle h in process's table (0 = self). */
static int find_entry(int64_t process, int64_t h, struct ks_handle_entry *out, uint32_t *count)
{
    int found = 0;
    uint32_t i = 0;
    for (;; i++) {
        struct ks_handle_entry e;
        int64_t err = ks_syscall3(KS_SYS_HANDLE_LIST, (uint64_t)process, i, (uint64_t)&e);
        if (err == -KS_ERR_NOT_FOUND)
            break;
        if (err < 0 || i > 5000)
            return -1;
        if (e.handle == h) {
            *out = e;
            found = 1;
        }
    }
    *count = i;
    return found;
}

TEST(handle_list_walks_a_table)
{
    uint32_t before = 0, after = 0;
    struct ks_handle_entry e;
    CHECK_EQ(find_entry(0, 0x7777, &e, &before), 0);
    int64_t n = ks_sys_notification_create();
    int64_t dup = ks_sys_handle_duplicate(n, KS_RIGHT_SIGNAL | KS_RIGHT_TRANSFER);
    CHECK(n > 0 && dup > 0);
    CHECK_EQ(find_entry(0, dup, &e, &after), 1);
    CHECK_EQ(after, before + 2);
    CHECK_EQ(e.info.type, KS_OBJECT_NOTIFICATION);
    CHECK_EQ(e.info.rights, KS_RIGHT_SIGNAL | KS_RIGHT_TRANSFER);
    struct ks_handle_info info;
    CHECK_EQ(ks_sys_handle_info(n, &info), 0);
    CHECK_EQ(e.info.object_id, info.object_id);
    CHECK_EQ(find_entry(0, n, &e, &after), 1);
    CHECK_EQ(e.info.derived, 1);
    CHECK_EQ(ks_sys_handle_close(dup), 0);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    CHECK_EQ(find_entry(0, n, &e, &after), 0);
    CHECK_EQ(after, before);
    /* Past the end, far past it, bad output pointers. */
    CHECK_EQ(ks_syscall3(KS_SYS_HANDLE_LIST, 0, before, (uint64_t)&e), -KS_ERR_NOT_FOUND);
    CHECK_EQ(ks_syscall3(KS_SYS_HANDLE_LIST, 0, 1ull << 40, (uint64_t)&e), -KS_ERR_NOT_FOUND);
    for (unsigned i = 0; i < BAD_POINTER_COUNT; i++)
        check_fault("handle_list", bad_pointers[i],
                    ks_syscall3(KS_SYS_HANDLE_LIST, 0, 0, bad_pointers[i]));
}

TEST(handle_list_of_a_child_needs_read)
{
    /* The child starts with exactly the handle given. */
    int64_t n = ks_sys_notification_create();
    const char *argv[] = { "bin/crasher", "sleep-forever" };
    int64_t child = ks_sys_spawn("bin/crasher", argv, 2, &n, 1);
    CHECK(child > 0);
    if (child <= 0)
        return;
    struct ks_handle_info mine;
    CHECK_EQ(ks_sys_handle_info(n, &mine), 0);
    struct ks_handle_entry e;
    CHECK_EQ(ks_syscall3(KS_SYS_HANDLE_LIST, (uint64_t)child, 0, (uint64_t)&e), 0);
    CHECK_EQ(e.info.object_id, mine.object_id);
    CHECK_EQ(e.info.type, KS_OBJECT_NOTIFICATION);
    CHECK_EQ(ks_syscall3(KS_SYS_HANDLE_LIST, (uint64_t)child, 1, (uint64_t)&e),
             -KS_ERR_NOT_FOUND);
    int64_t blind = ks_sys_handle_duplicate(child, KS_RIGHT_WAIT);
    CHECK(blind > 0);
    CHECK_EQ(ks_syscall3(KS_SYS_HANDLE_LIST, (uint64_t)blind, 0, (uint64_t)&e), -KS_ERR_DENIED);
    CHECK_EQ(ks_syscall3(KS_SYS_HANDLE_LIST, (uint64_t)n, 0, (uint64_t)&e), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_syscall3(KS_SYS_HANDLE_LIST, 0x7777, 0, (uint64_t)&e), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_process_kill(child), 0);
    struct ks_exit_status st;
    CHECK_EQ(ks_sys_wait(child, &st, 30000 * NS_PER_MS), 0);
    /* An ended process has no table left. */
    CHECK_EQ(ks_syscall3(KS_SYS_HANDLE_LIST, (uint64_t)child, 0, (uint64_t)&e), -KS_ERR_NOT_FOUND);
    CHECK_EQ(ks_sys_handle_close(blind), 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    CHECK_EQ(ks_sys_handle_close(n), 0);
}

TEST(boot_milestone_logs_time_since_the_loader)
{
    int64_t first = ks_sys_boot_milestone("usertest milestone");
    int64_t second = ks_sys_boot_milestone("usertest milestone");
    CHECK(first > 0);
    CHECK(second >= first);
    char long_name[80];
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = 0;
    CHECK_EQ(ks_sys_boot_milestone(long_name), -KS_ERR_INVALID_ARGUMENT);
    for (unsigned i = 0; i < BAD_POINTER_COUNT; i++)
        check_fault("boot_milestone", bad_pointers[i],
                    ks_syscall3(KS_SYS_BOOT_MILESTONE, bad_pointers[i], 0, 0));
}
