/*
 * Integer SIMD operations of MMX and SSE2 (Intel SDM vol. 2 entries for
 * PADD*, PSUB*, PMUL*, PMADDWD, PSADBW, PAVG*, PMIN*, PMAX*, PCMP*, PACK*,
 * PUNPCK*, PSLL/PSRL/PSRA, the logic ops): plain C on the lanes of an
 * XMMReg, 8 bytes for the MMX forms and 16 for the XMM forms.
 */
#include "target-i386/sse-internal.h"

static int8_t sat8(int v)
{
    return v > 127 ? 127 : v < -128 ? -128 : v;
}

static uint8_t satu8(int v)
{
    return v > 255 ? 255 : v < 0 ? 0 : v;
}

static int16_t sat16(int v)
{
    return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

static uint16_t satu16(int v)
{
    return v > 65535 ? 65535 : v < 0 ? 0 : v;
}

/* Shift every lane of d (lane = 2, 4 or 8 bytes) by count: kind 0 logical
 * right, 1 arithmetic right, 2 left.  Counts beyond the lane width give 0
 * (or the sign for arithmetic shifts), vol. 2 PSRLW/PSRAW/PSLLW. */
static void shift_lanes(XMMReg *d, int n, int lane, int kind, uint64_t count)
{
    int bits = lane * 8;
    for (int i = 0; i < n / lane; i++) {
        if (lane == 2) {
            uint16_t v = d->w[i];
            if (kind == 1) {
                d->w[i] = (int16_t)v >> (count > 15 ? 15 : count);
            } else if (count >= (uint64_t)bits) {
                d->w[i] = 0;
            } else {
                d->w[i] = kind ? v << count : v >> count;
            }
        } else if (lane == 4) {
            uint32_t v = d->l[i];
            if (kind == 1) {
                d->l[i] = (int32_t)v >> (count > 31 ? 31 : count);
            } else if (count >= (uint64_t)bits) {
                d->l[i] = 0;
            } else {
                d->l[i] = kind ? v << count : v >> count;
            }
        } else {
            uint64_t v = d->q[i];
            if (count >= (uint64_t)bits) {
                d->q[i] = 0;
            } else {
                d->q[i] = kind ? v << count : v >> count;
            }
        }
    }
}

/* Byte shift of a whole XMM register (PSLLDQ / PSRLDQ). */
void sse_shift_bytes(XMMReg *d, bool left, unsigned count)
{
    XMMReg r;
    if (count > 16) {
        count = 16;
    }
    memset(&r, 0, sizeof(r));
    for (unsigned i = 0; i < 16; i++) {
        if (left && i >= count) {
            r.b[i] = d->b[i - count];
        } else if (!left && i + count < 16) {
            r.b[i] = d->b[i + count];
        }
    }
    *d = r;
}

/*
 * Integer operation opc (0F 60-7F / D0-FF numbering): d = d op s.  Always
 * inlined: the per-operation functions below call it with a constant opc,
 * so each keeps only its own case.
 */
static inline __attribute__((always_inline)) bool
int_op(uint8_t opc, XMMReg *d, const XMMReg *s, int n)
{
    XMMReg r = *d;
    int i;

    switch (opc) {
    case 0x60: /* punpcklbw */
        for (i = 0; i < n / 2; i++) {
            r.b[2 * i] = d->b[i];
            r.b[2 * i + 1] = s->b[i];
        }
        break;
    case 0x61: /* punpcklwd */
        for (i = 0; i < n / 4; i++) {
            r.w[2 * i] = d->w[i];
            r.w[2 * i + 1] = s->w[i];
        }
        break;
    case 0x62: /* punpckldq */
        for (i = 0; i < n / 8; i++) {
            r.l[2 * i] = d->l[i];
            r.l[2 * i + 1] = s->l[i];
        }
        break;
    case 0x68: /* punpckhbw */
        for (i = 0; i < n / 2; i++) {
            r.b[2 * i] = d->b[n / 2 + i];
            r.b[2 * i + 1] = s->b[n / 2 + i];
        }
        break;
    case 0x69: /* punpckhwd */
        for (i = 0; i < n / 4; i++) {
            r.w[2 * i] = d->w[n / 4 + i];
            r.w[2 * i + 1] = s->w[n / 4 + i];
        }
        break;
    case 0x6a: /* punpckhdq */
        for (i = 0; i < n / 8; i++) {
            r.l[2 * i] = d->l[n / 8 + i];
            r.l[2 * i + 1] = s->l[n / 8 + i];
        }
        break;
    case 0x6c: /* punpcklqdq */
        r.q[1] = s->q[0];
        break;
    case 0x6d: /* punpckhqdq */
        r.q[0] = d->q[1];
        r.q[1] = s->q[1];
        break;
    case 0x63: /* packsswb */
        for (i = 0; i < n / 2; i++) {
            r.b[i] = sat8((int16_t)d->w[i]);
            r.b[n / 2 + i] = sat8((int16_t)s->w[i]);
        }
        break;
    case 0x67: /* packuswb */
        for (i = 0; i < n / 2; i++) {
            r.b[i] = satu8((int16_t)d->w[i]);
            r.b[n / 2 + i] = satu8((int16_t)s->w[i]);
        }
        break;
    case 0x6b: /* packssdw */
        for (i = 0; i < n / 4; i++) {
            int32_t a = d->l[i], b = s->l[i];
            r.w[i] = a > 32767 ? 32767 : a < -32768 ? -32768 : a;
            r.w[n / 4 + i] = b > 32767 ? 32767 : b < -32768 ? -32768 : b;
        }
        break;
    case 0x64: /* pcmpgtb */
        for (i = 0; i < n; i++) {
            r.b[i] = (int8_t)d->b[i] > (int8_t)s->b[i] ? 0xff : 0;
        }
        break;
    case 0x65: /* pcmpgtw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = (int16_t)d->w[i] > (int16_t)s->w[i] ? 0xffff : 0;
        }
        break;
    case 0x66: /* pcmpgtd */
        for (i = 0; i < n / 4; i++) {
            r.l[i] = (int32_t)d->l[i] > (int32_t)s->l[i] ? ~0u : 0;
        }
        break;
    case 0x74: /* pcmpeqb */
        for (i = 0; i < n; i++) {
            r.b[i] = d->b[i] == s->b[i] ? 0xff : 0;
        }
        break;
    case 0x75: /* pcmpeqw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = d->w[i] == s->w[i] ? 0xffff : 0;
        }
        break;
    case 0x76: /* pcmpeqd */
        for (i = 0; i < n / 4; i++) {
            r.l[i] = d->l[i] == s->l[i] ? ~0u : 0;
        }
        break;
    case 0xd1: /* psrlw */
        shift_lanes(&r, n, 2, 0, s->q[0]);
        break;
    case 0xd2: /* psrld */
        shift_lanes(&r, n, 4, 0, s->q[0]);
        break;
    case 0xd3: /* psrlq */
        shift_lanes(&r, n, 8, 0, s->q[0]);
        break;
    case 0xe1: /* psraw */
        shift_lanes(&r, n, 2, 1, s->q[0]);
        break;
    case 0xe2: /* psrad */
        shift_lanes(&r, n, 4, 1, s->q[0]);
        break;
    case 0xf1: /* psllw */
        shift_lanes(&r, n, 2, 2, s->q[0]);
        break;
    case 0xf2: /* pslld */
        shift_lanes(&r, n, 4, 2, s->q[0]);
        break;
    case 0xf3: /* psllq */
        shift_lanes(&r, n, 8, 2, s->q[0]);
        break;
    case 0xd4: /* paddq */
        for (i = 0; i < n / 8; i++) {
            r.q[i] = d->q[i] + s->q[i];
        }
        break;
    case 0xfb: /* psubq */
        for (i = 0; i < n / 8; i++) {
            r.q[i] = d->q[i] - s->q[i];
        }
        break;
    case 0xd5: /* pmullw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = (uint16_t)((int16_t)d->w[i] * (int16_t)s->w[i]);
        }
        break;
    case 0xe5: /* pmulhw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = (uint16_t)(((int16_t)d->w[i] * (int16_t)s->w[i]) >> 16);
        }
        break;
    case 0xe4: /* pmulhuw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = ((uint32_t)d->w[i] * s->w[i]) >> 16;
        }
        break;
    case 0xf4: /* pmuludq */
        for (i = 0; i < n / 8; i++) {
            r.q[i] = (uint64_t)d->l[2 * i] * s->l[2 * i];
        }
        break;
    case 0xf5: /* pmaddwd */
        for (i = 0; i < n / 4; i++) {
            int64_t v =
                (int64_t)(int16_t)d->w[2 * i] * (int16_t)s->w[2 * i] +
                (int64_t)(int16_t)d->w[2 * i + 1] * (int16_t)s->w[2 * i + 1];
            r.l[i] = (uint32_t)v;
        }
        break;
    case 0xf6: /* psadbw */
        for (i = 0; i < n / 8; i++) {
            unsigned sum = 0;
            for (int j = 0; j < 8; j++) {
                int a = d->b[8 * i + j], b = s->b[8 * i + j];
                sum += a > b ? a - b : b - a;
            }
            r.q[i] = sum;
        }
        break;
    case 0xd8: /* psubusb */
        for (i = 0; i < n; i++) {
            r.b[i] = satu8(d->b[i] - s->b[i]);
        }
        break;
    case 0xd9: /* psubusw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = satu16(d->w[i] - s->w[i]);
        }
        break;
    case 0xdc: /* paddusb */
        for (i = 0; i < n; i++) {
            r.b[i] = satu8(d->b[i] + s->b[i]);
        }
        break;
    case 0xdd: /* paddusw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = satu16(d->w[i] + s->w[i]);
        }
        break;
    case 0xe8: /* psubsb */
        for (i = 0; i < n; i++) {
            r.b[i] = sat8((int8_t)d->b[i] - (int8_t)s->b[i]);
        }
        break;
    case 0xe9: /* psubsw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = sat16((int16_t)d->w[i] - (int16_t)s->w[i]);
        }
        break;
    case 0xec: /* paddsb */
        for (i = 0; i < n; i++) {
            r.b[i] = sat8((int8_t)d->b[i] + (int8_t)s->b[i]);
        }
        break;
    case 0xed: /* paddsw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = sat16((int16_t)d->w[i] + (int16_t)s->w[i]);
        }
        break;
    case 0xda: /* pminub */
        for (i = 0; i < n; i++) {
            r.b[i] = MIN(d->b[i], s->b[i]);
        }
        break;
    case 0xde: /* pmaxub */
        for (i = 0; i < n; i++) {
            r.b[i] = MAX(d->b[i], s->b[i]);
        }
        break;
    case 0xea: /* pminsw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = MIN((int16_t)d->w[i], (int16_t)s->w[i]);
        }
        break;
    case 0xee: /* pmaxsw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = MAX((int16_t)d->w[i], (int16_t)s->w[i]);
        }
        break;
    case 0xe0: /* pavgb */
        for (i = 0; i < n; i++) {
            r.b[i] = (d->b[i] + s->b[i] + 1) >> 1;
        }
        break;
    case 0xe3: /* pavgw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = (d->w[i] + s->w[i] + 1) >> 1;
        }
        break;
    case 0xdb: /* pand */
        r.q[0] = d->q[0] & s->q[0];
        r.q[1] = d->q[1] & s->q[1];
        break;
    case 0xdf: /* pandn */
        r.q[0] = ~d->q[0] & s->q[0];
        r.q[1] = ~d->q[1] & s->q[1];
        break;
    case 0xeb: /* por */
        r.q[0] = d->q[0] | s->q[0];
        r.q[1] = d->q[1] | s->q[1];
        break;
    case 0xef: /* pxor */
        r.q[0] = d->q[0] ^ s->q[0];
        r.q[1] = d->q[1] ^ s->q[1];
        break;
    case 0xf8: /* psubb */
        for (i = 0; i < n; i++) {
            r.b[i] = d->b[i] - s->b[i];
        }
        break;
    case 0xf9: /* psubw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = d->w[i] - s->w[i];
        }
        break;
    case 0xfa: /* psubd */
        for (i = 0; i < n / 4; i++) {
            r.l[i] = d->l[i] - s->l[i];
        }
        break;
    case 0xfc: /* paddb */
        for (i = 0; i < n; i++) {
            r.b[i] = d->b[i] + s->b[i];
        }
        break;
    case 0xfd: /* paddw */
        for (i = 0; i < n / 2; i++) {
            r.w[i] = d->w[i] + s->w[i];
        }
        break;
    case 0xfe: /* paddd */
        for (i = 0; i < n / 4; i++) {
            r.l[i] = d->l[i] + s->l[i];
        }
        break;
    default:
        return false;
    }
    if (n == 8) {
        r.q[1] = 0;
    }
    *d = r;
    return true;
}

bool sse_int_op(uint8_t opc, XMMReg *d, const XMMReg *s, int n)
{
    return int_op(opc, d, s, n);
}

#define SSE_INT_FN(o)                                                        \
    bool sse_int_##o(XMMReg *d, const XMMReg *s, int n)                      \
    {                                                                        \
        return int_op(0x##o, d, s, n);                                       \
    }
SSE_INT_OPS(SSE_INT_FN)
