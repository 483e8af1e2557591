/*
 * gr_schema.h - the database schema version this build was made for: the
 * number of the newest migration in sql/. Owns nothing and cannot fail. It
 * needs neither libpq nor the migrations' SQL, so the node agents, which
 * never open the database, check the controller's version with it.
 */
#ifndef GR_SCHEMA_H
#define GR_SCHEMA_H

/* The newest migration's number (NNNN of sql/NNNN_name.sql), 0 if none. */
int gr_schema_built_version(void);

#endif
