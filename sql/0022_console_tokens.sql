-- 0022_console_tokens.sql: the one-time tokens of remote consoles (Nova's
-- console auth tokens). Only the token's SHA-256 is kept; a token names
-- the instance and the node its console is on, lives until expires_at
-- (token_ttl, Nova's 600 s by default) and is deleted by the websocket
-- proxy in the transaction that accepts its connection, so it is used
-- once. A deleted instance takes its tokens with it.
CREATE TABLE console_tokens (
	token_hash	text PRIMARY KEY,
	instance_id	text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
	host		text NOT NULL,
	console_type	text NOT NULL CHECK (console_type IN ('serial')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL
);
CREATE INDEX console_tokens_expires ON console_tokens (expires_at);
