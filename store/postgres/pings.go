package postgres

import (
	"fmt"
	"time"

	"herald/store"
)

// RecordPing stores p as handle's last ping.
func (s *Store) RecordPing(handle string, p store.Ping) error {
	ctx, cancel := s.op()
	defer cancel()
	_, err := s.pool.Exec(ctx, `INSERT INTO pings (handle, at, via, source) VALUES ($1, $2, $3, $4)
		ON CONFLICT (handle) DO UPDATE SET at = excluded.at, via = excluded.via, source = excluded.source`,
		handle, ts(p.At), p.Via, p.Source)
	if err != nil {
		return fmt.Errorf("record ping of %s: %w", handle, err)
	}
	return nil
}

// LastPing returns handle's last ping; found is false when none arrived yet.
func (s *Store) LastPing(handle string) (p store.Ping, found bool, err error) {
	ctx, cancel := s.op()
	defer cancel()
	var at *time.Time
	err = s.pool.QueryRow(ctx, "SELECT at, via, source FROM pings WHERE handle = $1", handle).Scan(&at, &p.Via, &p.Source)
	if notFound(err) {
		return store.Ping{}, false, nil
	}
	if err != nil {
		return store.Ping{}, false, fmt.Errorf("last ping of %s: %w", handle, err)
	}
	p.At = fromTS(at)
	return p, true, nil
}
