/* State descriptions (include/emu/vmstate.h): dump, save, load. */
#include "emu/common.h"
#include "emu/vmstate.h"

static uint64_t load_elem(const void *p, VMStateType t)
{
    switch (t) {
    case VMS_BOOL:
        return *(const bool *)p;
    case VMS_U8:
        return *(const uint8_t *)p;
    case VMS_U16:
        return *(const uint16_t *)p;
    case VMS_U32:
        return *(const uint32_t *)p;
    case VMS_I32:
        return (uint64_t)(int64_t) * (const int32_t *)p;
    case VMS_U64:
    case VMS_I64:
        return *(const uint64_t *)p;
    default:
        abort();
    }
}

static void store_elem(void *p, VMStateType t, uint64_t v)
{
    switch (t) {
    case VMS_BOOL:
        *(bool *)p = v != 0;
        break;
    case VMS_U8:
        *(uint8_t *)p = v;
        break;
    case VMS_U16:
        *(uint16_t *)p = v;
        break;
    case VMS_U32:
    case VMS_I32:
        *(uint32_t *)p = v;
        break;
    case VMS_U64:
    case VMS_I64:
        *(uint64_t *)p = v;
        break;
    default:
        abort();
    }
}

void vmstate_dump(FILE *f, const VMStateDescription *vmsd, const void *opaque,
                  int indent)
{
    for (const VMStateField *fl = vmsd->fields; fl->name; fl++) {
        const uint8_t *base = (const uint8_t *)opaque + fl->offset;
        fprintf(f, "%*s%s:", indent, "", fl->name);
        if (fl->type == VMS_STRUCT) {
            fputc('\n', f);
            for (unsigned i = 0; i < fl->count; i++) {
                if (fl->count > 1) {
                    fprintf(f, "%*s[%u]\n", indent + 2, "", i);
                }
                vmstate_dump(f, fl->sub, base + i * fl->size, indent + 4);
            }
            continue;
        }
        if (fl->type == VMS_BUFFER || fl->type == VMS_BUFFER_PTR) {
            const uint8_t *b = fl->type == VMS_BUFFER
                                   ? base
                                   : *(const uint8_t *const *)base;
            for (size_t i = 0; i < fl->size; i++) {
                fprintf(f, "%s%02x", (i % 32) ? " " : (i ? "\n    " : " "),
                        b[i]);
            }
            fputc('\n', f);
            continue;
        }
        for (unsigned i = 0; i < fl->count; i++) {
            uint64_t v = load_elem(base + i * fl->size, fl->type);
            if (fl->type == VMS_I32 || fl->type == VMS_I64) {
                fprintf(f, " %" PRId64, (int64_t)v);
            } else {
                fprintf(f, " 0x%" PRIx64, v);
            }
        }
        fputc('\n', f);
    }
}

static size_t field_bytes(const VMStateField *fl)
{
    switch (fl->type) {
    case VMS_BOOL:
    case VMS_U8:
        return 1;
    case VMS_U16:
        return 2;
    case VMS_U32:
    case VMS_I32:
        return 4;
    case VMS_U64:
    case VMS_I64:
        return 8;
    default:
        return 0;
    }
}

size_t vmstate_save(const VMStateDescription *vmsd, const void *opaque,
                    uint8_t *buf, size_t cap)
{
    size_t n = 0;
    for (const VMStateField *fl = vmsd->fields; fl->name; fl++) {
        const uint8_t *base = (const uint8_t *)opaque + fl->offset;
        if (fl->type == VMS_STRUCT) {
            for (unsigned i = 0; i < fl->count; i++) {
                n += vmstate_save(fl->sub, base + i * fl->size,
                                  buf ? buf + n : NULL, cap > n ? cap - n : 0);
            }
        } else if (fl->type == VMS_BUFFER || fl->type == VMS_BUFFER_PTR) {
            const uint8_t *b = fl->type == VMS_BUFFER
                                   ? base
                                   : *(const uint8_t *const *)base;
            if (buf && n + fl->size <= cap) {
                memcpy(buf + n, b, fl->size);
            }
            n += fl->size;
        } else {
            size_t w = field_bytes(fl);
            for (unsigned i = 0; i < fl->count; i++) {
                uint64_t v = load_elem(base + i * fl->size, fl->type);
                if (buf && n + w <= cap) {
                    for (size_t b = 0; b < w; b++) {
                        buf[n + b] = v >> (8 * b);
                    }
                }
                n += w;
            }
        }
    }
    return n;
}

static int load_fields(const VMStateDescription *vmsd, void *opaque,
                       const uint8_t *buf, size_t len, size_t *pos)
{
    for (const VMStateField *fl = vmsd->fields; fl->name; fl++) {
        uint8_t *base = (uint8_t *)opaque + fl->offset;
        if (fl->type == VMS_STRUCT) {
            for (unsigned i = 0; i < fl->count; i++) {
                uint8_t *elem = base + i * fl->size;
                int r = load_fields(fl->sub, elem, buf, len, pos);
                if (r == 0 && fl->sub->post_load) {
                    r = fl->sub->post_load(elem);
                }
                if (r < 0) {
                    return r;
                }
            }
        } else if (fl->type == VMS_BUFFER || fl->type == VMS_BUFFER_PTR) {
            uint8_t *b = fl->type == VMS_BUFFER ? base : *(uint8_t **)base;
            if (*pos + fl->size > len) {
                return -EINVAL;
            }
            memcpy(b, buf + *pos, fl->size);
            *pos += fl->size;
        } else {
            size_t w = field_bytes(fl);
            for (unsigned i = 0; i < fl->count; i++) {
                uint64_t v = 0;
                if (*pos + w > len) {
                    return -EINVAL;
                }
                for (size_t b = 0; b < w; b++) {
                    v |= (uint64_t)buf[*pos + b] << (8 * b);
                }
                store_elem(base + i * fl->size, fl->type, v);
                *pos += w;
            }
        }
    }
    return 0;
}

int vmstate_load(const VMStateDescription *vmsd, void *opaque,
                 const uint8_t *buf, size_t len)
{
    size_t pos = 0;
    int r = load_fields(vmsd, opaque, buf, len, &pos);
    if (r == 0 && pos != len) {
        r = -EINVAL;
    }
    if (r == 0 && vmsd->post_load) {
        r = vmsd->post_load(opaque);
    }
    return r;
}
