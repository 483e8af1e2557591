/* gr_schema.c - see gr_schema.h. */
#include "gr_schema.h"
#include "gr_schema_version.h"	/* generated from sql/ */

int
gr_schema_built_version(void)
{
	return GR_SCHEMA_VERSION;
}
