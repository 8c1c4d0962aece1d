/*
 * The NE2000 cards (hw/net/ne2000-isa.c, hw/net/ne2000-pci.c): created by
 * name with device_new() and the "netdev"/"mac" properties of net/net.h.
 */
#ifndef HW_NET_NE2000_H
#define HW_NET_NE2000_H

#define TYPE_NE2K_ISA "ne2k_isa"
#define TYPE_NE2K_PCI "ne2k_pci"

/* The RTL8029AS's PCI identity. */
#define PCI_VENDOR_ID_REALTEK 0x10ec
#define PCI_DEVICE_ID_RTL8029 0x8029

#endif
