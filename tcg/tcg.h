/*
 * The translator IR: the API the frontend uses to build a block's ops, and
 * that the optimizer and back ends consume.  tcg/README.md is the
 * specification; this header is its C form.
 *
 * One TCGContext per vCPU thread holds the block being built.  Values are
 * small handles (indices into ctx->temps) wrapped in one struct per type so
 * that the compiler catches i32/i64 mix-ups.
 */
#ifndef TCG_TCG_H
#define TCG_TCG_H

#include "emu/common.h"

typedef enum TCGType {
    TCG_TYPE_I32,
    TCG_TYPE_I64,
} TCGType;

typedef struct TCGv_i32 {
    int idx;
} TCGv_i32;
typedef struct TCGv_i64 {
    int idx;
} TCGv_i64;

typedef enum TCGCond {
    TCG_COND_NEVER,
    TCG_COND_ALWAYS,
    TCG_COND_EQ,
    TCG_COND_NE,
    TCG_COND_LT,
    TCG_COND_GE,
    TCG_COND_LE,
    TCG_COND_GT,
    TCG_COND_LTU,
    TCG_COND_GEU,
    TCG_COND_LEU,
    TCG_COND_GTU,
} TCGCond;

/* Guest memory operation: size and signedness. */
typedef enum MemOp {
    MO_8 = 0,
    MO_16 = 1,
    MO_32 = 2,
    MO_64 = 3,
    MO_SIZE = 3,
    MO_SIGN = 4,
    MO_UB = MO_8,
    MO_UW = MO_16,
    MO_UL = MO_32,
    MO_SB = MO_8 | MO_SIGN,
    MO_SW = MO_16 | MO_SIGN,
    MO_SL = MO_32 | MO_SIGN,
    MO_UQ = MO_64,
    /* Given to the slow paths only (tcg-backend.h): the address was i32. */
    MO_ADDR32 = 8,
} MemOp;

/* Helper call flags (README "Ops": call). */
#define TCG_CALL_DEFAULT 0
#define TCG_CALL_NO_WG 1    /* reads globals, does not write them */
#define TCG_CALL_PURE 2     /* no side effects, reads no globals */

typedef enum TCGOpcode {
#define DEF(name, nb_out, nb_in, nb_const) INDEX_op_##name,
#include "tcg/tcg-opc.h"
#undef DEF
    NB_OPS,
} TCGOpcode;

/* call: out + 6 inputs + helper + flags (was 8, too small for a call). */
#define TCG_MAX_OP_ARGS 10

typedef struct TCGOp {
    TCGOpcode opc;
    uint8_t nargs;
    uint8_t life;            /* optimizer: bitmask of dead inputs */
    int64_t args[TCG_MAX_OP_ARGS];
} TCGOp;

typedef enum TCGTempKind {
    TEMP_GLOBAL,             /* backed by env + mem_offset */
    TEMP_NORMAL,             /* block-local */
    TEMP_CONST,
    TEMP_FIXED,              /* the env pointer (index 0), in a host register */
} TCGTempKind;

typedef struct TCGTemp {
    TCGTempKind kind;
    TCGType type;
    int64_t val;             /* TEMP_CONST */
    int mem_offset;          /* TEMP_GLOBAL: offsetof(CPUX86State, ...) */
    const char *name;
} TCGTemp;

typedef struct TCGLabel {
    int id;
    bool present;
} TCGLabel;

#define TCG_MAX_TEMPS 512
#define TCG_MAX_OPS 1024
#define TCG_MAX_LABELS 128

typedef struct TCGContext {
    TCGTemp temps[TCG_MAX_TEMPS];
    int nb_globals;
    int nb_temps;
    TCGOp ops[TCG_MAX_OPS];
    int nb_ops;
    TCGLabel labels[TCG_MAX_LABELS];
    int nb_labels;
    bool overflow;           /* too many ops/temps: the frontend ends the TB */
} TCGContext;

/* The current thread's context. */
extern __thread TCGContext *tcg_ctx;

void tcg_context_init(TCGContext *s);
/* Start a new block: drops temps, ops and labels, keeps globals. */
void tcg_func_start(TCGContext *s);

TCGv_i32 tcg_global_mem_new_i32(int offset, const char *name);
TCGv_i64 tcg_global_mem_new_i64(int offset, const char *name);
TCGv_i32 tcg_temp_new_i32(void);
TCGv_i64 tcg_temp_new_i64(void);
TCGv_i32 tcg_constant_i32(int32_t val);
TCGv_i64 tcg_constant_i64(int64_t val);

TCGLabel *gen_new_label(void);
void gen_set_label(TCGLabel *l);

/* Emitters, one per op of tcg-opc.h, named tcg_gen_<op>. */
void tcg_gen_op(TCGOpcode opc, int nargs, const int64_t *args);

void tcg_gen_mov_i32(TCGv_i32 d, TCGv_i32 a);
void tcg_gen_movi_i32(TCGv_i32 d, int32_t v);
void tcg_gen_add_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_sub_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_and_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_or_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_xor_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_shl_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_shr_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_sar_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_neg_i32(TCGv_i32 d, TCGv_i32 a);
void tcg_gen_not_i32(TCGv_i32 d, TCGv_i32 a);
void tcg_gen_mul_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_setcond_i32(TCGCond c, TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_brcond_i32(TCGCond c, TCGv_i32 a, TCGv_i32 b, TCGLabel *l);
void tcg_gen_br(TCGLabel *l);
void tcg_gen_ext8u_i32(TCGv_i32 d, TCGv_i32 a);
void tcg_gen_ext8s_i32(TCGv_i32 d, TCGv_i32 a);
void tcg_gen_ext16u_i32(TCGv_i32 d, TCGv_i32 a);
void tcg_gen_ext16s_i32(TCGv_i32 d, TCGv_i32 a);
void tcg_gen_deposit_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b, int pos,
                         int len);
void tcg_gen_qemu_ld_i32(TCGv_i32 d, TCGv_i32 addr, int mmu_idx, MemOp mop);
void tcg_gen_qemu_st_i32(TCGv_i32 v, TCGv_i32 addr, int mmu_idx, MemOp mop);
void tcg_gen_ld_i32(TCGv_i32 d, int env_offset);
void tcg_gen_st_i32(TCGv_i32 v, int env_offset);
void tcg_gen_insn_start(uint64_t pc);
void tcg_gen_goto_tb(int slot);
void tcg_gen_exit_tb(uintptr_t val);
void tcg_gen_lookup_and_goto_ptr(void);
/* call: ret may be NULL (idx < 0); args are temp handles of either type. */
void tcg_gen_call(void *helper, int flags, int ret_idx, int nargs,
                  const int *arg_idx);

/* ---- Additions (tcg/ helper): the rest of the ops and conveniences. ---- */

/*
 * The env pointer, as an i64 value (temp index 0 of every context): pass it
 * to helpers, e.g. int a[] = { tcg_env.idx, x.idx };
 */
#define TCG_ENV_IDX 0
extern const TCGv_i64 tcg_env;

/* A temp may be given back once it is dead; later tcg_temp_new reuses it. */
void tcg_temp_free_i32(TCGv_i32 t);
void tcg_temp_free_i64(TCGv_i64 t);

/* insn_start with a second word (e.g. cc_op) recorded next to pc. */
void tcg_gen_insn_start2(uint64_t pc, uint64_t data1);
void tcg_gen_discard_i32(TCGv_i32 a);
void tcg_gen_discard_i64(TCGv_i64 a);

void tcg_gen_rotl_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_rotr_i32(TCGv_i32 d, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_mulu2_i32(TCGv_i32 dl, TCGv_i32 dh, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_muls2_i32(TCGv_i32 dl, TCGv_i32 dh, TCGv_i32 a, TCGv_i32 b);
/* q, r = (ah:al) / b, (ah:al) % b; undefined unless b != 0 and ah < b. */
void tcg_gen_divu2_i32(TCGv_i32 q, TCGv_i32 r, TCGv_i32 al, TCGv_i32 ah,
                       TCGv_i32 b);
void tcg_gen_movcond_i32(TCGCond c, TCGv_i32 d, TCGv_i32 a, TCGv_i32 b,
                         TCGv_i32 v1, TCGv_i32 v2);
void tcg_gen_extract_i32(TCGv_i32 d, TCGv_i32 a, int pos, int len);
void tcg_gen_sextract_i32(TCGv_i32 d, TCGv_i32 a, int pos, int len);
/* Loads/stores of CPU state at env + offset, narrower widths. */
void tcg_gen_ld8u_i32(TCGv_i32 d, int env_offset);
void tcg_gen_ld8s_i32(TCGv_i32 d, int env_offset);
void tcg_gen_ld16u_i32(TCGv_i32 d, int env_offset);
void tcg_gen_ld16s_i32(TCGv_i32 d, int env_offset);
void tcg_gen_st8_i32(TCGv_i32 v, int env_offset);
void tcg_gen_st16_i32(TCGv_i32 v, int env_offset);

/* Immediate forms (they use tcg_constant_*). */
void tcg_gen_addi_i32(TCGv_i32 d, TCGv_i32 a, int32_t imm);
void tcg_gen_subi_i32(TCGv_i32 d, TCGv_i32 a, int32_t imm);
void tcg_gen_andi_i32(TCGv_i32 d, TCGv_i32 a, int32_t imm);
void tcg_gen_ori_i32(TCGv_i32 d, TCGv_i32 a, int32_t imm);
void tcg_gen_xori_i32(TCGv_i32 d, TCGv_i32 a, int32_t imm);
void tcg_gen_muli_i32(TCGv_i32 d, TCGv_i32 a, int32_t imm);
void tcg_gen_shli_i32(TCGv_i32 d, TCGv_i32 a, int imm);
void tcg_gen_shri_i32(TCGv_i32 d, TCGv_i32 a, int imm);
void tcg_gen_sari_i32(TCGv_i32 d, TCGv_i32 a, int imm);
void tcg_gen_rotli_i32(TCGv_i32 d, TCGv_i32 a, int imm);
void tcg_gen_rotri_i32(TCGv_i32 d, TCGv_i32 a, int imm);
void tcg_gen_setcondi_i32(TCGCond c, TCGv_i32 d, TCGv_i32 a, int32_t imm);
void tcg_gen_brcondi_i32(TCGCond c, TCGv_i32 a, int32_t imm, TCGLabel *l);

/* i64 ops. */
void tcg_gen_mov_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_movi_i64(TCGv_i64 d, int64_t v);
void tcg_gen_add_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_sub_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_mul_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_and_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_or_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_xor_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_shl_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_shr_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_sar_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_setcond_i64(TCGCond c, TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_brcond_i64(TCGCond c, TCGv_i64 a, TCGv_i64 b, TCGLabel *l);
void tcg_gen_ld_i64(TCGv_i64 d, int env_offset);
void tcg_gen_st_i64(TCGv_i64 v, int env_offset);
void tcg_gen_extu_i32_i64(TCGv_i64 d, TCGv_i32 a);
void tcg_gen_exts_i32_i64(TCGv_i64 d, TCGv_i32 a);
void tcg_gen_extrl_i64_i32(TCGv_i32 d, TCGv_i64 a);
void tcg_gen_extrh_i64_i32(TCGv_i32 d, TCGv_i64 a);
void tcg_gen_qemu_ld_i64(TCGv_i64 d, TCGv_i32 addr, int mmu_idx, MemOp mop);
void tcg_gen_qemu_st_i64(TCGv_i64 v, TCGv_i32 addr, int mmu_idx, MemOp mop);

/* ---- The rest of the i64 op set (tcg-op-i64.c), mirroring i32 ---- */

void tcg_gen_rotl_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_rotr_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_neg_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_not_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_ext8s_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_ext8u_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_ext16s_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_ext16u_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_ext32s_i64(TCGv_i64 d, TCGv_i64 a);
void tcg_gen_ext32u_i64(TCGv_i64 d, TCGv_i64 a);
/* Full 128-bit products: dh:dl = a * b. */
void tcg_gen_mulu2_i64(TCGv_i64 dl, TCGv_i64 dh, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_muls2_i64(TCGv_i64 dl, TCGv_i64 dh, TCGv_i64 a, TCGv_i64 b);
/* q, r = (ah:al) / b, (ah:al) % b; undefined unless b != 0 and ah < b. */
void tcg_gen_divu2_i64(TCGv_i64 q, TCGv_i64 r, TCGv_i64 al, TCGv_i64 ah,
                       TCGv_i64 b);
/* Signed (x86 IDIV): undefined unless b != 0 and the quotient fits in
 * an int64_t; the remainder has the sign of the dividend. */
void tcg_gen_divs2_i64(TCGv_i64 q, TCGv_i64 r, TCGv_i64 al, TCGv_i64 ah,
                       TCGv_i64 b);
void tcg_gen_movcond_i64(TCGCond c, TCGv_i64 d, TCGv_i64 a, TCGv_i64 b,
                         TCGv_i64 v1, TCGv_i64 v2);
void tcg_gen_deposit_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b, int pos,
                         int len);
void tcg_gen_extract_i64(TCGv_i64 d, TCGv_i64 a, int pos, int len);
void tcg_gen_sextract_i64(TCGv_i64 d, TCGv_i64 a, int pos, int len);
void tcg_gen_ld8u_i64(TCGv_i64 d, int env_offset);
void tcg_gen_ld8s_i64(TCGv_i64 d, int env_offset);
void tcg_gen_ld16u_i64(TCGv_i64 d, int env_offset);
void tcg_gen_ld16s_i64(TCGv_i64 d, int env_offset);
void tcg_gen_ld32u_i64(TCGv_i64 d, int env_offset);
void tcg_gen_ld32s_i64(TCGv_i64 d, int env_offset);
void tcg_gen_st8_i64(TCGv_i64 v, int env_offset);
void tcg_gen_st16_i64(TCGv_i64 v, int env_offset);
void tcg_gen_st32_i64(TCGv_i64 v, int env_offset);

void tcg_gen_addi_i64(TCGv_i64 d, TCGv_i64 a, int64_t imm);
void tcg_gen_subi_i64(TCGv_i64 d, TCGv_i64 a, int64_t imm);
void tcg_gen_andi_i64(TCGv_i64 d, TCGv_i64 a, int64_t imm);
void tcg_gen_ori_i64(TCGv_i64 d, TCGv_i64 a, int64_t imm);
void tcg_gen_xori_i64(TCGv_i64 d, TCGv_i64 a, int64_t imm);
void tcg_gen_muli_i64(TCGv_i64 d, TCGv_i64 a, int64_t imm);
void tcg_gen_shli_i64(TCGv_i64 d, TCGv_i64 a, int imm);
void tcg_gen_shri_i64(TCGv_i64 d, TCGv_i64 a, int imm);
void tcg_gen_sari_i64(TCGv_i64 d, TCGv_i64 a, int imm);
void tcg_gen_rotli_i64(TCGv_i64 d, TCGv_i64 a, int imm);
void tcg_gen_rotri_i64(TCGv_i64 d, TCGv_i64 a, int imm);
void tcg_gen_setcondi_i64(TCGCond c, TCGv_i64 d, TCGv_i64 a, int64_t imm);
void tcg_gen_brcondi_i64(TCGCond c, TCGv_i64 a, int64_t imm, TCGLabel *l);
/* Byte swaps (BSWAP, MOVBE): shifts and masks, no op of their own. */
void tcg_gen_bswap32_i32(TCGv_i32 d, TCGv_i32 a);
void tcg_gen_bswap64_i64(TCGv_i64 d, TCGv_i64 a);

/*
 * Guest memory at a 64-bit linear address (long mode).  The i32-address
 * forms above are the same ops with an i32 address: a 64-bit address
 * whose upper half is zero, wrapping at 4 GiB when an access crosses it.
 */
void tcg_gen_qemu_ld_a64_i32(TCGv_i32 d, TCGv_i64 addr, int mmu_idx,
                             MemOp mop);
void tcg_gen_qemu_st_a64_i32(TCGv_i32 v, TCGv_i64 addr, int mmu_idx,
                             MemOp mop);
void tcg_gen_qemu_ld_a64_i64(TCGv_i64 d, TCGv_i64 addr, int mmu_idx,
                             MemOp mop);
void tcg_gen_qemu_st_a64_i64(TCGv_i64 v, TCGv_i64 addr, int mmu_idx,
                             MemOp mop);

/* Op names and the fixed argument counts of tcg-opc.h. */
const char *tcg_op_name(TCGOpcode opc);
/* Fill op->life for every op (bit i: argument i is dead after the op). */
void tcg_liveness(TCGContext *s);

void tcg_optimize(TCGContext *s);
void tcg_dump_ops(TCGContext *s, FILE *f);

#endif
