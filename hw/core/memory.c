/*
 * The memory API (see include/emu/memory.h): region tree, flattening into
 * FlatViews, listeners, and access dispatch with access-size rules.
 */
#include "emu/common.h"
#include "emu/memory.h"
#include "hw/core/memory-internal.h"

#include <sys/mman.h>

static AddressSpace *address_spaces;
static int transaction_depth;
static bool transaction_pending;
static unsigned region_seq;
static MemoryRegion *ram_blocks; /* memory_ram_block_next */

/* ---- Region construction ---------------------------------------------- */

void memory_region_init(MemoryRegion *mr, const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = name;
    mr->type = MR_CONTAINER;
    mr->size = size;
    mr->enabled = true;
}

static int ram_alloc(MemoryRegion *mr, uint64_t size, Error **errp)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        int err = errno;
        error_setg(errp,
                   "cannot allocate %" PRIu64 " MiB of guest memory "
                   "for '%s': %s",
                   size / MiB, mr->name, strerror(err));
        return -err;
    }
    mr->ram = p;
    mr->owns_ram = true;
    mr->ram_block_next = ram_blocks;
    ram_blocks = mr;
    return 0;
}

MemoryRegion *memory_ram_block_next(MemoryRegion *mr)
{
    return mr ? mr->ram_block_next : ram_blocks;
}

static void ram_block_unlink(MemoryRegion *mr)
{
    for (MemoryRegion **p = &ram_blocks; *p; p = &(*p)->ram_block_next) {
        if (*p == mr) {
            *p = mr->ram_block_next;
            mr->ram_block_next = NULL;
            return;
        }
    }
}

int memory_region_init_ram(MemoryRegion *mr, const char *name, uint64_t size,
                           Error **errp)
{
    memory_region_init(mr, name, size);
    mr->type = MR_RAM;
    int r = ram_alloc(mr, size, errp);
    if (r == 0) {
        memory_region_dirty_init(mr);
    }
    return r;
}

int memory_region_init_rom(MemoryRegion *mr, const char *name, uint64_t size,
                           Error **errp)
{
    memory_region_init(mr, name, size);
    mr->type = MR_ROM;
    mr->readonly = true;
    return ram_alloc(mr, size, errp);
}

void memory_region_init_ram_ptr(MemoryRegion *mr, const char *name,
                                uint64_t size, void *ptr, bool readonly)
{
    memory_region_init(mr, name, size);
    mr->type = readonly ? MR_ROM : MR_RAM;
    mr->readonly = readonly;
    mr->ram = ptr;
    if (!readonly) {
        memory_region_dirty_init(mr);
    }
}

void memory_region_init_io(MemoryRegion *mr, const MemoryRegionOps *ops,
                           void *opaque, const char *name, uint64_t size)
{
    memory_region_init(mr, name, size);
    mr->type = MR_IO;
    mr->ops = ops;
    mr->opaque = opaque;
}

void memory_region_init_alias(MemoryRegion *mr, const char *name,
                              MemoryRegion *orig, uint64_t offset,
                              uint64_t size)
{
    memory_region_init(mr, name, size);
    mr->type = MR_ALIAS;
    mr->alias = orig;
    mr->alias_offset = offset;
}

void memory_region_finalize(MemoryRegion *mr)
{
    assert(!mr->container);
    if (mr->owns_ram && mr->ram) {
        ram_block_unlink(mr);
        munmap(mr->ram, mr->size);
    }
    free(mr->subregions);
    memory_region_dirty_free(mr);
    mr->ram = NULL;
    mr->subregions = NULL;
    mr->nr_subregions = mr->cap_subregions = 0;
}

/* ---- Flattening -------------------------------------------------------- */

typedef __int128 i128;

static void view_append(FlatView *v, int *cap, const FlatRange *fr)
{
    if (v->nr == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        v->ranges = realloc(v->ranges, *cap * sizeof(FlatRange));
        if (!v->ranges) {
            fatal("out of memory");
        }
    }
    v->ranges[v->nr++] = *fr;
}

static int fr_cmp(const void *a, const void *b)
{
    const FlatRange *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Add [s, e) of terminal region mr (whose offset 0 sits at base) into the
 * holes of the view: higher-priority regions were rendered first.
 */
static void render_terminal(FlatView *v, int *cap, MemoryRegion *mr, i128 base,
                            uint64_t s, uint64_t e, bool readonly)
{
    /* v->ranges is kept sorted by start between calls. */
    int n = v->nr;
    FlatRange *pieces = NULL;
    int np = 0, pcap = 0;
    FlatView pv = {NULL, 0};
    uint64_t cur = s;

    for (int i = 0; i < n && cur < e; i++) {
        FlatRange *r = &v->ranges[i];
        uint64_t rend = r->start + r->size;
        if (rend <= cur || r->start >= e) {
            continue;
        }
        if (r->start > cur) {
            FlatRange p = {cur, r->start - cur, mr, (uint64_t)(cur - base),
                           readonly};
            view_append(&pv, &pcap, &p);
        }
        cur = MAX(cur, rend);
    }
    if (cur < e) {
        FlatRange p = {cur, e - cur, mr, (uint64_t)(cur - base), readonly};
        view_append(&pv, &pcap, &p);
    }
    pieces = pv.ranges;
    np = pv.nr;
    for (int i = 0; i < np; i++) {
        view_append(v, cap, &pieces[i]);
    }
    free(pieces);
    if (np) {
        qsort(v->ranges, v->nr, sizeof(FlatRange), fr_cmp);
    }
}

static int sub_cmp(const void *a, const void *b)
{
    const MemoryRegion *x = *(MemoryRegion *const *)a;
    const MemoryRegion *y = *(MemoryRegion *const *)b;
    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    return x->seq > y->seq ? -1 : x->seq < y->seq;
}

static void render(FlatView *v, int *cap, MemoryRegion *mr, i128 base,
                   uint64_t clip_s, uint64_t clip_e, bool readonly)
{
    if (!mr->enabled) {
        return;
    }
    i128 rs = base, re = base + (i128)mr->size;
    i128 s = MAX(rs, (i128)clip_s), e = MIN(re, (i128)clip_e);
    if (s >= e) {
        return;
    }
    readonly |= mr->readonly;
    switch (mr->type) {
    case MR_ALIAS:
        render(v, cap, mr->alias, base - (i128)mr->alias_offset, (uint64_t)s,
               (uint64_t)e, readonly);
        break;
    case MR_CONTAINER: {
        if (!mr->nr_subregions) {
            break;
        }
        MemoryRegion **subs = malloc(sizeof(*subs) * mr->nr_subregions);
        memcpy(subs, mr->subregions, sizeof(*subs) * mr->nr_subregions);
        qsort(subs, mr->nr_subregions, sizeof(*subs), sub_cmp);
        for (int i = 0; i < mr->nr_subregions; i++) {
            render(v, cap, subs[i], base + subs[i]->addr, (uint64_t)s,
                   (uint64_t)e, readonly);
        }
        free(subs);
        break;
    }
    default:
        render_terminal(v, cap, mr, base, (uint64_t)s, (uint64_t)e, readonly);
        break;
    }
}

static FlatView *generate_view(AddressSpace *as)
{
    FlatView *v = calloc(1, sizeof(*v));
    int cap = 0;
    uint64_t end = as->root->size;

    render(v, &cap, as->root, 0, 0, end ? end : UINT64_MAX, false);
    /* Merge neighbours that continue the same region. */
    int j = 0;
    for (int i = 0; i < v->nr; i++) {
        FlatRange *r = &v->ranges[i];
        if (j > 0) {
            FlatRange *p = &v->ranges[j - 1];
            if (p->mr == r->mr && p->start + p->size == r->start &&
                p->offset + p->size == r->offset &&
                p->readonly == r->readonly) {
                p->size += r->size;
                continue;
            }
        }
        v->ranges[j++] = *r;
    }
    v->nr = j;
    return v;
}

static void view_free(FlatView *v)
{
    if (v) {
        free(v->ranges);
        free(v);
    }
}

static bool fr_equal(const FlatRange *a, const FlatRange *b)
{
    return a->start == b->start && a->size == b->size && a->mr == b->mr &&
           a->offset == b->offset && a->readonly == b->readonly;
}

static bool view_contains(const FlatView *v, const FlatRange *fr)
{
    int lo = 0, hi = v->nr - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const FlatRange *r = &v->ranges[mid];
        if (r->start == fr->start) {
            return fr_equal(r, fr);
        }
        if (r->start < fr->start) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return false;
}

static bool fr_same_mapping(const FlatRange *a, const FlatRange *b)
{
    if (!a || !b) {
        return a == b;
    }
    /* Same region at the same displacement (mod 2^64), same rights. */
    return a->mr == b->mr && a->readonly == b->readonly &&
           a->offset - a->start == b->offset - b->start;
}

/* The range of v containing pos (*i advanced to it), else NULL with *i at
 * the first range after pos. */
static const FlatRange *view_at(const FlatView *v, int *i, uint64_t pos)
{
    while (*i < v->nr && v->ranges[*i].start + v->ranges[*i].size <= pos) {
        (*i)++;
    }
    return *i < v->nr && v->ranges[*i].start <= pos ? &v->ranges[*i] : NULL;
}

/* Tell range_changed listeners where old and new map differently. */
static void view_diff_notify(AddressSpace *as, const FlatView *old,
                             const FlatView *new)
{
    bool any = false;
    for (MemoryListener *l = as->listeners; l; l = l->next) {
        any |= l->range_changed != NULL;
    }
    if (!any) {
        return;
    }
    uint64_t pos = 0, change_start = 0;
    bool in_change = false;
    int i = 0, j = 0;
    for (;;) {
        const FlatRange *o = view_at(old, &i, pos);
        const FlatRange *n = view_at(new, &j, pos);
        bool done = i >= old->nr && j >= new->nr;
        bool same = done || fr_same_mapping(o, n);
        if (!same && !in_change) {
            in_change = true;
            change_start = pos;
        } else if (same && in_change) {
            in_change = false;
            for (MemoryListener *l = as->listeners; l; l = l->next) {
                if (l->range_changed) {
                    l->range_changed(l, change_start, pos - change_start);
                }
            }
        }
        if (done) {
            break;
        }
        /* The next boundary of either view. */
        uint64_t next = UINT64_MAX;
        if (o) {
            next = MIN(next, o->start + o->size);
        } else if (i < old->nr) {
            next = MIN(next, old->ranges[i].start);
        }
        if (n) {
            next = MIN(next, n->start + n->size);
        } else if (j < new->nr) {
            next = MIN(next, new->ranges[j].start);
        }
        if (next == UINT64_MAX || next <= pos) {
            /* Ends at the top of a 64-bit space. */
            if (in_change) {
                for (MemoryListener *l = as->listeners; l; l = l->next) {
                    if (l->range_changed) {
                        l->range_changed(l, change_start,
                                         UINT64_MAX - change_start);
                    }
                }
            }
            break;
        }
        pos = next;
    }
}

static void address_space_update(AddressSpace *as)
{
    FlatView *old = as->view;
    FlatView *new = generate_view(as);

    as->view = new;
    as->generation++;
    if (old) {
        view_diff_notify(as, old, new);
    }
    for (MemoryListener *l = as->listeners; l; l = l->next) {
        if (old && l->region_del) {
            for (int i = 0; i < old->nr; i++) {
                if (!view_contains(new, &old->ranges[i])) {
                    l->region_del(l, &old->ranges[i]);
                }
            }
        }
        if (l->region_add) {
            for (int i = 0; i < new->nr; i++) {
                if (!old || !view_contains(old, &new->ranges[i])) {
                    l->region_add(l, &new->ranges[i]);
                }
            }
        }
        if (l->commit) {
            l->commit(l);
        }
    }
    view_free(old);
}

static void memory_update(void)
{
    if (transaction_depth) {
        transaction_pending = true;
        return;
    }
    for (AddressSpace *as = address_spaces; as; as = as->next) {
        address_space_update(as);
    }
}

void memory_region_transaction_begin(void)
{
    transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    assert(transaction_depth > 0);
    if (--transaction_depth == 0 && transaction_pending) {
        transaction_pending = false;
        memory_update();
    }
}

/* ---- Tree changes ------------------------------------------------------ */

void memory_region_add_subregion_overlap(MemoryRegion *parent, uint64_t addr,
                                         MemoryRegion *sub, int priority)
{
    assert(!sub->container);
    if (parent->nr_subregions == parent->cap_subregions) {
        parent->cap_subregions = parent->cap_subregions * 2 + 8;
        parent->subregions =
            realloc(parent->subregions, parent->cap_subregions * sizeof(sub));
        if (!parent->subregions) {
            fatal("out of memory");
        }
    }
    parent->subregions[parent->nr_subregions++] = sub;
    sub->container = parent;
    sub->addr = addr;
    sub->priority = priority;
    sub->seq = ++region_seq;
    memory_update();
}

void memory_region_add_subregion(MemoryRegion *parent, uint64_t addr,
                                 MemoryRegion *sub)
{
    memory_region_add_subregion_overlap(parent, addr, sub, 0);
}

void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *sub)
{
    assert(sub->container == parent);
    for (int i = 0; i < parent->nr_subregions; i++) {
        if (parent->subregions[i] == sub) {
            memmove(&parent->subregions[i], &parent->subregions[i + 1],
                    (parent->nr_subregions - i - 1) * sizeof(sub));
            parent->nr_subregions--;
            break;
        }
    }
    sub->container = NULL;
    memory_update();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        memory_update();
    }
}

void memory_region_set_address(MemoryRegion *mr, uint64_t addr)
{
    if (mr->addr != addr) {
        mr->addr = addr;
        memory_update();
    }
}

void memory_region_set_alias_offset(MemoryRegion *mr, uint64_t offset)
{
    assert(mr->type == MR_ALIAS);
    if (mr->alias_offset != offset) {
        mr->alias_offset = offset;
        memory_update();
    }
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly != readonly) {
        mr->readonly = readonly;
        memory_update();
    }
}

/* ---- Address spaces and listeners -------------------------------------- */

AddressSpace *memory_address_spaces(void)
{
    return address_spaces;
}

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = name;
    as->root = root;
    as->size_mask = root->size ? root->size - 1 : UINT64_MAX;
    as->next = address_spaces;
    address_spaces = as;
    address_space_update(as);
}

void address_space_destroy(AddressSpace *as)
{
    for (AddressSpace **p = &address_spaces; *p; p = &(*p)->next) {
        if (*p == as) {
            *p = as->next;
            break;
        }
    }
    view_free(as->view);
    as->view = NULL;
}

void memory_listener_register(MemoryListener *l, AddressSpace *as)
{
    l->as = as;
    l->next = as->listeners;
    as->listeners = l;
    if (l->region_add) {
        for (int i = 0; i < as->view->nr; i++) {
            l->region_add(l, &as->view->ranges[i]);
        }
    }
    if (l->commit) {
        l->commit(l);
    }
}

void memory_listener_unregister(MemoryListener *l)
{
    if (!l->as) {
        return;
    }
    for (MemoryListener **p = &l->as->listeners; *p; p = &(*p)->next) {
        if (*p == l) {
            *p = l->next;
            break;
        }
    }
    l->as = NULL;
}

/* ---- Access dispatch --------------------------------------------------- */

const FlatRange *address_space_lookup(AddressSpace *as, uint64_t addr)
{
    const FlatView *v = as->view;
    int lo = 0, hi = v->nr - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const FlatRange *r = &v->ranges[mid];
        if (addr < r->start) {
            hi = mid - 1;
        } else if (addr - r->start >= r->size) {
            lo = mid + 1;
        } else {
            return r;
        }
    }
    return NULL;
}

uint8_t *address_space_ram_ptr(AddressSpace *as, uint64_t addr, uint64_t len,
                               bool is_write)
{
    const FlatRange *fr = address_space_lookup(as, addr);
    if (!fr || !fr->mr->ram || (is_write && fr->readonly)) {
        return NULL;
    }
    if (len > fr->size || addr - fr->start > fr->size - len) {
        return NULL;
    }
    return fr->mr->ram + fr->offset + (addr - fr->start);
}

static unsigned ops_valid_min(const MemoryRegionOps *o)
{
    return o->valid.min_access_size ? o->valid.min_access_size : 1;
}
static unsigned ops_valid_max(const MemoryRegionOps *o)
{
    return o->valid.max_access_size ? o->valid.max_access_size : 4;
}
static unsigned ops_impl_min(const MemoryRegionOps *o)
{
    return o->impl.min_access_size ? o->impl.min_access_size : ops_valid_min(o);
}
static unsigned ops_impl_max(const MemoryRegionOps *o)
{
    return o->impl.max_access_size ? o->impl.max_access_size : ops_valid_max(o);
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

static uint64_t io_read(MemoryRegion *mr, uint64_t addr, unsigned size)
{
    const MemoryRegionOps *o = mr->ops;
    unsigned imin = ops_impl_min(o), imax = ops_impl_max(o);

    if (!o->read) {
        return size_mask(size);
    }
    if (size > imax) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i += imax) {
            v |= (o->read(mr->opaque, addr + i, imax) & size_mask(imax))
                 << (i * 8);
        }
        return v;
    }
    if (size < imin) {
        uint64_t aligned = addr & ~(uint64_t)(imin - 1);
        uint64_t v = o->read(mr->opaque, aligned, imin);
        return (v >> ((addr - aligned) * 8)) & size_mask(size);
    }
    return o->read(mr->opaque, addr, size) & size_mask(size);
}

static void io_write(MemoryRegion *mr, uint64_t addr, unsigned size,
                     uint64_t val)
{
    const MemoryRegionOps *o = mr->ops;
    unsigned imin = ops_impl_min(o), imax = ops_impl_max(o);

    if (!o->write) {
        return;
    }
    if (size > imax) {
        for (unsigned i = 0; i < size; i += imax) {
            o->write(mr->opaque, addr + i, (val >> (i * 8)) & size_mask(imax),
                     imax);
        }
        return;
    }
    if (size < imin) {
        uint64_t aligned = addr & ~(uint64_t)(imin - 1);
        o->write(mr->opaque, aligned,
                 (val & size_mask(size)) << ((addr - aligned) * 8), imin);
        return;
    }
    o->write(mr->opaque, addr, val & size_mask(size), size);
}

/* One access that lies inside one flat range (or a hole). */
static bool access_one(AddressSpace *as, uint64_t addr, unsigned size,
                       uint64_t *val, bool is_write)
{
    const FlatRange *fr = address_space_lookup(as, addr);

    if (fr && (addr - fr->start) + size > fr->size) {
        /* Straddles two ranges: do it a byte at a time. */
        bool ok = true;
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            uint64_t b = is_write ? (*val >> (i * 8)) & 0xff : 0;
            ok &= access_one(as, (addr + i) & as->size_mask, 1, &b, is_write);
            v |= (b & 0xff) << (i * 8);
        }
        if (!is_write) {
            *val = v;
        }
        return ok;
    }
    if (!fr) {
        log_mask(LOG_IOPORT | LOG_GUEST_ERROR,
                 "%s: unassigned %s at 0x%" PRIx64 " size %u\n", as->name,
                 is_write ? "write" : "read", addr, size);
        if (!is_write) {
            *val = size_mask(size);
        }
        return false;
    }

    MemoryRegion *mr = fr->mr;
    uint64_t off = fr->offset + (addr - fr->start);
    if (mr->ram) {
        uint8_t *p = mr->ram + off;
        if (is_write) {
            if (!fr->readonly) {
                for (unsigned i = 0; i < size; i++) {
                    p[i] = *val >> (i * 8);
                }
                address_space_ram_written(as, fr, addr, size);
            }
        } else {
            uint64_t v = 0;
            for (unsigned i = 0; i < size; i++) {
                v |= (uint64_t)p[i] << (i * 8);
            }
            *val = v;
        }
        return true;
    }

    const MemoryRegionOps *o = mr->ops;
    if (size < ops_valid_min(o) || size > ops_valid_max(o)) {
        if (size == 8 && ops_valid_max(o) == 4) {
            /* A 64-bit CPU access to a 32-bit device: two bus cycles. */
            uint64_t lo = is_write ? *val : 0, hi = is_write ? *val >> 32 : 0;
            bool ok = access_one(as, addr, 4, &lo, is_write);
            ok &= access_one(as, addr + 4, 4, &hi, is_write);
            if (!is_write) {
                *val = (lo & 0xffffffff) | (hi << 32);
            }
            return ok;
        }
        log_mask(LOG_GUEST_ERROR,
                 "%s: %s: refused %u-byte %s at offset 0x%" PRIx64 "\n",
                 as->name, mr->name, size, is_write ? "write" : "read", off);
        if (!is_write) {
            *val = size_mask(size);
        }
        return true;
    }
    if (is_write) {
        io_write(mr, off, size, *val);
    } else {
        *val = io_read(mr, off, size);
    }
    return true;
}

bool address_space_read_val(AddressSpace *as, uint64_t addr, unsigned size,
                            uint64_t *val)
{
    return access_one(as, addr & as->size_mask, size, val, false);
}

bool address_space_write_val(AddressSpace *as, uint64_t addr, unsigned size,
                             uint64_t val)
{
    return access_one(as, addr & as->size_mask, size, &val, true);
}

static void rep_access(AddressSpace *as, uint64_t addr, unsigned size,
                       uint8_t *buf, uint32_t count, bool is_write)
{
    addr &= as->size_mask;
    const FlatRange *fr = address_space_lookup(as, addr);
    MemoryRegion *mr = fr ? fr->mr : NULL;
    /* The common case, a device's data port: one lookup for them all. */
    if (mr && !mr->ram && mr->ops && (addr - fr->start) + size <= fr->size &&
        size >= ops_valid_min(mr->ops) && size <= ops_valid_max(mr->ops)) {
        uint64_t off = fr->offset + (addr - fr->start);
        for (uint32_t i = 0; i < count; i++, buf += size) {
            uint64_t v = 0;
            if (is_write) {
                memcpy(&v, buf, size);
                io_write(mr, off, size, le64toh(v));
            } else {
                v = htole64(io_read(mr, off, size));
                memcpy(buf, &v, size);
            }
        }
        return;
    }
    for (uint32_t i = 0; i < count; i++, buf += size) {
        uint64_t v = 0;
        if (is_write) {
            memcpy(&v, buf, size);
            v = le64toh(v);
            access_one(as, addr, size, &v, true);
        } else {
            access_one(as, addr, size, &v, false);
            v = htole64(v);
            memcpy(buf, &v, size);
        }
    }
}

void address_space_read_rep(AddressSpace *as, uint64_t addr, unsigned size,
                            void *buf, uint32_t count)
{
    rep_access(as, addr, size, buf, count, false);
}

void address_space_write_rep(AddressSpace *as, uint64_t addr, unsigned size,
                             const void *buf, uint32_t count)
{
    rep_access(as, addr, size, (uint8_t *)buf, count, true);
}

bool address_space_rw(AddressSpace *as, uint64_t addr, void *buf, uint64_t len,
                      bool is_write)
{
    uint8_t *b = buf;
    bool ok = true;

    while (len) {
        addr &= as->size_mask;
        const FlatRange *fr = address_space_lookup(as, addr);
        if (fr && fr->mr->ram) {
            uint64_t n = MIN(len, fr->size - (addr - fr->start));
            uint8_t *p = fr->mr->ram + fr->offset + (addr - fr->start);
            if (!is_write) {
                memcpy(b, p, n);
            } else if (!fr->readonly) {
                memcpy(p, b, n);
                address_space_ram_written(as, fr, addr, n);
            }
            b += n;
            addr += n;
            len -= n;
            continue;
        }
        /* I/O or hole: the largest naturally aligned access that fits. */
        unsigned size = 4;
        while (size > len || (addr & (size - 1))) {
            size >>= 1;
        }
        uint64_t v = 0;
        if (is_write) {
            for (unsigned i = 0; i < size; i++) {
                v |= (uint64_t)b[i] << (i * 8);
            }
        }
        ok &= access_one(as, addr, size, &v, is_write);
        if (!is_write) {
            for (unsigned i = 0; i < size; i++) {
                b[i] = v >> (i * 8);
            }
        }
        b += size;
        addr += size;
        len -= size;
    }
    return ok;
}

bool address_space_write_rom(AddressSpace *as, uint64_t addr, const void *buf,
                             uint64_t len)
{
    const uint8_t *b = buf;
    while (len) {
        const FlatRange *fr = address_space_lookup(as, addr);
        if (!fr || !fr->mr->ram) {
            return false;
        }
        uint64_t n = MIN(len, fr->size - (addr - fr->start));
        memcpy(fr->mr->ram + fr->offset + (addr - fr->start), b, n);
        address_space_ram_written(as, fr, addr, n);
        b += n;
        addr += n;
        len -= n;
    }
    return true;
}

/* ---- info mtree -------------------------------------------------------- */

static const char *type_name(MemoryRegionType t)
{
    static const char *const names[] = {"container", "ram", "rom", "i/o",
                                        "alias"};
    return names[t];
}

static void dump_region(FILE *f, MemoryRegion *mr, uint64_t base, int depth)
{
    fprintf(f, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s%s): %s",
            depth * 2, "", base, base + mr->size - 1, mr->priority,
            type_name(mr->type), mr->enabled ? "" : ", disabled",
            mr->name ? mr->name : "?");
    if (mr->type == MR_ALIAS) {
        fprintf(f, " @%s %016" PRIx64, mr->alias->name, mr->alias_offset);
    }
    fputc('\n', f);
    if (!mr->nr_subregions) {
        return;
    }
    MemoryRegion **subs = malloc(sizeof(*subs) * mr->nr_subregions);
    memcpy(subs, mr->subregions, sizeof(*subs) * mr->nr_subregions);
    qsort(subs, mr->nr_subregions, sizeof(*subs), sub_cmp);
    for (int i = 0; i < mr->nr_subregions; i++) {
        dump_region(f, subs[i], base + subs[i]->addr, depth + 1);
    }
    free(subs);
}

void memory_region_dump(FILE *f, MemoryRegion *mr)
{
    dump_region(f, mr, 0, 0);
}

void address_space_dump_flat(FILE *f, AddressSpace *as)
{
    fprintf(f, "address-space (flat view): %s\n", as->name);
    for (int i = 0; i < as->view->nr; i++) {
        const FlatRange *r = &as->view->ranges[i];
        fprintf(f, "  %016" PRIx64 "-%016" PRIx64 " %s%s: %s @%016" PRIx64 "\n",
                r->start, r->start + r->size - 1, type_name(r->mr->type),
                r->readonly ? " ro" : "", r->mr->name, r->offset);
    }
}
