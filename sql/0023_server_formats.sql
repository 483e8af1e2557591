-- 0023_server_formats.sql: what servers show from later microversions.
-- tags (2.26): at most 50 strings, kept in the order given without
-- repeats. reservation_id and launch_index (2.3): the create request an
-- instance came from ("r-" and eight characters, shared by the instances
-- of one request) and its place in it. hostname (2.3): the guest's host
-- name, made from the name at create as the config drive gives it, kept
-- when the server is renamed (as Nova). root_device_name (2.3): where
-- the guest sees its disk, from the disk bus.
ALTER TABLE instances
	ADD COLUMN tags jsonb NOT NULL DEFAULT '[]'
		CHECK (jsonb_typeof(tags) = 'array' AND
		    jsonb_array_length(tags) <= 50),
	ADD COLUMN reservation_id text,
	ADD COLUMN launch_index integer NOT NULL DEFAULT 0,
	ADD COLUMN hostname text,
	ADD COLUMN root_device_name text;
