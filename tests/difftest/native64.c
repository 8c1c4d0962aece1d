/*
 * The native side of the differential tester: a 64-bit Linux program that
 * runs test cases on the host CPU, in long mode, so that it works on hosts
 * whose kernel runs no 32-bit code at all.
 *
 * README.  The generator (tests/difftest/gen.c) encodes every case twice:
 * code[] for the translator's flat 32-bit guest and code64[] for this
 * runner.  In 64-bit mode the 8-, 16- and 32-bit operand sizes behave as in
 * protected mode as long as no REX prefix is used; what differs is
 * re-encoded there (0x67 on memory operands and on string ops, XLAT, LOOP
 * and JECXZ; SIB instead of the RIP-relative disp32 form; FF /0 and FF /1
 * for the one-byte INC/DEC) and what has no 64-bit form is not generated
 * (gen.c's dt_unchecked, printed by the test).
 *
 * The pages sit at the same addresses as in the guest, all below 4 GiB
 * (MAP_FIXED_NOREPLACE), and every register starts zero-extended; 32-bit
 * writes then zero-extend to zero and 8/16-bit writes keep a zero upper
 * half, so the low 32 bits compare exactly with the translator's.  A
 * non-zero upper half at the end is reported as DT_WIDE: a 64-bit
 * operation slipped into code64[].
 *
 * The x87/MMX/SSE state starts as FNINIT leaves it, with MXCSR 0x1F80 and
 * zero XMM registers (FXRSTOR of an image in the code page), and is read
 * back from the FXSAVE image the kernel puts in the signal frame.
 *
 * Protocol: first a DTResult with magic DT_HELLO (the runner started and
 * mapped its pages); then for each DTCase on stdin, a DTResult followed by
 * its DTDiff entries on stdout.  For each case it copies code64 to DT_CODE
 * followed by INT3, fills the data and stack pages, loads the eight GPRs
 * and RFLAGS (DF and the arithmetic flags; IF as Linux keeps it) and jumps
 * to the code.  Every way out is a signal taken on an alternate stack:
 * SIGTRAP from the final INT3 is the normal end, SIGFPE (#DE), SIGILL
 * (#UD), SIGSEGV/SIGBUS (#GP, #PF, #SS, #AC) are exceptions; the vector is
 * the kernel's trap number from the signal context, the registers are
 * those at the fault (at the INT3 for a normal end), RIP is turned into an
 * offset in code[] through the case's instruction boundaries, and SIGALRM
 * after 2 s reports a runaway case.
 *
 * The entry trampoline and its register frame live in the code page
 * (absolute addresses, so the program may be PIE or not).
 *
 * Started with "-64" it runs DTCase64 records instead (test-difftest64,
 * tests/difftest/gen64.c): 64-bit code as it is, all sixteen GPRs loaded
 * at 64 bits (trampoline64), results in DTResult64 with RIP as an offset
 * from DT_CODE and XMM0-15; no re-encoding and no DT_WIDE.
 */
#define _GNU_SOURCE
#include "difftest.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#if !defined(__x86_64__)
#error "native64.c runs x86 code natively: build it for x86-64"
#endif

/* Layout of the code page: the test code at 0, the initial FXSAVE image,
 * the trampoline and the frame at the end. */
#define FXIMG_OFF 0xc00u          /* 512 bytes, 16-byte aligned */
#define TRAMP_OFF 0xe00u
#define FRAME_OFF 0xf00u          /* 7 pops (8 bytes each) + rflags */
#define ESP_OFF (FRAME_OFF + 64)
#define TARGET_OFF (FRAME_OFF + 72)

static sigjmp_buf jb;
static bool mode64;
static DTResult64 res64;
static DTResult res;
static uint64_t end_rip;
static uint8_t *code_page, *data_page, *stack_page;

/* 64-bit mode: the sixteen GPRs, RIP, RFLAGS, XMM0-15 into res64. */
static void on_signal64(int sig, ucontext_t *uc)
{
    static const int gr[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX,
                               REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                               REG_R8,  REG_R9,  REG_R10, REG_R11,
                               REG_R12, REG_R13, REG_R14, REG_R15};
    greg_t *g = uc->uc_mcontext.gregs;
    for (int i = 0; i < 16; i++) {
        res64.regs[i] = (uint64_t)g[gr[i]];
    }
    res64.eflags = (uint32_t)g[REG_EFL];
    const struct _libc_fpstate *fx = uc->uc_mcontext.fpregs;
    if (fx) {
        res64.fpu.fcw = fx->cwd;
        res64.fpu.fsw = fx->swd;
        res64.fpu.ftw = (uint8_t)fx->ftw;
        res64.fpu.mxcsr = fx->mxcsr;
        for (int i = 0; i < 8; i++) {
            memcpy(&res64.fpu.st[i].mant, fx->_st[i].significand, 8);
            res64.fpu.st[i].exp = fx->_st[i].exponent;
        }
        for (int i = 0; i < 16; i++) {
            memcpy(res64.fpu.xmm[i], fx->_xmm[i].element, 16);
        }
    }
    end_rip = (uint64_t)g[REG_RIP];
    res64.vector = sig == SIGALRM ? DT_TIMEOUT : (int32_t)g[REG_TRAPNO];
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
    static const int gr[8] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX,
                              REG_RSP, REG_RBP, REG_RSI, REG_RDI};
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    bool wide = false;
    (void)si;
    if (mode64) {
        on_signal64(sig, uc);
        siglongjmp(jb, 1);
    }
    for (int i = 0; i < 8; i++) {
        res.regs[i] = (uint32_t)g[gr[i]];
        wide |= ((uint64_t)g[gr[i]] >> 32) != 0;
    }
    res.eflags = (uint32_t)g[REG_EFL];
    const struct _libc_fpstate *fx = uc->uc_mcontext.fpregs;
    if (fx) {
        res.fpu.fcw = fx->cwd;
        res.fpu.fsw = fx->swd;
        res.fpu.ftw = (uint8_t)fx->ftw;
        res.fpu.mxcsr = fx->mxcsr;
        for (int i = 0; i < 8; i++) {
            memcpy(&res.fpu.st[i].mant, fx->_st[i].significand, 8);
            res.fpu.st[i].exp = fx->_st[i].exponent;
            memcpy(res.fpu.xmm[i], fx->_xmm[i].element, 16);
        }
    }
    end_rip = (uint64_t)g[REG_RIP];
    res.vector = sig == SIGALRM ? DT_TIMEOUT
               : wide ? DT_WIDE : (int32_t)g[REG_TRAPNO];
    siglongjmp(jb, 1);
}

static void *map_at(uint32_t addr, int prot)
{
    void *p = mmap((void *)(uintptr_t)addr, DT_PAGE, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *)(uintptr_t)addr) {
        fprintf(stderr, "difftest-native64: cannot map %#x: %s\n", addr,
                p == MAP_FAILED ? strerror(errno) : "address taken");
        exit(2);
    }
    return p;
}

static int read_full(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t r = read(0, p, len);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return -1;
        }
        p += r;
        len -= r;
    }
    return 0;
}

static int write_full(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t r = write(1, p, len);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return -1;
        }
        p += r;
        len -= r;
    }
    return 0;
}

/*
 * fxrstor (image); mov $frame,%esp; pop %rdi,%rsi,%rbp,%rbx,%rdx,%rcx,%rax;
 * popfq; mov (esp_slot),%esp; jmp *(target).  Absolute operands use SIB
 * 0x25 (mod 0 r/m 5 would be RIP-relative).  The image is the FNINIT
 * state with MXCSR 0x1F80 and zero XMM registers, as the translator's
 * side starts.
 */
static void build_trampoline(void)
{
    static const uint8_t pops[] = {0x5f, 0x5e, 0x5d, 0x5b, 0x5a, 0x59, 0x58,
                                   0x9d};
    uint8_t *img = code_page + FXIMG_OFF;
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80, fximg = DT_CODE + FXIMG_OFF;
    memset(img, 0, 512);
    memcpy(img, &fcw, 2);
    memcpy(img + 24, &mxcsr, 4);
    uint8_t *t = code_page + TRAMP_OFF;
    uint32_t frame = DT_CODE + FRAME_OFF, espv = DT_CODE + ESP_OFF;
    uint32_t tgt = DT_CODE + TARGET_OFF;
    *t++ = 0x0f;
    *t++ = 0xae;
    *t++ = 0x0c;
    *t++ = 0x25;
    memcpy(t, &fximg, 4);
    t += 4;
    *t++ = 0xbc;
    memcpy(t, &frame, 4);
    t += 4;
    memcpy(t, pops, sizeof(pops));
    t += sizeof(pops);
    *t++ = 0x8b;
    *t++ = 0x24;
    *t++ = 0x25;
    memcpy(t, &espv, 4);
    t += 4;
    *t++ = 0xff;
    *t++ = 0x24;
    *t++ = 0x25;
    memcpy(t, &tgt, 4);
}

/*
 * 64-bit mode: the frame holds r15..r8, rdi, rsi, rbp, rbx, rdx, rcx, rax
 * (15 pops), RFLAGS, then RSP and the target.  The same FXRSTOR image.
 */
#define TRAMP64_OFF 0xe80u
#define FRAME64_OFF 0xf00u
#define RSP64_OFF (FRAME64_OFF + 16 * 8)
#define TARGET64_OFF (FRAME64_OFF + 17 * 8)

static void build_trampoline64(void)
{
    static const uint8_t pops[] = {
        0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x41, 0x5b,
        0x41, 0x5a, 0x41, 0x59, 0x41, 0x58, 0x5f, 0x5e, 0x5d, 0x5b,
        0x5a, 0x59, 0x58, 0x9d};
    uint32_t fximg = DT_CODE + FXIMG_OFF, frame = DT_CODE + FRAME64_OFF;
    uint32_t rspv = DT_CODE + RSP64_OFF, tgt = DT_CODE + TARGET64_OFF;
    uint8_t *t = code_page + TRAMP64_OFF;
    *t++ = 0x0f;                              /* fxrstor [fximg] */
    *t++ = 0xae;
    *t++ = 0x0c;
    *t++ = 0x25;
    memcpy(t, &fximg, 4);
    t += 4;
    *t++ = 0xbc;                              /* mov esp, frame */
    memcpy(t, &frame, 4);
    t += 4;
    memcpy(t, pops, sizeof(pops));
    t += sizeof(pops);
    *t++ = 0x48;                              /* mov rsp, [rspv] */
    *t++ = 0x8b;
    *t++ = 0x24;
    *t++ = 0x25;
    memcpy(t, &rspv, 4);
    t += 4;
    *t++ = 0xff;                              /* jmp [tgt] */
    *t++ = 0x24;
    *t++ = 0x25;
    memcpy(t, &tgt, 4);
}

/* A RIP offset in code64[] as an offset in code[]: instruction starts map
 * to instruction starts, just past the final INT3 to just past the end. */
static uint32_t map_eip(const DTCase *c, uint64_t off)
{
    if (off == c->code64_len + 1u) {
        return c->code_len + 1u;
    }
    for (int i = 0; i < c->nins && i < DT_MAX_INS; i++) {
        if (c->ins64[i] == off) {
            return c->ins32[i];
        }
    }
    return 0x80000000u | (uint32_t)off;      /* never matches: shown */
}

static uint8_t init_pages[2 * DT_PAGE], fin_pages[2 * DT_PAGE];
static DTDiff diffs[DT_MAX_DIFF];

static void run_case(const DTCase *c)
{
    uint32_t len = c->code64_len < DT_MAX_CODE64 ? c->code64_len
                                                 : DT_MAX_CODE64;
    memset(code_page, 0xcc, FXIMG_OFF);
    memcpy(code_page, c->code64, len);
    dt_initial_pages(c, init_pages);
    memcpy(data_page, init_pages, DT_PAGE);
    memcpy(stack_page, init_pages + DT_PAGE, DT_PAGE);
    /* pop order: rdi rsi rbp rbx rdx rcx rax; then rflags, rsp, target */
    uint64_t *f = (uint64_t *)(code_page + FRAME_OFF);
    f[0] = c->regs[DT_EDI];
    f[1] = c->regs[DT_ESI];
    f[2] = c->regs[DT_EBP];
    f[3] = c->regs[DT_EBX];
    f[4] = c->regs[DT_EDX];
    f[5] = c->regs[DT_ECX];
    f[6] = c->regs[DT_EAX];
    f[7] = (c->eflags & (DT_ARITH | DT_DF)) | 0x202;
    f[8] = c->regs[DT_ESP];
    f[9] = DT_CODE;
    memset(&res, 0, sizeof(res));
    end_rip = 0;
    alarm(2);
    if (sigsetjmp(jb, 1) == 0) {
        ((void (*)(void))(uintptr_t)(DT_CODE + TRAMP_OFF))();
    }
    alarm(0);
    res.magic = DT_MAGIC;
    res.eip = map_eip(c, end_rip - DT_CODE);
    if (res.vector == 3 && end_rip - DT_CODE == len + 1u) {
        res.vector = DT_END;
    }
    memcpy(fin_pages, data_page, DT_PAGE);
    memcpy(fin_pages + DT_PAGE, stack_page, DT_PAGE);
    res.ndiff = dt_diff_pages(init_pages, fin_pages, diffs);
}

/* 64-bit mode: the case's own code, the sixteen registers at 64 bits. */
static void run_case64(const DTCase64 *c)
{
    static const int pop_order[15] = {15, 14, 13, 12, 11, 10, 9, 8,
                                      DT_EDI, DT_ESI, DT_EBP, DT_EBX,
                                      DT_EDX, DT_ECX, DT_EAX};
    uint32_t len = c->code_len < DT64_MAX_CODE ? c->code_len : DT64_MAX_CODE;
    memset(code_page, 0xcc, FXIMG_OFF);
    memcpy(code_page, c->code, len);
    dt_initial_pages64(c, init_pages);
    memcpy(data_page, init_pages, DT_PAGE);
    memcpy(stack_page, init_pages + DT_PAGE, DT_PAGE);
    uint64_t *f = (uint64_t *)(code_page + FRAME64_OFF);
    for (int i = 0; i < 15; i++) {
        f[i] = c->regs[pop_order[i]];
    }
    f[15] = (c->eflags & (DT_ARITH | DT_DF)) | 0x202;
    f[16] = c->regs[DT_ESP];
    f[17] = DT_CODE;
    memset(&res64, 0, sizeof(res64));
    end_rip = 0;
    alarm(2);
    if (sigsetjmp(jb, 1) == 0) {
        ((void (*)(void))(uintptr_t)(DT_CODE + TRAMP64_OFF))();
    }
    alarm(0);
    res64.magic = DT_MAGIC64;
    res64.rip = end_rip - DT_CODE;
    if (res64.vector == 3 && res64.rip == len + 1u) {
        res64.vector = DT_END;
    }
    memcpy(fin_pages, data_page, DT_PAGE);
    memcpy(fin_pages + DT_PAGE, stack_page, DT_PAGE);
    res64.ndiff = dt_diff_pages(init_pages, fin_pages, diffs);
}

static int serve64(void)
{
    DTCase64 c;
    while (read_full(&c, sizeof(c)) == 0) {
        if (c.magic != DT_MAGIC64) {
            fprintf(stderr, "difftest-native64: bad 64-bit case magic\n");
            return 2;
        }
        run_case64(&c);
        if (write_full(&res64, sizeof(res64)) < 0 ||
            write_full(diffs, res64.ndiff * sizeof(DTDiff)) < 0) {
            return 2;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    mode64 = argc > 1 && !strcmp(argv[1], "-64");
    static uint8_t altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
    if (sigaltstack(&ss, NULL) < 0) {
        perror("difftest-native64: sigaltstack");
        return 2;
    }
    /* the test going away is the normal way to stop: no SIGPIPE death */
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGALRM};
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        sigaction(sigs[i], &sa, NULL);
    }
    code_page = map_at(DT_CODE, PROT_READ | PROT_WRITE | PROT_EXEC);
    data_page = map_at(DT_DATA, PROT_READ | PROT_WRITE);
    stack_page = map_at(DT_STACK, PROT_READ | PROT_WRITE);
    build_trampoline();
    build_trampoline64();

    memset(&res, 0, sizeof(res));
    res.magic = DT_HELLO;
    if (write_full(&res, sizeof(res)) < 0) {
        return 2;
    }
    if (mode64) {
        return serve64();
    }
    DTCase c;
    while (read_full(&c, sizeof(c)) == 0) {
        if (c.magic != DT_MAGIC) {
            fprintf(stderr, "difftest-native64: bad case magic\n");
            return 2;
        }
        run_case(&c);
        if (write_full(&res, sizeof(res)) < 0 ||
            write_full(diffs, res.ndiff * sizeof(DTDiff)) < 0) {
            return 2;
        }
    }
    return 0;
}
