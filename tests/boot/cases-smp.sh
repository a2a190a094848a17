# SPDX-License-Identifier: MIT
# SMP boot cases (arch/x86_64/kernel/smp*.c), sourced by tests/boot/cases.sh.
#
# With -smp N every CPU the MADT lists comes online, each with its own
# line, and the self-tests pass (the SMP ones among them: call IPIs to
# every CPU and back, reschedule IPIs, TLB shootdown), on both firmwares
# and both chipsets.  The smp=2 case needs the ktest-smp2.iso image
# (tests/boot/ktest-smp2.cfg); it joins the matrix once the test images
# have a rule for it.
SMP_TESTS=('ktest: PASS smp_every_listed_cpu_is_online'
           'ktest: PASS smp_call_ipi_reaches_every_cpu_and_is_answered'
           'ktest: PASS smp_reschedule_ipi_is_counted_by_its_target'
           'ktest: PASS smp_tlb_shootdown_makes_a_remap_and_an_unmap_visible_on_every_cpu'
           'ktest: [1-9][0-9]* passed, 0 failed')
for machine in q35 pc; do
    for fw in bios uefi; do
        for n in 1 2 4 8; do
            cpu_lines=()
            for ((i = 1; i < n; i++)); do
                cpu_lines+=("smp: CPU $i \\(APIC id [0-9]+\\) online")
            done
            qemu_case "smp-$n-$fw-$machine" ktest.iso 33 \
                "--fw $fw --machine $machine --mem 256M --smp $n" \
                "${cpu_lines[@]}" "smp: $n of $n CPUs online" "${SMP_TESTS[@]}" \
                -- 'did not come online' 'PANIC' 'stale TLB'
        done
    done
done
# A panic on CPU 1 stops the boot CPU (waiting for the call's reply) and
# is reported once.
for fw in bios uefi; do
    qemu_case "smp-panic-on-ap-$fw" only-crash_smp_panic_on_another_cpu.iso 37 \
        "--fw $fw --mem 256M --smp 4" 'smp: 4 of 4 CPUs online' 'PANIC: smp: test panic on CPU 1' \
        -- 'nested panic' 'did not answer' 'boot CPU was not stopped'
done
# smp=2 on the command line of a 4-CPU machine starts two.
for fw in bios uefi; do
    qemu_case "smp-limit-2-of-4-$fw" ktest-smp2.iso 33 "--fw $fw --mem 256M --smp 4" \
        'smp: CPU 1 \(APIC id [0-9]+\) online' 'smp: CPU APIC id [0-9]+ not started \(limit 2\)' \
        'smp: 2 of 2 CPUs online' "${SMP_TESTS[@]}" -- 'smp: CPU 2 '
done
