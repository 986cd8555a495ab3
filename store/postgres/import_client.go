package postgres

// The importers and table scanners of the client API's records.

import (
	"context"
	"encoding/hex"
	"strconv"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

func importOAuthApp(ctx context.Context, tx pgx.Tx, r store.Record) error {
	app, err := value[store.OAuthApp](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO oauth_apps (client_id, body) VALUES ($1, $2)
			ON CONFLICT (client_id) DO UPDATE SET body = excluded.body`, r.Key, app)
	}
	return err
}

func importOAuthCode(ctx context.Context, tx pgx.Tx, r store.Record) error {
	c, err := value[store.OAuthCode](r)
	if err != nil {
		return err
	}
	hash, err := hex.DecodeString(r.Key)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO oauth_codes (hash, expires, body) VALUES ($1, $2, $3)
			ON CONFLICT (hash) DO UPDATE SET expires = excluded.expires, body = excluded.body`, hash, ts(c.Expires), c)
	}
	return err
}

func importOAuthToken(ctx context.Context, tx pgx.Tx, r store.Record) error {
	tok, err := value[store.OAuthToken](r)
	if err != nil {
		return err
	}
	hash, err := hex.DecodeString(r.Key)
	if err == nil {
		err = putToken(ctx, tx, hash, tok)
	}
	return err
}

func importWebcareUser(ctx context.Context, tx pgx.Tx, r store.Record) error {
	u, err := value[store.WebcareUser](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO webcare_users (name, body) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET body = excluded.body`, r.Key, u)
	}
	return err
}

// importAudit keeps the entry's sequence number from the bbolt file, and
// moves the table's sequence past it, so that entries added later come
// after it.
func importAudit(ctx context.Context, tx pgx.Tx, r store.Record) error {
	e, err := value[store.AuditEntry](r)
	if err != nil {
		return err
	}
	seq, err := strconv.ParseInt(r.Key, 10, 64)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit (seq, at, body) VALUES ($1, $2, $3)
		ON CONFLICT (seq) DO UPDATE SET at = excluded.at, body = excluded.body`, seq, e.At, e)
	if err == nil {
		_, err = tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence('audit', 'seq'), (SELECT max(seq) FROM audit))")
	}
	return err
}

func importStatus(ctx context.Context, tx pgx.Tx, r store.Record) error {
	st, err := value[store.LocalStatus](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO local_statuses (id, handle, idempotency_key, created, body)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET handle = excluded.handle,
				idempotency_key = excluded.idempotency_key, created = excluded.created, body = excluded.body`,
			int64(st.ID), st.Handle, st.IdempotencyKey, st.Created, st)
	}
	return err
}

func importDismissal(ctx context.Context, tx pgx.Tx, r store.Record) error {
	id, err := strconv.ParseUint(r.Key, 10, 64)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO notification_dismissals (handle, id) VALUES ($1, $2)
			ON CONFLICT (handle, id) DO NOTHING`, r.Handle, int64(id))
	}
	return err
}

func importCleared(ctx context.Context, tx pgx.Tx, r store.Record) error {
	through, err := value[uint64](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO notification_clears (handle, through) VALUES ($1, $2)
			ON CONFLICT (handle) DO UPDATE SET through = excluded.through`, r.Key, int64(through))
	}
	return err
}

// scanBody reads a row of a key and a JSON body into a Record of a T.
func scanBody[T any](row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var v T
	err := row.Scan(&r.Key, &v)
	r.Value = v
	return r, err
}

// scanHashBody is scanBody for a key that is a hash, which Records hold
// in hex.
func scanHashBody[T any](row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var hash []byte
	var v T
	err := row.Scan(&hash, &v)
	r.Key, r.Value = hex.EncodeToString(hash), v
	return r, err
}

func scanDismissal(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var id int64
	err := row.Scan(&r.Handle, &id)
	r.Key = strconv.FormatUint(uint64(id), 10)
	return r, err
}

func scanCleared(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var through int64
	err := row.Scan(&r.Key, &through)
	r.Value = uint64(through)
	return r, err
}

func importScheduledStatus(ctx context.Context, tx pgx.Tx, r store.Record) error {
	st, err := value[store.ScheduledStatus](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO scheduled_statuses (id, handle, scheduled_at, body) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id) DO UPDATE SET handle = excluded.handle, scheduled_at = excluded.scheduled_at, body = excluded.body`,
			int64(st.ID), st.Handle, st.ScheduledAt, st)
	}
	return err
}

func importConversationMark(ctx context.Context, tx pgx.Tx, r store.Record) error {
	mark, err := value[store.ConversationMark](r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseUint(r.Key, 10, 64)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO conversation_marks (handle, id, read, hidden) VALUES ($1, $2, $3, $4)
			ON CONFLICT (handle, id) DO UPDATE SET read = excluded.read, hidden = excluded.hidden`,
			r.Handle, int64(id), int64(mark.Read), int64(mark.Hidden))
	}
	return err
}

// scanConversationMark reads a conversation_marks row.
func scanConversationMark(row pgx.CollectableRow) (store.Record, error) {
	var r store.Record
	var id, read, hidden int64
	err := row.Scan(&r.Handle, &id, &read, &hidden)
	r.Key = strconv.FormatInt(id, 10)
	r.Value = store.ConversationMark{Read: uint64(read), Hidden: uint64(hidden)}
	return r, err
}
