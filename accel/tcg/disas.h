/*
 * -d in_asm / -d out_asm: disassembly of translated blocks, with Capstone
 * when configure found it (libcapstone-dev), else as hex bytes with a note.
 */
#ifndef ACCEL_TCG_DISAS_H
#define ACCEL_TCG_DISAS_H

#include "emu/common.h"

/* Guest code: len bytes at linear address cs_base + eip, decoded as
 * 16-, 32- or 64-bit code (bits). */
void disas_log_guest(uint64_t cs_base, uint64_t eip, const uint8_t *code,
                     size_t len, int bits);
/* Host code of a block: size bytes at code. */
void disas_log_host(const uint8_t *code, size_t size);

#endif
