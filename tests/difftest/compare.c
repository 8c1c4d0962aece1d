/*
 * Differential tester: sending 32-bit cases to the native runner
 * (tests/difftest/native-pipe.c starts it) and comparing.
 *
 * Comparison: exception vector (or normal end), end EIP, all eight GPRs,
 * the arithmetic flags and DF, every byte of the data and stack pages,
 * and the x87/MMX/SSE state (DTFpu: FCW, FSW, abridged tags, MXCSR, the
 * ST registers in use, XMM0-7).
 * A difference confined to flags the SDM calls undefined for the case
 * (Gen.undef) is a "undefined-flag divergence": counted per class with
 * the flags involved, a failure only under DIFFTEST_STRICT=1.  The host is
 * the oracle for everything else.  Masked (SDM-undefined, and they do
 * differ between Intel and AMD hosts and the translator's choices):
 *   logic ops, TEST: AF            shifts: AF (count != 0), OF (count > 1),
 *   rotates: OF (count > 1)        SHL/SHR: CF (count >= operand width)
 *   SHLD/SHRD: AF, OF (count > 1)  MUL/IMUL: SF ZF AF PF
 *   DIV/IDIV: all six              BT*: OF SF AF PF
 *   BSF/BSR: CF OF SF AF PF
 * 16-bit SHLD/SHRD counts above 16 (result undefined) are not generated.
 *
 * Included by tests/unit/test-difftest.c.
 */
#include "tests/difftest/difftest.h"
#include "tests/difftest/native-pipe.c"

static bool native_send(Native *n, const DTCase *c, int nr)
{
    return io_full(n->to, (void *)c, nr * sizeof(*c), true);
}

static bool native_recv(Native *n, DTResult *r, DTDiff *d)
{
    if (!io_full(n->from, r, sizeof(*r), false) || r->magic != DT_MAGIC ||
        r->ndiff > DT_MAX_DIFF) {
        return false;
    }
    return io_full(n->from, d, r->ndiff * sizeof(*d), false);
}

enum { CMP_PASS, CMP_UNDEF, CMP_FAIL };

/* ST(i) holds a value (the abridged tag is by physical register). */
static bool dt_st_used(const DTFpu *f, int i)
{
    return f->ftw >> ((((f->fsw >> 11) & 7) + i) & 7) & 1;
}

/* x87 control/status/tags, MXCSR, the ST registers in use, XMM0-7. */
static bool dt_fpu_equal(const DTFpu *a, const DTFpu *b)
{
    if (a->fcw != b->fcw || a->fsw != b->fsw || a->ftw != b->ftw ||
        a->mxcsr != b->mxcsr || memcmp(a->xmm, b->xmm, sizeof(a->xmm))) {
        return false;
    }
    for (int i = 0; i < 8; i++) {
        if (dt_st_used(a, i) && (a->st[i].mant != b->st[i].mant ||
                                 a->st[i].exp != b->st[i].exp)) {
            return false;
        }
    }
    return true;
}

static int dt_compare(const DTResult *a, const DTDiff *ad, const DTResult *b,
                      const DTDiff *bd, uint32_t undef, uint32_t *fdiff)
{
    *fdiff = (a->eflags ^ b->eflags) & (DT_ARITH | DT_DF);
    if (a->vector != b->vector || a->eip != b->eip ||
        memcmp(a->regs, b->regs, sizeof(a->regs)) || a->ndiff != b->ndiff ||
        memcmp(ad, bd, a->ndiff * sizeof(*ad)) ||
        !dt_fpu_equal(&a->fpu, &b->fpu)) {
        return CMP_FAIL;
    }
    if (*fdiff & ~undef) {
        return CMP_FAIL;
    }
    return *fdiff ? CMP_UNDEF : CMP_PASS;
}

static void dt_flags_str(uint32_t f, char *buf)
{
    static const struct { uint32_t bit; const char *n; } fl[] = {
        {DT_CF, "CF"}, {DT_PF, "PF"}, {DT_AF, "AF"}, {DT_ZF, "ZF"},
        {DT_SF, "SF"}, {DT_OF, "OF"}, {DT_DF, "DF"},
    };
    buf[0] = 0;
    for (unsigned i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
        if (f & fl[i].bit) {
            strcat(buf, buf[0] ? " " : "");
            strcat(buf, fl[i].n);
        }
    }
}

static const char *const dt_reg_names[8] = {"eax", "ecx", "edx", "ebx",
                                            "esp", "ebp", "esi", "edi"};

static void dt_print_result(const char *who, const DTResult *r,
                            const DTDiff *d, const DTResult *o,
                            const DTDiff *od)
{
    printf("      %-6s vec=%d eip=+%u fl=%03x", who, r->vector, r->eip,
           r->eflags & (DT_ARITH | DT_DF));
    for (int i = 0; i < 8; i++) {
        if (r->regs[i] != o->regs[i]) {
            printf(" %s=%08x", dt_reg_names[i], r->regs[i]);
        }
    }
    /* memory bytes that the other side does not have */
    int shown = 0;
    for (uint32_t i = 0; i < r->ndiff && shown < 8; i++) {
        bool same = false;
        for (uint32_t k = 0; k < o->ndiff; k++) {
            if (od[k].off == d[i].off) {
                same = od[k].val == d[i].val;
                break;
            }
        }
        if (!same) {
            uint32_t a = d[i].off < DT_PAGE ? DT_DATA + d[i].off
                                            : DT_STACK + d[i].off - DT_PAGE;
            printf(" [%x]=%02x", a, d[i].val);
            shown++;
        }
    }
    printf(" (%u bytes written)", r->ndiff);
    const DTFpu *f = &r->fpu, *of = &o->fpu;
    if (f->fcw != of->fcw) {
        printf(" fcw=%04x", f->fcw);
    }
    if (f->fsw != of->fsw) {
        printf(" fsw=%04x", f->fsw);
    }
    if (f->ftw != of->ftw) {
        printf(" ftw=%02x", f->ftw);
    }
    if (f->mxcsr != of->mxcsr) {
        printf(" mxcsr=%08x", f->mxcsr);
    }
    for (int i = 0; i < 8; i++) {
        if (dt_st_used(f, i) && (f->st[i].mant != of->st[i].mant ||
                                 f->st[i].exp != of->st[i].exp)) {
            printf(" st%d=%04x:%016llx", i, f->st[i].exp,
                   (unsigned long long)f->st[i].mant);
        }
        if (memcmp(f->xmm[i], of->xmm[i], 16)) {
            printf(" xmm%d=%08x%08x%08x%08x", i, f->xmm[i][3], f->xmm[i][2],
                   f->xmm[i][1], f->xmm[i][0]);
        }
    }
    printf("\n");
}

static void dt_print_case(const char *cls, uint32_t idx, const DTCase *c,
                          uint64_t seed)
{
    printf("    FAIL %s #%u (DIFFTEST_SEED=%#llx DIFFTEST_ONLY=%s "
           "DIFFTEST_FIRST=%u DIFFTEST_CASES=1)\n      code", cls, idx,
           (unsigned long long)seed, cls, idx);
    for (int i = 0; i < c->code_len; i++) {
        printf(" %02x", c->code[i]);
    }
    printf(" | in");
    for (int i = 0; i < 8; i++) {
        printf(" %s=%08x", dt_reg_names[i], c->regs[i]);
    }
    printf(" fl=%03x fill=%08x", c->eflags, c->seed);
    for (int i = 0; i < c->npatch; i++) {
        const DTPatch *p = &c->patch[i];
        uint32_t a = p->off < DT_PAGE ? DT_DATA + p->off
                                      : DT_STACK + p->off - DT_PAGE;
        printf(" [%x]:%u=%x", a, p->len, p->val);
    }
    printf("\n");
}
