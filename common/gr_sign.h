/*
 * gr_sign.h - signatures on controller <-> agent requests. A request is
 * signed with HMAC-SHA256 under the cluster secret over
 * "METHOD\nPATH\nTIMESTAMP\nSHA256(BODY)", sent as X-Gureum-Timestamp and
 * X-Gureum-Signature. A signature older or newer than GR_SIGN_SKEW seconds
 * is refused, which bounds replays.
 */
#ifndef GR_SIGN_H
#define GR_SIGN_H

#include <stddef.h>
#include <time.h>

#include "gr_crypto.h"

#define GR_SIGN_SKEW	300

/* Computes the signature into sig. */
void gr_sign(const char *secret, const char *method, const char *path,
    long long ts, const void *body, size_t len, char sig[GR_SHA256_HEX]);
/* Returns 0 if sig is valid for the request at time now, or -1 with
 * GR_ERR_UNAUTHORIZED saying what was wrong. */
int gr_sign_verify(const char *secret, const char *method, const char *path,
    const char *ts, const char *sig, const void *body, size_t len, time_t now);

#endif
