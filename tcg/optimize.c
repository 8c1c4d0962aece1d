/*
 * The IR optimizer (README "Optimizer"): one forward pass doing constant
 * folding (with the usual identities) and copy propagation, then one
 * backward pass removing ops whose results are never read.
 *
 * Knowledge is dropped at every label (values may arrive from several
 * edges), and knowledge about globals at every call that may write them.
 */
#include "tcg/tcg.h"
#include "tcg/tcg-internal.h"

#define OP_REMOVED NB_OPS

typedef struct OptState {
    TCGContext *s;
    bool is_const[TCG_MAX_TEMPS];
    uint64_t val[TCG_MAX_TEMPS];
    int16_t copy_of[TCG_MAX_TEMPS];   /* -1, or the value this one copies */
    bool has_copies[TCG_MAX_TEMPS];
    /* An i64 value known to have bits 63..32 clear: the 64-bit frontend
     * zero-extends every 32-bit result, often twice, and ext32u of such a
     * value is a copy. */
    bool z32[TCG_MAX_TEMPS];
} OptState;

static bool is64_type(OptState *o, int t)
{
    return o->s->temps[t].type == TCG_TYPE_I64;
}

static void forget(OptState *o, int t)
{
    if (o->has_copies[t]) {
        for (int i = 0; i < o->s->nb_temps; i++) {
            if (o->copy_of[i] == t) {
                o->copy_of[i] = -1;
            }
        }
        o->has_copies[t] = false;
    }
    o->copy_of[t] = -1;
    o->is_const[t] = o->s->temps[t].kind == TEMP_CONST;
    o->val[t] = o->s->temps[t].val;
    o->z32[t] = false;
}

/* Whether i64 value t has bits 63..32 clear. */
static bool known_z32(OptState *o, int t)
{
    if (o->is_const[t]) {
        return !(o->val[t] >> 32);
    }
    return o->z32[t];
}

/* Whether the i64 result of op has bits 63..32 clear, from the op and
 * what is known of its (already substituted) inputs. */
static bool result_z32(OptState *o, const TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_ext8u_i64:
    case INDEX_op_ext16u_i64:
    case INDEX_op_ext32u_i64:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_ld8u_i64:
    case INDEX_op_ld16u_i64:
    case INDEX_op_ld32u_i64:
    case INDEX_op_setcond_i64:
        return true;
    case INDEX_op_and_i64:
        return known_z32(o, op->args[1]) || known_z32(o, op->args[2]);
    case INDEX_op_or_i64:
    case INDEX_op_xor_i64:
        return known_z32(o, op->args[1]) && known_z32(o, op->args[2]);
    case INDEX_op_shr_i64:
        return known_z32(o, op->args[1]);
    case INDEX_op_extract_i64:
        return op->args[3] <= 32;
    default:
        return false;
    }
}

static void forget_all(OptState *o, bool globals_only)
{
    TCGContext *s = o->s;
    for (int i = 0; i < s->nb_temps; i++) {
        if (!globals_only) {
            forget(o, i);
            continue;
        }
        /* A global may have changed in memory: drop what we knew about it
         * and every temp that claims to copy it. */
        if (s->temps[i].kind == TEMP_GLOBAL) {
            forget(o, i);
        } else if (o->copy_of[i] >= 0 &&
                   s->temps[o->copy_of[i]].kind == TEMP_GLOBAL) {
            o->copy_of[i] = -1;
        }
    }
}

static int root_of(OptState *o, int t)
{
    return o->copy_of[t] >= 0 ? o->copy_of[t] : t;
}

static void set_movi(OptState *o, TCGOp *op, int d, uint64_t v)
{
    bool is64 = is64_type(o, d);
    op->opc = is64 ? INDEX_op_movi_i64 : INDEX_op_movi_i32;
    op->nargs = 2;
    op->args[0] = d;
    op->args[1] = is64 ? (int64_t)v : (int64_t)(int32_t)v;
}

static void set_mov(OptState *o, TCGOp *op, int d, int a)
{
    op->opc = is64_type(o, d) ? INDEX_op_mov_i64 : INDEX_op_mov_i32;
    op->nargs = 2;
    op->args[0] = d;
    op->args[1] = a;
}

/* Try the algebraic identities on a two-input op with args d, a, b. */
static void fold_identity(OptState *o, TCGOp *op)
{
    int d = op->args[0], a = op->args[1], b = op->args[2];
    bool is64 = is64_type(o, d);
    uint64_t ones = is64 ? ~0ull : 0xffffffffull;
    bool ca = o->is_const[a], cb = o->is_const[b];
    uint64_t va = o->val[a] & ones, vb = o->val[b] & ones;

    switch (op->opc) {
    case INDEX_op_add_i32:
    case INDEX_op_add_i64:
    case INDEX_op_or_i32:
    case INDEX_op_or_i64:
    case INDEX_op_xor_i32:
    case INDEX_op_xor_i64:
        if (cb && vb == 0) {
            set_mov(o, op, d, a);
        } else if (ca && va == 0) {
            set_mov(o, op, d, b);
        } else if (a == b && (op->opc == INDEX_op_xor_i32 ||
                              op->opc == INDEX_op_xor_i64)) {
            set_movi(o, op, d, 0);
        } else if (a == b && (op->opc == INDEX_op_or_i32 ||
                              op->opc == INDEX_op_or_i64)) {
            set_mov(o, op, d, a);
        } else if (((cb && vb == ones) || (ca && va == ones)) &&
                   (op->opc == INDEX_op_or_i32 ||
                    op->opc == INDEX_op_or_i64)) {
            set_movi(o, op, d, ones);
        }
        break;
    case INDEX_op_sub_i32:
    case INDEX_op_sub_i64:
        if (cb && vb == 0) {
            set_mov(o, op, d, a);
        } else if (a == b) {
            set_movi(o, op, d, 0);
        }
        break;
    case INDEX_op_and_i32:
    case INDEX_op_and_i64:
        if ((cb && vb == 0) || (ca && va == 0)) {
            set_movi(o, op, d, 0);
        } else if (cb && vb == ones) {
            set_mov(o, op, d, a);
        } else if (ca && va == ones) {
            set_mov(o, op, d, b);
        } else if (a == b) {
            set_mov(o, op, d, a);
        }
        break;
    case INDEX_op_mul_i32:
    case INDEX_op_mul_i64:
        if ((cb && vb == 0) || (ca && va == 0)) {
            set_movi(o, op, d, 0);
        } else if (cb && vb == 1) {
            set_mov(o, op, d, a);
        } else if (ca && va == 1) {
            set_mov(o, op, d, b);
        }
        break;
    case INDEX_op_shl_i32:
    case INDEX_op_shr_i32:
    case INDEX_op_sar_i32:
    case INDEX_op_rotl_i32:
    case INDEX_op_rotr_i32:
    case INDEX_op_shl_i64:
    case INDEX_op_shr_i64:
    case INDEX_op_sar_i64:
    case INDEX_op_rotl_i64:
    case INDEX_op_rotr_i64:
        if (cb && (vb & (is64 ? 63 : 31)) == 0) {
            set_mov(o, op, d, a);
        } else if (ca && va == 0) {
            set_movi(o, op, d, 0);
        }
        break;
    default:
        break;
    }
}

static void forward_pass(OptState *o)
{
    TCGContext *s = o->s;
    for (int i = 0; i < s->nb_temps; i++) {
        forget(o, i);
    }

    for (int i = 0; i < s->nb_ops; i++) {
        TCGOp *op = &s->ops[i];
        int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
        int ip = tcg_op_iarg_pos(op);

        if (op->opc == INDEX_op_set_label) {
            forget_all(o, false);
            continue;
        }
        if (op->opc == INDEX_op_discard) {
            forget(o, op->args[0]);
            continue;
        }

        /* Inputs: constants and copies replaced by what they stand for. */
        for (int k = 0; k < ni; k++) {
            int t = op->args[ip + k];
            if (o->is_const[t] && s->temps[t].kind != TEMP_CONST) {
                op->args[ip + k] = tcg_const_idx(s, s->temps[t].type,
                                                 (int64_t)o->val[t]);
                t = op->args[ip + k];
                o->is_const[t] = true;
                o->val[t] = s->temps[t].val;
                o->copy_of[t] = -1;
            } else {
                op->args[ip + k] = root_of(o, t);
            }
        }

        /* Folding. */
        uint64_t r;
        bool all_const = ni > 0;
        for (int k = 0; k < ni; k++) {
            all_const &= o->is_const[op->args[ip + k]];
        }
        switch (op->opc) {
        case INDEX_op_brcond_i32:
        case INDEX_op_brcond_i64:
            if (all_const || op->args[2] == TCG_COND_ALWAYS ||
                op->args[2] == TCG_COND_NEVER) {
                bool taken = tcg_eval_cond(op->args[2], o->val[op->args[0]],
                                           o->val[op->args[1]],
                                           op->opc == INDEX_op_brcond_i64);
                if (taken) {
                    int64_t l = op->args[3];
                    op->opc = INDEX_op_br;
                    op->nargs = 1;
                    op->args[0] = l;
                } else {
                    op->opc = OP_REMOVED;
                    continue;
                }
            }
            break;
        case INDEX_op_ext32u_i64:
            if (all_const) {
                set_movi(o, op, op->args[0], (uint32_t)o->val[op->args[1]]);
            } else if (known_z32(o, op->args[1])) {
                set_mov(o, op, op->args[0], op->args[1]);
            }
            break;
        case INDEX_op_setcond_i32:
        case INDEX_op_setcond_i64:
            if (all_const) {
                set_movi(o, op, op->args[0],
                         tcg_eval_cond(op->args[3], o->val[op->args[1]],
                                       o->val[op->args[2]],
                                       op->opc == INDEX_op_setcond_i64));
            }
            break;
        case INDEX_op_movcond_i32:
        case INDEX_op_movcond_i64: {
            int a = op->args[1], b = op->args[2];
            if (op->args[3] == op->args[4]) {
                set_mov(o, op, op->args[0], op->args[3]);
            } else if (o->is_const[a] && o->is_const[b]) {
                bool c = tcg_eval_cond(op->args[5], o->val[a], o->val[b],
                                       op->opc == INDEX_op_movcond_i64);
                set_mov(o, op, op->args[0], c ? op->args[3] : op->args[4]);
            }
            break;
        }
        case INDEX_op_deposit_i32:
        case INDEX_op_extract_i32:
        case INDEX_op_sextract_i32:
        case INDEX_op_deposit_i64:
        case INDEX_op_extract_i64:
        case INDEX_op_sextract_i64:
            if (all_const) {
                bool dep = tcg_op_is_deposit(op->opc);
                uint64_t b = dep ? o->val[op->args[2]] : 0;
                int64_t c1 = dep ? op->args[3] : op->args[2];
                int64_t c2 = dep ? op->args[4] : op->args[3];
                tcg_eval_alu(op->opc, o->val[op->args[1]], b, c1, c2, &r);
                set_movi(o, op, op->args[0], r);
            }
            break;
        default:
            /* tcg_eval_alu and fold_identity know which ops are ALU. */
            if (no == 1 && ni >= 1 && ni <= 2 && op->opc != INDEX_op_call) {
                if (all_const &&
                    tcg_eval_alu(op->opc, o->val[op->args[1]],
                                 ni > 1 ? o->val[op->args[2]] : 0, 0, 0, &r)) {
                    set_movi(o, op, op->args[0], r);
                } else if (ni == 2) {
                    fold_identity(o, op);
                }
            }
            break;
        }

        /* Outputs. */
        if (op->opc == INDEX_op_mov_i32 || op->opc == INDEX_op_mov_i64) {
            int d = op->args[0], a = op->args[1];
            if (root_of(o, a) == d || a == d) {
                op->opc = OP_REMOVED;
                continue;
            }
            bool z = is64_type(o, d) && known_z32(o, a);
            forget(o, d);
            if (o->is_const[a]) {
                set_movi(o, op, d, o->val[a]);
                o->is_const[d] = true;
                o->val[d] = o->val[a];
            } else if (s->temps[d].kind != TEMP_FIXED) {
                o->copy_of[d] = a;
                o->has_copies[a] = true;
            }
            o->z32[d] = z;
            continue;
        }
        if (op->opc == INDEX_op_movi_i32 || op->opc == INDEX_op_movi_i64) {
            int d = op->args[0];
            forget(o, d);
            o->is_const[d] = true;
            o->val[d] = is64_type(o, d) ? (uint64_t)op->args[1]
                                        : (uint32_t)op->args[1];
            continue;
        }
        no = tcg_op_nb_oargs(op);
        bool z = no == 1 && result_z32(o, op);
        for (int k = 0; k < no; k++) {
            forget(o, op->args[k]);
        }
        if (z) {
            o->z32[op->args[0]] = true;
        }
        if (op->opc == INDEX_op_call &&
            !(op->args[op->nargs - 1] & (TCG_CALL_PURE | TCG_CALL_NO_WG))) {
            forget_all(o, true);
        }
    }
}

/* Ops kept even when nothing reads their outputs. */
static bool has_side_effects(const TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_call:
        return !(op->args[op->nargs - 1] & TCG_CALL_PURE) || op->args[0] < 0;
    case INDEX_op_mov_i32:
    case INDEX_op_movi_i32:
    case INDEX_op_setcond_i32:
    case INDEX_op_movcond_i32:
    case INDEX_op_ld8u_i32:
    case INDEX_op_ld8s_i32:
    case INDEX_op_ld16u_i32:
    case INDEX_op_ld16s_i32:
    case INDEX_op_ld_i32:
    case INDEX_op_add_i32:
    case INDEX_op_sub_i32:
    case INDEX_op_mul_i32:
    case INDEX_op_mulu2_i32:
    case INDEX_op_muls2_i32:
    case INDEX_op_and_i32:
    case INDEX_op_or_i32:
    case INDEX_op_xor_i32:
    case INDEX_op_shl_i32:
    case INDEX_op_shr_i32:
    case INDEX_op_sar_i32:
    case INDEX_op_rotl_i32:
    case INDEX_op_rotr_i32:
    case INDEX_op_neg_i32:
    case INDEX_op_not_i32:
    case INDEX_op_ext8s_i32:
    case INDEX_op_ext8u_i32:
    case INDEX_op_ext16s_i32:
    case INDEX_op_ext16u_i32:
    case INDEX_op_deposit_i32:
    case INDEX_op_extract_i32:
    case INDEX_op_sextract_i32:
    case INDEX_op_mov_i64:
    case INDEX_op_movi_i64:
    case INDEX_op_setcond_i64:
    case INDEX_op_movcond_i64:
    case INDEX_op_ld8u_i64:
    case INDEX_op_ld8s_i64:
    case INDEX_op_ld16u_i64:
    case INDEX_op_ld16s_i64:
    case INDEX_op_ld32u_i64:
    case INDEX_op_ld32s_i64:
    case INDEX_op_ld_i64:
    case INDEX_op_add_i64:
    case INDEX_op_sub_i64:
    case INDEX_op_mul_i64:
    case INDEX_op_mulu2_i64:
    case INDEX_op_muls2_i64:
    case INDEX_op_and_i64:
    case INDEX_op_or_i64:
    case INDEX_op_xor_i64:
    case INDEX_op_shl_i64:
    case INDEX_op_shr_i64:
    case INDEX_op_sar_i64:
    case INDEX_op_rotl_i64:
    case INDEX_op_rotr_i64:
    case INDEX_op_neg_i64:
    case INDEX_op_not_i64:
    case INDEX_op_ext8s_i64:
    case INDEX_op_ext8u_i64:
    case INDEX_op_ext16s_i64:
    case INDEX_op_ext16u_i64:
    case INDEX_op_ext32s_i64:
    case INDEX_op_ext32u_i64:
    case INDEX_op_deposit_i64:
    case INDEX_op_extract_i64:
    case INDEX_op_sextract_i64:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_exts_i32_i64:
    case INDEX_op_extrl_i64_i32:
    case INDEX_op_extrh_i64_i32:
        return false;
    default:
        return true;
    }
}

static void backward_pass(TCGContext *s)
{
    bool live[TCG_MAX_TEMPS];
    for (int i = 0; i < s->nb_temps; i++) {
        live[i] = s->temps[i].kind == TEMP_GLOBAL;
    }
    for (int i = s->nb_ops - 1; i >= 0; i--) {
        TCGOp *op = &s->ops[i];
        if (op->opc == OP_REMOVED) {
            continue;
        }
        int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);
        int ip = tcg_op_iarg_pos(op);
        if (op->opc == INDEX_op_discard) {
            live[op->args[0]] = false;
            continue;
        }
        if (!has_side_effects(op)) {
            bool any = false;
            for (int k = 0; k < no; k++) {
                any |= live[op->args[k]];
            }
            if (!any) {
                op->opc = OP_REMOVED;
                continue;
            }
        }
        bool mul2_32 = op->opc == INDEX_op_mulu2_i32 ||
                       op->opc == INDEX_op_muls2_i32;
        bool mul2_64 = op->opc == INDEX_op_mulu2_i64 ||
                       op->opc == INDEX_op_muls2_i64;
        if ((mul2_32 || mul2_64) &&
            !live[op->args[1]] && op->args[1] != op->args[0]) {
            /* High half unused (IMUL r, r/m, imm with its flags
             * overwritten): the low half is the same for both. */
            op->opc = mul2_64 ? INDEX_op_mul_i64 : INDEX_op_mul_i32;
            op->args[1] = op->args[2];
            op->args[2] = op->args[3];
            op->nargs = 3;
            no = 1;
            ni = 2;
            ip = tcg_op_iarg_pos(op);
        }
        for (int k = 0; k < no; k++) {
            live[op->args[k]] = false;
        }
        for (int k = 0; k < ni; k++) {
            live[op->args[ip + k]] = true;
        }
        if (tcg_op_is_sync(op)) {
            for (int t = 1; t < s->nb_globals; t++) {
                live[t] = true;
            }
        }
    }
}

static void compact(TCGContext *s)
{
    int n = 0;
    for (int i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc != OP_REMOVED) {
            if (n != i) {
                s->ops[n] = s->ops[i];
            }
            n++;
        }
    }
    s->nb_ops = n;
}

void tcg_optimize(TCGContext *s)
{
    static __thread OptState o;
    o.s = s;
    forward_pass(&o);
    backward_pass(s);
    compact(s);
}
