/* gr_fault.c - see gr_fault.h. */
#include <string.h>

#include "gr_fault.h"
#include "gr_util.h"

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
	case 406: return "computeFault";	/* Nova has no name for it */
	case 409: return "conflictingRequest";
	case 413: return "overLimit";
	case 415: return "badMediaType";
	case 503: return "serviceUnavailable";
	default: return status >= 500 ? "computeFault" : "badRequest";
	}
}

/* A copy of msg with '?' for each byte that does not start a well-formed
 * UTF-8 character: messages quote what clients sent, and gr_error() may
 * have cut one inside a character. */
static char *
utf8_scrub(const char *msg)
{
	size_t n = strlen(msg), i = 0, o = 0;
	char *out = gr_xmalloc(n + 1);

	while (i < n) {
		unsigned char c = (unsigned char)msg[i];
		size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
		    (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;

		if (len && len <= n - i && gr_utf8_valid(msg + i, len)) {
			memcpy(out + o, msg + i, len);
			o += len;
			i += len;
		} else {
			out[o++] = '?';
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

/* Neutron names each fault by its exception class; the clients show
 * only the message, so the type is the status's class. */
static const char *
network_type(int status)
{
	switch (status) {
	case 400: return "HTTPBadRequest";
	case 401: return "HTTPUnauthorized";
	case 403: return "HTTPForbidden";
	case 404: return "HTTPNotFound";
	case 405: return "HTTPMethodNotAllowed";
	case 409: return "HTTPConflict";
	case 413: return "HTTPRequestEntityTooLarge";
	case 415: return "HTTPUnsupportedMediaType";
	case 503: return "HTTPServiceUnavailable";
	default: return status >= 500 ? "HTTPInternalServerError" :
	    "HTTPBadRequest";
	}
}

json_t *
gr_fault_json(enum gr_fault_style style, int status, const char *msg)
{
	GR_AUTOFREE char *clean = NULL;

	if (!gr_utf8_valid(msg, strlen(msg)))
		msg = clean = utf8_scrub(msg);
	if (style == GR_FAULT_NETWORK)
		return json_pack("{s:{s:s,s:s,s:s}}", "NeutronError", "type",
		    network_type(status), "message", msg, "detail", "");
	if (style == GR_FAULT_COMPUTE)
		return json_pack("{s:{s:i,s:s}}", compute_key(status), "code",
		    status, "message", msg);
	return json_pack("{s:{s:i,s:s,s:s}}", "error", "code", status, "title",
	    gr_http_reason(status), "message", msg);
}
