/*
 * MMX/SSE/SSE2/SSE3 instructions of the 0F map, decoded here into a call
 * of the operation's own helper (sse-helper.c), and EMMS.  The common data
 * moves are inline IR instead (translate-sse-move.c).
 */
#include "target-i386/translate-internal.h"
#include "target-i386/sse-helper.h"

/*
 * An MMX/SSE instruction of the 0F map: ModRM, effective address and imm8
 * here, and the operation (sse_decode); its helper does the rest.
 */
void gen_sse(DisasContext *s, int pfx, int opc)
{
    TCGv ea = cst(0);
    int seg = -1;                   /* segment of a memory operand */
    SSEDecoded d;
    bool imm8 = sse_opcode_has_imm8(pfx, opc);
    s->modrm = insn_fetch(s, 1);
    s->mod = s->modrm >> 6;
    s->reg = ((s->modrm >> 3) & 7) | s->rex_r;
    s->rm = (s->modrm & 7) | s->rex_b;
    s->rip_offset = imm8;
    target_ulong ea_pc = s->pc;
    if (opc == 0xf7) {
        /* MASKMOVQ / MASKMOVDQU store to DS:(E)DI */
        ea = gen_linear(s, gen_areg(s, R_EDI), str_src_seg(s));
    } else if (s->mod != 3) {
        gen_modrm_ea(s);
        ea = s->ea_lin;
        /* 64-bit mode: no segment limits to check. */
        seg = CODE64(s) ? -1 : s->ea_seg;
    }
    uint32_t imm = imm8 ? insn_fetch(s, 1) : 0;
    /* The REX byte as it was (64-bit mode), for XMM8-15 and R8-R15. */
    uint8_t rex = !s->has_rex ? 0
                  : 0x40 | (s->rex_w ? 8 : 0) | (s->rex_r ? 4 : 0) |
                        (s->rex_x ? 2 : 0) | (s->rex_b ? 1 : 0);
    if (s->lock || !sse_decode(pfx, opc, s->modrm, rex, imm, seg, &d)) {
        gen_exception(s, EXCP06_ILLOP);
        return;
    }
    if (opc != 0xf7 && gen_sse_inline(s, pfx, opc, &d, ea_pc)) {
        return;
    }
    gen_sync_eip(s);
    gen_helper_ss(s, true);
    CALL3(s, d.helper, cst(d.info), ea, cst(d.arg));
    gen_helper_ss(s, false);
    s->cc_op = CC_DYNAMIC;          /* (U)COMISS/SD write EFLAGS */
}

void gen_EMMS(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_emms_insn);
}
