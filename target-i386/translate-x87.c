/*
 * x87 (ESC D8-DF) and WAIT.
 */
#include "target-i386/translate-internal.h"

void gen_FPU(DisasContext *s, const X86OpEntry *e)
{
    /* ESC D8-DF: the x87 helper does the whole instruction (#NM,
     * #MF, the memory operand, FCOMI's EFLAGS, FNSTSW AX). */
    int seg = s->mod != 3 ? s->ea_seg : R_DS;
    uint32_t info = (s->opcode & 0xff) | (uint32_t)s->modrm << 8 |
                    (uint32_t)(s->dflag == 4) << 16 |
                    (uint32_t)seg << 20;
    gen_sync_eip(s);
    CALL3(s, helper_x87_insn, cst(info),
          s->mod != 3 ? s->ea_lin : cst(0), cst(s->cs_base + s->pc_start));
    s->cc_op = CC_DYNAMIC;
}

void gen_WAIT(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_fwait_insn);
}
