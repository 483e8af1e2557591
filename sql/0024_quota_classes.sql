-- 0024_quota_classes.sql: quota classes (os-quota-class-sets). The
-- 'default' class's limits replace the built-in defaults of every project
-- without an override of its own; other classes are kept and shown, and
-- apply to no project, as in Nova.
CREATE TABLE quota_classes (
	class_name	text NOT NULL CHECK (length(class_name) BETWEEN 1 AND 255),
	resource	text NOT NULL,
	hard_limit	bigint NOT NULL CHECK (hard_limit >= -1),
	PRIMARY KEY (class_name, resource)
);
