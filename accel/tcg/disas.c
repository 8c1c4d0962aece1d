/*
 * Disassembly for -d in_asm and -d out_asm (accel/tcg/disas.h).
 */
#include "emu/common.h"
#include "accel/tcg/disas.h"

#ifdef CONFIG_CAPSTONE
#include <capstone/capstone.h>
#endif

static FILE *log_out(void)
{
    return emu_logfile ? emu_logfile : stderr;
}

#ifndef CONFIG_CAPSTONE
static void log_once_no_capstone(void)
{
    log_unimp_once("-d in_asm/out_asm: no disassembler built (install "
                   "libcapstone-dev and re-run configure); showing bytes");
}
#endif

static void log_hex(FILE *f, uint64_t addr, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i += 16) {
        fprintf(f, "0x%08" PRIx64 ":", addr + i);
        for (size_t j = i; j < len && j < i + 16; j++) {
            fprintf(f, " %02x", p[j]);
        }
        fputc('\n', f);
    }
}

#ifdef CONFIG_CAPSTONE
static void log_insns(FILE *f, cs_mode mode, uint64_t addr, const uint8_t *p,
                      size_t len)
{
    csh h;
    cs_insn *insn;
    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        log_hex(f, addr, p, len);
        return;
    }
    size_t n = cs_disasm(h, p, len, addr, 0, &insn);
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        char bytes[3 * 16 + 1] = "";
        for (unsigned b = 0; b < insn[i].size && b < 15; b++) {
            snprintf(bytes + 3 * b, 4, "%02x ", insn[i].bytes[b]);
        }
        fprintf(f, "0x%08" PRIx64 ":  %-30s %s %s\n", insn[i].address, bytes,
                insn[i].mnemonic, insn[i].op_str);
        done += insn[i].size;
    }
    if (n) {
        cs_free(insn, n);
    }
    if (done < len) {
        /* What Capstone could not decode (an invalid opcode: #UD). */
        log_hex(f, addr + done, p + done, len - done);
    }
    cs_close(&h);
}
#endif

void disas_log_guest(uint64_t cs_base, uint64_t eip, const uint8_t *code,
                     size_t len, int bits)
{
    FILE *f = log_out();
    fprintf(f, "IN: (cs base 0x%08" PRIx64 ", eip 0x%08" PRIx64 ")\n", cs_base,
            eip);
#ifdef CONFIG_CAPSTONE
    cs_mode mode = bits == 64 ? CS_MODE_64 : bits == 32 ? CS_MODE_32
                                                        : CS_MODE_16;
    log_insns(f, mode, cs_base + eip, code, len);
#else
    (void)bits;
    log_once_no_capstone();
    log_hex(f, cs_base + eip, code, len);
#endif
    fputc('\n', f);
}

void disas_log_host(const uint8_t *code, size_t size)
{
    FILE *f = log_out();
    fprintf(f, "OUT: [size=%zu]\n", size);
#ifdef CONFIG_CAPSTONE
    log_insns(f, CS_MODE_64, (uintptr_t)code, code, size);
#else
    log_once_no_capstone();
    log_hex(f, (uintptr_t)code, code, size);
#endif
    fputc('\n', f);
}
