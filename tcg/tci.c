/*
 * The IR interpreter: runs a block's ops directly.  The reference the
 * native back end is tested against, and a fallback for hosts or blocks
 * the code generator does not handle.
 *
 * Globals are read and written in env on every access, so env is always
 * current (a helper or slow path sees every global in memory).  Guest
 * memory goes through the same software TLB as native code
 * (tcg-backend.h), with the exec loop's slow paths on a miss.
 */
#include "tcg/tcg.h"
#include "tcg/tcg-backend.h"
#include "tcg/tcg-internal.h"

__thread uint64_t tci_insn_data[2];

struct TCIBlock {
    int nb_ops, nb_temps, nb_labels;
    TCGOp *ops;
    TCGTemp *temps;
};

typedef struct TCIState {
    const TCGOp *ops;
    int nb_ops;
    const TCGTemp *temps;
    int nb_temps;
    uint8_t *env;
    uint64_t *vals;
} TCIState;

static uint64_t rd(TCIState *st, int64_t idx)
{
    const TCGTemp *t = &st->temps[idx];
    bool is64 = t->type == TCG_TYPE_I64;
    switch (t->kind) {
    case TEMP_FIXED:
        return (uintptr_t)st->env;
    case TEMP_CONST:
        return is64 ? (uint64_t)t->val : (uint32_t)t->val;
    case TEMP_GLOBAL: {
        uint64_t v;
        if (is64) {
            memcpy(&v, st->env + t->mem_offset, 8);
        } else {
            uint32_t v32;
            memcpy(&v32, st->env + t->mem_offset, 4);
            v = v32;
        }
        return v;
    }
    default:
        return is64 ? st->vals[idx] : (uint32_t)st->vals[idx];
    }
}

static void wr(TCIState *st, int64_t idx, uint64_t v)
{
    const TCGTemp *t = &st->temps[idx];
    if (t->kind == TEMP_GLOBAL) {
        if (t->type == TCG_TYPE_I64) {
            memcpy(st->env + t->mem_offset, &v, 8);
        } else {
            uint32_t v32 = v;
            memcpy(st->env + t->mem_offset, &v32, 4);
        }
    } else if (t->kind == TEMP_NORMAL) {
        st->vals[idx] = t->type == TCG_TYPE_I64 ? v : (uint32_t)v;
    }
}

static uint64_t sign_ext(uint64_t v, MemOp op)
{
    switch (op & (MO_SIZE | MO_SIGN)) {
    case MO_SB:
        return (uint64_t)(int64_t)(int8_t)v;
    case MO_SW:
        return (uint64_t)(int64_t)(int16_t)v;
    case MO_SL:
        return (uint64_t)(int64_t)(int32_t)v;
    default:
        return v;
    }
}

static TCGTLBEntry *tlb_entry(uint8_t *env, uint64_t addr, int mmu_idx)
{
    TCGTLBEntry *tlb = (TCGTLBEntry *)(env + tcg_backend_cfg.tlb_offset);
    return &tlb[(mmu_idx & (TCG_NB_MMU_MODES - 1)) * TCG_TLB_SIZE +
                TCG_TLB_INDEX(addr)];
}

/*
 * The tag compare of the native fast path: the last byte's page, computed
 * in the address's width (an i32 address wraps at 4 GiB and misses).
 */
static uint64_t last_page(uint64_t addr, unsigned size, bool a32)
{
    uint64_t last = addr + size - 1;
    return (a32 ? (uint32_t)last : last) & TCG_PAGE_MASK;
}

static uint64_t guest_ld(uint8_t *env, uint64_t addr, bool a32, MemOp op,
                         int mmu_idx)
{
    unsigned size = 1u << (op & MO_SIZE);
    TCGTLBEntry *e = tlb_entry(env, addr, mmu_idx);
    uint64_t v;
    if (e->addr_read == last_page(addr, size, a32)) {
        const uint8_t *p = (const uint8_t *)((uintptr_t)addr + e->addend);
        switch (op & MO_SIZE) {
        case MO_8:
            v = *p;
            break;
        case MO_16:
            v = ldw_le_p(p);
            break;
        case MO_32:
            v = ldl_le_p(p);
            break;
        default:
            v = ldq_le_p(p);
            break;
        }
    } else {
        v = tcg_backend_cfg.slow_ld(env, addr,
                                    (op & MO_SIZE) | (a32 ? MO_ADDR32 : 0),
                                    mmu_idx, 0);
    }
    return sign_ext(v, op);
}

static void guest_st(uint8_t *env, uint64_t addr, bool a32, uint64_t v,
                     MemOp op, int mmu_idx)
{
    unsigned size = 1u << (op & MO_SIZE);
    TCGTLBEntry *e = tlb_entry(env, addr, mmu_idx);
    if (e->addr_write == last_page(addr, size, a32)) {
        uint8_t *p = (uint8_t *)((uintptr_t)addr + e->addend);
        switch (op & MO_SIZE) {
        case MO_8:
            *p = v;
            break;
        case MO_16:
            stw_le_p(p, v);
            break;
        case MO_32:
            stl_le_p(p, v);
            break;
        default:
            stq_le_p(p, v);
            break;
        }
    } else {
        tcg_backend_cfg.slow_st(env, addr, v,
                                (op & MO_SIZE) | (a32 ? MO_ADDR32 : 0),
                                mmu_idx, 0);
    }
}

typedef uint64_t (*HelperFn)(uint64_t, uint64_t, uint64_t, uint64_t,
                             uint64_t, uint64_t);

static uintptr_t interpret(TCIState *st, int nb_labels)
{
    int label_pos[TCG_MAX_LABELS];
    for (int i = 0; i < nb_labels && i < TCG_MAX_LABELS; i++) {
        label_pos[i] = st->nb_ops;
    }
    for (int i = 0; i < st->nb_ops; i++) {
        if (st->ops[i].opc == INDEX_op_set_label) {
            label_pos[st->ops[i].args[0]] = i;
        }
    }

    for (int pc = 0; pc < st->nb_ops; pc++) {
        const TCGOp *op = &st->ops[pc];
        const int64_t *a = op->args;
        uint64_t r;

        switch (op->opc) {
        case INDEX_op_discard:
        case INDEX_op_set_label:
        case INDEX_op_goto_tb:
            break;
        case INDEX_op_insn_start:
            tci_insn_data[0] = a[0];
            tci_insn_data[1] = op->nargs > 1 ? a[1] : 0;
            break;
        case INDEX_op_br:
            pc = label_pos[a[0]];
            break;
        case INDEX_op_brcond_i32:
        case INDEX_op_brcond_i64:
            if (tcg_eval_cond(a[2], rd(st, a[0]), rd(st, a[1]),
                              op->opc == INDEX_op_brcond_i64)) {
                pc = label_pos[a[3]];
            }
            break;
        case INDEX_op_exit_tb:
            return (uintptr_t)a[0];
        case INDEX_op_goto_ptr:
            return 0;
        case INDEX_op_call: {
            int ni = op->nargs - 3;
            uint64_t v[6] = { 0 };
            for (int k = 0; k < ni; k++) {
                v[k] = rd(st, a[1 + k]);
            }
            HelperFn fn = (HelperFn)(uintptr_t)a[1 + ni];
            r = fn(v[0], v[1], v[2], v[3], v[4], v[5]);
            if (a[0] >= 0) {
                wr(st, a[0], r);
            }
            break;
        }
        case INDEX_op_movi_i32:
        case INDEX_op_movi_i64:
            wr(st, a[0], a[1]);
            break;
        case INDEX_op_setcond_i32:
        case INDEX_op_setcond_i64:
            wr(st, a[0], tcg_eval_cond(a[3], rd(st, a[1]), rd(st, a[2]),
                                       op->opc == INDEX_op_setcond_i64));
            break;
        case INDEX_op_movcond_i32:
        case INDEX_op_movcond_i64:
            wr(st, a[0], tcg_eval_cond(a[5], rd(st, a[1]), rd(st, a[2]),
                                       op->opc == INDEX_op_movcond_i64)
                             ? rd(st, a[3]) : rd(st, a[4]));
            break;
        case INDEX_op_mulu2_i64: {
            unsigned __int128 p = (unsigned __int128)rd(st, a[2]) *
                                  rd(st, a[3]);
            wr(st, a[0], (uint64_t)p);
            wr(st, a[1], (uint64_t)(p >> 64));
            break;
        }
        case INDEX_op_muls2_i64: {
            __int128 p = (__int128)(int64_t)rd(st, a[2]) *
                         (int64_t)rd(st, a[3]);
            wr(st, a[0], (uint64_t)p);
            wr(st, a[1], (uint64_t)((unsigned __int128)p >> 64));
            break;
        }
        case INDEX_op_divu2_i64: {
            unsigned __int128 n = (unsigned __int128)rd(st, a[3]) << 64 |
                                  rd(st, a[2]);
            uint64_t dv = rd(st, a[4]);
            if (dv == 0 || rd(st, a[3]) >= dv) {
                dv = 1;             /* undefined: do not trap */
                n = (uint64_t)n;
            }
            wr(st, a[0], (uint64_t)(n / dv));
            wr(st, a[1], (uint64_t)(n % dv));
            break;
        }
        case INDEX_op_divs2_i64: {
            __int128 n = (__int128)((unsigned __int128)rd(st, a[3]) << 64 |
                                    rd(st, a[2]));
            int64_t dv = rd(st, a[4]);
            bool min = (unsigned __int128)n == (unsigned __int128)1 << 127;
            __int128 q = dv && !(dv == -1 && min) ? n / dv : 0;
            if (dv == 0 || (dv == -1 && min) || q != (int64_t)q) {
                q = 0;              /* undefined: do not trap */
                dv = 1;
                n = 0;
            }
            wr(st, a[0], (uint64_t)(int64_t)q);
            wr(st, a[1], (uint64_t)(int64_t)(n - q * dv));
            break;
        }
        case INDEX_op_mulu2_i32:
            r = (uint64_t)(uint32_t)rd(st, a[2]) * (uint32_t)rd(st, a[3]);
            wr(st, a[0], (uint32_t)r);
            wr(st, a[1], r >> 32);
            break;
        case INDEX_op_muls2_i32:
            r = (uint64_t)((int64_t)(int32_t)rd(st, a[2]) *
                           (int32_t)rd(st, a[3]));
            wr(st, a[0], (uint32_t)r);
            wr(st, a[1], r >> 32);
            break;
        case INDEX_op_divu2_i32: {
            uint64_t n = (uint64_t)(uint32_t)rd(st, a[3]) << 32 |
                         (uint32_t)rd(st, a[2]);
            uint32_t dv = (uint32_t)rd(st, a[4]);
            if (dv == 0 || (n >> 32) >= dv) {
                dv = 1;             /* undefined: do not trap */
            }
            wr(st, a[0], (uint32_t)(n / dv));
            wr(st, a[1], (uint32_t)(n % dv));
            break;
        }
        case INDEX_op_ld8u_i32:
            wr(st, a[0], st->env[a[1]]);
            break;
        case INDEX_op_ld8s_i32:
            wr(st, a[0], (uint32_t)(int8_t)st->env[a[1]]);
            break;
        case INDEX_op_ld16u_i32:
            wr(st, a[0], ldw_le_p(st->env + a[1]));
            break;
        case INDEX_op_ld16s_i32:
            wr(st, a[0], (uint32_t)(int16_t)ldw_le_p(st->env + a[1]));
            break;
        case INDEX_op_ld_i32:
            wr(st, a[0], ldl_le_p(st->env + a[1]));
            break;
        case INDEX_op_ld_i64:
            wr(st, a[0], ldq_le_p(st->env + a[1]));
            break;
        case INDEX_op_ld8u_i64:
            wr(st, a[0], st->env[a[1]]);
            break;
        case INDEX_op_ld8s_i64:
            wr(st, a[0], (uint64_t)(int8_t)st->env[a[1]]);
            break;
        case INDEX_op_ld16u_i64:
            wr(st, a[0], ldw_le_p(st->env + a[1]));
            break;
        case INDEX_op_ld16s_i64:
            wr(st, a[0], (uint64_t)(int16_t)ldw_le_p(st->env + a[1]));
            break;
        case INDEX_op_ld32u_i64:
            wr(st, a[0], ldl_le_p(st->env + a[1]));
            break;
        case INDEX_op_ld32s_i64:
            wr(st, a[0], (uint64_t)(int32_t)ldl_le_p(st->env + a[1]));
            break;
        case INDEX_op_st8_i64:
            st->env[a[1]] = rd(st, a[0]);
            break;
        case INDEX_op_st16_i64:
            stw_le_p(st->env + a[1], rd(st, a[0]));
            break;
        case INDEX_op_st32_i64:
            stl_le_p(st->env + a[1], rd(st, a[0]));
            break;
        case INDEX_op_st8_i32:
            st->env[a[1]] = rd(st, a[0]);
            break;
        case INDEX_op_st16_i32:
            stw_le_p(st->env + a[1], rd(st, a[0]));
            break;
        case INDEX_op_st_i32:
            stl_le_p(st->env + a[1], rd(st, a[0]));
            break;
        case INDEX_op_st_i64:
            stq_le_p(st->env + a[1], rd(st, a[0]));
            break;
        case INDEX_op_qemu_ld_i32:
        case INDEX_op_qemu_ld_i64:
            r = guest_ld(st->env, rd(st, a[1]),
                         st->temps[a[1]].type == TCG_TYPE_I32, a[2], a[3]);
            wr(st, a[0], r);
            break;
        case INDEX_op_qemu_st_i32:
        case INDEX_op_qemu_st_i64:
            guest_st(st->env, rd(st, a[1]),
                     st->temps[a[1]].type == TCG_TYPE_I32, rd(st, a[0]), a[2],
                     a[3]);
            break;
        default: {
            int ni = tcg_op_nb_iargs(op);
            uint64_t x = rd(st, a[1]);
            uint64_t y = ni > 1 ? rd(st, a[2]) : 0;
            int64_t c1 = 0, c2 = 0;
            if (tcg_op_is_deposit(op->opc)) {
                c1 = a[3];
                c2 = a[4];
            } else if (tcg_op_is_extract(op->opc)) {
                c1 = a[2];
                c2 = a[3];
            }
            if (!tcg_eval_alu(op->opc, x, y, c1, c2, &r)) {
                error_report("tci: unhandled op %s", tcg_op_name(op->opc));
                abort();
            }
            wr(st, a[0], r);
            break;
        }
        }
    }
    /* Fell off the end (undefined per README): back to the exec loop. */
    return 0;
}

uintptr_t tcg_interpret(const TCGContext *s, void *env)
{
    uint64_t vals[TCG_MAX_TEMPS];
    TCIState st = {
        .ops = s->ops, .nb_ops = s->nb_ops, .temps = s->temps,
        .nb_temps = s->nb_temps, .env = env, .vals = vals,
    };
    return interpret(&st, s->nb_labels);
}

TCIBlock *tci_block_new(const TCGContext *s)
{
    TCIBlock *b = calloc(1, sizeof(*b));
    if (!b) {
        return NULL;
    }
    b->nb_ops = s->nb_ops;
    b->nb_temps = s->nb_temps;
    b->nb_labels = s->nb_labels;
    b->ops = malloc(sizeof(TCGOp) * (s->nb_ops ? s->nb_ops : 1));
    b->temps = malloc(sizeof(TCGTemp) * s->nb_temps);
    if (!b->ops || !b->temps) {
        tci_block_free(b);
        return NULL;
    }
    memcpy(b->ops, s->ops, sizeof(TCGOp) * s->nb_ops);
    memcpy(b->temps, s->temps, sizeof(TCGTemp) * s->nb_temps);
    return b;
}

uintptr_t tci_block_exec(const TCIBlock *b, void *env)
{
    uint64_t vals[TCG_MAX_TEMPS];
    TCIState st = {
        .ops = b->ops, .nb_ops = b->nb_ops, .temps = b->temps,
        .nb_temps = b->nb_temps, .env = env, .vals = vals,
    };
    return interpret(&st, b->nb_labels);
}

void tci_block_free(TCIBlock *b)
{
    if (b) {
        free(b->ops);
        free(b->temps);
        free(b);
    }
}
