package postgres

// The importers and table scanners of the records that concern feeds'
// state besides their posts (held posts, pings, pauses, WebSub,
// ownership) and the reports received.

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

func importScheduled(ctx context.Context, tx pgx.Tx, r store.Record) error {
	sp, err := value[store.Scheduled](r)
	if err != nil {
		return err
	}
	post, err := json.Marshal(sp.Post)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO scheduled (handle, item_key, due, post) VALUES ($1, $2, $3, $4)
			ON CONFLICT (handle, item_key) DO UPDATE SET due = excluded.due, post = excluded.post`, r.Handle, r.Key, sp.Due, post)
	}
	return err
}

func importPing(ctx context.Context, tx pgx.Tx, r store.Record) error {
	p, err := value[store.Ping](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO pings (handle, at, via, source) VALUES ($1, $2, $3, $4)
			ON CONFLICT (handle) DO UPDATE SET at = excluded.at, via = excluded.via, source = excluded.source`,
			r.Key, ts(p.At), p.Via, p.Source)
	}
	return err
}

func importPaused(ctx context.Context, tx pgx.Tx, r store.Record) error {
	since, err := value[time.Time](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO paused (handle, since) VALUES ($1, $2)
			ON CONFLICT (handle) DO UPDATE SET since = excluded.since`, r.Key, since)
	}
	return err
}

func importSubscription(ctx context.Context, tx pgx.Tx, r store.Record) error {
	sub, err := value[store.Subscription](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO websub (handle, hub, topic, secret, state, requested, lease_seconds, lease_until)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (handle) DO UPDATE SET hub = excluded.hub, topic = excluded.topic, secret = excluded.secret,
				state = excluded.state, requested = excluded.requested, lease_seconds = excluded.lease_seconds,
				lease_until = excluded.lease_until`,
			r.Key, sub.Hub, sub.Topic, sub.Secret, sub.State, ts(sub.Requested), sub.LeaseSeconds, ts(sub.LeaseUntil))
	}
	return err
}

func importOwnership(ctx context.Context, tx pgx.Tx, r store.Record) error {
	o, err := value[store.Ownership](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO ownership (handle, token, verified, method, verified_at, last_check, last_error)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (handle) DO UPDATE SET token = excluded.token, verified = excluded.verified, method = excluded.method,
				verified_at = excluded.verified_at, last_check = excluded.last_check, last_error = excluded.last_error`,
			r.Key, o.Token, o.Verified, o.Method, ts(o.VerifiedAt), ts(o.LastCheck), o.LastError)
	}
	return err
}

func importFlag(ctx context.Context, tx pgx.Tx, r store.Record) error {
	f, err := value[store.Flag](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO flags (`+flagColumns+`) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (id) DO UPDATE SET actor = excluded.actor, objects = excluded.objects,
				content = excluded.content, received = excluded.received`,
			f.ID, f.Actor, append([]string{}, f.Objects...), f.Content, ts(f.Received))
	}
	return err
}

func scanScheduled(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var sp store.Scheduled
	var post []byte
	if err := row.Scan(&r.Handle, &r.Key, &sp.Due, &post); err != nil {
		return r, err
	}
	sp.Due = sp.Due.UTC()
	err := json.Unmarshal(post, &sp.Post)
	r.Value = sp
	return r, err
}

func scanPing(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var p store.Ping
	var at *time.Time
	err := row.Scan(&r.Key, &at, &p.Via, &p.Source)
	p.At = fromTS(at)
	r.Value = p
	return r, err
}

func scanPaused(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var since time.Time
	err := row.Scan(&r.Key, &since)
	r.Value = since.UTC()
	return r, err
}

func scanSubscription(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var sub store.Subscription
	var requested, until *time.Time
	err := row.Scan(&r.Key, &sub.Hub, &sub.Topic, &sub.Secret, &sub.State, &requested, &sub.LeaseSeconds, &until)
	sub.Requested, sub.LeaseUntil = fromTS(requested), fromTS(until)
	r.Value = sub
	return r, err
}

func scanOwnership(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var o store.Ownership
	var verifiedAt, lastCheck *time.Time
	err := row.Scan(&r.Key, &o.Token, &o.Verified, &o.Method, &verifiedAt, &lastCheck, &o.LastError)
	o.VerifiedAt, o.LastCheck = fromTS(verifiedAt), fromTS(lastCheck)
	r.Value = o
	return r, err
}
