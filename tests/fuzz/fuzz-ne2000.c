/*
 * Fuzz target: both NE2000 cards on the i440FX chipset: ne2k_isa at 0x300
 * (IRQ 10) and ne2k_pci at 00:05.0 with BAR0 at 0xc100, each with a fake
 * backend as its peer.  Port I/O goes to both cards' 32 ports (the PCI
 * window covers the whole 256-byte BAR) and configuration cycles.
 *
 * Events: a frame from a backend to one card, by net_send or
 * net_send_async: its destination our MAC, broadcast, a multicast group
 * or anything, its length anything up to 64 KiB (short, runt, maximum,
 * jumbo), its contents from the record; or a configuration cycle.
 *
 * Invariants (beyond ASan/UBSan, which catch any access outside the
 * buffers): no stall: a card whose queue holds frames must not be able
 * to take one (it would never be flushed); the queues stay bounded; the
 * PCI identity stays.
 */
#include "tests/fuzz/fuzz-pc.h"
#include "hw/net/ne2000.h"
#include "net/net.h"

#define NE_FZ_DEVFN  PCI_DEVFN(5, 0)
#define NE_FZ_PCI_IO 0xc100
#define NE_FZ_ISA_IO 0x300

static const uint8_t ne_fz_mac[2][6] = {
    {0x52, 0x54, 0x00, 0x12, 0x34, 0x70},
    {0x52, 0x54, 0x00, 0x12, 0x34, 0x71},
};

typedef struct NE2000Fuzz {
    DeviceState *dev[2];
    NetClientState *be[2];
    int sent_cb;
} NE2000Fuzz;

static NE2000Fuzz nefz;

static ssize_t ne_fz_be_receive(NetClientState *nc, const uint8_t *buf,
                                size_t len)
{
    return len;
}

static const NetClientInfo ne_fz_be_info = {
    .type = "test",
    .receive = ne_fz_be_receive,
};

static void ne_fz_sent(NetClientState *nc, ssize_t ret)
{
    nefz.sent_cb++;
}

static DeviceState *ne_fz_card(FuzzRig *r, int pci)
{
    Error *err = NULL;
    char mac[18];
    DeviceState *dev = device_new(pci ? TYPE_NE2K_PCI : TYPE_NE2K_ISA);
    MACAddr m;

    memcpy(m.a, ne_fz_mac[pci], 6);
    net_format_macaddr(&m, mac);
    nefz.be[pci] =
        net_client_new(&ne_fz_be_info, NULL, "test", pci ? "fzbe1" : "fzbe0");
    device_prop_set_netdev(dev, "netdev", nefz.be[pci]);
    if (device_set_prop(dev, "mac", mac, &err) < 0 ||
        (pci ? device_set_prop(dev, "addr", "5", &err)
             : device_set_prop(dev, "irq", "10", &err)) < 0 ||
        device_realize(dev, pci ? &pcfz.bus->qbus : &r->tb.isa.qbus, &err) <
            0) {
        fuzz_must(NULL, err, pci ? "ne2k_pci" : "ne2k_isa");
    }
    device_reset(dev);
    return dev;
}

static void ne_fz_setup(FuzzRig *r)
{
    memset(&nefz, 0, sizeof(nefz));
    pcfz_init(r);
    nefz.dev[0] = ne_fz_card(r, 0);
    nefz.dev[1] = ne_fz_card(r, 1);
    pcfz.extra = &nefz;
    /* Firmware's part: BAR0, I/O decode, the PIRQs to IRQ 11. */
    uint32_t cf = 0x80000000u | NE_FZ_DEVFN << 8;
    pci_host_config_write(pcfz.bus, cf | 0x10, NE_FZ_PCI_IO, 4);
    pci_host_config_write(pcfz.bus, cf | 0x04, 0x0001, 2);
    pci_host_config_write(pcfz.bus, 0x80000000u | PCI_DEVFN(1, 0) << 8 | 0x60,
                          0x0b0b0b0b, 4);
    fuzz_add_window(r, FUZZ_IO, NE_FZ_ISA_IO, 0x20);
    fuzz_add_window(r, FUZZ_IO, NE_FZ_PCI_IO, 0x100);
    fuzz_add_window(r, FUZZ_IO, 0xcf8, 8);
}

static void ne_fz_teardown(FuzzRig *r)
{
    for (int i = 0; i < 2; i++) {
        device_unrealize(nefz.dev[i]);
        device_free(nefz.dev[i]);
        net_client_free(nefz.be[i]);
    }
    pcfz_teardown(r);
}

static void ne_fz_frame(const FuzzOp *op)
{
    static uint8_t buf[65536];
    int card = op->offset & 1;
    size_t len;

    switch ((op->offset >> 1) & 3) {
    case 0:
        len = op->value % 1600; /* the usual sizes, runts included */
        break;
    case 1:
        len = 1514 + op->value % 8; /* around the maximum */
        break;
    case 2:
        len = op->value % 65536; /* anything a tap could read */
        break;
    default:
        len = op->value % 64;
        break;
    }
    uint32_t x = op->value ^ op->offset;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = x >> 16;
    }
    if (len >= 6) {
        switch ((op->offset >> 3) & 3) {
        case 0:
            memcpy(buf, ne_fz_mac[card], 6);
            break;
        case 1:
            memset(buf, 0xff, 6);
            break;
        case 2:
            buf[0] |= 1; /* some multicast group */
            break;
        default:
            break;
        }
    }
    if (op->offset & 0x20) {
        (void)net_send_async(nefz.be[card], buf, len, ne_fz_sent);
    } else {
        (void)net_send(nefz.be[card], buf, len);
    }
}

static void ne_fz_event(FuzzRig *r, const FuzzOp *op)
{
    if (op->offset & 0x80) {
        pcfz_event(r, op);
    } else {
        ne_fz_frame(op);
    }
}

static void ne_fz_check(FuzzRig *r, const FuzzOp *op)
{
    pcfz_check_ids(r);
    FUZZ_ASSERT(r,
                pci_host_config_read(pcfz.bus, 0x80000000u | NE_FZ_DEVFN << 8,
                                     4) == 0x802910ecu);
    for (int i = 0; i < 2; i++) {
        NetClientState *nic = nefz.be[i]->peer;
        FUZZ_ASSERT(r, nic != NULL);
        int q = net_queue_length(nic);
        FUZZ_ASSERT(r, q <= NET_QUEUE_MAX_FRAMES);
        if (q && nic->info->can_receive(nic)) {
            fuzz_fail(r, "%s: %d frames held while the ring has room",
                      nic->name, q);
        }
    }
}

const FuzzTarget fuzz_target = {
    .name = "ne2000",
    // clang-format off
    .covers = "hw/net/ne2000-isa.c hw/net/ne2000-pci.c hw/net/dp8390.c",
    // clang-format on
    .setup = ne_fz_setup,
    .teardown = ne_fz_teardown,
    .event = ne_fz_event,
    .check = ne_fz_check,
};
