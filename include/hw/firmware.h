/*
 * Firmware files (the BIOS, option ROMs such as the VGA BIOS): found as
 * given when the name has a '/' or exists, else in the -L directory, then
 * in Debian's places (/usr/share/seabios, /usr/share/qemu).
 */
#ifndef HW_FIRMWARE_H
#define HW_FIRMWARE_H

#include "emu/common.h"

/* -L DIR: searched first (the string must outlive the machine). */
void firmware_set_dir(const char *dir);
/* The path of a firmware file (free() it), or NULL. */
char *firmware_find(const char *name);
/*
 * Read the firmware file name (found as above) whole: *data (g_free it)
 * and *size.  -1 with errp, which names the file and says how to get it.
 */
int firmware_load(const char *name, const char *what, uint8_t **data,
                  size_t *size, Error **errp);

#endif
