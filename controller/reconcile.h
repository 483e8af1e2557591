/*
 * reconcile.h - the controller's convergence pass: stuck builds and tasks
 * (reconcile.c).
 */
#ifndef RECONCILE_H
#define RECONCILE_H


/* One convergence pass (see reconcile.c); -1 with the error. */
int reconcile_once(void);
int reconcile_start(void);
void reconcile_stop_wait(void);

#endif
