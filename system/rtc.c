/*
 * Parsing of the -rtc option and of the RTC device's base and clock
 * properties (include/emu/rtc.h).
 *
 * Dates are checked and converted with glib's GDateTime (UTC, years
 * 1-9999); the accepted forms are only QEMU's two, digit by digit.
 */
#include "emu/common.h"
#include "emu/rtc.h"

#include <glib.h>
#include <time.h>

#define RTC_BASE_HELP \
    "utc, localtime, or a date: 2006-06-17T16:01:21 or 2006-06-17"

/* s matches tmpl, where 'd' stands for a digit and anything else for itself. */
static bool matches_template(const char *s, const char *tmpl)
{
    for (; *tmpl; s++, tmpl++) {
        if (*tmpl == 'd' ? !g_ascii_isdigit(*s) : *s != *tmpl) {
            return false;
        }
    }
    return *s == '\0';
}

static int parse_date(const char *s, int64_t *date, Error **errp)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    GDateTime *dt;

    if (matches_template(s, "dddd-dd-dd")) {
        sscanf(s, "%4d-%2d-%2d", &y, &mo, &d);
    } else if (matches_template(s, "dddd-dd-ddTdd:dd:dd")) {
        sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec);
    } else {
        error_setg(errp, "invalid base '%s' (%s)", s, RTC_BASE_HELP);
        return -1;
    }
    /* g_date_time_new_utc() would take 60 seconds as the next minute. */
    dt = sec < 60 ? g_date_time_new_utc(y, mo, d, h, mi, sec) : NULL;
    if (!dt || y < 1) {
        error_setg(errp, "invalid date '%s' (no such day or time)", s);
        if (dt) {
            g_date_time_unref(dt);
        }
        return -1;
    }
    *date = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    return 0;
}

int rtc_parse_base(const char *s, RTCBase *base, int64_t *date, Error **errp)
{
    *date = 0;
    if (!strcmp(s, "utc")) {
        *base = RTC_BASE_UTC;
        return 0;
    }
    if (!strcmp(s, "localtime")) {
        *base = RTC_BASE_LOCALTIME;
        return 0;
    }
    *base = RTC_BASE_DATE;
    return parse_date(s, date, errp);
}

int rtc_parse_clock(const char *s, EmuClockType *clock, Error **errp)
{
    if (!strcmp(s, "host")) {
        *clock = CLOCK_HOST;
        return 0;
    }
    if (!strcmp(s, "vm")) {
        *clock = CLOCK_VIRTUAL;
        return 0;
    }
    if (!strcmp(s, "rt")) {
        error_setg(errp, "clock=rt is not supported (host or vm)");
        return -1;
    }
    error_setg(errp, "invalid clock '%s' (host or vm)", s);
    return -1;
}

int rtc_options_parse(const char *arg, RTCOptions *o, Error **errp)
{
    char **parts = g_strsplit(arg, ",", -1);
    RTCOptions n = *o;
    int ret = -1;

    for (char **p = parts; *p; p++) {
        char *eq = strchr(*p, '=');
        const char *val = eq ? eq + 1 : NULL;
        RTCBase base;
        EmuClockType clock;
        int64_t date;

        if (eq) {
            *eq = '\0';
        }
        if (!val) {
            error_setg(errp,
                       "invalid parameter '%s' (base=, clock= or "
                       "driftfix=)",
                       *p);
            goto out;
        }
        if (!strcmp(*p, "base")) {
            if (rtc_parse_base(val, &base, &date, errp) < 0) {
                goto out;
            }
            n.base = g_intern_string(val);
        } else if (!strcmp(*p, "clock")) {
            if (rtc_parse_clock(val, &clock, errp) < 0) {
                goto out;
            }
            n.clock = g_intern_string(val);
        } else if (!strcmp(*p, "driftfix")) {
            if (!strcmp(val, "slew")) {
                error_setg(errp, "driftfix=slew is not supported (lost RTC "
                                 "interrupts are not re-injected; use none)");
                goto out;
            }
            if (strcmp(val, "none")) {
                error_setg(errp, "invalid driftfix '%s' (none or slew)", val);
                goto out;
            }
        } else {
            error_setg(errp,
                       "invalid parameter '%s' (base, clock or "
                       "driftfix)",
                       *p);
            goto out;
        }
    }
    *o = n;
    ret = 0;
out:
    g_strfreev(parts);
    return ret;
}

int64_t rtc_host_utc_offset(int64_t host_sec)
{
    time_t t = host_sec;
    struct tm tm;

    if (!localtime_r(&t, &tm)) {
        return 0;
    }
    return tm.tm_gmtoff;
}
