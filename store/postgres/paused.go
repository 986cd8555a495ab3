package postgres

import (
	"fmt"
	"time"
)

// SetPaused pauses (or resumes) polling of handle's feed. The time is
// kept to the second, as the bbolt store keeps it (RFC 3339).
func (s *Store) SetPaused(handle string, paused bool, at time.Time) error {
	ctx, cancel := s.op()
	defer cancel()
	var err error
	if paused {
		_, err = s.pool.Exec(ctx, `INSERT INTO paused (handle, since) VALUES ($1, $2)
			ON CONFLICT (handle) DO UPDATE SET since = excluded.since`, handle, at.UTC().Truncate(time.Second))
	} else {
		_, err = s.pool.Exec(ctx, "DELETE FROM paused WHERE handle = $1", handle)
	}
	if err != nil {
		return fmt.Errorf("pause %s: %w", handle, err)
	}
	return nil
}

// Paused returns when handle's feed was paused; ok is false when it is not.
func (s *Store) Paused(handle string) (since time.Time, ok bool, err error) {
	ctx, cancel := s.op()
	defer cancel()
	err = s.pool.QueryRow(ctx, "SELECT since FROM paused WHERE handle = $1", handle).Scan(&since)
	if notFound(err) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("paused %s: %w", handle, err)
	}
	return since.UTC(), true, nil
}
