/*
 * Common definitions every emu source file includes first.
 *
 * Keeps to what the C library and glib already give: fixed-width integers,
 * a few macros, and the error/log API (error.h, log.h).
 */
#ifndef EMU_COMMON_H
#define EMU_COMMON_H

#define _GNU_SOURCE 1
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr)-offsetof(type, member)))

#define EMU_NORETURN     __attribute__((noreturn))
#define EMU_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define EMU_UNUSED       __attribute__((unused))
#define likely(x)        __builtin_expect(!!(x), 1)
#define unlikely(x)      __builtin_expect(!!(x), 0)

#define KiB ((uint64_t)1 << 10)
#define MiB ((uint64_t)1 << 20)
#define GiB ((uint64_t)1 << 30)

/* glib has the same two (a file may include <glib.h> first). */
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

/* Bit field helpers, in the manner of the datasheets: bit n, field [hi:lo]. */
#define BIT(n) (1u << (n))
static inline uint32_t extract32(uint32_t v, int start, int len)
{
    return (v >> start) & (~0u >> (32 - len));
}
static inline uint32_t deposit32(uint32_t v, int start, int len, uint32_t f)
{
    uint32_t mask = (~0u >> (32 - len)) << start;
    return (v & ~mask) | ((f << start) & mask);
}

static inline uint8_t to_bcd(uint8_t v)
{
    return ((v / 10) << 4) | (v % 10);
}
static inline uint8_t from_bcd(uint8_t v)
{
    return ((v >> 4) * 10) + (v & 15);
}

/* Little-endian loads and stores from byte buffers (guest memory, tables). */
static inline uint16_t ldw_le_p(const void *p)
{
    const uint8_t *b = p;
    return b[0] | (b[1] << 8);
}
static inline uint32_t ldl_le_p(const void *p)
{
    const uint8_t *b = p;
    return b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t)b[3] << 24);
}
static inline uint64_t ldq_le_p(const void *p)
{
    return ldl_le_p(p) | ((uint64_t)ldl_le_p((const uint8_t *)p + 4) << 32);
}
static inline void stw_le_p(void *p, uint16_t v)
{
    uint8_t *b = p;
    b[0] = v;
    b[1] = v >> 8;
}
static inline void stl_le_p(void *p, uint32_t v)
{
    uint8_t *b = p;
    b[0] = v;
    b[1] = v >> 8;
    b[2] = v >> 16;
    b[3] = v >> 24;
}
static inline void stq_le_p(void *p, uint64_t v)
{
    stl_le_p(p, (uint32_t)v);
    stl_le_p((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

#include "emu/error.h"
#include "emu/log.h"

#endif
