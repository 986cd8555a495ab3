-- scheduled_statuses: store.ScheduledStatus, posts scheduled in Mastodon
-- apps (body), by their client API id, until they are published or
-- cancelled; the columns beside it are what queries select on.
CREATE TABLE scheduled_statuses (
    id           bigint PRIMARY KEY CHECK (id > 0),
    handle       text COLLATE "C" NOT NULL CHECK (handle <> ''),
    scheduled_at timestamptz NOT NULL,
    body         jsonb NOT NULL
);
CREATE INDEX scheduled_statuses_of ON scheduled_statuses (handle, id);
CREATE INDEX scheduled_statuses_due ON scheduled_statuses (scheduled_at);
