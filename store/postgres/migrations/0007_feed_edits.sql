-- The feed edits made through the admin API (POST /admin/api/feeds,
-- PATCH and DELETE /admin/api/actors/{handle}) when Herald runs on
-- PostgreSQL: every replica applies them, in the order of seq, on top of
-- its own config file, so that an edit made through any replica holds for
-- all of them (package feededits). Rows are only added.

CREATE TABLE feed_edits (
    seq     bigserial PRIMARY KEY,
    op      text COLLATE "C" NOT NULL CHECK (op IN ('add', 'update', 'remove')),
    handle  text COLLATE "C" NOT NULL CHECK (handle <> ''),
    url     text NOT NULL DEFAULT '',
    name    text NOT NULL DEFAULT '',
    summary text NOT NULL DEFAULT '',
    at      timestamptz NOT NULL
);
