# SPDX-License-Identifier: MIT
# SMP boot cases (arch/x86_64/kernel/smp*.c), sourced by tests/boot/cases.sh.
#
# With -smp N every CPU the MADT lists comes online, each with its own
# line, and the self-tests pass (the SMP ones among them: call IPIs to
# every CPU and back, a ping between every ordered pair of CPUs, idle
# work, reschedule IPIs, TLB shootdown), on both firmwares
# and both chipsets.  The smp=2 case needs the ktest-smp2.iso image
# (tests/boot/ktest-smp2.cfg); it joins the matrix once the test images
# have a rule for it.
SMP_TESTS=('smp: CPU 0 \(APIC id [0-9]+\) online \(boot CPU\)'
           'ktest: PASS smp_every_listed_cpu_is_online'
           'ktest: PASS smp_call_ipi_reaches_every_cpu_and_is_answered'
           'ktest: PASS smp_ipi_ping_between_every_pair_of_cpus'
           'ktest: PASS smp_idle_work_runs_on_its_cpu_and_refuses_bad_posts'
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
# is reported once; the panic stop's NMI reaches every other CPU.
for fw in bios uefi; do
    qemu_case "smp-panic-on-ap-$fw" only-crash_smp_panic_on_another_cpu.iso 37 \
        "--fw $fw --mem 256M --smp 4" 'smp: 4 of 4 CPUs online' 'PANIC: smp: test panic on CPU 1' \
        'smp: panic stop: 3 of 3 other CPUs halted' \
        -- 'nested panic' 'did not answer' 'boot CPU was not stopped' 'PANIC: [^s]' 'PANIC:.*PANIC'
done
# A panic on CPU 2 while CPU 1 spins with interrupts off: the NMI stops
# CPU 1 too (listed among the CPUs stopped with interrupts off), no NMI is
# reported as a fault, and the panic prints once.
for fw in bios uefi; do
    qemu_case "smp-panic-stops-spinning-cpu-$fw" \
        only-crash_smp_panic_stops_a_cpu_spinning_with_interrupts_off.iso 37 \
        "--fw $fw --mem 256M --smp 4" 'smp: 4 of 4 CPUs online' \
        'PANIC: smp: test panic on CPU 2 while CPU 1 spins with interrupts off' \
        'smp: panic stop: 3 of 3 other CPUs halted; interrupts were off on:( [0-9]+)* 1\b' \
        -- 'nested panic' 'was not stopped' 'NMI non-maskable' 'did not start' 'did not take' \
        'PANIC: [^s]' 'PANIC:.*PANIC'
done
# smp=2 on the command line of a 4-CPU machine starts two.
for fw in bios uefi; do
    qemu_case "smp-limit-2-of-4-$fw" ktest-smp2.iso 33 "--fw $fw --mem 256M --smp 4" \
        'smp: CPU 1 \(APIC id [0-9]+\) online' 'smp: CPU APIC id [0-9]+ not started \(limit 2\)' \
        'smp: 2 of 2 CPUs online' "${SMP_TESTS[@]}" -- 'smp: CPU 2 '
done
