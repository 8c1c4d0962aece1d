/*
 * The machine-state stream (include/migration/vmstream.h): the format,
 * and the all-or-nothing load over a list of section handlers.
 */
#include "emu/common.h"
#include "migration/vmstream.h"

/* ---- Writing ---- */

static void put_le(GByteArray *out, uint64_t v, int bytes)
{
    uint8_t b[8];
    for (int i = 0; i < bytes; i++) {
        b[i] = v >> (8 * i);
    }
    g_byte_array_append(out, b, bytes);
}

void vmstream_put_header(GByteArray *out)
{
    g_byte_array_append(out, (const guint8 *)VMSTREAM_MAGIC, 8);
    put_le(out, VMSTREAM_VERSION, 4);
}

void vmstream_put_section(GByteArray *out, const char *name, uint32_t instance,
                          uint32_t version, const void *data, size_t len)
{
    size_t nl = strlen(name);
    assert(nl > 0 && nl < 256);
    put_le(out, nl, 1);
    g_byte_array_append(out, (const guint8 *)name, nl);
    put_le(out, instance, 4);
    put_le(out, version, 4);
    put_le(out, len, 8);
    if (len) {
        g_byte_array_append(out, data, len);
    }
}

void vmstream_put_end(GByteArray *out)
{
    put_le(out, 0, 1);
}

/* ---- Parsing ---- */

static uint64_t get_le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static bool name_ok(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x21 || p[i] > 0x7e) {
            return false;
        }
    }
    return true;
}

int vmstream_parse(const uint8_t *buf, size_t len, VMSection **secs, int *n,
                   Error **errp)
{
    *secs = NULL;
    *n = 0;
    if (len < 12 || memcmp(buf, VMSTREAM_MAGIC, 8)) {
        error_setg(errp, "not an emu machine-state stream (bad magic)");
        return -1;
    }
    uint32_t ver = get_le(buf + 8, 4);
    if (ver != VMSTREAM_VERSION) {
        error_setg(errp, "state stream version %u, this emu reads %u", ver,
                   VMSTREAM_VERSION);
        return -1;
    }
    size_t pos = 12;
    GArray *a = g_array_new(false, true, sizeof(VMSection));
    for (;;) {
        if (pos >= len) {
            error_setg(errp,
                       "the state is truncated (no end marker after "
                       "%d sections)",
                       (int)a->len);
            goto fail;
        }
        size_t nl = buf[pos++];
        if (nl == 0) {
            break;
        }
        VMSection s = {0};
        if (len - pos < nl + 16) {
            error_setg(errp,
                       "the state is truncated in a section header "
                       "at byte %zu",
                       pos - 1);
            goto fail;
        }
        if (!name_ok(buf + pos, nl)) {
            error_setg(errp, "bad section name at byte %zu", pos - 1);
            goto fail;
        }
        memcpy(s.name, buf + pos, nl);
        pos += nl;
        s.instance = get_le(buf + pos, 4);
        s.version = get_le(buf + pos + 4, 4);
        s.len = get_le(buf + pos + 8, 8);
        pos += 16;
        if (s.len > len - pos) {
            error_setg(errp,
                       "section '%s' instance %u: length %" PRIu64
                       " runs past the end of the state (%zu bytes left): "
                       "truncated or corrupt",
                       s.name, s.instance, s.len, len - pos);
            goto fail;
        }
        s.data = buf + pos;
        pos += s.len;
        for (guint i = 0; i < a->len; i++) {
            VMSection *o = &g_array_index(a, VMSection, i);
            if (!strcmp(o->name, s.name) && o->instance == s.instance) {
                error_setg(errp, "section '%s' instance %u appears twice",
                           s.name, s.instance);
                goto fail;
            }
        }
        g_array_append_val(a, s);
    }
    if (pos != len) {
        error_setg(errp, "%zu bytes of garbage after the end of the state",
                   len - pos);
        goto fail;
    }
    *n = a->len;
    *secs = (VMSection *)g_array_free(a, false);
    return 0;
fail:
    g_array_free(a, true);
    return -1;
}

/* ---- Handlers ---- */

void vmstream_save(const VMSectionHandler *h, int n, GByteArray *out)
{
    vmstream_put_header(out);
    GByteArray *p = g_byte_array_new();
    for (int i = 0; i < n; i++) {
        g_byte_array_set_size(p, 0);
        if (h[i].vmsd) {
            size_t sz = vmstate_save(h[i].vmsd, h[i].opaque, NULL, 0);
            g_byte_array_set_size(p, sz);
            vmstate_save(h[i].vmsd, h[i].opaque, p->data, sz);
        } else {
            h[i].save(h[i].opaque, p);
        }
        vmstream_put_section(out, h[i].name, h[i].instance, h[i].version,
                             p->data, p->len);
    }
    vmstream_put_end(out);
    g_byte_array_free(p, true);
}

static int vmsd_check(const VMSectionHandler *h, const uint8_t *buf, size_t len,
                      Error **errp)
{
    (void)buf;
    size_t want = vmstate_save(h->vmsd, h->opaque, NULL, 0);
    if (len != want) {
        error_setg(errp,
                   "%zu bytes of state, this emu's layout has %zu "
                   "(another build?)",
                   len, want);
        return -1;
    }
    return 0;
}

void vmstream_vmsd_handler(VMSectionHandler *h, const char *name,
                           uint32_t instance, const VMStateDescription *vmsd,
                           void *opaque)
{
    memset(h, 0, sizeof(*h));
    snprintf(h->name, sizeof(h->name), "%s", name);
    h->instance = instance;
    h->version = vmsd->version;
    h->vmsd = vmsd;
    h->opaque = opaque;
}

static int handler_check(const VMSectionHandler *h, const uint8_t *buf,
                         size_t len, Error **errp)
{
    return h->vmsd ? vmsd_check(h, buf, len, errp)
                   : h->check(h->opaque, buf, len, errp);
}

static int handler_load(const VMSectionHandler *h, const uint8_t *buf,
                        size_t len, Error **errp)
{
    if (h->vmsd) {
        int r = vmstate_load(h->vmsd, h->opaque, buf, len);
        if (r < 0) {
            error_setg(errp, "the device refused the state: %s", strerror(-r));
            return -1;
        }
        return 0;
    }
    return h->load(h->opaque, buf, len, errp);
}

/* Match and check every section; fills order[i] = section of handler i. */
static int check_all(const VMSectionHandler *h, int n, const VMSection *s,
                     int ns, int *order, Error **errp)
{
    for (int j = 0; j < ns; j++) {
        int found = -1;
        for (int i = 0; i < n && found < 0; i++) {
            if (!strcmp(h[i].name, s[j].name) &&
                h[i].instance == s[j].instance) {
                found = i;
            }
        }
        if (found < 0) {
            error_setg(errp,
                       "unknown section '%s' instance %u (this "
                       "machine has no such state)",
                       s[j].name, s[j].instance);
            return -1;
        }
        if (s[j].version != h[found].version) {
            error_setg(errp, "section '%s' version %u, this emu has %u",
                       s[j].name, s[j].version, h[found].version);
            return -1;
        }
        order[found] = j;
    }
    for (int i = 0; i < n; i++) {
        if (order[i] < 0) {
            error_setg(errp,
                       "section '%s' instance %u is missing from the "
                       "state (saved from another machine "
                       "configuration?)",
                       h[i].name, h[i].instance);
            return -1;
        }
        const VMSection *sec = &s[order[i]];
        if (handler_check(&h[i], sec->data, sec->len, errp) < 0) {
            error_prepend(errp, "section '%s' instance %u: ", sec->name,
                          sec->instance);
            return -1;
        }
    }
    return 0;
}

static int apply_all(const VMSectionHandler *h, int n, const VMSection *s,
                     const int *order, Error **errp)
{
    for (int i = 0; i < n; i++) {
        const VMSection *sec = &s[order[i]];
        if (handler_load(&h[i], sec->data, sec->len, errp) < 0) {
            error_prepend(errp, "section '%s' instance %u: ", sec->name,
                          sec->instance);
            return -1;
        }
    }
    return 0;
}

int vmstream_check(const VMSectionHandler *h, int n, const uint8_t *buf,
                   size_t len, Error **errp)
{
    VMSection *s;
    int ns;
    if (vmstream_parse(buf, len, &s, &ns, errp) < 0) {
        return -1;
    }
    int *order = g_new(int, n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        order[i] = -1;
    }
    int r = check_all(h, n, s, ns, order, errp);
    g_free(order);
    g_free(s);
    return r;
}

int vmstream_load(const VMSectionHandler *h, int n, const uint8_t *buf,
                  size_t len, Error **errp)
{
    VMSection *s;
    int ns;
    if (vmstream_parse(buf, len, &s, &ns, errp) < 0) {
        return -1;
    }
    int *order = g_new(int, n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        order[i] = -1;
    }
    int r = check_all(h, n, s, ns, order, errp);
    if (r == 0) {
        /* What to go back to if a handler refuses half-way. */
        GByteArray *backup = g_byte_array_new();
        vmstream_save(h, n, backup);
        r = apply_all(h, n, s, order, errp);
        if (r < 0) {
            VMSection *bs;
            int nbs;
            int *border = g_new(int, n > 0 ? n : 1);
            for (int i = 0; i < n; i++) {
                border[i] = -1;
            }
            Error *ignored = NULL;
            if (vmstream_parse(backup->data, backup->len, &bs, &nbs,
                               &ignored) == 0 &&
                check_all(h, n, bs, nbs, border, &ignored) == 0) {
                apply_all(h, n, bs, border, &ignored);
                g_free(bs);
            }
            if (ignored) {
                error_free(ignored);
            }
            g_free(border);
        }
        g_byte_array_free(backup, true);
    }
    g_free(order);
    g_free(s);
    return r < 0 ? -1 : 0;
}
