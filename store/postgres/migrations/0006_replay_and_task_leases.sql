-- Replay detection and background tasks across replicas. seen_signatures
-- holds the SHA-256 digest of every signature the inbox verified (never
-- the signature itself) until its Date's window ends, so that a signed
-- request replayed to any replica is refused; expired rows are pruned in
-- batches (by until). task_leases names the replica doing each background
-- task that one replica does for all (follower counts, ownership checks,
-- relay subscriptions, profile announcements) and the end of its lease.

CREATE TABLE seen_signatures (
    digest bytea PRIMARY KEY CHECK (length(digest) = 32),
    until  timestamptz NOT NULL
);
CREATE INDEX seen_signatures_until ON seen_signatures (until);

CREATE TABLE task_leases (
    name  text COLLATE "C" PRIMARY KEY CHECK (name <> ''),
    owner text COLLATE "C" NOT NULL,
    until timestamptz
);
