/* gr_fault.c - see gr_fault.h. */
#include "gr_fault.h"

const char *
gr_http_reason(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Request Entity Too Large";
	case 415: return "Unsupported Media Type";
	case 416: return "Requested Range Not Satisfiable";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

/* Nova's fault keys, as python-novaclient and tempest expect them. */
static const char *
compute_key(int status)
{
	switch (status) {
	case 400: return "badRequest";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "itemNotFound";
	case 405: return "badMethod";
	case 409: return "conflictingRequest";
	case 413: return "overLimit";
	case 415: return "badMediaType";
	case 503: return "serviceUnavailable";
	default: return status >= 500 ? "computeFault" : "badRequest";
	}
}

json_t *
gr_fault_json(enum gr_fault_style style, int status, const char *msg)
{
	if (style == GR_FAULT_COMPUTE)
		return json_pack("{s:{s:i,s:s}}", compute_key(status), "code",
		    status, "message", msg);
	return json_pack("{s:{s:i,s:s,s:s}}", "error", "code", status, "title",
	    gr_http_reason(status), "message", msg);
}
