-- Interactions per account and markers (issue 15, the client API's fourth part).
--
-- A post for several of Herald's accounts (a mention of two, a reply to
-- one that mentions another) is recorded once for each: interactions are
-- keyed by their id and the object they are on, no longer the id alone.
-- Likes and boosts keep one row per id.
ALTER TABLE interactions DROP CONSTRAINT interactions_pkey;
ALTER TABLE interactions ADD PRIMARY KEY (id, object);
CREATE UNIQUE INDEX interactions_id_once ON interactions (id) WHERE kind NOT IN ('reply', 'mention');

-- The account an interaction is for (store.InteractionAccount: a
-- mention's object, else the post's id before "/posts/"), so that an
-- account's notifications are read a page at a time, by the time they
-- were received (InteractionsFor).
ALTER TABLE interactions ADD COLUMN account text COLLATE "C" GENERATED ALWAYS AS (
    CASE WHEN strpos(object, '/posts/') > 0 THEN left(object, strpos(object, '/posts/') - 1) ELSE object END
) STORED;
CREATE INDEX interactions_for ON interactions (account, received, id, object) WHERE received IS NOT NULL;

-- markers: store.Marker, where an account's team last read a timeline
-- in the client API (Mastodon's markers).
CREATE TABLE markers (
    handle       text COLLATE "C" NOT NULL CHECK (handle <> ''),
    timeline     text COLLATE "C" NOT NULL CHECK (timeline <> ''),
    last_read_id bigint NOT NULL,
    version      integer NOT NULL,
    updated      timestamptz NOT NULL,
    PRIMARY KEY (handle, timeline)
);
