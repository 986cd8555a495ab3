-- The client API (packages oauth and clientapi): registered apps,
-- authorization codes and access tokens (both keyed by the SHA-256 of the
-- secret, never the secret), the users the operator issues, and the audit
-- log. Records are kept whole as JSON, as the bbolt store keeps them; the
-- columns beside them are what the queries select on.

CREATE TABLE oauth_apps (
	client_id text COLLATE "C" PRIMARY KEY CHECK (client_id <> ''),
	body      jsonb NOT NULL
);

CREATE TABLE oauth_codes (
	hash    bytea PRIMARY KEY,
	expires timestamptz,
	body    jsonb NOT NULL
);

CREATE TABLE oauth_tokens (
	hash       bytea PRIMARY KEY,
	who_kind   text NOT NULL DEFAULT '',
	who_name   text NOT NULL DEFAULT '',
	body       jsonb NOT NULL
);
CREATE INDEX oauth_tokens_who ON oauth_tokens (who_kind, who_name);

CREATE TABLE webcare_users (
	name text COLLATE "C" PRIMARY KEY CHECK (name <> ''),
	body jsonb NOT NULL
);

CREATE TABLE audit (
	seq  bigserial PRIMARY KEY,
	at   timestamptz NOT NULL,
	body jsonb NOT NULL
);
CREATE INDEX audit_at ON audit (at, seq);
