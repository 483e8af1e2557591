/*
 * fuzz.h - what the libFuzzer targets share: CHECK, which traps (a crash
 * libFuzzer reports and saves the input of) when a property fails, and the
 * check that a recorded error can still be answered with a fault body.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <jansson.h>

#include "gr_err.h"
#include "gr_fault.h"

#define CHECK(cond)	do { if (!(cond)) __builtin_trap(); } while (0)

/* The HTTP layer answers the recorded error with gr_fault_json(), which
 * is documented never to return NULL: check that for this message. */
static inline void
fuzz_check_fault(void)
{
	json_t *f = gr_fault_json(GR_FAULT_IDENTITY,
	    gr_err_http_status(gr_err_code()), gr_err_msg());

	CHECK(f != NULL);
	json_decref(f);
}

#endif
