/*
 * Differential tester, 64-bit mode: sending DTCase64 records to the native
 * runner (started with "-64", tests/difftest/native-pipe.c) and comparing
 * DTResult64s.
 *
 * Compared: exception vector (or normal end), RIP (offset from DT_CODE),
 * all sixteen GPRs at 64 bits, the arithmetic flags and DF, every byte of
 * the data and stack pages, and FCW/FSW/tags/MXCSR, the ST registers in
 * use and XMM0-15.  Not compared: the other RFLAGS bits (IF, RF... differ
 * between CPL 3 natively and CPL 0 under the translator), the error code
 * and CR2 of a fault (a signal does not report them reliably), segment
 * registers (the native ones are Linux's).  Flags the SDM leaves
 * undefined (Gen64.undef) are counted, not failed, as in compare.c.
 *
 * Included by tests/unit/test-difftest64.c.
 */
#include "tests/difftest/difftest.h"
#include "tests/difftest/native-pipe.c"

/* Cases per batch: 64 DTCase64 (about 29 KiB) fit a pipe's buffer. */
#define DT64_BATCH 64

enum { CMP64_PASS, CMP64_UNDEF, CMP64_FAIL };

static bool native_send64(Native *n, const DTCase64 *c, int nr)
{
    return io_full(n->to, (void *)c, nr * sizeof(*c), true);
}

static bool native_recv64(Native *n, DTResult64 *r, DTDiff *d)
{
    if (!io_full(n->from, r, sizeof(*r), false) || r->magic != DT_MAGIC64 ||
        r->ndiff > DT_MAX_DIFF) {
        return false;
    }
    return io_full(n->from, d, r->ndiff * sizeof(*d), false);
}

static bool dt_st_used64(const DTFpu64 *f, int i)
{
    return f->ftw >> ((((f->fsw >> 11) & 7) + i) & 7) & 1;
}

static bool dt_fpu_equal64(const DTFpu64 *a, const DTFpu64 *b)
{
    if (a->fcw != b->fcw || a->fsw != b->fsw || a->ftw != b->ftw ||
        a->mxcsr != b->mxcsr || memcmp(a->xmm, b->xmm, sizeof(a->xmm))) {
        return false;
    }
    for (int i = 0; i < 8; i++) {
        if (dt_st_used64(a, i) && (a->st[i].mant != b->st[i].mant ||
                                   a->st[i].exp != b->st[i].exp)) {
            return false;
        }
    }
    return true;
}

static int dt_compare64(const DTResult64 *a, const DTDiff *ad,
                        const DTResult64 *b, const DTDiff *bd, uint32_t undef,
                        uint32_t *fdiff)
{
    *fdiff = (a->eflags ^ b->eflags) & (DT_ARITH | DT_DF);
    if (a->vector != b->vector || a->rip != b->rip ||
        memcmp(a->regs, b->regs, sizeof(a->regs)) || a->ndiff != b->ndiff ||
        memcmp(ad, bd, a->ndiff * sizeof(*ad)) ||
        !dt_fpu_equal64(&a->fpu, &b->fpu)) {
        return CMP64_FAIL;
    }
    if (*fdiff & ~undef) {
        return CMP64_FAIL;
    }
    return *fdiff ? CMP64_UNDEF : CMP64_PASS;
}

static void dt_flags_str64(uint32_t f, char *buf)
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

static const char *const dt_reg_names64[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

/* What r has that o does not: registers, memory bytes, FPU/SSE state. */
static void dt_print_result64(const char *who, const DTResult64 *r,
                              const DTDiff *d, const DTResult64 *o,
                              const DTDiff *od)
{
    printf("      %-6s vec=%d rip=+%llu fl=%03x", who, r->vector,
           (unsigned long long)r->rip, r->eflags & (DT_ARITH | DT_DF));
    for (int i = 0; i < 16; i++) {
        if (r->regs[i] != o->regs[i]) {
            printf(" %s=%016llx", dt_reg_names64[i],
                   (unsigned long long)r->regs[i]);
        }
    }
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
    const DTFpu64 *f = &r->fpu, *of = &o->fpu;
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
    for (int i = 0; i < 16; i++) {
        if (memcmp(f->xmm[i], of->xmm[i], 16)) {
            printf(" xmm%d=%08x%08x%08x%08x", i, f->xmm[i][3], f->xmm[i][2],
                   f->xmm[i][1], f->xmm[i][0]);
        }
    }
    printf("\n");
}

static void dt_print_case64(const char *cls, uint32_t idx, const DTCase64 *c,
                            uint64_t seed)
{
    printf("    FAIL %s #%u (DIFFTEST_SEED=%#llx DIFFTEST_ONLY=%s "
           "DIFFTEST_FIRST=%u DIFFTEST_CASES=1)\n      code", cls, idx,
           (unsigned long long)seed, cls, idx);
    for (int i = 0; i < c->code_len; i++) {
        printf(" %02x", c->code[i]);
    }
    printf("\n      in");
    for (int i = 0; i < 16; i++) {
        printf(" %s=%llx", dt_reg_names64[i], (unsigned long long)c->regs[i]);
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
