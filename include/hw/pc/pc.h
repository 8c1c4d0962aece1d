/*
 * The "pc" machine (hw/pc/pc.c): i440FX + PIIX3 + PIIX4 PM, the ISA
 * platform devices, firmware or direct kernel boot.
 */
#ifndef HW_PC_H
#define HW_PC_H

#include "emu/common.h"
#include "emu/machine.h"

/* Build the machine from m->opts; m->accel is chosen already. */
int pc_machine_init(Machine *m, Error **errp);
/* Add a -device NAME,PROPS... device (ISA devices only for now). */
int pc_add_user_device(Machine *m, const char *opts, Error **errp);
/* Power-on / system reset: devices, CPU, firmware or kernel entry. */
void pc_machine_reset(Machine *m);
/* -L DIR: where to look for firmware files first. */
void pc_set_firmware_dir(const char *dir);

#endif
