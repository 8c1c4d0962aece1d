/*
 * The native side of the differential tester: a 32-bit Linux program
 * (gcc -m32) that runs test cases on the host CPU.
 *
 * stdin: a stream of DTCase; stdout: for each, a DTResult followed by its
 * DTDiff entries (tests/difftest/difftest.h).  For each case it maps the
 * code at DT_CODE followed by INT3, fills the data and stack pages, loads
 * all eight GPRs and EFLAGS (DF and the arithmetic flags; IF as Linux
 * keeps it) and jumps to the code.  Every way out is a signal taken on an
 * alternate stack: SIGTRAP from the final INT3 is the normal end, SIGFPE
 * (#DE), SIGILL (#UD), SIGSEGV/SIGBUS (#GP, #PF, #SS, #AC) are
 * exceptions; the vector is the kernel's trap number from the signal
 * context, the registers are those at the fault (at the INT3 for a normal
 * end), and SIGALRM after 2 s reports a runaway case.
 *
 * The entry trampoline and its register frame live in the code page
 * (absolute addresses, so the program may be PIE or not).
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

#if !defined(__i386__)
#error "native32.c must be built with gcc -m32"
#endif

/* Layout of the code page: the test code at 0, the trampoline and frame
 * at the end. */
#define TRAMP_OFF 0xe00u
#define FRAME_OFF 0xf00u          /* popal frame (8 dwords) + eflags */
#define ESP_OFF (FRAME_OFF + 36)
#define TARGET_OFF (FRAME_OFF + 40)

static sigjmp_buf jb;
static DTResult res;
static uint8_t *code_page, *data_page, *stack_page;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    (void)si;
    res.regs[DT_EAX] = g[REG_EAX];
    res.regs[DT_ECX] = g[REG_ECX];
    res.regs[DT_EDX] = g[REG_EDX];
    res.regs[DT_EBX] = g[REG_EBX];
    res.regs[DT_ESP] = g[REG_UESP];
    res.regs[DT_EBP] = g[REG_EBP];
    res.regs[DT_ESI] = g[REG_ESI];
    res.regs[DT_EDI] = g[REG_EDI];
    res.eflags = g[REG_EFL];
    res.eip = g[REG_EIP] - DT_CODE;
    res.vector = sig == SIGALRM ? DT_TIMEOUT : (int32_t)g[REG_TRAPNO];
    siglongjmp(jb, 1);
}

static void *map_at(uint32_t addr, int prot)
{
    void *p = mmap((void *)(uintptr_t)addr, DT_PAGE, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *)(uintptr_t)addr) {
        fprintf(stderr, "difftest-native32: cannot map %#x: %s\n", addr,
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

/* mov $frame,%esp; popal; popfl; mov (esp_slot),%esp; jmp *(target) */
static void build_trampoline(void)
{
    uint8_t *t = code_page + TRAMP_OFF;
    uint32_t frame = DT_CODE + FRAME_OFF, espv = DT_CODE + ESP_OFF;
    uint32_t tgt = DT_CODE + TARGET_OFF;
    *t++ = 0xbc;
    memcpy(t, &frame, 4);
    t += 4;
    *t++ = 0x61;
    *t++ = 0x9d;
    *t++ = 0x8b;
    *t++ = 0x25;
    memcpy(t, &espv, 4);
    t += 4;
    *t++ = 0xff;
    *t++ = 0x25;
    memcpy(t, &tgt, 4);
}

static uint8_t init_pages[2 * DT_PAGE], fin_pages[2 * DT_PAGE];
static DTDiff diffs[DT_MAX_DIFF];

static void run_case(const DTCase *c)
{
    memset(code_page, 0xcc, TRAMP_OFF);
    memcpy(code_page, c->code, c->code_len < DT_MAX_CODE ? c->code_len
                                                         : DT_MAX_CODE);
    dt_initial_pages(c, init_pages);
    memcpy(data_page, init_pages, DT_PAGE);
    memcpy(stack_page, init_pages + DT_PAGE, DT_PAGE);
    /* popal order: edi esi ebp (esp) ebx edx ecx eax; then eflags */
    uint32_t *f = (uint32_t *)(code_page + FRAME_OFF);
    f[0] = c->regs[DT_EDI];
    f[1] = c->regs[DT_ESI];
    f[2] = c->regs[DT_EBP];
    f[3] = 0;
    f[4] = c->regs[DT_EBX];
    f[5] = c->regs[DT_EDX];
    f[6] = c->regs[DT_ECX];
    f[7] = c->regs[DT_EAX];
    f[8] = (c->eflags & (DT_ARITH | DT_DF)) | 0x202;
    f[9] = c->regs[DT_ESP];
    f[10] = DT_CODE;
    memset(&res, 0, sizeof(res));
    alarm(2);
    if (sigsetjmp(jb, 1) == 0) {
        ((void (*)(void))(uintptr_t)(DT_CODE + TRAMP_OFF))();
    }
    alarm(0);
    res.magic = DT_MAGIC;
    if (res.vector == 3 && res.eip == c->code_len + 1u) {
        res.vector = DT_END;
    }
    memcpy(fin_pages, data_page, DT_PAGE);
    memcpy(fin_pages + DT_PAGE, stack_page, DT_PAGE);
    res.ndiff = dt_diff_pages(init_pages, fin_pages, diffs);
}

int main(void)
{
    static uint8_t altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
    if (sigaltstack(&ss, NULL) < 0) {
        perror("sigaltstack");
        return 2;
    }
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

    DTCase c;
    while (read_full(&c, sizeof(c)) == 0) {
        if (c.magic != DT_MAGIC) {
            fprintf(stderr, "difftest-native32: bad case magic\n");
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
