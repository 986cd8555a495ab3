package store

import "time"

// FeedEdit is one change to the feeds list made through the admin API
// while Herald runs on PostgreSQL: replicas keep their own config files,
// so the edit is kept in the database (store/postgres) and every replica
// applies the edits, in order, on top of its file (package feededits).
// The bbolt store serves one process, whose admin API edits the config
// file itself, and keeps no FeedEdits.
type FeedEdit struct {
	// Seq orders the edits; it is given by the store.
	Seq int64
	// Op is FeedEditAdd, FeedEditUpdate or FeedEditRemove.
	Op string
	// Handle names the feed.
	Handle string
	// URL, Name and Summary are the fields set: all three may be set by
	// an update (empty ones are left alone), only URL by an add.
	URL, Name, Summary string
	// At is when the edit was made.
	At time.Time
}

// The operations of a FeedEdit.
const (
	FeedEditAdd    = "add"
	FeedEditUpdate = "update"
	FeedEditRemove = "remove"
)
