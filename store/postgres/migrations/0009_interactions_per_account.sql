-- A post for several of Herald's accounts (a mention of two, a reply to
-- one that mentions another) is recorded once for each: interactions are
-- keyed by their id and the object they are on, no longer the id alone.
-- Likes and boosts keep one row per id.
ALTER TABLE interactions DROP CONSTRAINT interactions_pkey;
ALTER TABLE interactions ADD PRIMARY KEY (id, object);
CREATE UNIQUE INDEX interactions_id_once ON interactions (id) WHERE kind NOT IN ('reply', 'mention');
