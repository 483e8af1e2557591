/*
 * reconcile.h - applies a document to the node as a diff: makes what is
 * missing, corrects what differs, and (once may_delete is set) removes
 * the Gureum-named objects the document no longer has: brq*, vxlan-*,
 * tap*, qdhcp-* and their dnsmasq. Objects of any other name are never
 * touched, and nothing is flushed at start: what exists is adopted.
 * Errors: each object is tried even after another failed; the first
 * failure is the error returned (-1).
 */
#ifndef RECONCILE_H
#define RECONCILE_H

#include "netagent.h"

/* Applies d (which the caller keeps) under a->lock, which the caller
 * holds. */
int reconcile_apply(struct netagent *a, const struct doc *d);

#endif
