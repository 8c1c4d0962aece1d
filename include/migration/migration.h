/*
 * Saving and restoring the machine from the front end and the monitor:
 *
 *   migrate [-d] "exec:CMD"   HMP: stop, write the state to CMD's stdin
 *                             (a shell command, as QEMU's exec: transport);
 *                             the VM stays stopped ("postmigrate")
 *   info migrate              the last migration's status
 *   -incoming exec:CMD | file:PATH
 *                             start with the state CMD prints / PATH holds
 *   savevm [NAME] / loadvm NAME / delvm NAME / info snapshots / -loadvm
 *                             internal snapshots in the qcow2 drives
 *                             (migration/savevm.c)
 */
#ifndef MIGRATION_MIGRATION_H
#define MIGRATION_MIGRATION_H

#include "emu/common.h"

/* Register the monitor commands above. */
void migration_init(void);

/* -incoming URI: read and load the state (machine built, vCPUs stopped).
 * 0, or -1 with errp. */
int migration_incoming(const char *uri, Error **errp);

/* loadvm NAME with the machine stopped (-loadvm): 0, or -1 with errp. */
int snapshot_load(const char *name, Error **errp);

/* Monitor-side halves, shared by the two files. */
void savevm_register_commands(void);

#endif
