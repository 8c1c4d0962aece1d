/*
 * Locked read-modify-writes: the calls to the atomic helpers
 * (atomic-helper.c) for the LOCK forms and for XCHG with memory, which
 * the ALU and move generators (translate-alu.c, translate-mov.c) use
 * instead of their inline load, op and store.  Once vCPUs run at the
 * same time only a host atomic keeps such an access whole.  The segment
 * check (as a write) is the caller's; the call stores EIP first, and its
 * faults come before anything changes, so the generator then computes
 * the result and the flags from the old value as for the unlocked form.
 */
#include "target-i386/translate-internal.h"

static TCGv gen_atomic_call(DisasContext *s, void *fn, int n, TCGv a0,
                            TCGv a1, TCGv a2, TCGv a3, bool ret_tl)
{
    gen_sync_eip(s);
    gen_helper_ss(s, true);
    TCGv r = gen_call(s, fn, ret_tl ? CALL_RET_TL : 0, true, n, a0, a1, a2,
                      a3);
    gen_helper_ss(s, false);
    return r;
}

TCGv gen_atomic_op(DisasContext *s, TCGv lin, int size, int op, TCGv val)
{
    return gen_atomic_call(s, (void *)helper_atomic_op, 3, lin, val,
                           cst(ATOMIC_INFO(size, op, s->mmu_idx)), NOARG,
                           true);
}

TCGv gen_atomic_op_ea(DisasContext *s, int size, int op, TCGv val)
{
    gen_check_seg(s, s->ea_off, s->ea_seg, size, s->aflag, true);
    return gen_atomic_op(s, s->ea_lin, size, op, val);
}

TCGv gen_atomic_cmpxchg_ea(DisasContext *s, int size, TCGv cmp, TCGv val)
{
    gen_check_seg(s, s->ea_off, s->ea_seg, size, s->aflag, true);
    return gen_atomic_call(s, (void *)helper_atomic_cmpxchg, 4, s->ea_lin,
                           cmp, val, cst(ATOMIC_INFO(size, 0, s->mmu_idx)),
                           true);
}

TCGv gen_atomic_cmpxchg_wide(DisasContext *s, bool b16)
{
    if (!b16) {
        gen_check_seg(s, s->ea_off, s->ea_seg, 8, s->aflag, true);
    }
    return gen_atomic_call(s,
                           b16 ? (void *)helper_atomic_cmpxchg16b
                               : (void *)helper_atomic_cmpxchg8b,
                           2, s->ea_lin,
                           cst(ATOMIC_INFO(b16 ? 0 : 8, 0, s->mmu_idx)),
                           NOARG, NOARG, false);
}
