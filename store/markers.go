package store

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketMarkers: handle \x00 timeline → Marker JSON.
var bucketMarkers = []byte("markers")

// RecordMarker is a Marker in a dump: Handle; Key: the timeline; Value:
// Marker.
const RecordMarker = "marker"

// Marker is where an account's team last read a timeline in the client
// API (Mastodon's markers: "home", "notifications"): the status or
// notification id read through, how many times it was moved since it was
// first saved (Mastodon's lock version), and when it was last moved.
type Marker struct {
	LastReadID uint64    `json:"last_read_id"`
	Version    int       `json:"version"`
	Updated    time.Time `json:"updated"`
}

func markerKey(handle, timeline string) []byte { return []byte(handle + "\x00" + timeline) }

// SetMarker moves handle's marker of timeline to lastReadID at at: a new
// marker has version 0, each move adds one; the same id again changes
// nothing. It returns the marker as saved.
func (s *Store) SetMarker(handle, timeline string, lastReadID uint64, at time.Time) (Marker, error) {
	if handle == "" || timeline == "" || strings.Contains(handle, "\x00") {
		return Marker{}, fmt.Errorf("set marker: a handle and a timeline are required")
	}
	var m Marker
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMarkers)
		found, err := getJSON(b, markerKey(handle, timeline), &m)
		if err != nil || found && m.LastReadID == lastReadID {
			return err
		}
		if found {
			m.Version++
		}
		m.LastReadID, m.Updated = lastReadID, at.UTC()
		return putJSON(b, markerKey(handle, timeline), m)
	})
	if err != nil {
		return Marker{}, fmt.Errorf("set marker %s of %s: %w", timeline, handle, err)
	}
	return m, nil
}

// Markers returns handle's markers by timeline.
func (s *Store) Markers(handle string) (map[string]Marker, error) {
	out := map[string]Marker{}
	prefix := []byte(handle + "\x00")
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketMarkers).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var m Marker
			if err := decodeJSON(k, v, &m); err != nil {
				return err
			}
			out[string(k[len(prefix):])] = m
		}
		return nil
	})
	return out, err
}

func dumpMarkers(tx *bolt.Tx, fn func(Record) error) error {
	return tx.Bucket(bucketMarkers).ForEach(func(k, v []byte) error {
		handle, timeline, ok := strings.Cut(string(k), "\x00")
		if !ok {
			return fmt.Errorf("markers: bad key %q", k)
		}
		_, m, err := jsonValue[Marker](k, v)
		if err != nil {
			return err
		}
		return fn(Record{Kind: RecordMarker, Handle: handle, Key: timeline, Value: m})
	})
}
