/*
 * The National Semiconductor DP8390D network interface controller as the
 * NE2000 boards wire it (hw/net/dp8390.c): the register file, the remote
 * DMA behind the board's data port, the receive ring and the transmitter
 * over a 32-byte station PROM and 16 KiB of packet RAM.  The ISA card
 * (hw/net/ne2000-isa.c) and the RTL8029AS PCI card (hw/net/ne2000-pci.c)
 * embed a DP8390State and route their I/O to it:
 *
 *   offset 0x00-0x0f   the chip's registers (the page in CR bits 7:6)
 *   offset 0x10-0x17   the data port: one remote DMA transfer per access
 *   offset 0x18-0x1f   the reset port: a read resets the chip
 *
 * The glue gives the core its network client (nc), a way to drive the IRQ
 * line (set_irq) and, for chips with one, its page-3 registers.
 */
#ifndef HW_NET_DP8390_H
#define HW_NET_DP8390_H

#include "emu/common.h"
#include "emu/vmstate.h"
#include "net/net.h"

#define DP8390_IO_SIZE    0x20
#define DP8390_DATA_PORT  0x10
#define DP8390_RESET_PORT 0x1f

/* The NE2000's buffer: the PROM at 0x0000, 16 KiB of RAM at pages
 * 0x40-0x7f; nothing else of the 64 KiB local address space answers. */
#define DP8390_PROM_SIZE 32
#define DP8390_RAM_START 0x4000
#define DP8390_RAM_SIZE  0x4000

typedef struct DP8390State DP8390State;

struct DP8390State {
    /* Registers (DP8390D datasheet, section 8). */
    uint8_t cr;   /* PS, RD, TXP; STA/STP come from `stopped` */
    bool stopped; /* CR STP: offline, reset state */
    uint8_t isr, imr;
    uint8_t dcr, tcr, rcr;
    uint8_t tsr, rsr, ncr;
    uint8_t pstart, pstop, bnry, curr, tpsr;
    uint16_t tbcr;
    uint16_t rsar;     /* the remote DMA address (reads back as CRDA) */
    uint16_t rbcr;     /* remote bytes left */
    bool send_packet;  /* the remote read is a Send Packet command */
    uint8_t send_next; /* its packet's next page: BNRY at the end */
    uint8_t par[6], mar[8];
    uint8_t cntr[3]; /* frame alignment, CRC, missed packet tallies */

    uint8_t prom[DP8390_PROM_SIZE];
    uint8_t ram[DP8390_RAM_SIZE];

    /* Set by the glue. */
    MACAddr mac;        /* what the PROM holds */
    uint8_t id[2];      /* page 0 registers 0x0a/0x0b (RTL8029 ID) */
    NetClientState *nc; /* the NIC client; frames go to its peer */
    const char *name;   /* "ne2k_isa": for messages */
    void (*set_irq)(void *opaque, int level);
    void *irq_opaque;
    /* Page-3 registers (CR PS=11): the RTL8029's configuration; NULL on
     * a plain DP8390 (reads 0, writes ignored, logged once). */
    uint8_t (*page3_read)(void *opaque, unsigned reg);
    void (*page3_write)(void *opaque, unsigned reg, uint8_t val);
    void *page3_opaque;

    /* Derived, not saved. */
    int irq_level;
    /* The net layer found us unable to take a frame: flush it when room
     * appears. */
    bool rx_blocked;
    bool unimp_logged;
};

extern const VMStateDescription vmstate_dp8390;

/* Power-on/hardware reset (the reset port, system reset): the PROM is
 * rebuilt from s->mac; the packet RAM keeps its contents. */
void dp8390_reset(DP8390State *s);
/* The 32-byte I/O window (offsets as above), accesses of 1, 2 or 4 bytes
 * (registers: bytes only; the data port: 1, 2 or 4). */
uint32_t dp8390_ioport_read(DP8390State *s, unsigned addr, unsigned size);
void dp8390_ioport_write(DP8390State *s, unsigned addr, uint32_t val,
                         unsigned size);
/* NetClientInfo hooks: the glue forwards its client's calls here. */
bool dp8390_can_receive(DP8390State *s);
ssize_t dp8390_receive(DP8390State *s, const uint8_t *buf, size_t len);
/* After loading state: drive the IRQ line from ISR & IMR again. */
void dp8390_post_load(DP8390State *s);

/* The Ethernet CRC-32 as the chip's multicast filter uses it (bits fed
 * LSB first, not inverted); the hash index is its top 6 bits. */
uint32_t dp8390_crc_be(const uint8_t *p, size_t len);

#endif
