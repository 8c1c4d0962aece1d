/*
 * The translator IR: the per-thread context, values (globals, temps,
 * constants), labels, the op emitters, liveness and the -d op listing.
 * tcg/README.md is the specification.
 */
#include "tcg/tcg.h"
#include "tcg/tcg-backend.h"
#include "tcg/tcg-internal.h"

__thread TCGContext *tcg_ctx;
const TCGv_i64 tcg_env = { TCG_ENV_IDX };
TCGBackendConfig tcg_backend_cfg;

/* Keep this many op / temp slots for the frontend to close the block. */
#define OP_MARGIN 64
#define TEMP_MARGIN 32

static const struct {
    const char *name;
    uint8_t nb_out, nb_in, nb_const;
} op_defs[NB_OPS] = {
#define DEF(n, o, i, c) [INDEX_op_##n] = { #n, o, i, c },
#include "tcg/tcg-opc.h"
#undef DEF
};

const char *tcg_op_name(TCGOpcode opc)
{
    return opc < NB_OPS ? op_defs[opc].name : "?";
}

void tcg_backend_init(const TCGBackendConfig *cfg)
{
    tcg_backend_cfg = *cfg;
}

void tcg_context_init(TCGContext *s)
{
    memset(s, 0, sizeof(*s));
    s->temps[TCG_ENV_IDX] = (TCGTemp){
        .kind = TEMP_FIXED, .type = TCG_TYPE_I64, .name = "env",
    };
    s->nb_globals = 1;
    s->nb_temps = 1;
    tcg_ctx = s;
}

void tcg_func_start(TCGContext *s)
{
    s->nb_temps = s->nb_globals;
    s->nb_ops = 0;
    s->nb_labels = 0;
    s->overflow = false;
    tcg_ctx = s;
}

/* ---- Values ---- */

static int global_new(TCGType type, int offset, const char *name)
{
    TCGContext *s = tcg_ctx;
    /* Globals are made at start-up, before any block. */
    assert(s->nb_temps == s->nb_globals && s->nb_globals < TCG_MAX_TEMPS);
    int idx = s->nb_globals++;
    s->nb_temps++;
    s->temps[idx] = (TCGTemp){
        .kind = TEMP_GLOBAL, .type = type, .mem_offset = offset, .name = name,
    };
    return idx;
}

TCGv_i32 tcg_global_mem_new_i32(int offset, const char *name)
{
    return (TCGv_i32){ global_new(TCG_TYPE_I32, offset, name) };
}

TCGv_i64 tcg_global_mem_new_i64(int offset, const char *name)
{
    return (TCGv_i64){ global_new(TCG_TYPE_I64, offset, name) };
}

/* Freed temps are marked by name == "free" (static string below). */
static const char free_mark[] = "free";

static int temp_alloc(TCGType type, TCGTempKind kind, int64_t val)
{
    TCGContext *s = tcg_ctx;
    if (kind == TEMP_NORMAL) {
        for (int i = s->nb_globals; i < s->nb_temps; i++) {
            TCGTemp *t = &s->temps[i];
            if (t->name == free_mark && t->type == type) {
                t->name = NULL;
                return i;
            }
        }
    }
    if (s->nb_temps >= TCG_MAX_TEMPS - TEMP_MARGIN) {
        s->overflow = true;
    }
    if (s->nb_temps >= TCG_MAX_TEMPS) {
        /* Out of temps: share the last one (the block is cut short and
         * discarded by the frontend when it sees overflow). */
        return TCG_MAX_TEMPS - 1;
    }
    int idx = s->nb_temps++;
    s->temps[idx] = (TCGTemp){ .kind = kind, .type = type, .val = val };
    return idx;
}

TCGv_i32 tcg_temp_new_i32(void)
{
    return (TCGv_i32){ temp_alloc(TCG_TYPE_I32, TEMP_NORMAL, 0) };
}

TCGv_i64 tcg_temp_new_i64(void)
{
    return (TCGv_i64){ temp_alloc(TCG_TYPE_I64, TEMP_NORMAL, 0) };
}

static void temp_free(int idx)
{
    TCGContext *s = tcg_ctx;
    if (idx >= s->nb_globals && idx < s->nb_temps &&
        s->temps[idx].kind == TEMP_NORMAL) {
        s->temps[idx].name = free_mark;
    }
}

void tcg_temp_free_i32(TCGv_i32 t)
{
    temp_free(t.idx);
}

void tcg_temp_free_i64(TCGv_i64 t)
{
    temp_free(t.idx);
}

static int const_lookup(TCGType type, int64_t val)
{
    TCGContext *s = tcg_ctx;
    if (type == TCG_TYPE_I32) {
        val = (int32_t)val;
    }
    /* Blocks are small: a backwards scan finds recent constants fast. */
    for (int i = s->nb_temps - 1; i >= s->nb_globals; i--) {
        TCGTemp *t = &s->temps[i];
        if (t->kind == TEMP_CONST && t->type == type && t->val == val) {
            return i;
        }
    }
    return temp_alloc(type, TEMP_CONST, val);
}

TCGv_i32 tcg_constant_i32(int32_t val)
{
    return (TCGv_i32){ const_lookup(TCG_TYPE_I32, val) };
}

TCGv_i64 tcg_constant_i64(int64_t val)
{
    return (TCGv_i64){ const_lookup(TCG_TYPE_I64, val) };
}

/* Used by the optimizer: a constant of the given type in context s. */
int tcg_const_idx(TCGContext *s, TCGType type, int64_t val)
{
    TCGContext *old = tcg_ctx;
    tcg_ctx = s;
    int idx = const_lookup(type, val);
    tcg_ctx = old;
    return idx;
}

/* ---- Labels ---- */

TCGLabel *gen_new_label(void)
{
    TCGContext *s = tcg_ctx;
    if (s->nb_labels >= TCG_MAX_LABELS - 8) {
        s->overflow = true;
    }
    if (s->nb_labels >= TCG_MAX_LABELS) {
        return &s->labels[TCG_MAX_LABELS - 1];
    }
    TCGLabel *l = &s->labels[s->nb_labels];
    l->id = s->nb_labels++;
    l->present = false;
    return l;
}

/* ---- Ops ---- */

void tcg_gen_op(TCGOpcode opc, int nargs, const int64_t *args)
{
    TCGContext *s = tcg_ctx;
    assert(nargs <= TCG_MAX_OP_ARGS);
    if (s->nb_ops >= TCG_MAX_OPS - OP_MARGIN) {
        s->overflow = true;
    }
    if (s->nb_ops >= TCG_MAX_OPS) {
        return;
    }
    TCGOp *op = &s->ops[s->nb_ops++];
    op->opc = opc;
    op->nargs = nargs;
    op->life = 0;
    memcpy(op->args, args, nargs * sizeof(int64_t));
}

#define OP1(opc, a) tcg_gen_op(opc, 1, (int64_t[]){ a })
#define OP2(opc, a, b) tcg_gen_op(opc, 2, (int64_t[]){ a, b })
#define OP3(opc, a, b, c) tcg_gen_op(opc, 3, (int64_t[]){ a, b, c })
#define OP4(opc, a, b, c, d) tcg_gen_op(opc, 4, (int64_t[]){ a, b, c, d })

void gen_set_label(TCGLabel *l)
{
    l->present = true;
    OP1(INDEX_op_set_label, l->id);
}

void tcg_gen_br(TCGLabel *l)
{
    OP1(INDEX_op_br, l->id);
}

void tcg_gen_mov_i32(TCGv_i32 d, TCGv_i32 a)
{
    if (d.idx != a.idx) {
        OP2(INDEX_op_mov_i32, d.idx, a.idx);
    }
}

void tcg_gen_movi_i32(TCGv_i32 d, int32_t v)
{
    OP2(INDEX_op_movi_i32, d.idx, v);
}

#define GEN_BIN(name, opc, T)                                                \
    void tcg_gen_##name(T d, T a, T b)                                       \
    {                                                                        \
        OP3(opc, d.idx, a.idx, b.idx);                                       \
    }
GEN_BIN(add_i32, INDEX_op_add_i32, TCGv_i32)
GEN_BIN(sub_i32, INDEX_op_sub_i32, TCGv_i32)
GEN_BIN(and_i32, INDEX_op_and_i32, TCGv_i32)
GEN_BIN(or_i32, INDEX_op_or_i32, TCGv_i32)
GEN_BIN(xor_i32, INDEX_op_xor_i32, TCGv_i32)
GEN_BIN(shl_i32, INDEX_op_shl_i32, TCGv_i32)
GEN_BIN(shr_i32, INDEX_op_shr_i32, TCGv_i32)
GEN_BIN(sar_i32, INDEX_op_sar_i32, TCGv_i32)
GEN_BIN(rotl_i32, INDEX_op_rotl_i32, TCGv_i32)
GEN_BIN(rotr_i32, INDEX_op_rotr_i32, TCGv_i32)
GEN_BIN(mul_i32, INDEX_op_mul_i32, TCGv_i32)
GEN_BIN(add_i64, INDEX_op_add_i64, TCGv_i64)
GEN_BIN(sub_i64, INDEX_op_sub_i64, TCGv_i64)
GEN_BIN(mul_i64, INDEX_op_mul_i64, TCGv_i64)
GEN_BIN(and_i64, INDEX_op_and_i64, TCGv_i64)
GEN_BIN(or_i64, INDEX_op_or_i64, TCGv_i64)
GEN_BIN(xor_i64, INDEX_op_xor_i64, TCGv_i64)
GEN_BIN(shl_i64, INDEX_op_shl_i64, TCGv_i64)
GEN_BIN(shr_i64, INDEX_op_shr_i64, TCGv_i64)
GEN_BIN(sar_i64, INDEX_op_sar_i64, TCGv_i64)

#define GEN_UN(name, opc, TD, TA)                                            \
    void tcg_gen_##name(TD d, TA a)                                          \
    {                                                                        \
        OP2(opc, d.idx, a.idx);                                              \
    }
GEN_UN(neg_i32, INDEX_op_neg_i32, TCGv_i32, TCGv_i32)
GEN_UN(not_i32, INDEX_op_not_i32, TCGv_i32, TCGv_i32)
GEN_UN(ext8u_i32, INDEX_op_ext8u_i32, TCGv_i32, TCGv_i32)
GEN_UN(ext8s_i32, INDEX_op_ext8s_i32, TCGv_i32, TCGv_i32)
GEN_UN(ext16u_i32, INDEX_op_ext16u_i32, TCGv_i32, TCGv_i32)
GEN_UN(ext16s_i32, INDEX_op_ext16s_i32, TCGv_i32, TCGv_i32)
GEN_UN(extu_i32_i64, INDEX_op_extu_i32_i64, TCGv_i64, TCGv_i32)
GEN_UN(exts_i32_i64, INDEX_op_exts_i32_i64, TCGv_i64, TCGv_i32)
GEN_UN(extrl_i64_i32, INDEX_op_extrl_i64_i32, TCGv_i32, TCGv_i64)
GEN_UN(extrh_i64_i32, INDEX_op_extrh_i64_i32, TCGv_i32, TCGv_i64)

void tcg_gen_mov_i64(TCGv_i64 d, TCGv_i64 a)
{
    if (d.idx != a.idx) {
        OP2(INDEX_op_mov_i64, d.idx, a.idx);
    }
}

void tcg_gen_movi_i64(TCGv_i64 d, int64_t v)
{
    OP2(INDEX_op_movi_i64, d.idx, v);
}

void tcg_gen_setcond_i32(TCGCond c, TCGv_i32 d, TCGv_i32 a, TCGv_i32 b)
{
    OP4(INDEX_op_setcond_i32, d.idx, a.idx, b.idx, c);
}

void tcg_gen_setcond_i64(TCGCond c, TCGv_i64 d, TCGv_i64 a, TCGv_i64 b)
{
    OP4(INDEX_op_setcond_i64, d.idx, a.idx, b.idx, c);
}

void tcg_gen_brcond_i32(TCGCond c, TCGv_i32 a, TCGv_i32 b, TCGLabel *l)
{
    OP4(INDEX_op_brcond_i32, a.idx, b.idx, c, l->id);
}

void tcg_gen_brcond_i64(TCGCond c, TCGv_i64 a, TCGv_i64 b, TCGLabel *l)
{
    OP4(INDEX_op_brcond_i64, a.idx, b.idx, c, l->id);
}

void tcg_gen_movcond_i32(TCGCond c, TCGv_i32 d, TCGv_i32 a, TCGv_i32 b,
                         TCGv_i32 v1, TCGv_i32 v2)
{
    tcg_gen_op(INDEX_op_movcond_i32, 6,
               (int64_t[]){ d.idx, a.idx, b.idx, v1.idx, v2.idx, c });
}

void tcg_gen_mulu2_i32(TCGv_i32 dl, TCGv_i32 dh, TCGv_i32 a, TCGv_i32 b)
{
    OP4(INDEX_op_mulu2_i32, dl.idx, dh.idx, a.idx, b.idx);
}

void tcg_gen_muls2_i32(TCGv_i32 dl, TCGv_i32 dh, TCGv_i32 a, TCGv_i32 b)
{
    OP4(INDEX_op_muls2_i32, dl.idx, dh.idx, a.idx, b.idx);
}

void tcg_gen_divu2_i32(TCGv_i32 q, TCGv_i32 r, TCGv_i32 al, TCGv_i32 ah,
                       TCGv_i32 b)
{
    tcg_gen_op(INDEX_op_divu2_i32, 5,
               (int64_t[]){ q.idx, r.idx, al.idx, ah.idx, b.idx });
}

void tcg_gen_deposit_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b, int pos,
                         int len)
{
    assert(pos >= 0 && len > 0 && pos + len <= 32);
    tcg_gen_op(INDEX_op_deposit_i32, 5,
               (int64_t[]){ d.idx, a.idx, b.idx, pos, len });
}

void tcg_gen_extract_i32(TCGv_i32 d, TCGv_i32 a, int pos, int len)
{
    assert(pos >= 0 && len > 0 && pos + len <= 32);
    OP4(INDEX_op_extract_i32, d.idx, a.idx, pos, len);
}

void tcg_gen_sextract_i32(TCGv_i32 d, TCGv_i32 a, int pos, int len)
{
    assert(pos >= 0 && len > 0 && pos + len <= 32);
    OP4(INDEX_op_sextract_i32, d.idx, a.idx, pos, len);
}

void tcg_gen_qemu_ld_i32(TCGv_i32 d, TCGv_i32 addr, int mmu_idx, MemOp mop)
{
    if ((mop & MO_SIZE) == MO_32) {
        mop &= ~MO_SIGN;          /* no sign to extend into 32 bits */
    }
    OP4(INDEX_op_qemu_ld_i32, d.idx, addr.idx, mop, mmu_idx);
}

void tcg_gen_qemu_st_i32(TCGv_i32 v, TCGv_i32 addr, int mmu_idx, MemOp mop)
{
    OP4(INDEX_op_qemu_st_i32, v.idx, addr.idx, mop & MO_SIZE, mmu_idx);
}

void tcg_gen_qemu_ld_i64(TCGv_i64 d, TCGv_i32 addr, int mmu_idx, MemOp mop)
{
    if ((mop & MO_SIZE) == MO_64) {
        mop &= ~MO_SIGN;
    }
    OP4(INDEX_op_qemu_ld_i64, d.idx, addr.idx, mop, mmu_idx);
}

void tcg_gen_qemu_st_i64(TCGv_i64 v, TCGv_i32 addr, int mmu_idx, MemOp mop)
{
    OP4(INDEX_op_qemu_st_i64, v.idx, addr.idx, mop & MO_SIZE, mmu_idx);
}

#define GEN_LD(name, opc, T)                                                 \
    void tcg_gen_##name(T d, int env_offset)                                 \
    {                                                                        \
        OP2(opc, d.idx, env_offset);                                         \
    }
GEN_LD(ld_i32, INDEX_op_ld_i32, TCGv_i32)
GEN_LD(ld8u_i32, INDEX_op_ld8u_i32, TCGv_i32)
GEN_LD(ld8s_i32, INDEX_op_ld8s_i32, TCGv_i32)
GEN_LD(ld16u_i32, INDEX_op_ld16u_i32, TCGv_i32)
GEN_LD(ld16s_i32, INDEX_op_ld16s_i32, TCGv_i32)
GEN_LD(ld_i64, INDEX_op_ld_i64, TCGv_i64)
GEN_LD(st_i32, INDEX_op_st_i32, TCGv_i32)
GEN_LD(st8_i32, INDEX_op_st8_i32, TCGv_i32)
GEN_LD(st16_i32, INDEX_op_st16_i32, TCGv_i32)
GEN_LD(st_i64, INDEX_op_st_i64, TCGv_i64)

void tcg_gen_insn_start(uint64_t pc)
{
    OP1(INDEX_op_insn_start, (int64_t)pc);
}

void tcg_gen_insn_start2(uint64_t pc, uint64_t data1)
{
    OP2(INDEX_op_insn_start, (int64_t)pc, (int64_t)data1);
}

void tcg_gen_discard_i32(TCGv_i32 a)
{
    OP1(INDEX_op_discard, a.idx);
}

void tcg_gen_discard_i64(TCGv_i64 a)
{
    OP1(INDEX_op_discard, a.idx);
}

void tcg_gen_goto_tb(int slot)
{
    assert(slot == 0 || slot == 1);
    OP1(INDEX_op_goto_tb, slot);
}

void tcg_gen_exit_tb(uintptr_t val)
{
    OP1(INDEX_op_exit_tb, (int64_t)val);
}

void tcg_gen_lookup_and_goto_ptr(void)
{
    if (!tcg_backend_cfg.lookup_tb_ptr) {
        tcg_gen_exit_tb(0);
        return;
    }
    if (tcg_backend_cfg.jc.enabled) {
        /* The native back end looks the jump cache up itself (goto_ptr of
         * the constant 0); the interpreter returns to the exec loop. */
        OP1(INDEX_op_goto_ptr, tcg_constant_i64(0).idx);
        return;
    }
    TCGv_i64 p = tcg_temp_new_i64();
    int args[1] = { TCG_ENV_IDX };
    tcg_gen_call((void *)tcg_backend_cfg.lookup_tb_ptr, TCG_CALL_NO_WG,
                 p.idx, 1, args);
    OP1(INDEX_op_goto_ptr, p.idx);
    tcg_temp_free_i64(p);
}

/*
 * call: args[0] = ret (or -1), args[1..n] = inputs, then the helper address
 * and the flags; nargs = n + 3.
 */
void tcg_gen_call(void *helper, int flags, int ret_idx, int nargs,
                  const int *arg_idx)
{
    int64_t a[TCG_MAX_OP_ARGS];
    assert(nargs >= 0 && nargs <= 6);
    a[0] = ret_idx < 0 ? -1 : ret_idx;
    for (int i = 0; i < nargs; i++) {
        a[1 + i] = arg_idx[i];
    }
    a[1 + nargs] = (int64_t)(uintptr_t)helper;
    a[2 + nargs] = flags;
    tcg_gen_op(INDEX_op_call, nargs + 3, a);
}

/* ---- Immediate forms ---- */

#define GEN_BINI(name, base, T)                                              \
    void tcg_gen_##name(TCGv_i32 d, TCGv_i32 a, T imm)                       \
    {                                                                        \
        tcg_gen_##base(d, a, tcg_constant_i32(imm));                         \
    }
GEN_BINI(addi_i32, add_i32, int32_t)
GEN_BINI(subi_i32, sub_i32, int32_t)
GEN_BINI(andi_i32, and_i32, int32_t)
GEN_BINI(ori_i32, or_i32, int32_t)
GEN_BINI(xori_i32, xor_i32, int32_t)
GEN_BINI(muli_i32, mul_i32, int32_t)
GEN_BINI(shli_i32, shl_i32, int)
GEN_BINI(shri_i32, shr_i32, int)
GEN_BINI(sari_i32, sar_i32, int)
GEN_BINI(rotli_i32, rotl_i32, int)
GEN_BINI(rotri_i32, rotr_i32, int)

void tcg_gen_setcondi_i32(TCGCond c, TCGv_i32 d, TCGv_i32 a, int32_t imm)
{
    tcg_gen_setcond_i32(c, d, a, tcg_constant_i32(imm));
}

void tcg_gen_brcondi_i32(TCGCond c, TCGv_i32 a, int32_t imm, TCGLabel *l)
{
    tcg_gen_brcond_i32(c, a, tcg_constant_i32(imm), l);
}

/* ---- Op layout queries (shared by the optimizer and back ends) ---- */

/* Number of output / input temp arguments of op. */
int tcg_op_nb_oargs(const TCGOp *op)
{
    if (op->opc == INDEX_op_call) {
        return op->args[0] >= 0 ? 1 : 0;
    }
    return op_defs[op->opc].nb_out;
}

int tcg_op_nb_iargs(const TCGOp *op)
{
    if (op->opc == INDEX_op_call) {
        return op->nargs - 3;
    }
    return op_defs[op->opc].nb_in;
}

/* Index in op->args of the first input. */
int tcg_op_iarg_pos(const TCGOp *op)
{
    if (op->opc == INDEX_op_call) {
        return 1;
    }
    return op_defs[op->opc].nb_out;
}

/* Ops after which every global is in memory (README "sync point"). */
bool tcg_op_is_sync(const TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_call:
        return !(op->args[op->nargs - 1] & TCG_CALL_PURE);
    case INDEX_op_set_label:
    case INDEX_op_br:
    case INDEX_op_brcond_i32:
    case INDEX_op_brcond_i64:
    case INDEX_op_goto_tb:
    case INDEX_op_exit_tb:
    case INDEX_op_goto_ptr:
    case INDEX_op_qemu_ld_i32:
    case INDEX_op_qemu_ld_i64:
    case INDEX_op_qemu_st_i32:
    case INDEX_op_qemu_st_i64:
        return true;
    default:
        return false;
    }
}

/*
 * Liveness, one backward pass in op order (README: temps do not survive a
 * label, so the linear order is the only one that matters for them).
 * Globals are never "dead" here: the back end writes them back at sync
 * points.  Bit i of op->life: args[i] (a temp) is not read after this op.
 */
void tcg_liveness(TCGContext *s)
{
    uint8_t live[TCG_MAX_TEMPS];
    memset(live, 0, sizeof(live));
    for (int i = s->nb_ops - 1; i >= 0; i--) {
        TCGOp *op = &s->ops[i];
        int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
        int ip = tcg_op_iarg_pos(op);
        unsigned life = 0;
        if (op->opc == INDEX_op_discard) {
            live[op->args[0]] = 0;
            op->life = 0;
            continue;
        }
        for (int k = 0; k < no; k++) {
            int t = (int)op->args[k];
            if (s->temps[t].kind == TEMP_NORMAL) {
                if (!live[t]) {
                    life |= 1u << k;
                }
                live[t] = 0;
            }
        }
        for (int k = 0; k < ni; k++) {
            int t = (int)op->args[ip + k];
            if (s->temps[t].kind == TEMP_NORMAL && !live[t]) {
                life |= 1u << (ip + k);
                live[t] = 1;
            }
        }
        op->life = life;
    }
}

/* ---- Listing ---- */

static const char *const cond_names[] = {
    [TCG_COND_NEVER] = "never", [TCG_COND_ALWAYS] = "always",
    [TCG_COND_EQ] = "eq",       [TCG_COND_NE] = "ne",
    [TCG_COND_LT] = "lt",       [TCG_COND_GE] = "ge",
    [TCG_COND_LE] = "le",       [TCG_COND_GT] = "gt",
    [TCG_COND_LTU] = "ltu",     [TCG_COND_GEU] = "geu",
    [TCG_COND_LEU] = "leu",     [TCG_COND_GTU] = "gtu",
};

static const char *cond_name(int64_t c)
{
    return c >= 0 && c < (int64_t)ARRAY_SIZE(cond_names) ? cond_names[c] : "?";
}

static void dump_temp(TCGContext *s, FILE *f, int64_t idx)
{
    if (idx < 0 || idx >= s->nb_temps) {
        fprintf(f, "<bad %" PRId64 ">", idx);
        return;
    }
    TCGTemp *t = &s->temps[idx];
    switch (t->kind) {
    case TEMP_GLOBAL:
    case TEMP_FIXED:
        fprintf(f, "%s", t->name ? t->name : "glob");
        break;
    case TEMP_CONST:
        if (t->type == TCG_TYPE_I32) {
            fprintf(f, "$0x%" PRIx32, (uint32_t)t->val);
        } else {
            fprintf(f, "$0x%" PRIx64, (uint64_t)t->val);
        }
        break;
    default:
        fprintf(f, "tmp%d", (int)idx - s->nb_globals);
        break;
    }
}

void tcg_dump_ops(TCGContext *s, FILE *f)
{
    for (int i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
        int ip = tcg_op_iarg_pos(op);
        bool first = true;
        if (op->opc == INDEX_op_insn_start) {
            fprintf(f, " ---- 0x%" PRIx64, (uint64_t)op->args[0]);
            if (op->nargs > 1) {
                fprintf(f, " 0x%" PRIx64, (uint64_t)op->args[1]);
            }
            fputc('\n', f);
            continue;
        }
        fprintf(f, " %s ", tcg_op_name(op->opc));
        if (op->opc == INDEX_op_call) {
            fprintf(f, "%p,$0x%" PRIx64, (void *)(uintptr_t)op->args[ip + ni],
                    (uint64_t)op->args[ip + ni + 1]);
            first = false;
            if (no == 0) {
                fprintf(f, ",-");
            }
        }
        for (int k = 0; k < no; k++) {
            fprintf(f, first ? "" : ",");
            first = false;
            dump_temp(s, f, op->args[k]);
        }
        for (int k = 0; k < ni; k++) {
            fprintf(f, first ? "" : ",");
            first = false;
            dump_temp(s, f, op->args[ip + k]);
        }
        if (op->opc == INDEX_op_call) {
            fputc('\n', f);
            continue;
        }
        for (int k = ip + ni; k < op->nargs; k++) {
            int64_t v = op->args[k];
            fprintf(f, first ? "" : ",");
            first = false;
            switch (op->opc) {
            case INDEX_op_set_label:
            case INDEX_op_br:
                fprintf(f, "$L%d", (int)v);
                break;
            case INDEX_op_setcond_i32:
            case INDEX_op_setcond_i64:
            case INDEX_op_movcond_i32:
            case INDEX_op_movcond_i64:
                fprintf(f, "%s", cond_name(v));
                break;
            case INDEX_op_brcond_i32:
            case INDEX_op_brcond_i64:
                if (k == ip + ni) {
                    fprintf(f, "%s", cond_name(v));
                } else {
                    fprintf(f, "$L%d", (int)v);
                }
                break;
            default:
                fprintf(f, "$0x%" PRIx64, (uint64_t)v);
                break;
            }
        }
        fputc('\n', f);
    }
}
