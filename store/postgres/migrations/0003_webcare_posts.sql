-- The client API's second part (issue 15): mentions and direct messages
-- received, remote accounts shown, posts written in apps, and the
-- notifications dismissed.

-- interactions: a reply or mention keeps its content warning (summary),
-- its visibility and what it answers. An actor may mention an account
-- many times, as it may reply many times.
ALTER TABLE interactions
    ADD COLUMN summary     text NOT NULL DEFAULT '',
    ADD COLUMN visibility  text NOT NULL DEFAULT '',
    ADD COLUMN in_reply_to text NOT NULL DEFAULT '';
DROP INDEX interactions_once;
CREATE UNIQUE INDEX interactions_once ON interactions (actor, object, kind) WHERE kind NOT IN ('reply', 'mention');

-- remote_actors: what the client API shows of an account.
ALTER TABLE remote_actors
    ADD COLUMN username  text NOT NULL DEFAULT '',
    ADD COLUMN name      text NOT NULL DEFAULT '',
    ADD COLUMN icon      text NOT NULL DEFAULT '',
    ADD COLUMN url       text NOT NULL DEFAULT '',
    ADD COLUMN followers text NOT NULL DEFAULT '';

-- local_statuses: store.LocalStatus, posts written in Mastodon apps (body),
-- by their client API id; the columns beside it are what queries select on.
CREATE TABLE local_statuses (
    id              bigint PRIMARY KEY CHECK (id > 0),
    handle          text COLLATE "C" NOT NULL CHECK (handle <> ''),
    idempotency_key text NOT NULL,
    created         timestamptz NOT NULL,
    body            jsonb NOT NULL
);
CREATE INDEX local_statuses_of ON local_statuses (handle, id);
CREATE INDEX local_statuses_key ON local_statuses (handle, idempotency_key, created) WHERE idempotency_key <> '';

-- notification_dismissals and notification_clears: store.Dismissals, the
-- notifications dismissed one by one, and the id through which an account
-- cleared them all.
CREATE TABLE notification_dismissals (
    handle text COLLATE "C" NOT NULL CHECK (handle <> ''),
    id     bigint NOT NULL,
    PRIMARY KEY (handle, id)
);
CREATE TABLE notification_clears (
    handle  text COLLATE "C" PRIMARY KEY CHECK (handle <> ''),
    through bigint NOT NULL
);
