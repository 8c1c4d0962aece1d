/*
 * The machine-state stream: what savevm stores in a qcow2 image and
 * `migrate "exec:..."` writes to a command.
 *
 *     header   "EMUVMST\n"  u32 stream version (VMSTREAM_VERSION)
 *     section  u8 name length, name, u32 instance id, u32 version,
 *              u64 payload length, payload      (repeated)
 *     end      u8 0                              (a zero-length name)
 *
 * Integers are little-endian.  A section is one unit of state with a name
 * and a version of its layout: "timer", "ram:pc.ram", "cpu" (instance =
 * vCPU index), a device's state description name ("i8254"; instance = the
 * n-th device with that description, in realize order).
 *
 * Loading is all or nothing.  The loader first matches every section of
 * the stream with a handler of this machine and checks versions and
 * payloads (vmstream_load's check pass): an unknown section, a missing
 * one, another version, a payload of the wrong size or a truncated stream
 * is an error naming the section, and nothing has changed.  Then it
 * applies the sections in handler order; if a handler still refuses (a
 * post_load that finds a value out of range), the state saved just before
 * the load is applied again, so the machine is the one it was.
 */
#ifndef MIGRATION_VMSTREAM_H
#define MIGRATION_VMSTREAM_H

#include "emu/common.h"
#include "emu/vmstate.h"

#include <glib.h>

#define VMSTREAM_MAGIC   "EMUVMST\n"
#define VMSTREAM_VERSION 1

/* One section of the state, in the order sections are saved and loaded. */
typedef struct VMSectionHandler {
    char name[64];
    uint32_t instance;
    uint32_t version;
    /* Append the payload. */
    void (*save)(void *opaque, GByteArray *out);
    /* Would load() accept this payload?  0, or -1 with errp (the caller
     * names the section).  Changes nothing. */
    int (*check)(void *opaque, const uint8_t *buf, size_t len, Error **errp);
    /* Apply a checked payload: 0, or -1 with errp. */
    int (*load)(void *opaque, const uint8_t *buf, size_t len, Error **errp);
    void *opaque;
    /* For vmstream_vmsd_handler(): the state description. */
    const VMStateDescription *vmsd;
} VMSectionHandler;

/* A handler for a state described by vmsd (devices, the CPU):
 * exact-size payload, vmstate_save/vmstate_load (post_load included). */
void vmstream_vmsd_handler(VMSectionHandler *h, const char *name,
                           uint32_t instance, const VMStateDescription *vmsd,
                           void *opaque);

/* The whole stream of the handlers' states. */
void vmstream_save(const VMSectionHandler *h, int n, GByteArray *out);

/* Check, then apply (see above).  0, or -1 with errp ("section 'i8254'
 * version 3, this emu has 2"). */
int vmstream_load(const VMSectionHandler *h, int n, const uint8_t *buf,
                  size_t len, Error **errp);

/* The check pass alone: would vmstream_load accept buf?  Changes
 * nothing.  0, or -1 with errp. */
int vmstream_check(const VMSectionHandler *h, int n, const uint8_t *buf,
                   size_t len, Error **errp);

/* ---- The format alone (tests, tools) ---- */

typedef struct VMSection {
    char name[256];
    uint32_t instance;
    uint32_t version;
    const uint8_t *data; /* points into the parsed buffer */
    uint64_t len;
} VMSection;

/* Split a stream into sections: *secs is g_malloc'ed (g_free it), *n set.
 * 0, or -1 with errp (bad magic, version, truncation, a length past the
 * end). */
int vmstream_parse(const uint8_t *buf, size_t len, VMSection **secs, int *n,
                   Error **errp);
void vmstream_put_header(GByteArray *out);
void vmstream_put_section(GByteArray *out, const char *name, uint32_t instance,
                          uint32_t version, const void *data, size_t len);
void vmstream_put_end(GByteArray *out);

#endif
