package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// SetMarker moves handle's marker of timeline to lastReadID at at: a new
// marker has version 0, each move adds one; the same id again changes
// nothing. It returns the marker as saved.
func (s *Store) SetMarker(handle, timeline string, lastReadID uint64, at time.Time) (store.Marker, error) {
	if handle == "" || timeline == "" || lastReadID > maxID {
		return store.Marker{}, errors.New("set marker: a handle, a timeline and an id in range are required")
	}
	var m store.Marker
	var id int64
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO markers (handle, timeline, last_read_id, version, updated) VALUES ($1, $2, $3, 0, $4)
			ON CONFLICT (handle, timeline) DO UPDATE SET last_read_id = excluded.last_read_id,
				version = markers.version + 1, updated = excluded.updated
				WHERE markers.last_read_id <> excluded.last_read_id
			RETURNING last_read_id, version, updated`, handle, timeline, int64(lastReadID), at.UTC()).Scan(&id, &m.Version, &m.Updated)
	})
	if errors.Is(err, pgx.ErrNoRows) { // the same id: nothing changed
		err = s.pool.QueryRow(context.Background(), "SELECT last_read_id, version, updated FROM markers WHERE handle = $1 AND timeline = $2",
			handle, timeline).Scan(&id, &m.Version, &m.Updated)
	}
	if err != nil {
		return store.Marker{}, fmt.Errorf("set marker %s of %s: %w", timeline, handle, err)
	}
	m.LastReadID, m.Updated = uint64(id), m.Updated.UTC()
	return m, nil
}

// Markers returns handle's markers by timeline.
func (s *Store) Markers(handle string) (map[string]store.Marker, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT timeline, last_read_id, version, updated FROM markers WHERE handle = $1", handle)
	if err != nil {
		return nil, fmt.Errorf("markers of %s: %w", handle, err)
	}
	out := map[string]store.Marker{}
	var timeline string
	var m store.Marker
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&timeline, &id, &m.Version, &m.Updated}, func() error {
		out[timeline] = store.Marker{LastReadID: uint64(id), Version: m.Version, Updated: m.Updated.UTC()}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("markers of %s: %w", handle, err)
	}
	return out, nil
}

func importMarker(ctx context.Context, tx pgx.Tx, r store.Record) error {
	m, err := value[store.Marker](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO markers (handle, timeline, last_read_id, version, updated) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (handle, timeline) DO UPDATE SET last_read_id = excluded.last_read_id, version = excluded.version,
				updated = excluded.updated`, r.Handle, r.Key, int64(m.LastReadID), m.Version, m.Updated)
	}
	return err
}

// scanMarker reads a markers row.
func scanMarker(row pgx.CollectableRow) (store.Record, error) {
	r := store.Record{Kind: store.RecordMarker}
	var m store.Marker
	var id int64
	err := row.Scan(&r.Handle, &r.Key, &id, &m.Version, &m.Updated)
	m.LastReadID, m.Updated = uint64(id), m.Updated.UTC()
	r.Value = m
	return r, err
}
