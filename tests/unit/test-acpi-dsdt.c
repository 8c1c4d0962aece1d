/*
 * The DSDT of direct kernel boot (hw/pc/acpi-build.c, hw/acpi/aml.c): read
 * back as an OS would, with a small AML reader written here from the ACPI
 * specification (not from the encoder): \_SB.PCI0 must be a PNP0A03 root
 * bridge for bus 0 whose _CRS lists the windows the board forwards and
 * whose _PRT sends each slot's INTx to the IRQ of the PIIX3 PIRQ it is
 * wired to.
 */
#include "tests/unit/harness.h"

#include "hw/pc/acpi-build.h"
#include "hw/pc/loader.h"

#define RAM_SIZE (16 * MiB)

static const AcpiPciConfig pci_cfg = {
    .mem_start = RAM_SIZE,
    .mem_end = 0xfebfffff,
    .pirq_irq = {10, 5, 11, 9}, /* all different: a wrong swizzle shows */
    .pirq_swizzle = 3,          /* (slot + pin - 1) & 3, as the PIIX3 */
};

typedef struct Guest {
    MemoryRegion root, ram, bios;
    AddressSpace as;
} Guest;

static void guest_init(Guest *g)
{
    Error *err = NULL;

    memset(g, 0, sizeof(*g));
    memory_region_init(&g->root, "memory", 4 * GiB);
    if (memory_region_init_ram(&g->ram, "ram", RAM_SIZE, &err) < 0 ||
        memory_region_init_rom(&g->bios, "bios", 128 * KiB, &err) < 0) {
        error_report_err(err);
        abort();
    }
    memory_region_add_subregion(&g->root, 0, &g->ram);
    memory_region_add_subregion_overlap(&g->root, 0xe0000, &g->bios, 1);
    address_space_init(&g->as, &g->root, "memory");
}

static void guest_cleanup(Guest *g)
{
    address_space_destroy(&g->as);
    memory_region_del_subregion(&g->root, &g->bios);
    memory_region_del_subregion(&g->root, &g->ram);
    memory_region_finalize(&g->bios);
    memory_region_finalize(&g->ram);
    memory_region_finalize(&g->root);
}

/* Build the tables and copy out the DSDT (found through the FADT). */
static size_t read_dsdt(const AcpiPciConfig *pci, uint8_t *buf, size_t size)
{
    Guest g;
    Error *err = NULL;
    AcpiPmConfig pm = ACPI_PM_CONFIG_PIIX4;
    uint64_t t = PC_ACPI_TABLES_ADDR;
    uint32_t fadt = 0, dsdt = 0, len = 0;

    guest_init(&g);
    CHECK_EQ(acpi_build_tables(&g.as, t, PC_ACPI_RSDP_ADDR, &pm, pci, NULL, &err), 0);
    address_space_read(&g.as, t + ACPI_RSDT_OFFSET + 36, &fadt, 4);
    address_space_read(&g.as, fadt + 40, &dsdt, 4);
    address_space_read(&g.as, dsdt + 4, &len, 4);
    CHECK(len > 36 && len <= size);
    CHECK(dsdt + len <= t + ACPI_TABLES_SIZE);
    len = MIN(len, size);
    address_space_read(&g.as, dsdt, buf, len);
    guest_cleanup(&g);
    return len;
}

/* ---- a minimal AML reader ---- */

/* PkgLength (counts its own bytes); returns the end of the package, given
 * p at the PkgLength, and moves p past it. */
static const uint8_t *pkg_end(const uint8_t **p)
{
    const uint8_t *start = *p;
    uint8_t lead = *(*p)++;
    int follow = lead >> 6;
    size_t len = follow ? lead & 0x0f : lead & 0x3f;
    for (int i = 0; i < follow; i++) {
        len |= (size_t) * (*p)++ << (4 + 8 * i);
    }
    return start + len;
}

/* ZeroOp, OneOp, Byte/Word/DWordConst; -1 for anything else. */
static int64_t read_int(const uint8_t **p)
{
    uint8_t op = *(*p)++;
    int64_t v = 0;
    int n;
    switch (op) {
    case 0x00:
        return 0;
    case 0x01:
        return 1;
    case 0x0a:
        n = 1;
        break;
    case 0x0b:
        n = 2;
        break;
    case 0x0c:
        n = 4;
        break;
    default:
        return -1;
    }
    for (int i = 0; i < n; i++) {
        v |= (int64_t) * (*p)++ << (8 * i);
    }
    return v;
}

/* The data object of Name(name, ...) among the objects in [p, end), or
 * NULL.  Knows integers, buffers and packages. */
static const uint8_t *find_name(const uint8_t *p, const uint8_t *end,
                                const char *name)
{
    while (p + 5 < end && p[0] == 0x08) {
        bool match = !memcmp(p + 1, name, 4);
        const uint8_t *obj = p + 5;
        if (match) {
            return obj;
        }
        p = obj;
        if (*p == 0x11 || *p == 0x12) {
            p++;
            p = pkg_end(&p);
        } else if (read_int(&p) < 0) {
            return NULL;
        }
    }
    return NULL;
}

static uint32_t le(const uint8_t *p, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        v |= (uint32_t)p[i] << (8 * i);
    }
    return v;
}

/* Find Scope(\_SB_) { Device(PCI0) { ... } } after \_S5; sets the device
 * body's bounds. */
static bool find_pci0(const uint8_t *aml, const uint8_t *end,
                      const uint8_t **body, const uint8_t **body_end)
{
    const uint8_t *p = aml, *scope_end;
    /* Name(_S5, Package(4){0, 0, 0, 0}) first. */
    static const uint8_t s5_aml[] = {0x08, '_',  'S',  '5',  '_',  0x12,
                                     0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
    CHECK(!memcmp(p, s5_aml, sizeof(s5_aml)));
    p += sizeof(s5_aml);
    if (p >= end || *p++ != 0x10) {
        return false;
    }
    scope_end = pkg_end(&p);
    CHECK(scope_end == end); /* nothing else in the table */
    if (memcmp(p, "\\_SB_", 5)) {
        return false;
    }
    p += 5;
    if (p[0] != 0x5b || p[1] != 0x82) {
        return false;
    }
    p += 2;
    *body_end = pkg_end(&p);
    CHECK(*body_end == scope_end);
    if (memcmp(p, "PCI0", 4)) {
        return false;
    }
    *body = p + 4;
    return true;
}

/* One address space descriptor's range. */
typedef struct Range {
    uint8_t tag, type;
    uint32_t min, max;
} Range;

/* The resource descriptors of a _CRS buffer, up to the end tag. */
static int read_resources(const uint8_t *obj, Range *r, int max)
{
    const uint8_t *p = obj, *end;
    int n = 0;

    CHECK_EQ(*p, 0x11);
    if (*p++ != 0x11) {
        return 0;
    }
    end = pkg_end(&p);
    int64_t size = read_int(&p);
    CHECK_EQ(p + size, end);
    while (p < end && n < max) {
        uint8_t tag = p[0];
        if (tag & 0x80) { /* large item */
            uint16_t len = le(p + 1, 2);
            r[n].tag = tag;
            r[n].type = p[3];
            if (tag == 0x88) {
                CHECK_EQ(len, 13);
                r[n].min = le(p + 8, 2);
                r[n].max = le(p + 10, 2);
                CHECK_EQ(le(p + 14, 2), (uint16_t)(r[n].max - r[n].min + 1));
            } else if (tag == 0x87) {
                CHECK_EQ(len, 23);
                r[n].min = le(p + 10, 4);
                r[n].max = le(p + 14, 4);
                CHECK_EQ(le(p + 22, 4), r[n].max - r[n].min + 1);
            }
            /* Producer with fixed min and max. */
            CHECK_EQ(p[4] & 0x0d, 0x0c);
            p += 3 + len;
        } else {
            int len = tag & 7;
            r[n].tag = tag >> 3;
            if (r[n].tag == 0x08) { /* I/O port */
                r[n].min = le(p + 2, 2);
                r[n].max = le(p + 4, 2) + p[7] - 1;
            }
            p += 1 + len;
            if (r[n].tag == 0x0f) { /* end tag */
                CHECK_EQ(p, end);
                return n + 1;
            }
        }
        n++;
    }
    CHECK(!"no end tag");
    return n;
}

static void test_pci0(void)
{
    uint8_t t[ACPI_TABLES_SIZE];
    size_t len = read_dsdt(&pci_cfg, t, sizeof(t));
    const uint8_t *body = NULL, *body_end = NULL, *o;

    CHECK_EQ(acpi_checksum(t, len), 0);
    CHECK(!memcmp(t, "DSDT", 4));
    if (!find_pci0(t + 36, t + len, &body, &body_end)) {
        CHECK(!"no Scope(\\_SB) { Device(PCI0) } in the DSDT");
        return;
    }
    /* _HID EisaId("PNP0A03"): DWordConst 0x030ad041. */
    o = find_name(body, body_end, "_HID");
    CHECK(o && read_int(&o) == 0x030ad041);
    o = find_name(body, body_end, "_UID");
    CHECK(o && read_int(&o) == 0);
    o = find_name(body, body_end, "_BBN");
    CHECK(o && read_int(&o) == 0);
    o = find_name(body, body_end, "_ADR");
    CHECK(o && read_int(&o) == 0);
}

static void test_pci0_crs(void)
{
    uint8_t t[ACPI_TABLES_SIZE];
    const uint8_t *body, *body_end, *o;
    Range r[10] = {0};
    static const Range want[] = {
        {0x88, 2, 0, 0xff},
        {0x08, 0, 0xcf8, 0xcff},
        {0x88, 1, 0, 0xcf7},
        {0x88, 1, 0xd00, 0xffff},
        {0x87, 0, 0xa0000, 0xbffff},
        {0x87, 0, RAM_SIZE, 0xfebfffff},
        {0x0f, 0, 0, 0},
    };
    AcpiPciConfig full = pci_cfg;
    size_t len = read_dsdt(&pci_cfg, t, sizeof(t));

    if (!find_pci0(t + 36, t + len, &body, &body_end) ||
        !(o = find_name(body, body_end, "_CRS"))) {
        CHECK(!"no PCI0._CRS");
        return;
    }
    int n = read_resources(o, r, 10);
    CHECK_EQ(n, (int)ARRAY_SIZE(want));
    for (int i = 0; i < n && i < (int)ARRAY_SIZE(want); i++) {
        CHECK_EQ(r[i].tag, want[i].tag);
        CHECK_EQ(r[i].type, want[i].type);
        CHECK_EQ(r[i].min, want[i].min);
        CHECK_EQ(r[i].max, want[i].max);
    }

    /* RAM up to the top: no memory hole, the rest unchanged. */
    full.mem_start = full.mem_end + 1;
    len = read_dsdt(&full, t, sizeof(t));
    CHECK_EQ(acpi_checksum(t, len), 0);
    if (find_pci0(t + 36, t + len, &body, &body_end) &&
        (o = find_name(body, body_end, "_CRS"))) {
        CHECK_EQ(read_resources(o, r, 10), (int)ARRAY_SIZE(want) - 1);
        CHECK_EQ(r[4].min, 0xa0000);
        CHECK_EQ(r[5].tag, 0x0f);
    } else {
        CHECK(!"no PCI0._CRS without a hole");
    }
}

static void test_pci0_prt(void)
{
    uint8_t t[ACPI_TABLES_SIZE];
    const uint8_t *body, *body_end, *o, *end;
    uint32_t seen[32] = {0};
    size_t len = read_dsdt(&pci_cfg, t, sizeof(t));

    if (!find_pci0(t + 36, t + len, &body, &body_end) ||
        !(o = find_name(body, body_end, "_PRT")) || *o++ != 0x12) {
        CHECK(!"no PCI0._PRT package");
        return;
    }
    end = pkg_end(&o);
    int count = *o++;
    CHECK_EQ(count, 31 * 4); /* slots 1-31 (0 is the host bridge) */
    for (int i = 0; i < count && o < end; i++) {
        const uint8_t *e_end;
        CHECK_EQ(*o, 0x12);
        o++;
        e_end = pkg_end(&o);
        CHECK_EQ(*o++, 4);
        int64_t addr = read_int(&o), pin = read_int(&o);
        int64_t source = read_int(&o), gsi = read_int(&o);
        CHECK_EQ(o, e_end);
        CHECK_EQ(addr & 0xffff, 0xffff); /* any function */
        int slot = addr >> 16;
        CHECK(slot >= 1 && slot < 32 && pin >= 0 && pin < 4);
        CHECK_EQ(source, 0);
        if (slot >= 1 && slot < 32 && pin >= 0 && pin < 4) {
            /* PIIX3 wiring: PIRQ (slot + pin - 1) & 3. */
            CHECK_EQ(gsi, pci_cfg.pirq_irq[(slot + pin - 1) & 3]);
            seen[slot] |= 1u << pin;
        }
    }
    CHECK_EQ(o, end);
    for (int slot = 1; slot < 32; slot++) {
        CHECK_EQ(seen[slot], 0xf);
    }
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_pci0);
    TEST_RUN(test_pci0_crs);
    TEST_RUN(test_pci0_prt);
    return test_finish();
}
