/*
 * Motorola MC146818A real-time clock with 128 bytes of CMOS RAM
 * ("isa-mc146818rtc", ports 0x70/0x71, IRQ 8).
 *
 * The board creates it with rtc_init() (or device_new("isa-mc146818rtc")
 * with the properties iobase, irq, base_year, base, clock) and fills the PC
 * CMOS layout (memory sizes, equipment byte, boot order) with
 * rtc_set_cmos().  The date is set when the device is realized, from the
 * "base" property (utc, localtime or a fixed date), and is kept across
 * system resets, as a battery-backed chip does; it then counts with the
 * clock the "clock" property names (host or vm).  See emu/rtc.h (-rtc).
 */
#ifndef HW_TIMER_MC146818_H
#define HW_TIMER_MC146818_H

#include "emu/common.h"
#include "emu/device.h"
#include "emu/rtc.h"
#include "hw/isa/isa.h"

/* Register indexes in CMOS (datasheet section "Address map"). */
#define RTC_SECONDS       0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES       0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS         0x04
#define RTC_HOURS_ALARM   0x05
#define RTC_DAY_OF_WEEK   0x06
#define RTC_DAY_OF_MONTH  0x07
#define RTC_MONTH         0x08
#define RTC_YEAR          0x09
#define RTC_REG_A         0x0a
#define RTC_REG_B         0x0b
#define RTC_REG_C         0x0c
#define RTC_REG_D         0x0d
#define RTC_CENTURY       0x32 /* PC convention, BCD like the others */

#define RTC_CMOS_SIZE 128

typedef struct MC146818State MC146818State;

/*
 * Create, realize on bus and reset an RTC at 0x70, IRQ 8.  base_year is
 * added to the year the registers give; 0 (or 2000, as QEMU's boards
 * pass) means the century byte at 0x32 carries the century.  opts (from
 * -rtc; NULL or NULL fields for the defaults) sets base and clock.
 */
MC146818State *rtc_init(ISABus *bus, int base_year, const RTCOptions *opts,
                        Error **errp);
/* Raw CMOS access for the board (no side effects on the clock). */
void rtc_set_cmos(MC146818State *s, int addr, uint8_t val);
uint8_t rtc_get_cmos(MC146818State *s, int addr);
/* The same through the DeviceState of an "isa-mc146818rtc". */
MC146818State *rtc_from_device(DeviceState *dev);

#endif
