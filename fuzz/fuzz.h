/*
 * fuzz.h - what the libFuzzer targets share: CHECK, which traps (a crash
 * libFuzzer reports and saves the input of) when a property fails, the
 * check that a recorded error can still be answered with a fault body, and
 * the body checks of gr_req_json().
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "gr_err.h"
#include "gr_fault.h"
#include "gr_util.h"

#define CHECK(cond)	do { if (!(cond)) __builtin_trap(); } while (0)

/* A target that builds JSON objects says FUZZ_JSON_SEEDED once: the same
 * hash order every run, so a crash replays. */
#define FUZZ_JSON_SEEDED						\
int LLVMFuzzerInitialize(int *argc, char ***argv);			\
int									\
LLVMFuzzerInitialize(int *argc, char ***argv)				\
{									\
	(void)argc;							\
	(void)argv;							\
	json_object_seed(1);						\
	return 0;							\
}

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

/* A request body as gr_req_json() admits it (not empty, valid UTF-8,
 * JSON with no duplicate keys), or NULL; the caller decrefs it. */
static inline json_t *
fuzz_json_body(const uint8_t *data, size_t size)
{
	json_error_t jerr;

	if (size == 0 || !gr_utf8_valid((const char *)data, size))
		return NULL;
	return json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    &jerr);
}

#endif
