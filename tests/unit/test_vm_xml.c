/*
 * Unit tests for compute-agent/vm_xml.c, mostly golden files: each
 * tests/domxml/NAME.json is a spec that becomes NAME.xml (compared byte for
 * byte and checked to be well-formed), or is refused with the message in
 * NAME.err. Run from the repository root (tests/run.sh does).
 * GR_TEST_REGENERATE=1 rewrites the expected files instead of comparing:
 * review those diffs like code. Also the boot spec's nics
 * (compute-agent/boot_spec.c), which become those NICs.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_spec.h"
#include "gr_err.h"
#include "gr_test.h"
#include "gr_golden.h"
#include "gr_util.h"
#include "vm_xml.h"

#define GOLDEN	"tests/domxml"

/*
 * Well-formedness of the XML that vm_xml writes: one root element, tags
 * nested and matched, attribute values quoted, '<' and '&' only as markup
 * or one of the five predefined entities. Comments, processing
 * instructions, CDATA and DOCTYPE are refused: vm_xml writes none. Each
 * step returns NULL or what is wrong.
 */
#define XML_DEPTH	16

struct xml_check {
	const char	*p;		/* next character */
	const char	*open[XML_DEPTH]; /* names of open elements */
	size_t		 len[XML_DEPTH]; /* their lengths */
	int		 depth;		/* how many are open */
	int		 done;		/* the root is closed */
};

static const char *
xml_name(struct xml_check *x, size_t *len)
{
	const char *s = x->p;

	if (!isalpha((unsigned char)*s) && *s != '_')
		return "a name was expected";
	while (*s && (isalnum((unsigned char)*s) || strchr("_:.-", *s)))
		s++;
	*len = s - x->p;
	x->p = s;
	return NULL;
}

/* Character data up to the first character of stop (or the end). */
static const char *
xml_chars(struct xml_check *x, const char *stop)
{
	static const char *const ent[] = { "&amp;", "&lt;", "&gt;", "&quot;",
	    "&apos;", NULL };
	const char *s;
	int i;

	for (s = x->p; *s && !strchr(stop, *s); s++) {
		if ((unsigned char)*s < 0x20 && !strchr("\t\n\r", *s))
			return "a control character";
		for (i = 0; *s == '&' && ent[i]; i++)
			if (strncmp(s, ent[i], strlen(ent[i])) == 0)
				break;
		if (*s == '&' && ent[i] == NULL)
			return "an '&' that starts no predefined entity";
	}
	x->p = s;
	return NULL;
}

/* name='value' or name="value", after at least one space. */
static const char *
xml_attr(struct xml_check *x)
{
	const char *why;
	char stop[3] = { 0, '<', '\0' };
	size_t len;

	if ((why = xml_name(x, &len)) != NULL)
		return why;
	if (x->p[0] != '=' || (x->p[1] != '\'' && x->p[1] != '"'))
		return "an attribute without ='value'";
	stop[0] = x->p[1];
	x->p += 2;
	if ((why = xml_chars(x, stop)) != NULL)
		return why;
	if (*x->p != stop[0])
		return "'<' or the end inside an attribute value";
	x->p++;
	return NULL;
}

/* After '<': the name, attributes, then '>' (pushed) or '/>'. */
static const char *
xml_start_tag(struct xml_check *x)
{
	const char *why, *name = x->p;
	size_t len;

	if (x->done)
		return "a second root element";
	if ((why = xml_name(x, &len)) != NULL)
		return why;
	while (isspace((unsigned char)*x->p)) {
		while (isspace((unsigned char)*x->p))
			x->p++;
		if (*x->p == '>' || *x->p == '/')
			break;
		if ((why = xml_attr(x)) != NULL)
			return why;
	}
	if (x->p[0] == '/' && x->p[1] == '>') {
		x->p += 2;
		x->done = x->depth == 0;
		return NULL;
	}
	if (*x->p != '>')
		return "'>', '/>' or a space expected in a tag";
	if (x->depth == XML_DEPTH)
		return "elements nested too deep for this check";
	x->p++;
	x->open[x->depth] = name;
	x->len[x->depth++] = len;
	return NULL;
}

/* After '</': the innermost open element's name, then '>'. */
static const char *
xml_end_tag(struct xml_check *x)
{
	const char *why, *name = x->p;
	size_t len;

	if ((why = xml_name(x, &len)) != NULL)
		return why;
	if (x->depth == 0 || len != x->len[x->depth - 1] ||
	    strncmp(name, x->open[x->depth - 1], len) != 0)
		return "a closing tag that matches no open element";
	if (*x->p++ != '>')
		return "'>' expected after a closing tag's name";
	x->done = --x->depth == 0;
	return NULL;
}

/* NULL if doc is well-formed, else what is wrong, *line saying where. */
static const char *
xml_problem(const char *doc, int *line)
{
	struct xml_check x = { .p = doc };
	const char *why = NULL, *text;

	while (*x.p && why == NULL) {
		if (strncmp(x.p, "</", 2) == 0) {
			x.p += 2;
			why = xml_end_tag(&x);
		} else if (*x.p == '<') {
			x.p++;
			why = xml_start_tag(&x);
		} else {
			text = x.p;
			why = xml_chars(&x, "<");
			if (why == NULL && x.depth == 0 && strspn(text,
			    " \t\r\n") < (size_t)(x.p - text))
				why = "text outside the root element";
		}
	}
	if (why == NULL && x.depth)
		why = "an element is not closed at the end";
	if (why == NULL && !x.done)
		why = "no root element";
	*line = 1;
	for (const char *c = doc; c < x.p; c++)
		*line += *c == '\n';
	return why;
}

/* One golden case: NAME.json -> NAME.xml or NAME.err. */
static void
golden(const char *name, int regen)
{
	GR_AUTOFREE char *jpath = gr_xasprintf(GOLDEN "/%s.json", name);
	GR_AUTOFREE char *xpath = gr_xasprintf(GOLDEN "/%s.xml", name);
	GR_AUTOFREE char *epath = gr_xasprintf(GOLDEN "/%s.err", name);
	GR_AUTOFREE char *got = NULL;
	GR_AUTOFREE char *desc = NULL;
	const char *path, *stale, *why;
	json_error_t jerr;
	struct vm_spec s;
	json_t *j = json_load_file(jpath, 0, &jerr);
	int line, refused;

	if (j == NULL) {
		CHECK(0, name);
		printf("#   %s:%d: %s\n", jpath, jerr.line, jerr.text);
		return;
	}
	refused = vm_spec_from_json(j, &s) < 0;
	json_decref(j);
	if (refused) {
		got = gr_xasprintf("%s\n", gr_err_msg());
		path = epath, stale = xpath;
	} else {
		got = vm_xml(&s);
		vm_spec_free(&s);
		path = xpath, stale = epath;
	}
	golden_check(name, path, stale, got, regen);
	if (refused) {
		desc = gr_xasprintf("%s: a bad request, nothing kept", name);
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST && s.name == NULL &&
		    s.nnics == 0, desc);
		return;
	}
	desc = gr_xasprintf("%s: well-formed", name);
	why = xml_problem(got, &line);
	CHECK(why == NULL, desc);
	if (why)
		printf("#   line %d: %s\n", line, why);
}

/* The writer escapes every string of a spec, even one that bypassed the
 * checks of vm_spec_from_json. */
static void
escapes_everything(void)
{
	char evil[] = "<x a=\"1\" b='2'>&amp;</x>";
	struct vm_spec s = {
		.uuid = "<&>", .name = evil, .display_name = evil,
		.flavor_name = evil, .vcpus = 1, .memory_mb = 16,
		.disk_path = evil, .disk_format = evil, .disk_bus = evil,
		.config_drive = evil, .console_log = evil, .virt_type = evil,
		.nics = { { .mac = "'\"", .bridge = evil, .model = evil,
		    .tap = evil, .mtu = 1500 } },
		.nnics = 1,
	};
	GR_AUTOFREE char *xml = vm_xml(&s);
	int line;

	CHECK(xml_problem(xml, &line) == NULL && strstr(xml, "<x") == NULL,
	    "metacharacters in every field are escaped");
}

/* The well-formedness check itself catches what it should. */
static void
checker_catches(void)
{
	static const char *const bad[] = { "<a><b></a></b>", "<a b='<'/>",
	    "<a>&nbsp;</a>", "<a/><b/>", "<a>", "<a b=c/>", "x<a/>",
	    "<a></a>x", "<a b='1'c='2'/>", "<a b='1", "<a", "</a>", "<a/",
	    "<!-- c --><a/>", "<a>\x01</a>", "", NULL };
	int line, caught = 0, n = 0;

	for (; bad[n]; n++)
		caught += xml_problem(bad[n], &line) != NULL;
	CHECK(caught == n && xml_problem("<a b='&lt;'>\n <c/>t&amp;</a>\n",
	    &line) == NULL, "the well-formedness check tells good from bad");
}

/*
 * The boot spec's nics (compute-agent/boot_spec.c), which become the
 * ethernet NICs above: a good list is kept in order, and each bad one is
 * refused naming its field, the spec then holding nothing.
 */
#define SPEC_HEAD "{\"id\":\"6f1c2a44-0b7e-4c1d-9a0e-2f3b4c5d6e7f\"," \
	"\"name\":\"vm1\",\"vcpus\":1,\"memory_mb\":128,\"disk_gb\":1," \
	"\"image_id\":\"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\",\"nics\":"
#define NIC1 "{\"port_id\":\"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\"," \
	"\"mac\":\"fa:16:3e:12:34:56\",\"tap\":\"tap1a2b3c4d-5e\",\"mtu\":1450}"
#define NIC2 "{\"port_id\":\"9f8e7d6c-5b4a-4321-8fed-cba987654321\"," \
	"\"mac\":\"fa:16:3e:65:43:21\",\"tap\":\"tap9f8e7d6c-5b\",\"mtu\":9000}"

/* Parses SPEC_HEAD nics "}"; 0 or -1 as boot_spec_parse. */
static int
parse_nics(const char *nics, struct boot_spec *s)
{
	GR_AUTOFREE char *text = gr_xasprintf(SPEC_HEAD "%s}", nics);
	json_t *j = json_loads(text, 0, NULL);
	int ret;

	if (j == NULL) {
		printf("#   not JSON: %s\n", text);
		memset(s, 0, sizeof(*s));
		return -1;
	}
	ret = boot_spec_parse(j, s);
	json_decref(j);
	return ret;
}

static void
boot_spec_nics(void)
{
	static const struct { const char *nics, *field; } bad[] = {
		{ "{}", "'nics' must be a list" },
		{ "[1]", "'nics[0]' must be an object" },
		{ "[{\"port_id\":\"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\"}]",
		    "'nics[0].mac' is required" },
		{ "[{\"port_id\":\"1A2B3C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D\"}]",
		    "'nics[0].port_id' must be a lower-case UUID" },
		{ "[" NIC1 ",{\"port_id\":\"9f8e7d6c-5b4a-4321-8fed-"
		    "cba987654321\",\"mac\":\"FA:16:3E:65:43:21\"}]",
		    "'nics[1].mac' must be a lower-case unicast" },
		{ "[{\"port_id\":\"9f8e7d6c-5b4a-4321-8fed-cba987654321\","
		    "\"mac\":\"fb:16:3e:65:43:21\"}]", "'nics[0].mac'" },
		{ "[{\"port_id\":\"9f8e7d6c-5b4a-4321-8fed-cba987654321\","
		    "\"mac\":\"fa:16:3e:65:43:21\",\"tap\":\"tap1a2b3c4d-5e\","
		    "\"mtu\":1450}]", "'nics[0].tap' must be 'tap9f8e7d6c-5b'" },
		{ "[{\"port_id\":\"9f8e7d6c-5b4a-4321-8fed-cba987654321\","
		    "\"mac\":\"fa:16:3e:65:43:21\",\"tap\":\"tap9f8e7d6c-5b\","
		    "\"mtu\":67}]", "'nics[0].mtu' must be an integer from 68" },
		{ "[{\"port_id\":\"9f8e7d6c-5b4a-4321-8fed-cba987654321\","
		    "\"mac\":\"fa:16:3e:65:43:21\",\"tap\":\"tap9f8e7d6c-5b\","
		    "\"mtu\":\"1500\"}]", "'nics[0].mtu'" },
		{ "[{\"port_id\":\"9f8e7d6c-5b4a-4321-8fed-cba987654321\","
		    "\"mac\":\"fa:16:3e:65:43:21\",\"tap\":\"tap9f8e7d6c-5b\","
		    "\"mtu\":1500,\"bridge\":\"brq1\"}]",
		    "nics[0] has an unknown field 'bridge'" },
		{ "[" NIC1 "," NIC1 "]", "'nics[1]' has the port or MAC" },
		{ "[" NIC1 "," NIC2 "," NIC2 "," NIC2 "," NIC2 "," NIC2 "," NIC2
		    "," NIC2 "," NIC2 "]", "'nics' has 9 entries" },
	};
	struct boot_spec s;
	int ok;

	ok = parse_nics("[" NIC1 "," NIC2 "]", &s) == 0 && s.nnics == 2 &&
	    strcmp(s.nics[0].tap, "tap1a2b3c4d-5e") == 0 &&
	    strcmp(s.nics[1].mac, "fa:16:3e:65:43:21") == 0 &&
	    strcmp(s.nics[1].port_id, "9f8e7d6c-5b4a-4321-8fed-cba987654321")
	    == 0 && s.nics[0].mtu == 1450 && s.nics[1].mtu == 9000;
	CHECK(ok, "boot spec: two nics are kept in order");
	boot_spec_free(&s);
	ok = parse_nics("[]", &s) == 0 && s.nnics == 0;
	CHECK(ok, "boot spec: an empty nics list is no NIC");
	boot_spec_free(&s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		GR_AUTOFREE char *desc = gr_xasprintf("boot spec: %s",
		    bad[i].field);

		ok = parse_nics(bad[i].nics, &s) < 0 &&
		    gr_err_code() == GR_ERR_BAD_REQUEST &&
		    strstr(gr_err_msg(), bad[i].field) != NULL &&
		    s.nnics == 0 && s.name == NULL;
		CHECK(ok, desc);
		if (!ok)
			printf("#   %s\n", gr_err_msg());
		boot_spec_free(&s);
	}
}

int
main(void)
{
	golden_each(GOLDEN, golden);

	struct vm_spec s;
	json_t *one = json_integer(1);
	CHECK(vm_spec_from_json(one, &s) < 0 &&
	    gr_err_code() == GR_ERR_BAD_REQUEST, "a spec that is no object "
	    "is refused");
	json_decref(one);
	vm_spec_free(NULL);
	vm_spec_free(&s);
	escapes_everything();
	checker_catches();
	boot_spec_nics();
	GR_TEST_END();
}
