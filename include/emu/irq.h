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

/* ---- additions (qtest owner) ---- */

/*
 * Named line groups, as QEMU's named GPIOs: a board publishes the IRQ
 * objects that are a device's inputs (out = false: "ioapic", the lines
 * into the I/O APIC) or the ones a device drives (out = true: the 8259's
 * INT), under the device's name and a group name (NULL: the unnamed
 * group).  qtest's irq_intercept_in/out and set_irq_in find them here.
 * The array is copied; the IRQ objects stay the publisher's and must live
 * until irq_group_remove_all() (the machine lives until exit).
 */
void irq_group_add(const char *dev, const char *name, bool out,
                   IRQ *const *lines, int count);
/* Lines of (dev, name, out), or NULL; *count set when found. */
IRQ *const *irq_group_find(const char *dev, const char *name, bool out,
                           int *count);
/* Whether any group, in or out, is published under dev. */
bool irq_group_dev_exists(const char *dev);
void irq_group_remove_all(void);

/*
 * Intercept a line in place: every irq_set on it now calls handler(opaque,
 * irq->n, level); *saved receives the line as it was, so the handler can
 * forward with irq_set(saved, level).  irq_restore() undoes it.  Whoever
 * holds the IRQ pointer (the device driving it) sees no difference.
 */
void irq_intercept(IRQ *irq, IRQHandler handler, void *opaque, IRQ *saved);
void irq_restore(IRQ *irq, const IRQ *saved);

#endif
