-- 0002_images.sql: the image catalog. Metadata here; bytes in the image
-- service's file store, one file per image named by its id.

CREATE TABLE images (
	id			text PRIMARY KEY,	-- a UUID
	name			text,
	status			text NOT NULL DEFAULT 'queued' CHECK (status IN
				    ('queued', 'saving', 'active', 'killed',
				    'deleted', 'deactivated')),
	disk_format		text,
	container_format	text,
	size			bigint,
	virtual_size		bigint,
	checksum		text,			-- md5, hex
	os_hash_algo		text,
	os_hash_value		text,			-- sha512, hex
	min_disk		integer NOT NULL DEFAULT 0,
	min_ram			integer NOT NULL DEFAULT 0,
	visibility		text NOT NULL DEFAULT 'shared' CHECK (visibility IN
				    ('public', 'private', 'shared', 'community')),
	owner			text NOT NULL,		-- project id
	protected		boolean NOT NULL DEFAULT false,
	properties		jsonb NOT NULL DEFAULT '{}',
	tags			jsonb NOT NULL DEFAULT '[]',
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX images_owner ON images (owner);
CREATE INDEX images_visibility ON images (visibility);
