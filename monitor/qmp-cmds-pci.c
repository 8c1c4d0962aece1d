/*
 * QMP query-pci: every PCI bus and its functions, as QEMU's PciInfo --
 * ids, class, interrupt pin and line, and each implemented BAR with its
 * current address (-1 while unmapped, as QEMU reports it).
 */
#include "monitor/qmp-int.h"
#include "emu/device.h"
#include "hw/pci/pci.h"

static uint16_t cfg16(PCIDevice *d, int off)
{
    return d->config[off] | d->config[off + 1] << 8;
}

static JsonObject *bar_info(PCIDevice *d, int n)
{
    PCIBar *b = &d->bars[n];
    bool io = b->type & PCI_BASE_ADDRESS_SPACE_IO;
    JsonObject *r = json_object_new();
    json_object_set_int_member(r, "bar", n);
    json_object_set_string_member(r, "type", io ? "io" : "memory");
    json_object_set_int_member(
        r, "address", b->addr == PCI_BAR_UNMAPPED ? -1 : (int64_t)b->addr);
    json_object_set_int_member(r, "size", (int64_t)b->size);
    if (!io) {
        json_object_set_boolean_member(r, "prefetch",
                                       b->type & PCI_BASE_ADDRESS_MEM_PREFETCH);
        json_object_set_boolean_member(r, "mem_type_64",
                                       b->type & PCI_BASE_ADDRESS_MEM_TYPE_64);
    }
    return r;
}

static JsonObject *device_info(PCIDevice *d, int busnr)
{
    uint16_t cls = cfg16(d, PCI_CLASS_DEVICE);
    const char *desc = pci_class_name(cls);

    JsonObject *ci = json_object_new();
    if (desc) {
        json_object_set_string_member(ci, "desc", desc);
    }
    json_object_set_int_member(ci, "class", cls);

    JsonObject *id = json_object_new();
    json_object_set_int_member(id, "device", cfg16(d, PCI_DEVICE_ID));
    json_object_set_int_member(id, "vendor", cfg16(d, PCI_VENDOR_ID));
    json_object_set_int_member(id, "subsystem", cfg16(d, PCI_SUBSYSTEM_ID));
    json_object_set_int_member(id, "subsystem-vendor",
                               cfg16(d, PCI_SUBSYSTEM_VENDOR_ID));

    JsonArray *regions = json_array_new();
    for (int n = 0; n <= PCI_ROM_SLOT; n++) {
        if (d->bars[n].mr) {
            json_array_add_object_element(regions, bar_info(d, n));
        }
    }

    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "bus", busnr);
    json_object_set_int_member(o, "slot", PCI_SLOT(d->devfn));
    json_object_set_int_member(o, "function", PCI_FUNC(d->devfn));
    json_object_set_object_member(o, "class_info", ci);
    json_object_set_object_member(o, "id", id);
    if (d->config[PCI_INTERRUPT_PIN]) {
        json_object_set_int_member(o, "irq", d->config[PCI_INTERRUPT_LINE]);
    }
    json_object_set_int_member(o, "irq_pin", d->config[PCI_INTERRUPT_PIN]);
    json_object_set_string_member(o, "qdev_id",
                                  d->parent.id ? d->parent.id : "");
    json_object_set_array_member(o, "regions", regions);
    return o;
}

static JsonNode *query_pci(QmpRequest *req, JsonObject *args)
{
    JsonArray *buses = json_array_new();
    int busnr = 0;
    /* emu's PCI buses are all roots (no bridges yet): bus numbers count
     * them in creation order. */
    for (BusState *b = bus_find_type("pci"); b; b = b->next) {
        if (strcmp(b->type, "pci")) {
            continue;
        }
        PCIBus *bus = container_of(b, PCIBus, qbus);
        JsonArray *devs = json_array_new();
        for (int devfn = 0; devfn < 256; devfn++) {
            if (bus->devices[devfn]) {
                json_array_add_object_element(
                    devs, device_info(bus->devices[devfn], busnr));
            }
        }
        JsonObject *bi = json_object_new();
        json_object_set_int_member(bi, "bus", busnr);
        json_object_set_array_member(bi, "devices", devs);
        json_array_add_object_element(buses, bi);
        busnr++;
    }
    JsonNode *n = json_node_init_array(json_node_alloc(), buses);
    json_array_unref(buses);
    return n;
}

static void __attribute__((constructor)) qmp_cmds_pci_register(void)
{
    qmp_register_command("query-pci", NULL, query_pci);
}
