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

/* ---- Named line groups (qtest) ---- */

typedef struct IRQGroup {
    char *dev;
    char *name; /* NULL: the unnamed group */
    bool out;
    IRQ **lines;
    int count;
    struct IRQGroup *next;
} IRQGroup;

/* The machine's groups: published once by the board, read by qtest. */
static IRQGroup *irq_groups;

static bool name_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

void irq_group_add(const char *dev, const char *name, bool out,
                   IRQ *const *lines, int count)
{
    IRQGroup *g = calloc(1, sizeof(*g));
    if (!g) {
        fatal("out of memory");
    }
    g->dev = strdup(dev);
    g->name = name ? strdup(name) : NULL;
    g->out = out;
    g->count = count;
    g->lines = calloc(count ? count : 1, sizeof(*g->lines));
    if (!g->dev || (name && !g->name) || !g->lines) {
        fatal("out of memory");
    }
    memcpy(g->lines, lines, count * sizeof(*lines));
    g->next = irq_groups;
    irq_groups = g;
}

IRQ *const *irq_group_find(const char *dev, const char *name, bool out,
                           int *count)
{
    for (IRQGroup *g = irq_groups; g; g = g->next) {
        if (g->out == out && !strcmp(g->dev, dev) && name_eq(g->name, name)) {
            *count = g->count;
            return g->lines;
        }
    }
    return NULL;
}

bool irq_group_dev_exists(const char *dev)
{
    for (IRQGroup *g = irq_groups; g; g = g->next) {
        if (!strcmp(g->dev, dev)) {
            return true;
        }
    }
    return false;
}

void irq_group_remove_all(void)
{
    while (irq_groups) {
        IRQGroup *g = irq_groups;
        irq_groups = g->next;
        free(g->dev);
        free(g->name);
        free(g->lines);
        free(g);
    }
}

void irq_intercept(IRQ *irq, IRQHandler handler, void *opaque, IRQ *saved)
{
    *saved = *irq;
    irq->handler = handler;
    irq->opaque = opaque;
}

void irq_restore(IRQ *irq, const IRQ *saved)
{
    *irq = *saved;
}
