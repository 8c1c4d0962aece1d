/*
 * MMX/SSE/SSE2/SSE3 instructions of the 0F map, decoded here into a call
 * of the operation's own helper (sse-helper.c), and EMMS.
 */
#include "target-i386/translate-internal.h"
#include "target-i386/sse-helper.h"

/*
 * An MMX/SSE instruction of the 0F map: ModRM, effective address and imm8
 * here, and the operation (sse_decode); its helper does the rest.
 */
void gen_sse(DisasContext *s, int pfx, int opc)
{
    TCGv_i32 ea = cst(0);
    int seg = -1;                   /* segment of a memory operand */
    SSEDecoded d;
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
        seg = s->ea_seg;
    }
    uint32_t imm = sse_opcode_has_imm8(pfx, opc) ? insn_fetch(s, 1) : 0;
    if (s->lock || !sse_decode(pfx, opc, s->modrm, 0, imm, seg, &d)) {
        gen_exception(s, EXCP06_ILLOP);
        return;
    }
    gen_sync_eip(s);
    CALL3(s, d.helper, cst(d.info), ea, cst(d.arg));
    s->cc_op = CC_DYNAMIC;          /* (U)COMISS/SD write EFLAGS */
}

void gen_EMMS(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_emms_insn);
}
