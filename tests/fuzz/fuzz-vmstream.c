/*
 * Fuzz target: the machine-state loader (migration/vmstream.c,
 * migration/machine-state.c) on damaged streams.  Not a device target: a
 * PIT, a UART and the rig's RAM make up the "machine"; port records
 * drive them as usual, and events act on a stream saved from them:
 *
 *   events (op 0xc0-0xdf)  op & 31:
 *     0-11   damage: the value's low byte at (value >> 8) % length, in
 *            the header/section headers (0-3), anywhere (4-11)
 *     12-13  truncate at (value >> 8) % length
 *     14-15  write the value's bytes over a section's length field
 *     16-23  load the stream
 *     24-27  save a fresh stream from the devices
 *     others nothing
 *
 * Invariants: no crash or sanitizer report; a load either succeeds or
 * leaves the machine exactly as it was (the stream saved after a refused
 * load equals the one saved before it); a load of an undamaged stream
 * succeeds, and loading what is then saved changes nothing more.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/chardev.h"
#include "hw/char/serial.h"
#include "migration/machine-state.h"

typedef struct StreamFuzz {
    GByteArray *st;
    bool damaged;
} StreamFuzz;

static StreamFuzz sf;

static void fresh(FuzzRig *r)
{
    Error *err = NULL;
    g_byte_array_set_size(sf.st, 0);
    FUZZ_ASSERT(r, machine_state_save(sf.st, &err) == 0);
    sf.damaged = false;
}

static void vs_setup(FuzzRig *r)
{
    Error *err = NULL;
    fuzz_must(chardev_new_opts("ringbuf,id=vs0,size=64", &err), err, "ringbuf");
    test_device(&r->tb, "isa-pit", "iobase=0x40");
    test_device(&r->tb, TYPE_ISA_SERIAL, "index=0,chardev=vs0");
    fuzz_add_window(r, FUZZ_IO, 0x40, 4);
    fuzz_add_window(r, FUZZ_IO, 0x3f8, 8);
    sf.st = g_byte_array_new();
    r->s = &sf;
    fresh(r);
}

static void vs_teardown(FuzzRig *r)
{
    (void)r;
    g_byte_array_free(sf.st, true);
    sf.st = NULL;
}

static void load(FuzzRig *r)
{
    GByteArray *before = g_byte_array_new();
    Error *err = NULL;
    /* Bring the machine to the fixed point of save+load first (a
     * post_load may normalise, see below): then a refused load, which
     * re-applies the state saved before it, must give it back exactly. */
    FUZZ_ASSERT(r, machine_state_save(before, &err) == 0);
    FUZZ_ASSERT(r, machine_state_load(before->data, before->len, &err) == 0);
    g_byte_array_set_size(before, 0);
    FUZZ_ASSERT(r, machine_state_save(before, &err) == 0);
    int ret = machine_state_load(sf.st->data, sf.st->len, &err);
    if (ret < 0) {
        /* An undamaged stream of this machine is always taken. */
        FUZZ_ASSERT(r, err != NULL && sf.damaged);
        error_free(err);
        err = NULL;
        GByteArray *after = g_byte_array_new();
        FUZZ_ASSERT(r, machine_state_save(after, &err) == 0);
        FUZZ_ASSERT(r, after->len == before->len &&
                           !memcmp(after->data, before->data, after->len));
        g_byte_array_free(after, true);
    } else if (!sf.damaged) {
        /* A post_load may normalise (the PIT's unprogrammed count 0 is
         * its 0x10000), so the fixed point is checked: what a load of
         * this machine's own stream gives, a second load keeps. */
        GByteArray *s1 = g_byte_array_new(), *s2 = g_byte_array_new();
        FUZZ_ASSERT(r, machine_state_save(s1, &err) == 0);
        FUZZ_ASSERT(r, machine_state_load(s1->data, s1->len, &err) == 0);
        FUZZ_ASSERT(r, machine_state_save(s2, &err) == 0);
        FUZZ_ASSERT(r,
                    s1->len == s2->len && !memcmp(s1->data, s2->data, s1->len));
        FUZZ_ASSERT(r, s1->len == sf.st->len);
        g_byte_array_free(s1, true);
        g_byte_array_free(s2, true);
    }
    g_byte_array_free(before, true);
}

static void vs_event(FuzzRig *r, const FuzzOp *op)
{
    unsigned e = op->op & 31;
    size_t len = sf.st->len;
    size_t at = len ? (op->value >> 8) % len : 0;
    if (e < 12 && len) {
        if (e < 4) {
            at = (op->value >> 8) % MIN(len, (size_t)64);
        }
        sf.st->data[at] = op->value;
        sf.damaged = true;
    } else if (e < 14) {
        g_byte_array_set_size(sf.st, at);
        sf.damaged = true;
    } else if (e < 16 && len > 12) {
        /* The first section's length field: 12 + 1 + name + 8. */
        size_t p = 12 + 1 + sf.st->data[12] + 8;
        for (int i = 0; i < 4 && p + i < len; i++) {
            sf.st->data[p + i] = op->value >> (8 * i);
        }
        sf.damaged = true;
    } else if (e < 24) {
        load(r);
    } else if (e < 28) {
        fresh(r);
    }
}

const FuzzTarget fuzz_target = {
    .name = "vmstream",
    .covers = "migration/vmstream.c",
    .setup = vs_setup,
    .teardown = vs_teardown,
    .event = vs_event,
};
