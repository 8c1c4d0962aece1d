/*
 * "info mem": the linear address space as the first CPU's page tables map
 * it, in QEMU's format: one line per run of pages with the same rights,
 * "start-end size urw" (u: user-accessible, r, w: writable by whoever may
 * access it, as the page-table bits say).  The walk is target-i386/mmu.c,
 * as a debugger (no A/D updates), so it works under any accelerator.
 */
#include "emu/common.h"
#include "emu/cpu.h"
#include "emu/machine.h"
#include "emu/monitor.h"
#include "monitor/info-mem.h"
#include "target-i386/mmu.h"

/* The rights of lin's page as "urw" letters; false if it is not mapped. */
static bool page_rights(const X86MMUParams *p, AddressSpace *as, uint32_t lin,
                        char rights[4], uint32_t *page_size)
{
    X86WalkResult r;
    /* CR0.WP on: supervisor pages show their R/W bits too. */
    X86MMUParams wp = *p;
    wp.cr0 |= CR0_WP_MASK;
    if (!x86_walk(&wp, as, lin, X86_ACCESS_READ, 0, &r)) {
        return false;
    }
    *page_size = r.page_size;
    X86WalkResult ur;
    bool user = x86_walk(&wp, as, lin, X86_ACCESS_READ, X86_WALK_USER, &ur);
    rights[0] = user ? 'u' : '-';
    rights[1] = 'r';
    rights[2] = (r.prot & X86_PROT_WRITE) ? 'w' : '-';
    rights[3] = 0;
    return true;
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
        fprintf(out, "info mem: 4-level paging (long mode) is not "
                     "implemented\n");
        return;
    }
    uint64_t start = 0, lin = 0;
    char cur[4] = "", rights[4];
    while (lin < 4 * GiB) {
        uint32_t size = 4096;
        bool mapped = page_rights(&p, m->as_mem, lin, rights, &size);
        if (!mapped) {
            rights[0] = 0;
        }
        if (strcmp(rights, cur)) {
            if (cur[0]) {
                fprintf(out, "%08" PRIx64 "-%08" PRIx64 " %08" PRIx64 " %s\n",
                        start, lin, lin - start, cur);
            }
            start = lin;
            memcpy(cur, rights, sizeof(cur));
        }
        lin += size - (lin & (size - 1));
    }
    if (cur[0]) {
        fprintf(out, "%08" PRIx64 "-%08" PRIx64 " %08" PRIx64 " %s\n", start,
                lin, lin - start, cur);
    }
}
