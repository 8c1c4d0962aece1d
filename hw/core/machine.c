/* The machine being emulated (include/emu/machine.h). */
#include "emu/common.h"
#include "emu/machine.h"

Machine *current_machine;
