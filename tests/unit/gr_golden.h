/*
 * gr_golden.h - golden-file comparisons for the unit tests: a generated
 * text is compared byte for byte with DIR/NAME.EXT, and
 * GR_TEST_REGENERATE=1 rewrites the files instead (review those diffs
 * like code). Used by test_vm_xml (tests/domxml), test_nft (tests/nft)
 * and test_dhcp (tests/dnsmasq). Include after gr_test.h.
 */
#ifndef GR_GOLDEN_H
#define GR_GOLDEN_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The whole file as a string, or NULL if it cannot be read. */
static char *
golden_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (cap - len < 4096)
			s = realloc(s, cap = cap * 2 + 4096);
		n = fread(s + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	s[len] = '\0';
	fclose(f);
	return s;
}

static void
golden_spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fputs(s, f) == EOF || fclose(f) == EOF)
		printf("#   cannot write %s\n", path);
}

/* Where got and want first differ, line by line, for the failure report. */
static void
golden_diff_hint(const char *path, const char *got, const char *want)
{
	const char *g = got, *w = want;
	int line = 1;

	if (want == NULL) {
		printf("#   no %s; GR_TEST_REGENERATE=1 writes it\n", path);
		return;
	}
	for (; *g && *g == *w; g++, w++) {
		if (*g == '\n') {
			line++;
			got = g + 1;
			want = w + 1;
		}
	}
	printf("#   %s differs from line %d:\n", path, line);
	printf("#   got:    %.*s\n", (int)strcspn(got, "\n"), got);
	printf("#   wanted: %.*s\n", (int)strcspn(want, "\n"), want);
	printf("#   GR_TEST_REGENERATE=1 rewrites it (then review git diff)\n");
}

/*
 * Checks got against the file at path (rewrites it when regen), and that
 * the file at stale, the other outcome's (NAME.err beside NAME.xml), is
 * absent (removed when regen; NULL: none). Returns 1 when it held.
 */
static int
golden_check(const char *desc, const char *path, const char *stale,
    const char *got, int regen)
{
	char *want;
	int same;

	if (regen) {
		golden_spit(path, got);
		if (stale)
			unlink(stale);
		CHECK(1, desc);
		return 1;
	}
	want = golden_slurp(path);
	same = want && strcmp(got, want) == 0;
	CHECK(same && (stale == NULL || access(stale, F_OK) < 0), desc);
	if (!same)
		golden_diff_hint(path, got, want);
	else if (stale && access(stale, F_OK) == 0)
		printf("#   %s is stale: remove it\n", stale);
	free(want);
	return same;
}

static int
golden_is_json(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

static int
golden_by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Calls fn(NAME, regen) for each DIR/NAME.json, in name order; returns
 * how many there were (a CHECK fails when none). */
static int
golden_each(const char *dir, void (*fn)(const char *name, int regen))
{
	int regen = getenv("GR_TEST_REGENERATE") != NULL;
	struct dirent **ents;
	int n = scandir(dir, &ents, golden_is_json, golden_by_name);
	char desc[256];

	snprintf(desc, sizeof(desc), "golden files are found in %s", dir);
	CHECK(n > 0, desc);
	for (int i = 0; i < n; i++) {
		ents[i]->d_name[strlen(ents[i]->d_name) - 5] = '\0';
		fn(ents[i]->d_name, regen);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return n;
}

#endif
