/*
 * Fuzz target: the PCI core (hw/core/pci.c): configuration cycles, BAR
 * sizing and remapping, the expansion ROM BAR, the command register's
 * enables and INTx, on the i440FX chipset plus a device at 00:03.0 with one
 * BAR of each kind: 32 bytes of I/O, 4 KiB of MMIO, 1 MiB of 64-bit
 * prefetchable RAM and a 64 KiB ROM.  Events are configuration cycles
 * (mostly to 00:03.0), accesses relative to where the BARs are now, and
 * INTA# changes.
 *
 * Invariants: a BAR the core maps has its decode bit enabled in COMMAND;
 * where the MMIO BAR is mapped (above 1 MiB, below the BIOS and clear of
 * the other BARs) a read returns the device's own pattern; where the I/O
 * BAR is mapped (clear of the chipset's ports) a byte written reads back.
 */
#include "tests/fuzz/fuzz-pc.h"

#define FZDEV PCI_DEVFN(3, 0)

#include "tests/unit/pci-testdev.h"

static void pci_fz_setup(FuzzRig *r)
{
    Error *err = NULL;
    pcfz_init(r);
    DeviceState *dev = device_new("test-pci-dev");
    if (device_set_prop(dev, "addr", "3", &err) < 0 ||
        device_realize(dev, &pcfz.bus->qbus, &err) < 0) {
        fuzz_must(NULL, err, "test-pci-dev");
    }
    device_reset(dev);
    pcfz.extra = container_of(dev, TestPCIDev, pci.parent);
    fuzz_add_window(r, FUZZ_IO, 0xcf8, 8);
    /* Where firmware usually puts BARs, and the low I/O ports. */
    fuzz_add_window(r, FUZZ_MEM, 0xe0000000, 0x1000000);
    fuzz_add_window(r, FUZZ_IO, 0xc000, 0x100);
}

static void pci_fz_teardown(FuzzRig *r)
{
    TestPCIDev *d = pcfz.extra;
    pci_set_irq(&d->pci, 0);
    device_free(&d->pci.parent);
    pcfz_teardown(r);
}

static void pci_fz_event(FuzzRig *r, const FuzzOp *op)
{
    TestPCIDev *d = pcfz.extra;
    switch ((op->offset >> 28) & 3) {
    case 0: /* a configuration cycle to the test device */
        if (op->value & 0x80000000u) {
            (void)pci_host_config_read(
                pcfz.bus, 0x80000000u | FZDEV << 8 | (op->offset & 0xff),
                op->size);
        } else {
            pci_host_config_write(
                pcfz.bus, 0x80000000u | FZDEV << 8 | (op->offset & 0xff),
                op->value, op->size);
        }
        break;
    case 1: { /* an access relative to a BAR's current mapping */
        const PCIBar *b = &d->pci.bars[op->offset % 3];
        if (b->addr == PCI_BAR_UNMAPPED) {
            break;
        }
        AddressSpace *as =
            b->type & PCI_BASE_ADDRESS_SPACE_IO ? &r->tb.io_as : &r->tb.mem_as;
        uint64_t a = b->addr + (op->offset >> 2) % b->size;
        if (op->value & 1) {
            (void)as_in(as, a, op->size);
        } else {
            as_out(as, a, op->size, op->value);
        }
        break;
    }
    case 2:
        pci_set_irq(&d->pci, op->value & 1);
        break;
    default:
        pcfz_event(r, op);
        break;
    }
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static void pci_fz_check(FuzzRig *r, const FuzzOp *op)
{
    TestPCIDev *d = pcfz.extra;
    const uint8_t *c = d->pci.config;
    uint16_t cmd = c[PCI_COMMAND] | c[PCI_COMMAND + 1] << 8;
    const PCIBar *io = &d->pci.bars[0], *mm = &d->pci.bars[1];

    for (int i = 0; i < 7; i++) {
        const PCIBar *b = &d->pci.bars[i];
        if (!b->mr || b->addr == PCI_BAR_UNMAPPED) {
            continue;
        }
        bool is_io = b->type & PCI_BASE_ADDRESS_SPACE_IO;
        FUZZ_ASSERT(r, cmd & (is_io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY));
        FUZZ_ASSERT(r, (b->addr & (b->size - 1)) == 0);
    }

    if (mm->addr != PCI_BAR_UNMAPPED && mm->addr >= 1 * MiB &&
        mm->addr + 4096 <= 4 * GiB - PCFZ_BIOS_SIZE) {
        bool clear = true;
        for (int i = 2; i < 7; i++) {
            const PCIBar *b = &d->pci.bars[i];
            if (b->mr && b->addr != PCI_BAR_UNMAPPED &&
                overlaps(mm->addr, 4096, b->addr, b->size)) {
                clear = false;
            }
        }
        uint32_t off = (op->offset & 0xffc);
        if (clear) {
            uint32_t v = as_in(&r->tb.mem_as, mm->addr + off, 4);
            if (v != (0xabcd0000u | off)) {
                fuzz_fail(r, "MMIO BAR at 0x%" PRIx64 " reads 0x%08x at +0x%x",
                          mm->addr, v, off);
            }
        }
    }

    if (io->addr != PCI_BAR_UNMAPPED && io->addr >= 0xd000 &&
        io->addr <= 0xffe0) {
        const uint8_t *pm = piix4_pm_pci_device(pcfz.pm)->config;
        uint16_t pmba = (pm[0x40] | pm[0x41] << 8) & 0xffc0;
        uint16_t smba = (pm[0x90] | pm[0x91] << 8) & 0xfff0;
        if (!overlaps(io->addr, 32, pmba, 64) &&
            !overlaps(io->addr, 32, smba, 16) &&
            !overlaps(io->addr, 32, 0xafe0, 4)) {
            uint32_t k = op->offset % 32;
            as_out(&r->tb.io_as, io->addr + k, 1, op->value);
            uint32_t v = as_in(&r->tb.io_as, io->addr + k, 1);
            if (v != (op->value & 0xff)) {
                fuzz_fail(r, "I/O BAR at 0x%" PRIx64 " reads 0x%02x at +%u",
                          io->addr, v, k);
            }
        }
    }
    pcfz_check_ids(r);
}

const FuzzTarget fuzz_target = {
    .name = "pci",
    .covers = "hw/core/pci.c",
    .setup = pci_fz_setup,
    .teardown = pci_fz_teardown,
    .event = pci_fz_event,
    .check = pci_fz_check,
};
