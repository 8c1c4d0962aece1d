/*
 * PC system control port B (0x61): PIT counter 2 gate and output, the
 * speaker data enable, and the refresh toggle that firmware delays poll.
 */
#ifndef HW_MISC_PCSPK_H
#define HW_MISC_PCSPK_H

#include "emu/common.h"
#include "hw/isa/isa.h"
#include "hw/timer/i8254.h"

typedef struct PCSpkState PCSpkState;

/*
 * Create, realize and reset an "isa-pcspk" at port 0x61 wired to pit's
 * counter 2.  With pit == NULL it uses the first isa-pit on the same bus
 * (as it does when created by name).  NULL on error.
 */
PCSpkState *pcspk_init(ISABus *bus, PITState *pit, Error **errp);

#endif
