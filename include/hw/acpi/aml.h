/*
 * A tiny AML (ACPI Machine Language) encoder: enough to write the static
 * objects of a DSDT (Scope, Device, Name with integers, strings, EISA ids,
 * buffers and packages) and the resource descriptors of a _CRS buffer.
 * Encodings from the ACPI specification (6.x): AML grammar in 20.2,
 * resource descriptors in 6.4.
 *
 * Everything appends to a GByteArray.  Objects that contain others
 * (Scope, Device, Package, Buffer) take their already-encoded body, so
 * callers build inside-out; the package length prefix is computed here.
 */
#ifndef HW_ACPI_AML_H
#define HW_ACPI_AML_H

#include "emu/common.h"
#include <glib.h>

/* PkgLength for a body of body_len bytes (the length counts itself). */
void aml_pkg_length(GByteArray *out, size_t body_len);

/* A name: a 4-character segment ("PCI0", "_HID"), optionally preceded by
 * '\' for the root ("\\_SB_").  Written as given. */
void aml_name_string(GByteArray *out, const char *name);

/* Integer as Zero, One, or the smallest Byte/Word/DWord/QWord constant. */
void aml_integer(GByteArray *out, uint64_t v);

/* EisaId("PNP0A03"): the 7-character id compressed into a DWord. */
void aml_eisa_id(GByteArray *out, const char *id);

/* Name(name, <value>) where value is an already-encoded data object. */
void aml_name_decl(GByteArray *out, const char *name, const GByteArray *value);

/* Name(name, integer) shortcut. */
void aml_name_integer(GByteArray *out, const char *name, uint64_t v);

/* Scope(name) { body } and Device(name) { body }. */
void aml_scope(GByteArray *out, const char *name, const GByteArray *body);
void aml_device(GByteArray *out, const char *name, const GByteArray *body);

/* Package(n) { elements } (elements already encoded, n <= 255). */
void aml_package(GByteArray *out, unsigned n, const GByteArray *elements);

/* Buffer() { bytes }. */
void aml_buffer(GByteArray *out, const GByteArray *bytes);

/* ---- Resource descriptors (for _CRS buffers) ---- */

#define AML_RES_MEMORY 0
#define AML_RES_IO     1
#define AML_RES_BUS    2

/* Memory type-specific flags: read-write, and caching. */
#define AML_MEM_RW        0x01
#define AML_MEM_CACHEABLE 0x02
/* I/O type-specific flags: decodes ISA and non-ISA ranges. */
#define AML_IO_ENTIRE_RANGE 0x03

/* IO(Decode16, min, max, align, len): a fixed 16-bit decoded port range. */
void aml_res_io(GByteArray *out, uint16_t min, uint16_t max, uint8_t align,
                uint8_t len);

/* Word / DWord address space descriptors for a range the bridge produces
 * (fixed min and max, positive decode), [min, max]. */
void aml_res_word_space(GByteArray *out, uint8_t type, uint8_t type_flags,
                        uint16_t min, uint16_t max);
void aml_res_dword_space(GByteArray *out, uint8_t type, uint8_t type_flags,
                         uint32_t min, uint32_t max);

/* End tag (checksum 0: "treat as correct"). */
void aml_res_end(GByteArray *out);

#endif
