/*
 * Fuzz target: the PIIX4 power-management function (00:01.3): its
 * configuration space (PMBA, PMREGMISC, SMBBA, DEVACTB...), the PM I/O
 * block at PMBASE (0x600 to begin with, movable by the guest), the SMBus
 * host registers, GPE0 at 0xAFE0 and APM at 0xB2.  Events press the power
 * button or run a configuration cycle.  The PM timer runs on the virtual
 * clock.  An S5 request only sets a flag in the rig.
 *
 * Invariant: PM_TMR reads as a 24-bit counter that advanced between two
 * reads by exactly the ticks of 3.579545 MHz in the virtual time between
 * them.
 */
#include "tests/fuzz/fuzz-pc.h"
#include "emu/main-loop.h"

static int64_t last_tmr = -1, last_tmr_ns;

static void pm_fz_setup(FuzzRig *r)
{
    last_tmr = -1;
    pcfz_init(r);
    fuzz_add_window(r, FUZZ_IO, PCFZ_PM_BASE, 64);
    fuzz_add_window(r, FUZZ_IO, PCFZ_PM_BASE + 0x100, 16); /* SMBus */
    fuzz_add_window(r, FUZZ_IO, 0xafe0, 4);
    fuzz_add_window(r, FUZZ_IO, 0xb2, 2);
    fuzz_add_window(r, FUZZ_IO, 0xcf8, 8);
}

static void pm_fz_teardown(FuzzRig *r)
{
    pcfz_teardown(r);
}

static void pm_fz_event(FuzzRig *r, const FuzzOp *op)
{
    PCFuzz *f = r->s;
    if ((op->offset & 0xc0000000u) == 0x40000000u) {
        piix4_pm_power_button(f->pm);
    } else if (!(op->offset & 0x80000000u)) {
        /* Mostly the PM function's own configuration registers. */
        pci_host_config_write(
            f->bus, 0x80000000u | PCFZ_PM_DEVFN << 8 | (op->offset & 0xff),
            op->value, op->size);
    } else {
        pcfz_event(r, op);
    }
}

static void pm_fz_reset(FuzzRig *r)
{
    devices_reset_all();
    last_tmr = -1;
}

static int64_t ticks_at(int64_t ns)
{
    return (int64_t)((__int128)ns * PM_TIMER_FREQUENCY /
                     NANOSECONDS_PER_SECOND);
}

static void pm_fz_check_read(FuzzRig *r, const FuzzOp *op, uint32_t val)
{
    PCFuzz *f = r->s;
    const uint8_t *c = piix4_pm_pci_device(f->pm)->config;
    uint16_t base = (c[0x40] | c[0x41] << 8) & 0xffc0;

    if (op->addr != PCFZ_PM_BASE + 8 || op->size != 4 || base != PCFZ_PM_BASE ||
        !(c[0x80] & 1)) {
        return;
    }
    /* PM_TMR is a 24-bit counter at 3.579545 MHz of virtual time. */
    FUZZ_ASSERT(r, val <= 0xffffff);
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    if (last_tmr >= 0) {
        int64_t want = ticks_at(now) - ticks_at(last_tmr_ns);
        int64_t got = (val - (uint32_t)last_tmr) & 0xffffff;
        if (got != (want & 0xffffff)) {
            fuzz_fail(r,
                      "PM_TMR moved by %" PRId64 " ticks in %" PRId64
                      " ns, want %" PRId64,
                      got, now - last_tmr_ns, want);
        }
    }
    last_tmr = val;
    last_tmr_ns = now;
}

static void pm_fz_check(FuzzRig *r, const FuzzOp *op)
{
    pcfz_check_ids(r);
    system_requests_clear();
}

const FuzzTarget fuzz_target = {
    .name = "piix4-pm",
    .covers = "hw/acpi/piix4.c",
    .setup = pm_fz_setup,
    .teardown = pm_fz_teardown,
    .event = pm_fz_event,
    .reset = pm_fz_reset,
    .check_read = pm_fz_check_read,
    .check = pm_fz_check,
};
