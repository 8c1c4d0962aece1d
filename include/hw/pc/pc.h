/*
 * The "pc" machine (hw/pc/pc.c): i440FX + PIIX3 + PIIX4 PM, the ISA
 * platform devices, firmware or direct kernel boot.
 */
#ifndef HW_PC_H
#define HW_PC_H

#include "emu/common.h"
#include "emu/machine.h"

/* The board registers itself as the machine class "pc" (MachineClass). */
/* -L DIR: where to look for firmware files first. */
void pc_set_firmware_dir(const char *dir);

#endif
