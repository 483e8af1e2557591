/*
 * fuzz_spec.c - libFuzzer target for the boot spec a compute agent gets
 * from the controller: vm_spec_from_json() (compute-agent/vm_xml.c) on
 * the body of POST /v1/instances, parsed as gr_req_json() does, then
 * vm_xml() on every spec it accepts.
 *
 * Besides the sanitizers, it checks the contract and traps when it fails:
 * a spec is either refused with GR_ERR_BAD_REQUEST, a message for a fault
 * body and the struct zeroed, or accepted within the documented bounds;
 * and then its domain XML is well-formed for libxml2 (libvirt's parser)
 * and gives back, through XPath, the name, UUID, display name, disk and
 * console paths and each NIC's MAC exactly as the spec holds them, and
 * each NIC's type (a tap without a bridge: ethernet, managed='no').
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "fuzz.h"
#include "gr_err.h"
#include "gr_util.h"
#include "vm_xml.h"

static void
quiet(void *ctx, const char *msg, ...)
{
}

/* The string value of an XPath expression on doc equals want. */
static int
xpath_is(xmlXPathContextPtr x, const char *expr, const char *want)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x);
	int same = o && o->type == XPATH_STRING &&
	    strcmp((const char *)o->stringval, want) == 0;

	xmlXPathFreeObject(o);
	return same;
}

static int
is_path(const char *p)
{
	return p && p[0] == '/' && strstr(p, "/../") == NULL &&
	    (strlen(p) < 3 || strcmp(p + strlen(p) - 3, "/..") != 0);
}

static void
check_spec(const struct vm_spec *s)
{
	CHECK(strlen(s->uuid) == 36 && strspn(s->uuid,
	    "0123456789abcdef-") == 36);
	CHECK(s->name && strlen(s->name) <= 64 && !strchr(s->name, '/'));
	CHECK(s->display_name && s->flavor_name);
	CHECK(s->vcpus >= 1 && s->vcpus <= 256);
	CHECK(s->memory_mb >= 16 && s->memory_mb <= 1048576);
	CHECK(is_path(s->disk_path) && is_path(s->console_log));
	CHECK(s->config_drive == NULL || is_path(s->config_drive));
	CHECK(s->nnics >= 0 && s->nnics <= VM_MAX_NICS);
	for (int i = 0; i < s->nnics; i++) {
		CHECK(strlen(s->nics[i].mac) == 17 && s->nics[i].model);
		CHECK(s->nics[i].mtu == 0 || (s->nics[i].mtu >= 68 &&
		    s->nics[i].mtu <= 9000));
		for (int k = 0; k < i; k++)
			CHECK(strcmp(s->nics[i].mac, s->nics[k].mac) != 0);
	}
}

static void
check_xml(const struct vm_spec *s, const char *xml)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml",
	    NULL, XML_PARSE_NONET);
	xmlXPathContextPtr x;
	char expr[96];

	CHECK(doc != NULL);
	x = xmlXPathNewContext(doc);
	CHECK(x != NULL);
	CHECK(xpath_is(x, "string(/domain/@type)", s->virt_type));
	CHECK(xpath_is(x, "string(/domain/name)", s->name));
	CHECK(xpath_is(x, "string(/domain/uuid)", s->uuid));
	CHECK(xpath_is(x, "string(/domain/metadata/*/*[local-name()='name'])",
	    s->display_name));
	CHECK(xpath_is(x, "string(/domain/metadata/*/*[local-name()="
	    "'flavor'])", s->flavor_name));
	CHECK(xpath_is(x, "string(/domain/devices/disk[1]/source/@file)",
	    s->disk_path));
	CHECK(xpath_is(x, "string(/domain/devices/serial/log/@file)",
	    s->console_log));
	if (s->config_drive)
		CHECK(xpath_is(x, "string(/domain/devices/disk[2]/source/"
		    "@file)", s->config_drive));
	for (int i = 0; i < s->nnics; i++) {
		snprintf(expr, sizeof(expr), "string(/domain/devices/"
		    "interface[%d]/mac/@address)", i + 1);
		CHECK(xpath_is(x, expr, s->nics[i].mac));
		/* A tap without a bridge is one libvirt must not manage. */
		snprintf(expr, sizeof(expr), "string(/domain/devices/"
		    "interface[%d]/@type)", i + 1);
		CHECK(xpath_is(x, expr, s->nics[i].bridge ? "bridge" :
		    s->nics[i].tap ? "ethernet" : "user"));
		if (s->nics[i].tap && s->nics[i].bridge == NULL) {
			snprintf(expr, sizeof(expr), "string(/domain/devices/"
			    "interface[%d]/target/@managed)", i + 1);
			CHECK(xpath_is(x, expr, "no"));
		}
	}
	xmlXPathFreeContext(x);
	xmlFreeDoc(doc);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	json_object_seed(1);
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vm_spec zero;
	struct vm_spec s;
	json_error_t jerr;
	json_t *j;
	char *xml;

	/* gr_req_json()'s checks, in its order. */
	if (size == 0 || !gr_utf8_valid((const char *)data, size))
		return 0;
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		return 0;
	gr_err_clear();
	if (vm_spec_from_json(j, &s) < 0) {
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST);
		CHECK(memcmp(&s, &zero, sizeof(s)) == 0);
		fuzz_check_fault();
	} else {
		check_spec(&s);
		xml = vm_xml(&s);
		check_xml(&s, xml);
		free(xml);
		vm_spec_free(&s);
	}
	json_decref(j);
	return 0;
}
