/*
 * PIIX3 function 0 registers and the PIIX4 power-management function:
 * PMBASE, PM timer rate and TMR_STS, SCI level, PM1 control (S5), APM
 * handshake, GPE0, SMBus host.
 */
#include "tests/unit/pci-fixture.h"
#include "emu/main-loop.h"

#define DEVFN_ISA PCI_DEVFN(1, 0)
#define DEVFN_PM PCI_DEVFN(1, 3)
#define PMB 0xb000
#define SCI 9

static uint32_t ticks_at(int64_t ns)
{
    return (uint32_t)((__int128)ns * PM_TIMER_FREQUENCY /
                      NANOSECONDS_PER_SECOND) & 0xffffff;
}

static void pm_enable(PCFixture *f)
{
    /* What SeaBIOS's piix4_pm_config_setup() writes. */
    cfg_write(f, DEVFN_PM, PCI_INTERRUPT_LINE, 1, SCI);
    cfg_write(f, DEVFN_PM, 0x40, 4, PMB | 1);
    cfg_write(f, DEVFN_PM, 0x80, 1, 0x01);
}

static void test_piix3_regs(void)
{
    PCFixture f;
    fixture_init(&f);

    CHECK_EQ(cfg_read(&f, DEVFN_ISA, 0x60, 4), 0x80808080);
    CHECK_EQ(cfg_read(&f, DEVFN_ISA, PCI_COMMAND, 2), 0x0007);
    CHECK_EQ(cfg_read(&f, DEVFN_ISA, 0x4c, 1), 0x4d);
    cfg_write(&f, DEVFN_ISA, 0x60, 1, 0xff); /* bits 6:4 reserved */
    CHECK_EQ(cfg_read(&f, DEVFN_ISA, 0x60, 1), 0x8f);
    devices_reset_all();
    CHECK_EQ(cfg_read(&f, DEVFN_ISA, 0x60, 1), 0x80);

    fixture_cleanup(&f);
}

static void test_pm_config(void)
{
    PCFixture f;
    fixture_init(&f);

    CHECK_EQ(cfg_read(&f, DEVFN_PM, 0x40, 4), 0x00000001);
    CHECK_EQ(cfg_read(&f, DEVFN_PM, 0x80, 1), 0x00);
    CHECK_EQ(cfg_read(&f, DEVFN_PM, 0x58, 4), 0x02000000); /* APMC_EN */
    CHECK_EQ(cfg_read(&f, DEVFN_PM, PCI_INTERRUPT_PIN, 1), 1);
    /* PM block not decoded yet. */
    CHECK_EQ(inw(&f.tb, PMB + 4), 0xffff);

    cfg_write(&f, DEVFN_PM, 0x40, 4, 0xffffffff);
    CHECK_EQ(cfg_read(&f, DEVFN_PM, 0x40, 4), 0x0000ffc1);
    pm_enable(&f);
    CHECK_EQ(cfg_read(&f, DEVFN_PM, 0x40, 4), PMB | 1);
    CHECK_EQ(inw(&f.tb, PMB + 4), ACPI_PM1_CNT_SCI_EN);
    CHECK_EQ(inw(&f.tb, PMB + 0), 0x0000);
    /* Disable PMIOSE: gone again. */
    cfg_write(&f, DEVFN_PM, 0x80, 1, 0x00);
    CHECK_EQ(inw(&f.tb, PMB + 4), 0xffff);

    /* The direct-boot helper does what firmware does. */
    piix4_pm_set_base(f.pm, 0x600);
    CHECK_EQ(cfg_read(&f, DEVFN_PM, 0x40, 4), 0x601);
    CHECK_EQ(cfg_read(&f, DEVFN_PM, 0x80, 1), 0x01);
    CHECK_EQ(cfg_read(&f, DEVFN_PM, PCI_INTERRUPT_LINE, 1), SCI);
    CHECK_EQ(inw(&f.tb, 0x604), ACPI_PM1_CNT_SCI_EN);

    /* SMBus host: no device acknowledges. */
    CHECK_EQ(cfg_read(&f, DEVFN_PM, 0x90, 4), 0x701);
    CHECK_EQ(inb(&f.tb, 0x700), 0x00);
    outb(&f.tb, 0x704, 0xa1);          /* address 0x50, read */
    outb(&f.tb, 0x702, 0x48);          /* byte data, start */
    CHECK_EQ(inb(&f.tb, 0x700) & 0x04, 0x04); /* DEV_ERR */
    CHECK_EQ(inb(&f.tb, 0x702) & 0x40, 0);
    outb(&f.tb, 0x700, 0x1e);
    CHECK_EQ(inb(&f.tb, 0x700), 0x00);
    CHECK_EQ(inb(&f.tb, 0x704), 0xa1);

    fixture_cleanup(&f);
}

static void test_pm_timer_rate(void)
{
    PCFixture f;
    fixture_init(&f);
    pm_enable(&f);

    int64_t t0 = clock_get_ns(CLOCK_VIRTUAL);
    CHECK_EQ(inl(&f.tb, PMB + 8), ticks_at(t0));
    clock_step_ns(NANOSECONDS_PER_SECOND);
    uint32_t a = inl(&f.tb, PMB + 8);
    CHECK_EQ(a, ticks_at(t0 + NANOSECONDS_PER_SECOND));
    /* One second is 3579545 ticks, modulo the 24-bit wrap. */
    CHECK_EQ((a - ticks_at(t0)) & 0xffffff, PM_TIMER_FREQUENCY);
    clock_step_ns(1000 * 1000);
    uint32_t b = inl(&f.tb, PMB + 8);
    CHECK(((b - a) & 0xffffff) == 3579 || ((b - a) & 0xffffff) == 3580);

    /* Byte reads see the same counter; it never exceeds 24 bits. */
    CHECK_EQ(inb(&f.tb, PMB + 9), (b >> 8) & 0xff);
    CHECK_EQ(inb(&f.tb, PMB + 11), 0);
    for (int i = 0; i < 6; i++) {
        clock_step_ns(NANOSECONDS_PER_SECOND);
        CHECK(inl(&f.tb, PMB + 8) <= 0xffffff);
    }
    /* Writes are ignored. */
    uint32_t c = inl(&f.tb, PMB + 8);
    outl(&f.tb, PMB + 8, 0);
    CHECK_EQ(inl(&f.tb, PMB + 8), c);

    fixture_cleanup(&f);
}

/* Time of the next bit-23 toggle of the PM timer after now. */
static int64_t next_toggle_ns(void)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    int64_t t = (int64_t)((__int128)now * PM_TIMER_FREQUENCY /
                          NANOSECONDS_PER_SECOND);
    int64_t next = (t | 0x7fffff) + 1;
    return (int64_t)(((__int128)next * NANOSECONDS_PER_SECOND +
                      PM_TIMER_FREQUENCY - 1) /
                     PM_TIMER_FREQUENCY);
}

static void test_pm_tmr_sts_sci(void)
{
    PCFixture f;
    fixture_init(&f);
    pm_enable(&f);
    IRQProbe *sci = &f.tb.irq[SCI];

    outw(&f.tb, PMB + 0, 0xffff); /* clear what is pending */
    CHECK_EQ(inw(&f.tb, PMB + 0) & ACPI_PM1_TMR, 0);
    outw(&f.tb, PMB + 2, ACPI_PM1_TMR);
    CHECK_EQ(inw(&f.tb, PMB + 2), ACPI_PM1_TMR);
    CHECK_EQ(sci->level, 0);

    /* The SCI rises exactly when bit 23 toggles. */
    int64_t due = next_toggle_ns();
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    CHECK(due - now <= 2400 * 1000 * 1000LL); /* 2^23 ticks = 2.34 s */
    clock_step_ns(due - now - 1);
    CHECK_EQ(sci->level, 0);
    CHECK_EQ(inw(&f.tb, PMB + 0) & ACPI_PM1_TMR, 0);
    clock_step_ns(1);
    CHECK_EQ(sci->level, 1);
    CHECK_EQ(inw(&f.tb, PMB + 0) & ACPI_PM1_TMR, ACPI_PM1_TMR);
    CHECK_EQ((inl(&f.tb, PMB + 8) >> 23) & 1, (ticks_at(due) >> 23) & 1);

    /* Write 1 to clear: the level drops; writing 0 changes nothing. */
    outw(&f.tb, PMB + 0, 0);
    CHECK_EQ(sci->level, 1);
    outw(&f.tb, PMB + 0, ACPI_PM1_TMR);
    CHECK_EQ(sci->level, 0);
    CHECK_EQ(inw(&f.tb, PMB + 0) & ACPI_PM1_TMR, 0);

    /* TMR_EN off: the status still latches, no SCI. */
    outw(&f.tb, PMB + 2, 0);
    clock_step_ns(2400 * 1000 * 1000LL);
    CHECK_EQ(sci->level, 0);
    CHECK_EQ(inw(&f.tb, PMB + 0) & ACPI_PM1_TMR, ACPI_PM1_TMR);
    /* Enabling with the status pending raises the SCI at once. */
    outw(&f.tb, PMB + 2, ACPI_PM1_TMR);
    CHECK_EQ(sci->level, 1);
    outw(&f.tb, PMB + 2, 0);
    CHECK_EQ(sci->level, 0);

    /* Power button. */
    outw(&f.tb, PMB + 0, 0xffff);
    piix4_pm_power_button(f.pm);
    CHECK_EQ(sci->level, 0); /* not enabled: ignored */
    outw(&f.tb, PMB + 2, ACPI_PM1_PWRBTN);
    piix4_pm_power_button(f.pm);
    CHECK_EQ(sci->level, 1);
    CHECK_EQ(inw(&f.tb, PMB + 0) & ACPI_PM1_PWRBTN, ACPI_PM1_PWRBTN);
    outb(&f.tb, PMB + 1, ACPI_PM1_PWRBTN >> 8);
    CHECK_EQ(sci->level, 0);

    /* GPE0: enable bits read back, status is write-1-to-clear only. */
    outw(&f.tb, PIIX4_PM_GPE0_BASE + 2, 0x0f0f);
    CHECK_EQ(inw(&f.tb, PIIX4_PM_GPE0_BASE + 2), 0x0f0f);
    outw(&f.tb, PIIX4_PM_GPE0_BASE, 0xffff);
    CHECK_EQ(inw(&f.tb, PIIX4_PM_GPE0_BASE), 0);
    CHECK_EQ(sci->level, 0);

    /* Reset lowers the SCI and clears the enables. */
    outw(&f.tb, PMB + 2, ACPI_PM1_PWRBTN);
    piix4_pm_power_button(f.pm);
    CHECK_EQ(sci->level, 1);
    devices_reset_all();
    CHECK_EQ(sci->level, 0);

    fixture_cleanup(&f);
}

static void test_apm_handshake(void)
{
    PCFixture f;
    fixture_init(&f);
    pm_enable(&f);
    DeviceState *pm = &piix4_pm_pci_device(f.pm)->parent;

    /* Default acpi-only: SCI_EN set at reset and kept. */
    CHECK_EQ(inw(&f.tb, PMB + 4) & ACPI_PM1_CNT_SCI_EN, 1);
    outb(&f.tb, 0xb2, 0xf0);
    CHECK_EQ(inw(&f.tb, PMB + 4) & ACPI_PM1_CNT_SCI_EN, 1);

    /* Legacy mode: the OS hands over with SMI_CMD. */
    device_prop_set_bool(pm, "acpi-only", false);
    device_reset(pm);
    pm_enable(&f);
    CHECK_EQ(inw(&f.tb, PMB + 4) & ACPI_PM1_CNT_SCI_EN, 0);
    outb(&f.tb, 0xb2, 0xf1); /* ACPI_ENABLE */
    CHECK_EQ(inw(&f.tb, PMB + 4) & ACPI_PM1_CNT_SCI_EN, 1);
    CHECK_EQ(inb(&f.tb, 0xb2), 0xf1);
    outb(&f.tb, 0xb2, 0xf0); /* ACPI_DISABLE */
    CHECK_EQ(inw(&f.tb, PMB + 4) & ACPI_PM1_CNT_SCI_EN, 0);
    outb(&f.tb, 0xb3, 0x5a);
    CHECK_EQ(inb(&f.tb, 0xb3), 0x5a);

    fixture_cleanup(&f);
}

static void test_pm1_cnt_s5(void)
{
    PCFixture f;
    fixture_init(&f);
    pm_enable(&f);

    /* SCI_EN and SLP_TYP read back; SLP_EN reads 0. */
    outw(&f.tb, PMB + 4, 0x0001 | (5 << 10));
    CHECK_EQ(inw(&f.tb, PMB + 4), 0x0001 | (5 << 10));
    /* S3 (type 1) is not supported: no shutdown. */
    outw(&f.tb, PMB + 4, 0x0001 | (1 << 10) | ACPI_PM1_CNT_SLP_EN);
    CHECK(!system_shutdown_requested());
    CHECK_EQ(inw(&f.tb, PMB + 4) & ACPI_PM1_CNT_SLP_EN, 0);
    /* SLP_TYP 0 without SLP_EN: nothing. */
    outw(&f.tb, PMB + 4, 0x0001);
    CHECK(!system_shutdown_requested());
    /* S5. */
    outw(&f.tb, PMB + 4, 0x0001 | ACPI_PM1_CNT_SLP_EN);
    CHECK(system_shutdown_requested());

    fixture_cleanup(&f);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_piix3_regs);
    TEST_RUN(test_pm_config);
    TEST_RUN(test_pm_timer_rate);
    TEST_RUN(test_pm_tmr_sts_sci);
    TEST_RUN(test_apm_handshake);
    TEST_RUN(test_pm1_cnt_s5); /* last: the shutdown request sticks */
    return test_finish();
}
