-- 0005_server_groups.sql: server groups (os-server-groups) and their
-- members. The scheduler places a member only on a host its group's policy
-- allows, deciding under the group's row lock (server_groups.c, sched.c).

CREATE TABLE server_groups (
	id		uuid PRIMARY KEY,
	name		text NOT NULL,
	project_id	text NOT NULL,
	user_id		text NOT NULL,
	policy		text NOT NULL
	    CHECK (policy IN ('affinity', 'anti-affinity')),
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX server_groups_project ON server_groups (project_id);

-- An instance is in one group at most. Instances are soft-deleted, so
-- servers.c removes the row when it marks one deleted; the cascades cover
-- rows removed for good.
CREATE TABLE server_group_members (
	group_id	uuid NOT NULL REFERENCES server_groups(id)
	    ON DELETE CASCADE,
	instance_id	text NOT NULL UNIQUE REFERENCES instances(id)
	    ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX server_group_members_group ON server_group_members (group_id);
