/*
 * IDE internals shared by the ATA core (core.c), the ATAPI command set
 * (atapi.c), the drive devices (ide-dev.c) and the PIIX3 bus master
 * (piix.c).  Register and bit names follow ATA/ATAPI-6 (T13/1410D) and the
 * SFF-8038i bus-master specification; ATAPI sense codes follow SPC-3/MMC-5.
 */
#ifndef HW_IDE_INTERNAL_H
#define HW_IDE_INTERNAL_H

#include <glib.h>
#include "emu/common.h"
#include "emu/device.h"
#include "emu/iov.h"
#include "emu/irq.h"
#include "emu/vmstate.h"
#include "block/block.h"
#include "hw/ide/ide.h"

/* Status register (ATA-6). */
#define ST_ERR  0x01
#define ST_DRQ  0x08
#define ST_DSC  0x10 /* seek complete (obsolete, still expected by BIOSes) */
#define ST_DF   0x20
#define ST_DRDY 0x40
#define ST_BSY  0x80

/* Error register (ATA-6). */
#define ER_AMNF 0x01
#define ER_ABRT 0x04
#define ER_IDNF 0x10
#define ER_UNC  0x40

/* Device control register (ATA-6). */
#define CTL_NIEN 0x02
#define CTL_SRST 0x04
#define CTL_HOB  0x80

/* Device/head register. */
#define SEL_LBA 0x40
#define SEL_DEV 0x10

/* ATAPI interrupt reason in the sector count register (ATA-6 PACKET). */
#define IR_COD 0x01
#define IR_IO  0x02

#define IDE_SECTOR   512
#define CD_SECTOR    2048
#define IDE_MAX_MULT 16
/* PIO staging: a READ MULTIPLE block, an ATAPI reply or a batch of CD
 * sectors read for PIO. */
#define IDE_BUF_SIZE (128 * KiB)

/* ATAPI sense keys and additional sense codes (SPC-3, MMC-5). */
#define SENSE_NONE            0x00
#define SENSE_NOT_READY       0x02
#define SENSE_ILLEGAL_REQUEST 0x05
#define SENSE_UNIT_ATTENTION  0x06
#define ASC_INV_OPCODE        0x20
#define ASC_LBA_OUT_OF_RANGE  0x21
#define ASC_INV_FIELD_IN_CDB  0x24
#define ASC_MEDIUM_CHANGED    0x28
#define ASC_SAVING_NOT_SUPP   0x39
#define ASC_NO_MEDIUM         0x3a
#define ASC_REMOVAL_PREVENTED 0x53

typedef enum IDEKind {
    IDE_ABSENT,
    IDE_HD,
    IDE_CD,
} IDEKind;

/* What happens when the guest has moved the last word of a PIO block
 * (an enum rather than a pointer so the state table can hold it). */
typedef enum IDEEndTransfer {
    ETF_NONE,
    ETF_ATA_READ,  /* next READ SECTORS/MULTIPLE block, or done */
    ETF_ATA_WRITE, /* write the block out */
    ETF_IDENTIFY,  /* IDENTIFY and other one-block replies: done */
    ETF_PACKET,    /* the 12-byte ATAPI command packet arrived */
    ETF_ATAPI_PIO, /* next ATAPI data chunk, or done */
} IDEEndTransfer;

/* A DMA command waiting for, or running on, the bus master. */
typedef enum IDEDMACmd {
    DMA_NONE,
    DMA_ATA_READ,   /* disk -> guest RAM */
    DMA_ATA_WRITE,  /* guest RAM -> disk */
    DMA_ATAPI_READ, /* CD sectors -> guest RAM */
    DMA_ATAPI_BUF,  /* an ATAPI reply in io_buffer -> guest RAM */
} IDEDMACmd;

typedef struct IDEDevice IDEDevice;

/* One drive position (master or slave) on a channel. */
typedef struct IDEState {
    IDEBus *bus;
    int unit;
    IDEKind kind;
    IDEDevice *dev;
    BlockBackend *blk;

    /* Geometry: the default from the disk size or the properties, and
     * the current one after INITIALIZE DEVICE PARAMETERS. */
    uint16_t cyls, heads, secs;
    uint16_t cur_heads, cur_secs;
    uint64_t nb_sectors; /* 512-byte sectors of the medium */
    char serial[21], model[41], fw_rev[9];

    /* Task file (and the previous contents for 48-bit commands). */
    uint8_t feature, error, nsector, sector, lcyl, hcyl, select, status;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    uint8_t cmd;
    bool lba48;

    uint8_t mult_sectors;          /* SET MULTIPLE MODE, 0 = off */
    uint8_t udma_mode, mwdma_mode; /* SET FEATURES 03h; 0xff = none */
    uint8_t power; /* CHECK POWER MODE answer: 0xff active, 0 standby */

    /* The command in progress. */
    uint64_t io_sector;          /* next sector (512 for ATA, 2048 for ATAPI) */
    uint32_t io_remaining;       /* sectors still to move */
    uint32_t io_block;           /* sectors in the current PIO block */
    uint32_t data_pos, data_end; /* PIO window in io_buffer */
    uint8_t end_transfer;        /* IDEEndTransfer */
    uint8_t dma_cmd;             /* IDEDMACmd */
    bool aio_busy;               /* a blk_aio_* request is in flight */
    uint64_t dma_bytes;          /* of the DMA request in flight */
    uint32_t dma_buf_len;        /* DMA_ATAPI_BUF: bytes of io_buffer */

    /* ATAPI */
    uint8_t sense_key, asc, ascq;
    bool tray_open, tray_locked;
    bool unit_attention; /* medium may have changed: next command fails */
    bool event_new_media, event_eject_request, event_media_removal;
    bool atapi_dma;       /* feature bit 0 of the PACKET command */
    uint32_t atapi_total; /* bytes left to give the host */
    uint32_t atapi_limit; /* byte count limit of this command */
    uint32_t atapi_buf_pos, atapi_buf_len; /* reply bytes in io_buffer */
    uint8_t packet[12];

    uint8_t identify[512];
    uint8_t *io_buffer;
    IOVector sg; /* guest RAM mapped for the DMA request in flight */
} IDEState;

/* What the bus master provides to the core (piix.c). */
typedef struct IDEDMAOps {
    /* A DMA command is ready on the bus: run ide_dma_run() now if the
     * engine is started, or when the guest starts it. */
    void (*start)(void *opaque);
    /*
     * Map up to max bytes of the PRD list into sg (empty at the call).
     * Returns the bytes mapped, a multiple of granule unless the PRDs end
     * first; 0 when the engine is stopped or the PRDs are exhausted;
     * -EAGAIN when the bounce buffer is busy (start is called again when
     * it is free); -EIO when a descriptor could not be fetched or a
     * buffer not mapped (the engine's error bit is set).
     */
    int64_t (*map)(void *opaque, IOVector *sg, uint64_t max, unsigned granule,
                   bool to_ram);
    /* Unmap everything in sg, access_len bytes really moved. */
    void (*unmap)(void *opaque, IOVector *sg, bool to_ram, uint64_t access_len);
    /* The command finished (ok false: with an error); the device's
     * interrupt follows. */
    void (*end)(void *opaque, bool ok);
    /* The engine ran out of descriptors before the device's transfer
     * ended: Active drops, no interrupt, the device keeps waiting. */
    void (*short_prd)(void *opaque);
    /* The channel raised its interrupt (bus-master status bit 2). */
    void (*irq)(void *opaque);
} IDEDMAOps;

struct IDEBus {
    BusState qbus; /* type "ide", "ide.<n>" */
    IDEState ifs[2];
    uint8_t unit; /* selected drive */
    uint8_t devctl;
    bool irq_pending;
    IRQ *irq;
    const IDEDMAOps *dma;
    void *dma_opaque;
};

/* The drive devices ide-hd and ide-cd (ide-dev.c). */
struct IDEDevice {
    DeviceState parent;
    BlockBackend *blk;
    int32_t unit; /* -1: the first free one */
    uint32_t cyls, heads, secs;
    char *serial, *model;
};

static inline IDEBus *ide_bus_of(DeviceState *dev)
{
    return dev->bus && !strcmp(dev->bus->type, IDE_BUS_TYPE)
               ? container_of(dev->bus, IDEBus, qbus)
               : NULL;
}

static inline IDEState *ide_cur(IDEBus *bus)
{
    return &bus->ifs[bus->unit];
}

/* core.c */
void ide_bus_init(IDEBus *bus, DeviceState *parent, IRQ *irq,
                  const IDEDMAOps *dma, void *dma_opaque);
void ide_bus_cleanup(IDEBus *bus);
void ide_bus_reset(IDEBus *bus);
uint32_t ide_cmd_read(IDEBus *bus, unsigned reg, unsigned size);
void ide_cmd_write(IDEBus *bus, unsigned reg, uint32_t val, unsigned size);
uint8_t ide_status_read(IDEBus *bus, bool alt);
void ide_ctl_write(IDEBus *bus, uint8_t val);
/* Attach/detach a drive (ide-dev.c); the geometry is set up here. */
int ide_drive_attach(IDEState *s, IDEDevice *dev, IDEKind kind, Error **errp);
void ide_drive_detach(IDEState *s);
void ide_drive_reset(IDEState *s);
/* Run the selected drive's pending DMA command (the engine started). */
void ide_dma_run(IDEBus *bus);
/* Wait for the request in flight on this channel (engine stopped, reset). */
void ide_bus_drain(IDEBus *bus);
bool ide_bus_dma_pending(IDEBus *bus);

/* Shared between core.c and atapi.c */
void ide_set_irq(IDEBus *bus);
void ide_transfer_start(IDEState *s, uint32_t len, IDEEndTransfer etf);
void ide_transfer_stop(IDEState *s);
void ide_set_signature(IDEState *s);
void ide_dma_start(IDEState *s, IDEDMACmd cmd);
void ide_padstr(uint8_t *dst, const char *src, int len);

void ide_abort(IDEState *s);
void ide_cmd_done(IDEState *s);
void ide_cmd_abort_irq(IDEState *s);

/* ata.c */
void ide_set_sector(IDEState *s, uint64_t n);
void ide_io_error(IDEState *s, int ret, bool is_read);
void ide_ata_read_next(IDEState *s);
void ide_ata_write_block(IDEState *s);
void ide_set_features(IDEState *s);
bool ide_is_rw_cmd(uint8_t cmd);
bool ide_is_lba48_cmd(uint8_t cmd);
/* Run a hard-disk command; false if it is not one. */
bool ide_ata_exec(IDEState *s, uint8_t cmd);

/* atapi.c */
void ide_atapi_identify(IDEState *s);
void ide_atapi_packet_cmd(IDEState *s);
void ide_atapi_pio_next(IDEState *s);
void ide_atapi_dma_done(IDEState *s, int ret);
void ide_atapi_media_changed(IDEState *s, bool load);
void ide_atapi_reset(IDEState *s);

extern const VMStateDescription vmstate_ide_drive;
extern const VMStateDescription vmstate_ide_bus;

#endif
