-- 0013_image_members.sql: image sharing, as Glance's image members. The
-- owner of a 'shared' image adds projects; each member project accepts or
-- rejects it (pending until then). A member sees the image whatever its
-- status; its image list shows the accepted ones unless it asks for others.
CREATE TABLE image_members (
	image_id	text NOT NULL REFERENCES images (id) ON DELETE CASCADE,
	member		text NOT NULL,		-- a project id
	status		text NOT NULL DEFAULT 'pending' CHECK (status IN
			    ('pending', 'accepted', 'rejected')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (image_id, member)
);
CREATE INDEX image_members_member ON image_members (member, status);
