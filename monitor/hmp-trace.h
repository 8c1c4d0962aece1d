/* The monitor's trace-event and info trace-events (monitor/hmp-trace.c). */
#ifndef MONITOR_HMP_TRACE_H
#define MONITOR_HMP_TRACE_H

void hmp_trace_register(void);

#endif
