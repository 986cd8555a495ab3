-- Herald's schema: a table for each concern of the store, as the bbolt
-- store has a bucket for each (see package store). Text columns that are
-- keys or sort orders use the "C" collation, so that they sort by bytes as
-- bbolt's keys do, whatever the database's locale. Keys that bbolt requires
-- to be non-empty are checked to be. Times are timestamptz (microseconds)
-- and NULL for Go's zero time, except outbox positions, which keep the
-- nanoseconds that keep them unique.

-- actor_keys: an account's private key (sealed as the store gets it) under
-- its handle, and kept keys under other names (a rotation's previous key).
CREATE TABLE actor_keys (
    name text COLLATE "C" PRIMARY KEY CHECK (name <> ''),
    key  bytea NOT NULL
);

-- feeds: store.FeedState as JSON, rewritten by every poll.
CREATE TABLE feeds (
    handle text COLLATE "C" PRIMARY KEY CHECK (handle <> ''),
    state  jsonb NOT NULL
);

-- items: store.SeenItem, one per feed item made into a post.
CREATE TABLE items (
    handle    text COLLATE "C" NOT NULL CHECK (handle <> ''),
    key       text COLLATE "C" NOT NULL CHECK (key <> ''),
    object_id text NOT NULL,
    hash      text NOT NULL,
    published timestamptz,
    updated   timestamptz,
    version   integer NOT NULL,
    deleted   timestamptz,
    link      text NOT NULL,
    PRIMARY KEY (handle, key)
);

-- documents: objects and activities, stored once, as they are sent.
CREATE TABLE documents (
    id   text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    body bytea NOT NULL
);

-- tombstones: a deleted object's Tombstone (body), and the ids of the
-- activities that carried it, which answer with the same (alias_of).
CREATE TABLE tombstones (
    id       text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    body     bytea,
    alias_of text COLLATE "C",
    CHECK ((body IS NULL) <> (alias_of IS NULL))
);

-- outbox: an account's activities by position (nanoseconds since the
-- epoch, unique per account: Outbox pages by it).
CREATE TABLE outbox (
    handle      text COLLATE "C" NOT NULL CHECK (handle <> ''),
    at_ns       bigint NOT NULL,
    activity_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (handle, at_ns)
);
CREATE INDEX outbox_activity ON outbox (handle, activity_id);

-- scheduled: posts held until their date (post is store.Post as JSON).
CREATE TABLE scheduled (
    handle   text COLLATE "C" NOT NULL CHECK (handle <> ''),
    item_key text COLLATE "C" NOT NULL CHECK (item_key <> ''),
    due      timestamptz NOT NULL,
    post     jsonb NOT NULL,
    PRIMARY KEY (handle, item_key)
);

-- followers: store.Follower of each account (and of the relay actor,
-- store.RelayHandle).
CREATE TABLE followers (
    handle       text COLLATE "C" NOT NULL CHECK (handle <> ''),
    id           text COLLATE "C" NOT NULL CHECK (id <> ''),
    inbox        text COLLATE "C" NOT NULL,
    shared_inbox text COLLATE "C" NOT NULL,
    follow_id    text NOT NULL,
    since        timestamptz,
    PRIMARY KEY (handle, id)
);
CREATE INDEX followers_of ON followers (id);
CREATE INDEX followers_inbox ON followers (handle, inbox);
CREATE INDEX followers_shared_inbox ON followers (handle, shared_inbox) WHERE shared_inbox <> '';

-- follower_history: one follower count per account and day.
CREATE TABLE follower_history (
    handle text COLLATE "C" NOT NULL CHECK (handle <> ''),
    day    date NOT NULL,
    count  integer NOT NULL,
    PRIMARY KEY (handle, day)
);

-- jobs: the delivery queue, one row per (activity, inbox) to deliver;
-- the activity's body is in documents. Due jobs are read by next_attempt.
CREATE TABLE jobs (
    activity_id  text COLLATE "C" NOT NULL CHECK (activity_id <> ''),
    inbox        text COLLATE "C" NOT NULL,
    handle       text COLLATE "C" NOT NULL,
    attempts     integer NOT NULL,
    next_attempt timestamptz NOT NULL,
    last_error   text NOT NULL,
    created      timestamptz NOT NULL,
    sign_with    text COLLATE "C" NOT NULL,
    PRIMARY KEY (activity_id, inbox)
);
CREATE INDEX jobs_due ON jobs (next_attempt, activity_id, inbox);
CREATE INDEX jobs_handle ON jobs (handle, next_attempt);

-- activity_stats: store.ActivityStats, the delivery counts of an activity.
CREATE TABLE activity_stats (
    activity_id text COLLATE "C" PRIMARY KEY CHECK (activity_id <> ''),
    queued      integer NOT NULL,
    delivered   integer NOT NULL,
    failed      integer NOT NULL,
    last_error  text NOT NULL
);

-- hosts: store.HostState, the delivery workers' view of a remote host.
CREATE TABLE hosts (
    host         text COLLATE "C" PRIMARY KEY CHECK (host <> ''),
    state        text NOT NULL,
    failures     integer NOT NULL,
    last_error   text NOT NULL,
    last_failure timestamptz,
    last_success timestamptz,
    held_until   timestamptz,
    cooldown     interval NOT NULL
);

-- relays: store.Relay, one per configured relay (by its URL).
CREATE TABLE relays (
    url        text COLLATE "C" PRIMARY KEY CHECK (url <> ''),
    flavour    text NOT NULL,
    inbox      text COLLATE "C" NOT NULL,
    actor_id   text COLLATE "C" NOT NULL,
    follow_id  text COLLATE "C" NOT NULL,
    state      text NOT NULL,
    since      timestamptz,
    subscribed timestamptz,
    last_error text NOT NULL
);
CREATE INDEX relays_follow ON relays (follow_id) WHERE follow_id <> '';

-- interactions: store.Interaction, likes, boosts and replies on posts. A
-- remote actor likes or boosts a post at most once.
CREATE TABLE interactions (
    id        text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    kind      text COLLATE "C" NOT NULL,
    actor     text COLLATE "C" NOT NULL CHECK (actor <> ''),
    object    text COLLATE "C" NOT NULL CHECK (object <> ''),
    content   text NOT NULL,
    url       text NOT NULL,
    published timestamptz,
    received  timestamptz
);
CREATE INDEX interactions_on ON interactions (object, kind, id);
CREATE INDEX interactions_by ON interactions (actor, object, kind, id);
CREATE UNIQUE INDEX interactions_once ON interactions (actor, object, kind) WHERE kind <> 'reply';

-- remote_actors and remote_keys: the cache of remote actors, and which
-- actor a key id was last seen on.
CREATE TABLE remote_actors (
    id             text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    inbox          text NOT NULL,
    shared_inbox   text NOT NULL,
    key_id         text COLLATE "C" NOT NULL,
    public_key_pem text NOT NULL,
    fetched_at     timestamptz
);
CREATE TABLE remote_keys (
    key_id   text COLLATE "C" PRIMARY KEY CHECK (key_id <> ''),
    actor_id text COLLATE "C" NOT NULL
);

-- flags: store.Flag, reports received.
CREATE TABLE flags (
    id       text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    actor    text COLLATE "C" NOT NULL,
    objects  text[] NOT NULL,
    content  text NOT NULL,
    received timestamptz
);
CREATE INDEX flags_by ON flags (actor);

-- pings: store.Ping, the last change notification of each feed.
CREATE TABLE pings (
    handle text COLLATE "C" PRIMARY KEY CHECK (handle <> ''),
    at     timestamptz,
    via    text NOT NULL,
    source text NOT NULL
);

-- paused: feeds whose polling is paused, since when.
CREATE TABLE paused (
    handle text COLLATE "C" PRIMARY KEY CHECK (handle <> ''),
    since  timestamptz NOT NULL
);

-- websub: store.Subscription, each feed's WebSub subscription.
CREATE TABLE websub (
    handle        text COLLATE "C" PRIMARY KEY CHECK (handle <> ''),
    hub           text NOT NULL,
    topic         text NOT NULL,
    secret        text NOT NULL,
    state         text NOT NULL,
    requested     timestamptz,
    lease_seconds integer NOT NULL,
    lease_until   timestamptz
);

-- ownership: store.Ownership, each account's site ownership check.
CREATE TABLE ownership (
    handle      text COLLATE "C" PRIMARY KEY CHECK (handle <> ''),
    token       text NOT NULL,
    verified    boolean NOT NULL,
    method      text NOT NULL,
    verified_at timestamptz,
    last_check  timestamptz,
    last_error  text NOT NULL
);
