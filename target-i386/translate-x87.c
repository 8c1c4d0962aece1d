/*
 * x87 (ESC D8-DF) and WAIT: the instruction is decoded at translation time
 * (x87_decode) into a call of the operation's own helper (fpu-helper.c).
 */
#include "target-i386/translate-internal.h"
#include "target-i386/fpu-helper.h"

void gen_FPU(DisasContext *s, const X86OpEntry *e)
{
    /* ESC D8-DF: decoded here, once; the operation's helper does the
     * whole instruction (#NM, #MF, the memory operand, FCOMI's EFLAGS,
     * FNSTSW AX). */
    X87Insn d;
    int seg = s->mod != 3 ? s->ea_seg : R_DS;
    /* 64-bit mode: the real segment too (FDS, and FDP without the FS/GS
     * base); the helper skips the limit checks there. */

    x87_decode(s->opcode & 0xff, s->modrm, s->dflag != 2, seg, &d);
    gen_sync_eip(s);
    gen_helper_ss(s, true);
    CALL4(s, d.helper, cst(d.info), s->mod != 3 ? s->ea_lin : cst(0),
          cst_tl(s->cs_base + s->pc_start), cst(d.arg));
    gen_helper_ss(s, false);
    s->cc_op = CC_DYNAMIC;
}

void gen_WAIT(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_fwait_insn);
}
