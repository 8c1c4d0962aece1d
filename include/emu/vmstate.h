/*
 * Declarative state descriptions: one line per field, next to the state
 * struct.  Used now by "info" commands (vmstate_dump) and by tests that
 * compare state; save/restore of snapshots builds on the same tables.
 * Derived state (armed timers, cached pointers) is never listed: it is
 * rebuilt by the device's post_load hook.
 */
#ifndef EMU_VMSTATE_H
#define EMU_VMSTATE_H

#include "emu/common.h"

typedef enum VMStateType {
    VMS_BOOL,
    VMS_U8,
    VMS_U16,
    VMS_U32,
    VMS_U64,
    VMS_I32,
    VMS_I64,
    VMS_BUFFER, /* raw bytes, dumped in hex */
    VMS_STRUCT, /* nested description, count elements of elem_size */
    VMS_BUFFER_PTR, /* the field is a pointer to size raw bytes (added for
                     * buffers allocated apart from the state struct) */
} VMStateType;

typedef struct VMStateDescription VMStateDescription;

typedef struct VMStateField {
    const char *name;
    size_t offset;
    VMStateType type;
    unsigned count; /* array length (1 for a scalar) */
    size_t size;    /* bytes of one element */
    const VMStateDescription *sub;
} VMStateField;

struct VMStateDescription {
    const char *name;
    int version;
    const VMStateField *fields;
    int (*post_load)(void *opaque);
};

#define VMS_FIELD_(S, f, T, ty, n)                 \
    {                                              \
#f, offsetof(S, f), ty, n, sizeof(T), NULL \
    }

#define VMSTATE_BOOL(f, S)         VMS_FIELD_(S, f, bool, VMS_BOOL, 1)
#define VMSTATE_U8(f, S)           VMS_FIELD_(S, f, uint8_t, VMS_U8, 1)
#define VMSTATE_U16(f, S)          VMS_FIELD_(S, f, uint16_t, VMS_U16, 1)
#define VMSTATE_U32(f, S)          VMS_FIELD_(S, f, uint32_t, VMS_U32, 1)
#define VMSTATE_U64(f, S)          VMS_FIELD_(S, f, uint64_t, VMS_U64, 1)
#define VMSTATE_I32(f, S)          VMS_FIELD_(S, f, int32_t, VMS_I32, 1)
#define VMSTATE_I64(f, S)          VMS_FIELD_(S, f, int64_t, VMS_I64, 1)
#define VMSTATE_U8_ARRAY(f, S, n)  VMS_FIELD_(S, f, uint8_t, VMS_U8, n)
#define VMSTATE_U16_ARRAY(f, S, n) VMS_FIELD_(S, f, uint16_t, VMS_U16, n)
#define VMSTATE_U32_ARRAY(f, S, n) VMS_FIELD_(S, f, uint32_t, VMS_U32, n)
#define VMSTATE_U64_ARRAY(f, S, n) VMS_FIELD_(S, f, uint64_t, VMS_U64, n)
#define VMSTATE_BUFFER(f, S)                                         \
    {                                                                \
#f, offsetof(S, f), VMS_BUFFER, 1, sizeof(((S *)0)->f), NULL \
    }
/* f is a uint8_t * to n bytes allocated when the device is made. */
#define VMSTATE_BUFFER_PTR(f, S, n)                 \
    {                                               \
#f, offsetof(S, f), VMS_BUFFER_PTR, 1, (n), NULL \
    }
#define VMSTATE_STRUCT(f, S, vmsd, T)                         \
    {                                                         \
#f, offsetof(S, f), VMS_STRUCT, 1, sizeof(T), &(vmsd) \
    }
#define VMSTATE_STRUCT_ARRAY(f, S, n, vmsd, T)                \
    {                                                         \
#f, offsetof(S, f), VMS_STRUCT, n, sizeof(T), &(vmsd) \
    }
#define VMSTATE_END_OF_LIST()  \
    {                          \
        NULL, 0, 0, 0, 0, NULL \
    }

/* Print "name: value" lines, indented. */
void vmstate_dump(FILE *f, const VMStateDescription *vmsd, const void *opaque,
                  int indent);
/* Serialise to / from a flat little-endian byte stream. */
size_t vmstate_save(const VMStateDescription *vmsd, const void *opaque,
                    uint8_t *buf, size_t cap);
int vmstate_load(const VMStateDescription *vmsd, void *opaque,
                 const uint8_t *buf, size_t len);

#endif
