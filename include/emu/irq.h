/*
 * IRQ lines as values.
 *
 * A device owns output lines (IRQ *) and sets their level; whoever created
 * the line (the board, a test) decides what is on the other end by giving it
 * a handler.  A NULL line is allowed and ignores every change, so a device
 * created alone in a test needs no wiring it does not check.
 */
#ifndef EMU_IRQ_H
#define EMU_IRQ_H

#include "emu/common.h"

typedef void (*IRQHandler)(void *opaque, int n, int level);

typedef struct IRQ {
    IRQHandler handler;
    void *opaque;
    int n;
} IRQ;

IRQ *irq_new(IRQHandler handler, void *opaque, int n);
/* count lines with numbers 0..count-1 (freed with irq_free_array). */
IRQ **irq_new_array(IRQHandler handler, void *opaque, int count);
void irq_free(IRQ *irq);
void irq_free_array(IRQ **irqs, int count);

static inline void irq_set(IRQ *irq, int level)
{
    if (irq) {
        irq->handler(irq->opaque, irq->n, level);
    }
}
static inline void irq_raise(IRQ *irq)
{
    irq_set(irq, 1);
}
static inline void irq_lower(IRQ *irq)
{
    irq_set(irq, 0);
}
static inline void irq_pulse(IRQ *irq)
{
    irq_set(irq, 1);
    irq_set(irq, 0);
}

/* A line that remembers its level: for tests and for fan-in bookkeeping. */
typedef struct IRQProbe {
    int level;
    int raises;  /* 0->1 transitions seen */
    int changes; /* calls seen */
} IRQProbe;
IRQ *irq_new_probe(IRQProbe *probe);

#endif
