# SPDX-License-Identifier: MIT
# Interrupt and time boot cases (arch/x86_64/kernel/{lapic,ioapic,irq,
# clock}.c, kernel/time/), sourced by tests/boot/cases.sh.
#
# Every boot must bring up the local APIC and the I/O APIC, calibrate the
# TSC and the LAPIC timer against the HPET and print the `time:` line,
# then pass every self-test (interrupt and timer tests among them), on
# both firmwares and both chipsets.  Without an HPET (hpet=off) the PIT
# is the reference, and the calibration and sleep tests must still pass.
TIME_LINE='time: TSC [0-9]+\.[0-9]{3} MHz, LAPIC timer [0-9]+\.[0-9]{3} MHz, calibrated against'
TIME_CHECKS=('apic: local APIC id [0-9]+, xAPIC at 0x[0-9a-f]+'
             'ioapic: id [0-9]+ at 0x[0-9a-f]+, version 0x[0-9a-f]+, GSI 0-[0-9]+, all masked'
             'ioapic: ISA IRQ 0 -> GSI 2, edge'
             "$TIME_LINE HPET"
             'ktest: PASS pit_irq0_arrives_through_the_io_apic_on_its_override_gsi'
             'ktest: PASS tsc_and_lapic_rates_agree_with_the_reference_within_2_percent'
             'ktest: PASS sleep_of_n_ms_lasts_at_least_n_ms_by_the_reference'
             'ktest: [1-9][0-9]* passed, 0 failed')
for machine in q35 pc; do
    for fw in bios uefi; do
        qemu_case "time-$fw-$machine" ktest.iso 33 "--fw $fw --machine $machine --mem 256M" \
            "${TIME_CHECKS[@]}" -- 'apic: error interrupt'
    done
done
# No HPET: the PIT calibrates, and the rates and sleeps still check out.
for fw in bios uefi; do
    qemu_case "time-$fw-pit-only" only-tsc_and_lapic_rates_agree_with_the_reference_within_2_percent.iso 33 \
        "--fw $fw --machine q35,hpet=off --mem 256M" "$TIME_LINE PIT" \
        'ktest: 1 passed, 0 failed' -- 'hpet: at'
    qemu_case "time-$fw-pit-only-sleep" only-sleep_of_n_ms_lasts_at_least_n_ms_by_the_reference.iso 33 \
        "--fw $fw --machine q35,hpet=off --mem 256M" "$TIME_LINE PIT" \
        'ktest: 1 passed, 0 failed'
done
