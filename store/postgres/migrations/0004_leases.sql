-- Leases, so that several replicas (herald serve processes) can share the
-- database: a delivery job claimed by a replica carries its id
-- (lease_owner) and the end of its claim (lease_until); each feed is
-- polled by the replica holding its lease (feed_leases); ping_fetches
-- keeps the time of the last fetch that pings caused for each feed, so
-- that pings to any replica are coalesced as if they reached one. The
-- number 0003 is left to a migration of the client API's work.

ALTER TABLE jobs ADD COLUMN lease_owner text COLLATE "C";
ALTER TABLE jobs ADD COLUMN lease_until timestamptz;
CREATE INDEX jobs_lease ON jobs (lease_owner) WHERE lease_owner IS NOT NULL;

CREATE TABLE feed_leases (
    handle text COLLATE "C" PRIMARY KEY CHECK (handle <> ''),
    owner  text COLLATE "C" NOT NULL,
    until  timestamptz
);

CREATE TABLE ping_fetches (
    handle text COLLATE "C" PRIMARY KEY CHECK (handle <> ''),
    at     timestamptz NOT NULL
);
