/* "info mem" (monitor/info-mem.c), registered by the monitor's builtins. */
#ifndef MONITOR_INFO_MEM_H
#define MONITOR_INFO_MEM_H

#include "emu/common.h"

void monitor_info_mem(FILE *out);

#endif
