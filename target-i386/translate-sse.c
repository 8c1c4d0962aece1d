/*
 * MMX/SSE/SSE2/SSE3 instructions of the 0F map, and EMMS.
 */
#include "target-i386/translate-internal.h"
#include "target-i386/sse-helper.h"

/*
 * An MMX/SSE instruction of the 0F map: ModRM, effective address and imm8
 * here, everything else in helper_sse.
 */
void gen_sse(DisasContext *s, int pfx, int opc)
{
    TCGv_i32 ea = cst(0);
    uint32_t seg = 0;               /* 8 | segment of a memory operand */
    s->modrm = insn_fetch(s, 1);
    s->mod = s->modrm >> 6;
    s->reg = (s->modrm >> 3) & 7;
    s->rm = s->modrm & 7;
    if (opc == 0xf7) {
        /* MASKMOVQ / MASKMOVDQU store to DS:(E)DI */
        ea = gen_linear(s, gen_areg(s, R_EDI), str_src_seg(s));
    } else if (s->mod != 3) {
        gen_modrm_ea(s);
        ea = s->ea_lin;
        seg = 8 | s->ea_seg;
    }
    uint32_t imm = sse_opcode_has_imm8(pfx, opc) ? insn_fetch(s, 1) : 0;
    if (s->lock) {
        gen_exception(s, EXCP06_ILLOP);
        return;
    }
    gen_sync_eip(s);
    CALL3(s, helper_sse_insn, cst(pfx),
          cst(opc | s->modrm << 8 | imm << 16 | seg << 24), ea);
    s->cc_op = CC_DYNAMIC;          /* (U)COMISS/SD write EFLAGS */
}

void gen_EMMS(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_emms_insn);
}
