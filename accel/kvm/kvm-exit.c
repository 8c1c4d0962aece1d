/*
 * KVM exit dispatch: turn a struct kvm_run exit record into accesses on the
 * machine's port and memory spaces (Documentation/virt/kvm/api.rst,
 * "struct kvm_run").
 *
 * Nothing here touches /dev/kvm, so the unit test feeds it synthetic
 * records.  Also the segment conversions between SegmentCache (DESC_* bits
 * as in a descriptor's high dword) and struct kvm_segment.
 */
#include "emu/common.h"
#include "emu/trace.h"
#include "accel/kvm/kvm-internal.h"

static const char *const exit_names[] = {
    [KVM_EXIT_UNKNOWN] = "UNKNOWN",
    [KVM_EXIT_EXCEPTION] = "EXCEPTION",
    [KVM_EXIT_IO] = "IO",
    [KVM_EXIT_HYPERCALL] = "HYPERCALL",
    [KVM_EXIT_DEBUG] = "DEBUG",
    [KVM_EXIT_HLT] = "HLT",
    [KVM_EXIT_MMIO] = "MMIO",
    [KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
    [KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
    [KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
    [KVM_EXIT_INTR] = "INTR",
    [KVM_EXIT_SET_TPR] = "SET_TPR",
    [KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
    [KVM_EXIT_NMI] = "NMI",
    [KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
    [KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
};

const char *kvm_exit_reason_name(uint32_t reason)
{
    if (reason < ARRAY_SIZE(exit_names) && exit_names[reason]) {
        return exit_names[reason];
    }
    return "?";
}

bool kvm_exit_needs_bql(const struct kvm_run *run)
{
    return run->exit_reason == KVM_EXIT_IO || run->exit_reason == KVM_EXIT_MMIO;
}

static KVMExitAction handle_io(AddressSpace *as_io, struct kvm_run *run,
                               size_t run_size)
{
    unsigned size = run->io.size;
    uint64_t count = run->io.count;

    if (size != 1 && size != 2 && size != 4) {
        log_mask(LOG_GUEST_ERROR, "kvm: I/O exit with size %u\n", size);
        return KVM_EXIT_ACT_ERROR;
    }
    /* The data area must lie inside the mapping KVM gave us. */
    if (run->io.data_offset > run_size ||
        count > (run_size - run->io.data_offset) / size) {
        error_report("kvm: I/O exit data outside kvm_run (offset %llu, "
                     "%llu x %u bytes)",
                     (unsigned long long)run->io.data_offset,
                     (unsigned long long)count, size);
        return KVM_EXIT_ACT_ERROR;
    }
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    /* String I/O (INS/OUTS with REP) comes as count elements at once, all
     * to the same port. */
    for (uint64_t i = 0; i < count; i++, data += size) {
        if (run->io.direction == KVM_EXIT_IO_OUT) {
            uint64_t v = size == 1   ? data[0]
                         : size == 2 ? ldw_le_p(data)
                                     : ldl_le_p(data);
            address_space_write_val(as_io, run->io.port, size, v);
        } else {
            uint64_t v = ~0ULL;
            address_space_read_val(as_io, run->io.port, size, &v);
            if (size == 1) {
                data[0] = v;
            } else if (size == 2) {
                stw_le_p(data, v);
            } else {
                stl_le_p(data, v);
            }
        }
    }
    return KVM_EXIT_ACT_CONTINUE;
}

static KVMExitAction handle_mmio(AddressSpace *as_mem, struct kvm_run *run)
{
    unsigned len = run->mmio.len;
    uint64_t addr = run->mmio.phys_addr;

    if (len == 0 || len > sizeof(run->mmio.data)) {
        error_report("kvm: MMIO exit with length %u", len);
        return KVM_EXIT_ACT_ERROR;
    }
    if (len == 1 || len == 2 || len == 4 || len == 8) {
        if (run->mmio.is_write) {
            uint64_t v = 0;
            memcpy(&v, run->mmio.data, len); /* host is little-endian */
            address_space_write_val(as_mem, addr, len, v);
        } else {
            uint64_t v = ~0ULL;
            address_space_read_val(as_mem, addr, len, &v);
            memcpy(run->mmio.data, &v, len);
        }
    } else {
        /* Odd lengths come from an access split at a page boundary. */
        address_space_rw(as_mem, addr, run->mmio.data, len, run->mmio.is_write);
    }
    return KVM_EXIT_ACT_CONTINUE;
}

KVMExitAction kvm_dispatch_exit(AddressSpace *as_mem, AddressSpace *as_io,
                                struct kvm_run *run, size_t run_size)
{
    trace(kvm_exit, "reason %u (%s)", run->exit_reason,
          kvm_exit_reason_name(run->exit_reason));
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        return handle_io(as_io, run, run_size);
    case KVM_EXIT_MMIO:
        return handle_mmio(as_mem, run);
    case KVM_EXIT_IRQ_WINDOW_OPEN:
        /* The caller injects on the way back in. */
        return KVM_EXIT_ACT_CONTINUE;
    case KVM_EXIT_HLT:
        return KVM_EXIT_ACT_HALT;
    case KVM_EXIT_SHUTDOWN:
        return KVM_EXIT_ACT_SHUTDOWN;
    case KVM_EXIT_INTR:
        return KVM_EXIT_ACT_INTR;
    case KVM_EXIT_SYSTEM_EVENT:
        if (run->system_event.type == KVM_SYSTEM_EVENT_RESET ||
            run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ||
            run->system_event.type == KVM_SYSTEM_EVENT_CRASH) {
            return KVM_EXIT_ACT_SHUTDOWN;
        }
        return KVM_EXIT_ACT_ERROR;
    default:
        return KVM_EXIT_ACT_ERROR;
    }
}

void kvm_exit_describe(FILE *f, const struct kvm_run *run)
{
    fprintf(f, "kvm: exit reason %u (%s)\n", run->exit_reason,
            kvm_exit_reason_name(run->exit_reason));
    switch (run->exit_reason) {
    case KVM_EXIT_FAIL_ENTRY:
        /* On VT-x, the VM-exit reason of the failed entry (SDM vol. 3,
         * appendix C); 33 = invalid guest state. */
        fprintf(
            f, "kvm: hardware entry failure reason 0x%llx\n",
            (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        break;
    case KVM_EXIT_INTERNAL_ERROR: {
        static const char *const sub[] = {
            [KVM_INTERNAL_ERROR_EMULATION] = "instruction emulation failed",
            [KVM_INTERNAL_ERROR_SIMUL_EX] = "exception during exception",
            [KVM_INTERNAL_ERROR_DELIVERY_EV] = "event delivery failed",
        };
        uint32_t s = run->internal.suberror;
        fprintf(f, "kvm: internal error, suberror %u (%s)\n", s,
                s < ARRAY_SIZE(sub) && sub[s] ? sub[s] : "?");
        uint32_t n =
            MIN(run->internal.ndata, (uint32_t)ARRAY_SIZE(run->internal.data));
        if (n) {
            fprintf(f, "kvm: extra data:");
            for (uint32_t i = 0; i < n; i++) {
                fprintf(f, " %016llx",
                        (unsigned long long)run->internal.data[i]);
            }
            fprintf(f, "\n");
        }
        if (s == KVM_INTERNAL_ERROR_EMULATION) {
            fprintf(f, "kvm: the host's instruction emulator stopped at an "
                       "instruction it does not handle (the bytes at CS:EIP "
                       "below); a nested or software-only KVM cannot run it\n");
        }
        break;
    }
    case KVM_EXIT_EXCEPTION:
        fprintf(f, "kvm: exception %u, error code 0x%x\n", run->ex.exception,
                run->ex.error_code);
        break;
    default:
        break;
    }
}

/* ---- Segments ---------------------------------------------------------- */

void kvm_seg_from_cache(struct kvm_segment *ks, const SegmentCache *sc,
                        bool vm86)
{
    memset(ks, 0, sizeof(*ks));
    ks->selector = sc->selector;
    ks->base = sc->base;
    ks->limit = sc->limit;
    if (vm86) {
        /* Virtual-8086 segments: VT-x checks for exactly these rights
         * (SDM vol. 3, 26.3.1.2). */
        ks->type = 3;
        ks->present = 1;
        ks->dpl = 3;
        ks->s = 1;
        return;
    }
    uint32_t fl = sc->flags;
    ks->type = (fl >> DESC_TYPE_SHIFT) & 15;
    ks->s = (fl & DESC_S_MASK) != 0;
    ks->dpl = (fl >> DESC_DPL_SHIFT) & 3;
    ks->present = (fl & DESC_P_MASK) != 0;
    ks->avl = (fl >> 20) & 1;
    ks->l = (fl & DESC_L_MASK) != 0;
    ks->db = (fl & DESC_B_MASK) != 0;
    ks->g = (fl & DESC_G_MASK) != 0;
    ks->unusable = !ks->present;
}

void kvm_seg_to_cache(SegmentCache *sc, const struct kvm_segment *ks)
{
    sc->selector = ks->selector;
    sc->base = ks->base;
    sc->limit = ks->limit;
    sc->flags = ((uint32_t)ks->type << DESC_TYPE_SHIFT) |
                (ks->s ? DESC_S_MASK : 0) |
                ((uint32_t)ks->dpl << DESC_DPL_SHIFT) |
                (ks->present && !ks->unusable ? DESC_P_MASK : 0) |
                ((uint32_t)ks->avl << 20) | (ks->l ? DESC_L_MASK : 0) |
                (ks->db ? DESC_B_MASK : 0) | (ks->g ? DESC_G_MASK : 0);
}
