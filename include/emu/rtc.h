/*
 * The -rtc option (QEMU's syntax): where the real-time clock's date starts
 * and which clock it then follows.
 *
 *     -rtc base=utc|localtime|DATE,clock=host|vm,driftfix=none
 *
 * base: utc (default): the host's UTC time; localtime: the host's local
 *   time (the RTC's fields show the local date and hour); DATE: a fixed
 *   date, "2006-06-17T16:01:21" or "2006-06-17" (midnight).
 * clock: host (default, as QEMU): the RTC counts with the host's wall
 *   clock, on while the VM is paused; vm: it counts with the virtual clock
 *   and stops with the VM.  base=DATE,clock=vm gives a guest the same
 *   time in every run (the tests use it).
 * driftfix: only none; slew (re-injecting lost periodic interrupts) is
 *   refused as not supported.
 *
 * main() parses the option into RTCOptions (checked strings) and the board
 * hands them to the RTC device as its "base" and "clock" properties; the
 * device turns them into a start time and a clock with the functions below.
 */
#ifndef EMU_RTC_H
#define EMU_RTC_H

#include "emu/common.h"
#include "emu/timer.h"

typedef struct RTCOptions {
    const char *base;  /* NULL: "utc" */
    const char *clock; /* NULL: "host" */
} RTCOptions;

typedef enum RTCBase {
    RTC_BASE_UTC,
    RTC_BASE_LOCALTIME,
    RTC_BASE_DATE,
} RTCBase;

/*
 * Parse one -rtc argument into o.  Keys given again override earlier ones
 * (QEMU merges repeated -rtc options).  Returns 0, or -1 with errp set to
 * a one-line message (without the "-rtc: " prefix).
 */
int rtc_options_parse(const char *arg, RTCOptions *o, Error **errp);

/*
 * "utc", "localtime", or a date; for a date *date is the clock's reading
 * in seconds since 1970-01-01 00:00:00 (no time zone: the fields as the
 * RTC shows them).  Returns 0, or -1 with errp set.
 */
int rtc_parse_base(const char *s, RTCBase *base, int64_t *date, Error **errp);

/* "host" -> CLOCK_HOST, "vm" -> CLOCK_VIRTUAL; -1 with errp set else. */
int rtc_parse_clock(const char *s, EmuClockType *clock, Error **errp);

/*
 * Seconds the host's local time is ahead of UTC at host time host_sec
 * (negative west of Greenwich), for base=localtime.
 */
int64_t rtc_host_utc_offset(int64_t host_sec);

#endif
