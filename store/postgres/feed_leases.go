package postgres

// Feed leases (feed_leases), the last fetch that pings caused for each
// feed (ping_fetches), and announcements of feed changes to every replica
// through PostgreSQL's LISTEN/NOTIFY on the channel feedChannel (see
// package store, feed_leases.go).

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// feedChannel is the NOTIFY channel of AnnounceFeed; the payload is the
// feed's handle.
const feedChannel = "herald_feeds"

// ClaimFeed gives owner the lease of handle's feed until until when no
// one holds it at now (never claimed, released, or the lease ended) or
// owner holds it already (a renewal). It returns the lease as it is
// afterwards, which is owner's when the claim succeeded, and the owner
// whose ended lease was taken over ("" when none was).
func (s *Store) ClaimFeed(handle, owner string, now, until time.Time) (lease store.FeedLease, takenFrom string, err error) {
	lease, takenFrom, err = s.claimLease("feed_leases", "handle", handle, owner, now, until)
	if err != nil {
		return store.FeedLease{}, "", fmt.Errorf("claim the feed of %s: %w", handle, err)
	}
	return lease, takenFrom, nil
}

// claimLease decides owner's claim on the lease keyed key in table
// (feed_leases by handle, task_leases by name), as ClaimFeed and
// ClaimTask describe. The lease's row is locked while it is decided, so
// two replicas never both get it. table and column are Herald's own
// names, never input.
func (s *Store) claimLease(table, column, key, owner string, now, until time.Time) (lease store.Lease, takenFrom string, err error) {
	insert := fmt.Sprintf("INSERT INTO %s (%s, owner) VALUES ($1, '') ON CONFLICT DO NOTHING", table, column)
	lock := fmt.Sprintf("SELECT owner, until FROM %s WHERE %s = $1 FOR UPDATE", table, column)
	take := fmt.Sprintf("UPDATE %s SET owner = $2, until = $3 WHERE %s = $1", table, column)
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		takenFrom = ""
		if _, err := tx.Exec(ctx, insert, key); err != nil {
			return err
		}
		var held *time.Time
		if err := tx.QueryRow(ctx, lock, key).Scan(&lease.Owner, &held); err != nil {
			return err
		}
		lease.Until = fromTS(held)
		if lease.Owner != owner && lease.Owner != "" {
			if !lease.Until.Before(now) {
				return nil // another replica's
			}
			takenFrom = lease.Owner
		}
		lease = store.Lease{Owner: owner, Until: until}
		_, err := tx.Exec(ctx, take, key, owner, until)
		return err
	})
	return lease, takenFrom, err
}

// RenewFeeds moves the end of every lease that owner holds on a feed and
// that has not ended at now to until, and returns how many it renewed.
func (s *Store) RenewFeeds(owner string, now, until time.Time) (int, error) {
	tag, err := s.exec("UPDATE feed_leases SET until = $3 WHERE owner = $1 AND until >= $2", owner, now, until)
	if err != nil {
		return 0, fmt.Errorf("renew the feed leases of %s: %w", owner, err)
	}
	return int(tag.RowsAffected()), nil
}

// ReleaseFeeds gives up every feed lease of owner and returns the handles
// of those feeds, so that another replica can take them over at once.
func (s *Store) ReleaseFeeds(owner string) ([]string, error) {
	var handles []string
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "UPDATE feed_leases SET owner = '', until = NULL WHERE owner = $1 RETURNING handle", owner)
		if err != nil {
			return err
		}
		handles, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("release the feed leases of %s: %w", owner, err)
	}
	return handles, nil
}

// TakePingFetch decides whether a ping for handle at now causes a fetch:
// it does (took) when the last fetch caused by a ping, by any replica, is
// at least interval old; then now becomes the last. It returns the last
// such fetch's time afterwards. The decision is one statement on the
// feed's row, so of two replicas deciding at once one takes it.
func (s *Store) TakePingFetch(handle string, now time.Time, interval time.Duration) (last time.Time, took bool, err error) {
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO ping_fetches AS p (handle, at) VALUES ($1, $2)
			ON CONFLICT (handle) DO UPDATE SET at = excluded.at WHERE p.at <= $3
			RETURNING at`, handle, now, now.Add(-interval)).Scan(&last)
		took = err == nil
		if notFound(err) {
			err = tx.QueryRow(ctx, "SELECT at FROM ping_fetches WHERE handle = $1", handle).Scan(&last)
		}
		return err
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("ping fetch of %s: %w", handle, err)
	}
	return last.UTC(), took, nil
}

// AnnounceFeed tells every listener (ListenFeeds), this process's and
// other replicas', that handle's feed should be polled now.
func (s *Store) AnnounceFeed(handle string) error {
	ctx, cancel := s.op()
	defer cancel()
	if _, err := s.pool.Exec(ctx, "SELECT pg_notify($1, $2)", feedChannel, handle); err != nil {
		return fmt.Errorf("announce the feed of %s: %w", handle, err)
	}
	return nil
}

// ListenFeeds calls fn with the handle of every feed announced
// (AnnounceFeed) until ctx ends, on a connection of its own (outside the
// pool); fn("") tells that it listens, and announcements made before may
// have been missed. It returns ctx's error when ctx ends, or the error
// that broke the connection: the caller may call it again. fn must not
// block.
func (s *Store) ListenFeeds(ctx context.Context, fn func(handle string)) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("listen for feed announcements: %w", err)
	}
	defer func() {
		closing, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = conn.Close(closing)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+feedChannel); err != nil {
		return fmt.Errorf("listen for feed announcements: %w", err)
	}
	fn("")
	for {
		n, err := conn.WaitForNotification(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return fmt.Errorf("listen for feed announcements: %w", err)
		}
		fn(n.Payload)
	}
}
