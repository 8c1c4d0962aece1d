/*
 * The whole machine's state as one stream (migration/vmstream.h): the
 * virtual clock ("timer"), every RAM block ("ram:NAME"), each vCPU
 * ("cpu"), every realized device through its state description (the
 * description's name, "i8254", "serial", ...), in that order: the clock
 * before the devices, whose post_load re-arms timers against it, and RAM
 * before the devices that look at it (VGA).
 *
 *     vm_stop(RUN_STATE_SAVE_VM);
 *     GByteArray *st = g_byte_array_new();
 *     if (machine_state_save(st, &err) < 0) ...
 *     ...
 *     if (machine_state_load(st->data, st->len, &err) < 0) ...  // stopped
 *
 * Both run under the global lock with the machine stopped; both drain the
 * drives first (a request in flight belongs to the machine being saved or
 * replaced).  Drives,
 * chardevs and network backends are not part of it (as QEMU): the disks'
 * contents are the snapshot's business (savevm) or the user's (migrate).
 */
#ifndef MIGRATION_MACHINE_STATE_H
#define MIGRATION_MACHINE_STATE_H

#include "emu/common.h"
#include "migration/vmstream.h"

/* The vCPU section (migration/cpu-state.c); opaque is a CPUState. */
extern const VMStateDescription vmstate_x86_cpu;

/* 0, or -1 with errp (a device without a state description). */
int machine_state_save(GByteArray *out, Error **errp);
/* All or nothing (vmstream_load): 0, or -1 with errp naming the section. */
int machine_state_load(const uint8_t *buf, size_t len, Error **errp);
/* Would machine_state_load accept it?  Changes nothing. */
int machine_state_check(const uint8_t *buf, size_t len, Error **errp);

#endif
