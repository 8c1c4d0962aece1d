/*
 * -d in_asm / -d out_asm: disassembly of translated blocks, with Capstone
 * when configure found it (libcapstone-dev), else as hex bytes with a note.
 */
#ifndef ACCEL_TCG_DISAS_H
#define ACCEL_TCG_DISAS_H

#include "emu/common.h"

/* Guest code: len bytes at linear address addr (16- or 32-bit code). */
void disas_log_guest(uint32_t cs_base, uint32_t eip, const uint8_t *code,
                     size_t len, bool code32);
/* Host code of a block: size bytes at code. */
void disas_log_host(const uint8_t *code, size_t size);

#endif
