/*
 * "info mem": the linear address space as the first CPU's page tables map
 * it, in QEMU's format: one line per run of pages with the same rights,
 * "start-end size urw" (u: user-accessible, r, w: writable by whoever may
 * access it, as the page-table bits say).  In long mode (4-level paging)
 * both canonical halves, with 16-digit addresses; a run that reaches the
 * top of the space ends at 0000000000000000.  The walk is target-i386/mmu.c,
 * as a debugger (no A/D updates), so it works under any accelerator.
 */
#include "emu/common.h"
#include "emu/cpu.h"
#include "emu/machine.h"
#include "emu/monitor.h"
#include "monitor/info-mem.h"
#include "target-i386/mmu.h"

/* The rights of lin's page as "urw" letters; false if it is not mapped.
 * *span: the page's size, or the size of the hole (x86_walk). */
static bool page_rights(const X86MMUParams *p, AddressSpace *as, uint64_t lin,
                        char rights[4], uint64_t *span)
{
    X86WalkResult r;
    /* CR0.WP on: supervisor pages show their R/W bits too. */
    X86MMUParams wp = *p;
    wp.cr0 |= CR0_WP_MASK;
    bool mapped = x86_walk(&wp, as, lin, X86_ACCESS_READ, 0, &r);
    *span = r.page_size;
    if (!mapped) {
        return false;
    }
    X86WalkResult ur;
    bool user = x86_walk(&wp, as, lin, X86_ACCESS_READ, X86_WALK_USER, &ur);
    rights[0] = user ? 'u' : '-';
    rights[1] = 'r';
    rights[2] = (r.prot & X86_PROT_WRITE) ? 'w' : '-';
    rights[3] = 0;
    return true;
}

/* One run of pages, [start, end) (end 0: the top of the space). */
static void print_run(FILE *out, int digits, uint64_t start, uint64_t end,
                      const char *rights)
{
    fprintf(out, "%0*" PRIx64 "-%0*" PRIx64 " %0*" PRIx64 " %s\n", digits,
            start, digits, end, digits, end - start, rights);
}

/* The runs of [lin, last]; holes are skipped a whole entry at a time. */
static void scan(FILE *out, const X86MMUParams *p, AddressSpace *as,
                 uint64_t lin, uint64_t last, int digits)
{
    uint64_t start = lin;
    char cur[4] = "", rights[4];
    for (;;) {
        uint64_t size = 4096;
        if (!page_rights(p, as, lin, rights, &size)) {
            rights[0] = 0;
        }
        if (strcmp(rights, cur)) {
            if (cur[0]) {
                print_run(out, digits, start, lin, cur);
            }
            start = lin;
            memcpy(cur, rights, sizeof(cur));
        }
        uint64_t next = lin + size - (lin & (size - 1)); /* may wrap to 0 */
        if (next == 0 || next - 1 >= last) {
            lin = last + 1;
            break;
        }
        lin = next;
    }
    if (cur[0]) {
        print_run(out, digits, start, lin, cur);
    }
}

void monitor_info_mem(FILE *out)
{
    Machine *m = current_machine;
    if (!m || !m->nr_cpus) {
        fprintf(out, "No CPU\n");
        return;
    }
    cpu_synchronize_state(m->cpus[monitor_cpu_index()]);
    X86MMUParams p;
    x86_mmu_params(&p, &m->cpus[monitor_cpu_index()]->env);
    if (!(p.cr0 & CR0_PG_MASK)) {
        fprintf(out, "PG disabled\n");
        return;
    }
    if (p.efer & EFER_LMA) {
        /* 4-level paging: the two canonical halves, 64-bit addresses. */
        scan(out, &p, m->as_mem, 0, 0x00007fffffffffffull, 16);
        scan(out, &p, m->as_mem, 0xffff800000000000ull, ~0ull, 16);
    } else {
        scan(out, &p, m->as_mem, 0, 0xffffffffu, 8);
    }
}
