/*
 * Golden-file tests for compute-agent/vm_xml.c: every tests/domxml/NAME.json
 * becomes NAME.xml (compared byte for byte), or is refused with the
 * message in NAME.err. GR_TEST_REGENERATE=1 rewrites the expected files
 * (review those diffs like code).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_err.h"
#include "gr_test.h"
#include "vm_xml.h"

#define DIR "tests/domxml"

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	s[n] = '\0';
	fclose(f);
	return s;
}

static void
spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
is_json(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

int
main(void)
{
	int regen = getenv("GR_TEST_REGENERATE") != NULL;
	struct dirent **ents;
	int n = scandir(DIR, &ents, is_json, by_name);

	CHECK(n > 0, "golden files are found in " DIR);
	for (int i = 0; i < n; i++) {
		char base[512], path[600], xmlp[600], errp[600], desc[600];
		json_error_t jerr;
		struct vm_spec s;
		json_t *j;
		char *got, *want;

		snprintf(base, sizeof(base), "%.*s", (int)strlen(ents[i]->d_name) -
		    5, ents[i]->d_name);
		snprintf(path, sizeof(path), DIR "/%s.json", base);
		snprintf(xmlp, sizeof(xmlp), DIR "/%s.xml", base);
		snprintf(errp, sizeof(errp), DIR "/%s.err", base);
		j = json_load_file(path, 0, &jerr);
		if (j == NULL) {
			snprintf(desc, sizeof(desc), "%s: the JSON parses", base);
			CHECK(0, desc);
			continue;
		}
		if (vm_spec_from_json(j, &s) < 0) {
			got = malloc(strlen(gr_err_msg()) + 2);
			sprintf(got, "%s\n", gr_err_msg());
			want = slurp(errp);
			if (regen)
				spit(errp, got);
			snprintf(desc, sizeof(desc), "%s is refused as expected", base);
		} else {
			got = vm_xml(&s);
			want = slurp(xmlp);
			if (regen)
				spit(xmlp, got);
			vm_spec_free(&s);
			snprintf(desc, sizeof(desc), "%s gives the expected XML", base);
		}
		if (regen)
			CHECK(1, desc);
		else
			CHECK_STR(got, want, desc);
		free(got);
		free(want);
		json_decref(j);
		free(ents[i]);
	}
	free(ents);
	GR_TEST_END();
}
