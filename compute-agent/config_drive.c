/* config_drive.c - see config_drive.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_drive.h"
#include "gr_cmd.h"
#include "gr_err.h"
#include "gr_util.h"
#include "node.h"

static int
write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot create '%s': %s.", path,
		    strerror(errno));
		return -1;
	}
	if (gr_write_all(fd, data, len, path) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* mkdir -p of top/openstack/latest. */
static int
make_dirs(const char *top, const char *latest)
{
	GR_AUTOFREE char *os = gr_xasprintf("%s/openstack", top);

	if ((mkdir(top, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(os, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(latest, 0755) < 0 && errno != EEXIST)) {
		gr_error(GR_ERR_SYSTEM, "Cannot create '%s': %s.", latest,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* meta_data.json, as the metadata service would answer. */
static char *
meta_data(const struct boot_spec *spec)
{
	char host[64];
	json_t *md;
	char *text;

	gr_hostname(spec->name, host);
	md = json_pack("{s:s,s:s,s:s,s:O,s:s}", "uuid", spec->id, "hostname",
	    host, "name", spec->name, "meta", spec->metadata,
	    "availability_zone", "nova");
	if (*spec->public_key)
		json_object_set_new(md, "public_keys", json_pack("{s:s}",
		    "default", spec->public_key));
	text = json_dumps(md, JSON_COMPACT);
	json_decref(md);
	return text;
}

int
cdrive_make(const char *dir, const struct boot_spec *spec, const char *iso)
{
	GR_AUTOFREE char *top = gr_xasprintf("%s/config", dir);
	GR_AUTOFREE char *latest = gr_xasprintf("%s/openstack/latest", top);
	GR_AUTOFREE char *meta = gr_xasprintf("%s/meta_data.json", latest);
	GR_AUTOFREE char *ud = gr_xasprintf("%s/user_data", latest);
	GR_AUTOFREE char *text = meta_data(spec);
	/* genisoimage, as Nova: xorriso would cost 100 ms more (it sleeps
	 * that long for its writer thread). */
	char *argv[] = { "genisoimage", "-quiet", "-R", "-J", "-V", "config-2",
	    "-o", (char *)iso, top, NULL };
	int ret = -1;

	if (make_dirs(top, latest) < 0 ||
	    write_file(meta, text, strlen(text)) < 0 ||
	    (spec->user_data && write_file(ud, spec->user_data,
	    spec->user_data_len) < 0))
		goto rm_top;
	ret = gr_cmd_run(argv, NULL);
rm_top:
	node_rm_rf(top);
	return ret;
}
