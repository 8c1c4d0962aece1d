/*
 * A tiny AML encoder (see include/hw/acpi/aml.h).  Opcodes and the
 * PkgLength format from the ACPI specification's AML grammar (20.2);
 * resource descriptor layouts from 6.4.2 (small) and 6.4.3 (large).
 */
#include "hw/acpi/aml.h"

#define AML_ZERO_OP    0x00
#define AML_ONE_OP     0x01
#define AML_NAME_OP    0x08
#define AML_BYTE_PFX   0x0a
#define AML_WORD_PFX   0x0b
#define AML_DWORD_PFX  0x0c
#define AML_QWORD_PFX  0x0e
#define AML_SCOPE_OP   0x10
#define AML_BUFFER_OP  0x11
#define AML_PACKAGE_OP 0x12
#define AML_EXT_OP     0x5b
#define AML_DEVICE_OP  0x82 /* after AML_EXT_OP */

#define RES_IO_PORT     0x47 /* small item: I/O port, 7 bytes */
#define RES_END_TAG     0x79 /* small item: end tag, 1 byte */
#define RES_DWORD_SPACE 0x87 /* large item: DWord address space */
#define RES_WORD_SPACE  0x88 /* large item: Word address space */

/* General flags of an address space descriptor: fixed minimum (_MIF)
 * and maximum (_MAF), positive decode, resource producer (bit 0 clear):
 * what a bridge's windows are. */
#define RES_FLAGS_FIXED_PRODUCER 0x0c

static void put8(GByteArray *out, uint8_t v)
{
    g_byte_array_append(out, &v, 1);
}

static void put16(GByteArray *out, uint16_t v)
{
    put8(out, v);
    put8(out, v >> 8);
}

static void put32(GByteArray *out, uint32_t v)
{
    put16(out, v);
    put16(out, v >> 16);
}

void aml_pkg_length(GByteArray *out, size_t body_len)
{
    /* One byte holds up to 63; longer lengths put their low nibble in the
     * lead byte (whose top two bits count the follow bytes) and the rest
     * in up to three following bytes. */
    size_t len;
    int extra;

    if (body_len + 1 <= 0x3f) {
        put8(out, body_len + 1);
        return;
    }
    for (extra = 1; extra <= 3; extra++) {
        len = body_len + 1 + extra;
        if (len < (1u << (4 + 8 * extra))) {
            break;
        }
    }
    assert(extra <= 3); /* 256 MiB: far beyond any table here */
    put8(out, (extra << 6) | (len & 0x0f));
    for (int i = 0; i < extra; i++) {
        put8(out, len >> (4 + 8 * i));
    }
}

void aml_name_string(GByteArray *out, const char *name)
{
    size_t n = strlen(name);
    assert(n == 4 || (n == 5 && name[0] == '\\'));
    g_byte_array_append(out, (const uint8_t *)name, n);
}

void aml_integer(GByteArray *out, uint64_t v)
{
    if (v == 0) {
        put8(out, AML_ZERO_OP);
    } else if (v == 1) {
        put8(out, AML_ONE_OP);
    } else if (v <= 0xff) {
        put8(out, AML_BYTE_PFX);
        put8(out, v);
    } else if (v <= 0xffff) {
        put8(out, AML_WORD_PFX);
        put16(out, v);
    } else if (v <= 0xffffffff) {
        put8(out, AML_DWORD_PFX);
        put32(out, v);
    } else {
        put8(out, AML_QWORD_PFX);
        put32(out, v);
        put32(out, v >> 32);
    }
}

static int hex_digit(char c)
{
    return g_ascii_xdigit_value(c);
}

void aml_eisa_id(GByteArray *out, const char *id)
{
    /* Three letters of 5 bits each ('A' = 1), then four hex digits, stored
     * most significant byte first. */
    uint8_t c[3];
    assert(strlen(id) == 7);
    for (int i = 0; i < 3; i++) {
        assert(id[i] >= 'A' && id[i] <= 'Z');
        c[i] = id[i] - '@';
    }
    put8(out, AML_DWORD_PFX);
    put8(out, (c[0] << 2) | (c[1] >> 3));
    put8(out, ((c[1] & 7) << 5) | c[2]);
    put8(out, (hex_digit(id[3]) << 4) | hex_digit(id[4]));
    put8(out, (hex_digit(id[5]) << 4) | hex_digit(id[6]));
}

void aml_name_decl(GByteArray *out, const char *name, const GByteArray *value)
{
    put8(out, AML_NAME_OP);
    aml_name_string(out, name);
    g_byte_array_append(out, value->data, value->len);
}

void aml_name_integer(GByteArray *out, const char *name, uint64_t v)
{
    put8(out, AML_NAME_OP);
    aml_name_string(out, name);
    aml_integer(out, v);
}

/* <op> PkgLength NameString body */
static void named_block(GByteArray *out, const char *name,
                        const GByteArray *body)
{
    aml_pkg_length(out, strlen(name) + body->len);
    aml_name_string(out, name);
    g_byte_array_append(out, body->data, body->len);
}

void aml_scope(GByteArray *out, const char *name, const GByteArray *body)
{
    put8(out, AML_SCOPE_OP);
    named_block(out, name, body);
}

void aml_device(GByteArray *out, const char *name, const GByteArray *body)
{
    put8(out, AML_EXT_OP);
    put8(out, AML_DEVICE_OP);
    named_block(out, name, body);
}

void aml_package(GByteArray *out, unsigned n, const GByteArray *elements)
{
    assert(n <= 0xff);
    put8(out, AML_PACKAGE_OP);
    aml_pkg_length(out, 1 + elements->len);
    put8(out, n);
    g_byte_array_append(out, elements->data, elements->len);
}

void aml_buffer(GByteArray *out, const GByteArray *bytes)
{
    GByteArray *size = g_byte_array_new();
    aml_integer(size, bytes->len);
    put8(out, AML_BUFFER_OP);
    aml_pkg_length(out, size->len + bytes->len);
    g_byte_array_append(out, size->data, size->len);
    g_byte_array_append(out, bytes->data, bytes->len);
    g_byte_array_unref(size);
}

/* ---- Resource descriptors ---- */

void aml_res_io(GByteArray *out, uint16_t min, uint16_t max, uint8_t align,
                uint8_t len)
{
    put8(out, RES_IO_PORT);
    put8(out, 0x01); /* decodes 16 address bits */
    put16(out, min);
    put16(out, max);
    put8(out, align);
    put8(out, len);
}

void aml_res_word_space(GByteArray *out, uint8_t type, uint8_t type_flags,
                        uint16_t min, uint16_t max)
{
    put8(out, RES_WORD_SPACE);
    put16(out, 13); /* length of what follows */
    put8(out, type);
    put8(out, RES_FLAGS_FIXED_PRODUCER);
    put8(out, type_flags);
    put16(out, 0); /* granularity */
    put16(out, min);
    put16(out, max);
    put16(out, 0); /* translation offset */
    put16(out, max - min + 1);
}

void aml_res_dword_space(GByteArray *out, uint8_t type, uint8_t type_flags,
                         uint32_t min, uint32_t max)
{
    put8(out, RES_DWORD_SPACE);
    put16(out, 23);
    put8(out, type);
    put8(out, RES_FLAGS_FIXED_PRODUCER);
    put8(out, type_flags);
    put32(out, 0);
    put32(out, min);
    put32(out, max);
    put32(out, 0);
    put32(out, max - min + 1);
}

void aml_res_end(GByteArray *out)
{
    put8(out, RES_END_TAG);
    put8(out, 0);
}
