/*
 * The gdbstub: gdb's remote serial protocol on a chardev, so that a
 * debugger attaches to the guest as to a remote target.
 *
 *     gdbserver_start("tcp::1234", &err);   // -gdb tcp::1234, -s
 *     gdbserver_start("none", &err);        // monitor "gdbserver none"
 *
 * SPEC is a chardev spec (tcp:[HOST]:PORT, unix:PATH, ...); a bare number
 * is a TCP port, as QEMU takes it; sockets are servers that do not wait
 * for the client.  One server at a time: a new one replaces the old.
 * Under the global lock, on the main loop.  docs/devel/debugging.md tells
 * what works.
 */
#ifndef EMU_GDBSTUB_H
#define EMU_GDBSTUB_H

#include "emu/common.h"

int gdbserver_start(const char *spec, Error **errp);

#endif
