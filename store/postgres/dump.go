package postgres

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// dumpTimeout bounds a whole Dump, which reads every table.
const dumpTimeout = time.Hour

// Dump calls fn with every record of the kinds that the bbolt store's
// Dump yields, read back from the tables, in one repeatable-read
// transaction: a consistent snapshot. Records come as the bbolt store
// yields them, but that times are to the microsecond and come in UTC.
// Dump stops at fn's first error and returns it.
func (s *Store) Dump(fn func(store.Record) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), dumpTimeout)
	defer cancel()
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		for _, d := range tableDumps {
			if err := dumpTable(ctx, tx, d, fn); err != nil {
				return fmt.Errorf("dump %s: %w", d.kind, err)
			}
		}
		return nil
	})
}

// tableDump reads one kind of record from a table: query's rows, each
// turned into a Record by scan.
type tableDump struct {
	kind  string
	query string
	scan  func(row pgx.CollectableRow) (store.Record, error)
}

func dumpTable(ctx context.Context, tx pgx.Tx, d tableDump, fn func(store.Record) error) error {
	rows, err := tx.Query(ctx, d.query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := d.scan(rows)
		if err != nil {
			return err
		}
		r.Kind = d.kind
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

var tableDumps = []tableDump{
	{store.RecordActorKey, "SELECT name, key FROM actor_keys", keyBytes},
	{store.RecordFeed, "SELECT handle, state FROM feeds", scanFeed},
	{store.RecordItem, "SELECT handle, key, object_id, hash, published, updated, version, deleted, link FROM items", scanItemRecord},
	{store.RecordDocument, "SELECT id, body FROM documents", keyBytes},
	{store.RecordTombstone, "SELECT id, body, coalesce(alias_of, '') FROM tombstones", scanTombstone},
	{store.RecordOutbox, "SELECT handle, at_ns, activity_id FROM outbox", scanOutbox},
	{store.RecordFollower, "SELECT handle, id, inbox, shared_inbox, follow_id, since FROM followers", scanFollowerRecord},
	{store.RecordFollowerCount, "SELECT handle, day, count FROM follower_history", scanFollowerCount},
	{store.RecordJob, "SELECT " + jobColumns + " FROM jobs", scanJobRecord},
	{store.RecordActivityStats, "SELECT activity_id, queued, delivered, failed, last_error FROM activity_stats", scanStats},
	{store.RecordHost, "SELECT host, state, failures, last_error, last_failure, last_success, held_until, cooldown FROM hosts", scanHost},
	{store.RecordInteraction, "SELECT " + interactionColumns + " FROM interactions", recordOf(scanInteraction, store.InteractionRecordKey)},
	{store.RecordRelay, "SELECT " + relayColumns + " FROM relays", recordOf(scanRelay, func(r store.Relay) string { return r.URL })},
	{store.RecordRemoteActor, "SELECT " + remoteActorColumns + " FROM remote_actors", recordOf(scanRemoteActor, func(a store.RemoteActor) string { return a.ID })},
	{store.RecordRemoteKey, "SELECT key_id, actor_id FROM remote_keys", keyString},
	{store.RecordScheduled, "SELECT handle, item_key, due, post FROM scheduled", scanScheduled},
	{store.RecordPing, "SELECT handle, at, via, source FROM pings", scanPing},
	{store.RecordPaused, "SELECT handle, since FROM paused", scanPaused},
	{store.RecordSubscription, "SELECT handle, hub, topic, secret, state, requested, lease_seconds, lease_until FROM websub", scanSubscription},
	{store.RecordOwnership, "SELECT handle, token, verified, method, verified_at, last_check, last_error FROM ownership", scanOwnership},
	{store.RecordFlag, "SELECT " + flagColumns + " FROM flags", recordOf(scanFlag, func(f store.Flag) string { return f.ID })},
	{store.RecordOAuthApp, "SELECT client_id, body FROM oauth_apps", scanBody[store.OAuthApp]},
	{store.RecordOAuthCode, "SELECT hash, body FROM oauth_codes", scanHashBody[store.OAuthCode]},
	{store.RecordOAuthToken, "SELECT hash, body FROM oauth_tokens", scanHashBody[store.OAuthToken]},
	{store.RecordWebcareUser, "SELECT name, body FROM webcare_users", scanBody[store.WebcareUser]},
	{store.RecordAudit, "SELECT seq::text, body FROM audit", scanBody[store.AuditEntry]},
	{store.RecordStatus, "SELECT id::text, body FROM local_statuses", scanBody[store.LocalStatus]},
	{store.RecordDismissal, "SELECT handle, id FROM notification_dismissals", scanDismissal},
	{store.RecordCleared, "SELECT handle, through FROM notification_clears", scanCleared},
	{store.RecordScheduledStatus, "SELECT id::text, body FROM scheduled_statuses", scanBody[store.ScheduledStatus]},
	{store.RecordConversationMark, "SELECT handle, id, read, hidden FROM conversation_marks", scanConversationMark},
	{store.RecordMarker, "SELECT handle, timeline, last_read_id, version, updated FROM markers", scanMarker},
}

// recordOf makes a record scanner of a value scanner and the value's key.
func recordOf[T any](scan func(pgx.CollectableRow) (T, error), key func(T) string) func(pgx.CollectableRow) (store.Record, error) {
	return func(row pgx.CollectableRow) (store.Record, error) {
		v, err := scan(row)
		return store.Record{Key: key(v), Value: v}, err
	}
}

func keyBytes(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var b []byte
	err := row.Scan(&r.Key, &b)
	r.Value = orEmpty(b)
	return r, err
}

func keyString(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var v string
	err := row.Scan(&r.Key, &v)
	r.Value = v
	return r, err
}

func scanFeed(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var raw []byte
	if err := row.Scan(&r.Key, &raw); err != nil {
		return r, err
	}
	st, err := feedStateJSON(raw)
	r.Value = st
	return r, err
}

func scanItemRecord(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var it store.SeenItem
	var published, updated, deleted *time.Time
	err := row.Scan(&r.Handle, &it.Key, &it.ObjectID, &it.Hash, &published, &updated, &it.Version, &deleted, &it.Link)
	it.Published, it.Updated, it.Deleted = fromTS(published), fromTS(updated), fromTS(deleted)
	r.Key, r.Value = it.Key, it
	return r, err
}

func scanTombstone(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var t store.TombstoneRecord
	err := row.Scan(&r.Key, &t.Body, &t.AliasOf)
	r.Value = t
	return r, err
}

func scanOutbox(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var ns int64
	var id string
	err := row.Scan(&r.Handle, &ns, &id)
	r.Key, r.Value = strconv.FormatInt(ns, 10), id
	return r, err
}

func scanFollowerRecord(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var f store.Follower
	var since *time.Time
	err := row.Scan(&r.Handle, &f.ID, &f.Inbox, &f.SharedInbox, &f.FollowID, &since)
	f.Since = fromTS(since)
	r.Key, r.Value = f.ID, f
	return r, err
}

func scanFollowerCount(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var day time.Time
	var n int
	err := row.Scan(&r.Handle, &day, &n)
	r.Key, r.Value = day.Format(time.DateOnly), n
	return r, err
}

func scanJobRecord(row pgx.CollectableRow) (store.Record, error) {
	j, err := scanJob(row)
	return store.Record{Key: j.ActivityID + "\x00" + j.Inbox, Value: j}, err
}

func scanStats(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var a store.ActivityStats
	err := row.Scan(&r.Key, &a.Queued, &a.Delivered, &a.Failed, &a.LastError)
	r.Value = a
	return r, err
}

func scanHost(row pgx.CollectableRow) (store.Record, error) {
	var h store.HostState
	var failure, success, held *time.Time
	err := row.Scan(&h.Host, &h.State, &h.Failures, &h.LastError, &failure, &success, &held, &h.Cooldown)
	h.LastFailure, h.LastSuccess, h.HeldUntil = fromTS(failure), fromTS(success), fromTS(held)
	return store.Record{Key: h.Host, Value: h}, err
}
