/*
 * reconcile.h - this node's view against the controller's. After a
 * restart the agent reports every instance domain libvirt has (it never
 * stops one); every reconcile_interval it removes or names the orphans
 * (domains and instance directories the controller does not place here)
 * and, for the instances it does place, reports libvirt's power state
 * where the controller shows another and no task runs (Nova's power-state
 * sync: libvirt wins).
 */
#ifndef RECONCILE_H
#define RECONCILE_H

#include "node.h"

/* Reports the state of every instance domain found in libvirt. */
void reconcile_resync(struct node_ctx *c);
/*
 * One reconcile pass: orphans are removed, or only logged when
 * orphan_remove is 0; placed instances get their power state synced.
 * Returns how many orphans were found, or -1 (with a warning) when the
 * pass could not run.
 */
int reconcile_run(struct node_ctx *c);

#endif
