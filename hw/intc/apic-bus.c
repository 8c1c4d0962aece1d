/*
 * The APIC bus: the local APICs of the machine, the messages between them
 * (IPIs from an ICR, redirection entries of the I/O APIC, later MSIs), the
 * EOI broadcast of level-triggered vectors, and the xAPIC MMIO windows.
 *
 * Reference: Intel SDM vol. 3A, 11.6.2 (destinations), 11.6.2.4
 * (lowest-priority delivery), 11.4.1 (the MMIO page at IA32_APIC_BASE).
 *
 * Every local APIC decodes the same page at its own base; what an access
 * reaches is the APIC of the CPU that makes it.  The bus therefore maps
 * one window per distinct base in use (most often just APIC_DEFAULT_BASE)
 * and lets current_cpu choose the APIC.
 *
 * Lowest-priority arbitration: the focus processor if there is one (the
 * vector already in its IRR or ISR, focus checking on), else the lowest
 * arbitration priority (APR), ties to the lowest APIC ID: deterministic,
 * where hardware would rotate or pick by the chipset's own rule.
 */
#include "emu/common.h"
#include "emu/log.h"
#include "emu/memory.h"
#include "emu/trace.h"
#include "hw/intc/apic-internal.h"

/* Above RAM and PCI windows that may overlap the page. */
#define APIC_WINDOW_PRIORITY 0x1000

typedef struct APICWindow {
    APICBus *bus;
    MemoryRegion mr;
    uint64_t base;
    bool mapped;
} APICWindow;

struct APICBus {
    MemoryRegion *sysmem;
    APICState *apics[APIC_MAX_CPUS];
    int napics;
    APICWindow win[APIC_MAX_CPUS];
    APICEOIHandler *eoi;
    void *eoi_opaque;
};

/* The APIC the access of the current CPU at this window reaches. */
static APICState *apic_window_target(APICWindow *w, uint64_t addr)
{
    CPUState *cpu = current_cpu;
    APICState *s;

    for (int i = 0; cpu && i < w->bus->napics; i++) {
        s = w->bus->apics[i];
        if (s->cpu == cpu && apic_xapic_mode(s) &&
            (s->apicbase & MSR_APICBASE_BASE_MASK) == w->base) {
            return s;
        }
    }
    log_unimp_once("apic: access to the APIC page at 0x%" PRIx64
                   " by %s not supported (reads 0)",
                   w->base + addr,
                   cpu ? "a CPU whose APIC is elsewhere" : "no CPU (DMA)");
    return NULL;
}

static uint64_t apic_window_read_do(void *opaque, uint64_t addr, unsigned size)
{
    APICState *s = apic_window_target(opaque, addr);
    return s ? apic_mmio_read(s, addr) : 0;
}

static uint64_t apic_window_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = apic_window_read_do(opaque, addr, size);
    trace(apic_window_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void apic_window_write(void *opaque, uint64_t addr, uint64_t data,
                              unsigned size)
{
    trace(apic_window_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, data, size);
    APICState *s = apic_window_target(opaque, addr);
    if (s) {
        apic_mmio_write(s, addr, data);
    }
}

/* Registers are 32 bits at 16-byte strides; narrower accesses see part
 * of one, a 64-bit access is split into two. */
static const MemoryRegionOps apic_window_ops = {
    .read = apic_window_read,
    .write = apic_window_write,
    .valid = {.min_access_size = 1, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

APICBus *apic_bus_new(MemoryRegion *sysmem)
{
    APICBus *bus = calloc(1, sizeof(*bus));

    if (!bus) {
        fatal("out of memory");
    }
    bus->sysmem = sysmem;
    memory_region_transaction_begin();
    for (int i = 0; i < APIC_MAX_CPUS; i++) {
        APICWindow *w = &bus->win[i];
        w->bus = bus;
        memory_region_init_io(&w->mr, &apic_window_ops, w, "apic",
                              APIC_SPACE_SIZE);
        memory_region_set_enabled(&w->mr, false);
        memory_region_add_subregion_overlap(sysmem, 0, &w->mr,
                                            APIC_WINDOW_PRIORITY);
    }
    memory_region_transaction_commit();
    return bus;
}

void apic_bus_free(APICBus *bus)
{
    if (!bus) {
        return;
    }
    memory_region_transaction_begin();
    for (int i = 0; i < APIC_MAX_CPUS; i++) {
        memory_region_del_subregion(bus->sysmem, &bus->win[i].mr);
    }
    memory_region_transaction_commit();
    for (int i = 0; i < APIC_MAX_CPUS; i++) {
        memory_region_finalize(&bus->win[i].mr);
    }
    free(bus);
}

void apic_bus_update_windows(APICBus *bus)
{
    uint64_t bases[APIC_MAX_CPUS];
    int n = 0;

    for (int i = 0; i < bus->napics; i++) {
        APICState *s = bus->apics[i];
        uint64_t base = s->apicbase & MSR_APICBASE_BASE_MASK;
        bool dup = false;

        if (!apic_xapic_mode(s)) {
            continue; /* disabled or x2APIC: no MMIO (11.12.1) */
        }
        for (int j = 0; j < n; j++) {
            dup |= bases[j] == base;
        }
        if (!dup) {
            bases[n++] = base;
        }
    }
    memory_region_transaction_begin();
    for (int i = 0; i < APIC_MAX_CPUS; i++) {
        APICWindow *w = &bus->win[i];
        bool want = i < n;

        if (want && (!w->mapped || w->base != bases[i])) {
            w->base = bases[i];
            memory_region_set_address(&w->mr, w->base);
        }
        if (want != w->mapped) {
            memory_region_set_enabled(&w->mr, want);
            w->mapped = want;
        }
    }
    memory_region_transaction_commit();
}

int apic_bus_attach(APICBus *bus, APICState *s, Error **errp)
{
    if (bus->napics == APIC_MAX_CPUS) {
        error_setg(errp, "apic: at most %d local APICs", APIC_MAX_CPUS);
        return -1;
    }
    for (int i = 0; i < bus->napics; i++) {
        if (bus->apics[i]->initial_id == s->initial_id) {
            error_setg(errp, "apic: APIC ID %u is used twice", s->initial_id);
            return -1;
        }
        if (bus->apics[i]->cpu == s->cpu) {
            error_setg(errp, "apic: CPU %d already has a local APIC",
                       s->cpu->index);
            return -1;
        }
    }
    bus->apics[bus->napics++] = s;
    s->on_bus = true;
    return 0;
}

void apic_bus_detach(APICBus *bus, APICState *s)
{
    for (int i = 0; i < bus->napics; i++) {
        if (bus->apics[i] == s) {
            memmove(&bus->apics[i], &bus->apics[i + 1],
                    (bus->napics - i - 1) * sizeof(bus->apics[0]));
            bus->napics--;
            break;
        }
    }
    s->on_bus = false;
    apic_bus_update_windows(bus);
}

APICState *apic_bus_find(APICBus *bus, uint32_t apic_id)
{
    for (int i = 0; i < bus->napics; i++) {
        if (bus->apics[i]->id == apic_id) {
            return bus->apics[i];
        }
    }
    return NULL;
}

void apic_bus_set_eoi_handler(APICBus *bus, APICEOIHandler *fn, void *opaque)
{
    bus->eoi = fn;
    bus->eoi_opaque = opaque;
}

void apic_bus_eoi(APICBus *bus, uint8_t vector)
{
    if (bus->eoi) {
        bus->eoi(bus->eoi_opaque, vector);
    }
}

void apic_bus_send(APICBus *bus, APICState *src, const APICMessage *msg,
                   int shorthand, bool x2fmt)
{
    APICState *targets[APIC_MAX_CPUS];
    int n = 0;

    for (int i = 0; i < bus->napics; i++) {
        APICState *s = bus->apics[i];
        bool hit;

        switch (shorthand) {
        case 1: /* self */
            hit = s == src;
            break;
        case 2: /* all including self */
            hit = true;
            break;
        case 3: /* all excluding self */
            hit = s != src;
            break;
        default:
            hit = apic_match_dest(s, msg->dest, msg->dest_logical, x2fmt);
            break;
        }
        if (hit) {
            targets[n++] = s;
        }
    }

    if (msg->delivery_mode == APIC_DM_LOWPRI) {
        APICState *best = NULL;

        for (int i = 0; i < n; i++) {
            APICState *s = targets[i];
            if (!apic_lowpri_candidate(s)) {
                continue;
            }
            if (apic_is_focus(s, msg->vector)) {
                best = s;
                break;
            }
            if (!best || apic_arb_priority(s) < apic_arb_priority(best) ||
                (apic_arb_priority(s) == apic_arb_priority(best) &&
                 s->id < best->id)) {
                best = s;
            }
        }
        if (best) {
            apic_accept(best, msg);
        } else {
            log_mask(LOG_INT, "apic: lowest-priority 0x%02x: no taker\n",
                     msg->vector);
        }
        return;
    }
    for (int i = 0; i < n; i++) {
        apic_accept(targets[i], msg);
    }
}

void apic_bus_deliver(APICBus *bus, const APICMessage *msg)
{
    trace(apic_deliver, "dest 0x%x%s mode %d vector 0x%02x %s%s", msg->dest,
          msg->dest_logical ? " logical" : "", msg->delivery_mode, msg->vector,
          msg->level ? "level" : "edge", msg->assert ? "" : " deassert");
    if (msg->delivery_mode == APIC_DM_INIT && !msg->assert) {
        return; /* INIT level de-assert: nothing to do (see apic.c) */
    }
    apic_bus_send(bus, NULL, msg, 0, false);
}
