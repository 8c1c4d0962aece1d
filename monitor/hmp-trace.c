/*
 * The monitor's trace commands, as QEMU's HMP spells them:
 *   trace-event NAME on|off     (NAME may be a pattern with * and ?)
 *   info trace-events [PATTERN]
 */
#include "emu/common.h"
#include "emu/monitor.h"
#include "emu/trace.h"
#include "monitor/hmp-trace.h"

#include <glib.h>

static int cmd_trace_event(FILE *out, const char *args)
{
    char **argv = g_strsplit_set(args, " \t", -1);
    int n = 0, ret = -1;
    const char *words[3] = {NULL, NULL, NULL};
    for (int i = 0; argv[i]; i++) {
        if (argv[i][0] && n < 3) {
            words[n++] = argv[i];
        } else if (argv[i][0]) {
            n++;
        }
    }
    if (n != 2 || (strcmp(words[1], "on") && strcmp(words[1], "off"))) {
        fprintf(out, "usage: trace-event NAME on|off\n");
    } else if (trace_enable_pattern(words[0], !strcmp(words[1], "on")) == 0) {
        fprintf(out, "No trace point matches '%s'\n", words[0]);
    } else {
        ret = 0;
    }
    g_strfreev(argv);
    return ret;
}

static int info_trace_events(FILE *out, const char *args)
{
    trace_list(out, *args ? args : NULL);
    return 0;
}

void hmp_trace_register(void)
{
    monitor_register_command("trace-event", "name on|off",
                             "turn trace points matching name on or off",
                             cmd_trace_event);
    monitor_register_info_args("trace-events", "[pattern]",
                               "show the trace points and whether each is on",
                               info_trace_events);
}
