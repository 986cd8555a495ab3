-- The client API's third part (issue 15): posts scheduled in apps, and
-- what was done with conversations of direct messages.

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

-- conversation_marks: store.ConversationMark, what an account's team did
-- with a conversation of direct messages: read through a status id, hid
-- it through a status id.
CREATE TABLE conversation_marks (
    handle text COLLATE "C" NOT NULL CHECK (handle <> ''),
    id     bigint NOT NULL,
    read   bigint NOT NULL DEFAULT 0,
    hidden bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (handle, id)
);
