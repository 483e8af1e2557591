/* node.c - see node.h. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <unistd.h>

#include "boot_spec.h"
#include "gr_err.h"
#include "gr_util.h"
#include "node.h"

int
node_check_id(const char *id)
{
	if (!boot_spec_is_uuid(id)) {
		gr_error(GR_ERR_BAD_REQUEST, "'%.40s' is not an instance id.", id);
		return -1;
	}
	return 0;
}

char *
node_inst_dir(const struct node_ctx *ctx, const char *id)
{
	return gr_xasprintf("%s/%s", ctx->dir, id);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void
node_rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
