# SPDX-License-Identifier: MIT
# Userspace boot cases (sourced by tests/boot/cases.sh): the userspace
# suite (bin/usertest, test initramfs) as the first process on one and
# four CPUs, BIOS and UEFI, ISO and disk, the default CPU model (FXSAVE,
# no SMEP/SMAP) and `-cpu max` (XSAVE with AVX, SMEP, SMAP, UMIP); and
# first processes that cannot run.  Faults the suite provokes on purpose
# are logged as `fault: process ...` lines: they must not be panics.

user_ok() { # cpus
    echo "init: started bin/usertest as process 1 on $1 CPUs"
    echo 'usertest: [1-9][0-9]* passed, 0 failed'
    echo 'fault: process [0-9]+ \(crasher\) thread [0-9]+: #PF'
    echo 'init: the first process exited with status 0'
    # test_log.c played the COM1 driver: its line went out through it,
    # the unsent one the kernel printed itself, once it had COM1 back.
    echo '^driver> \[ *[0-9]+\.[0-9]+\] log-test: line one, printed by the driver'
    echo '^\[ *[0-9]+\.[0-9]+\] log-test: line two, re-sent by the kernel'
    echo '^\[ *[0-9]+\.[0-9]+\] log-test: line three, the kernel.s own again'
}
mapfile -t USER_1 < <(user_ok 1)
mapfile -t USER_4 < <(user_ok 4)
USER_NOT=(-- 'PANIC' 'usertest: FAIL' 'kernel stack overflow' 'log-test: flood'
          '^\[ *[0-9]+\.[0-9]+\] log-test: line one')

qemu_case user-bios-iso-1cpu  usertest.iso 33 "--fw bios --smp 1" "${USER_1[@]}" "${USER_NOT[@]}"
qemu_case user-bios-iso-4cpu  usertest.iso 33 "--fw bios --smp 4" "${USER_4[@]}" \
    'cpu: user mode: SYSCALL, NX; FPU state FXSAVE' "${USER_NOT[@]}"
qemu_case user-uefi-iso-4cpu-max usertest.iso 33 "--fw uefi --smp 4 --cpu max" "${USER_4[@]}" \
    'cpu: user mode: SYSCALL, SMEP, SMAP, UMIP, NX; FPU state XSAVE' "${USER_NOT[@]}"
# The same suite with the IPC fast path turned off (ipc=slow): every
# register call takes the slow path and must give the same results.
qemu_case user-slow-bios-iso-1cpu usertest-slow.iso 33 "--fw bios --smp 1" "${USER_1[@]}" \
    'ipc: fast path off \(ipc=slow\)' "${USER_NOT[@]}"
qemu_case user-slow-uefi-iso-4cpu usertest-slow.iso 33 "--fw uefi --smp 4" "${USER_4[@]}" \
    'ipc: fast path off \(ipc=slow\)' "${USER_NOT[@]}"
qemu_case user-uefi-disk-1cpu usertest.img 33 "--fw uefi --smp 1" "${USER_1[@]}" "${USER_NOT[@]}"
qemu_case user-bios-disk-1cpu-max usertest.img 33 "--fw bios --smp 1 --cpu max" "${USER_1[@]}" \
    'FPU state XSAVE[A-Z]* [0-9]+ bytes \(x87 SSE AVX' "${USER_NOT[@]}"

# A first process that cannot run gets a clear message and a failing exit.
qemu_case init-not-elf init-not-elf.iso 35 "--fw bios" \
    'spawn: etc/motd: not a program Kestrel can run: ' \
    'kestrel: fatal: the first process could not be started' -- 'PANIC'
qemu_case init-missing init-missing.iso 35 "--fw uefi" \
    'kestrel: fatal: no first process: init=PATH names no file in the initramfs' -- 'PANIC'
