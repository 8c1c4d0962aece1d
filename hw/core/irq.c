/* IRQ lines (include/emu/irq.h). */
#include "emu/common.h"
#include "emu/irq.h"

IRQ *irq_new(IRQHandler handler, void *opaque, int n)
{
    IRQ *irq = calloc(1, sizeof(*irq));
    if (!irq) {
        fatal("out of memory");
    }
    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

IRQ **irq_new_array(IRQHandler handler, void *opaque, int count)
{
    IRQ **irqs = calloc(count, sizeof(*irqs));
    if (!irqs) {
        fatal("out of memory");
    }
    for (int i = 0; i < count; i++) {
        irqs[i] = irq_new(handler, opaque, i);
    }
    return irqs;
}

void irq_free(IRQ *irq)
{
    free(irq);
}

void irq_free_array(IRQ **irqs, int count)
{
    if (irqs) {
        for (int i = 0; i < count; i++) {
            irq_free(irqs[i]);
        }
        free(irqs);
    }
}

static void probe_handler(void *opaque, int n, int level)
{
    IRQProbe *p = opaque;
    (void)n;
    if (level && !p->level) {
        p->raises++;
    }
    p->level = level != 0;
    p->changes++;
}

IRQ *irq_new_probe(IRQProbe *probe)
{
    memset(probe, 0, sizeof(*probe));
    return irq_new(probe_handler, probe, 0);
}
