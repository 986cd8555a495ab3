package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// Import writes recs (records of a bbolt store's Dump, see `herald store
// copy`) in one transaction. Each record replaces the row of its key, so
// importing the same records again changes nothing, and an import cut
// short may be run again from the start.
func (s *Store) Import(recs []store.Record) error {
	return s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		for _, r := range recs {
			if err := importRecord(ctx, tx, r); err != nil {
				return fmt.Errorf("import %s %q %q: %w", r.Kind, r.Handle, r.Key, err)
			}
		}
		return nil
	})
}

// importers write one kind of record each.
var importers = map[string]func(ctx context.Context, tx pgx.Tx, r store.Record) error{
	store.RecordActorKey:         importActorKey,
	store.RecordFeed:             importFeed,
	store.RecordItem:             importItem,
	store.RecordDocument:         importDocument,
	store.RecordTombstone:        importTombstone,
	store.RecordOutbox:           importOutbox,
	store.RecordFollower:         importFollower,
	store.RecordFollowerCount:    importFollowerCount,
	store.RecordJob:              importJob,
	store.RecordActivityStats:    importActivityStats,
	store.RecordHost:             importHost,
	store.RecordInteraction:      importInteraction,
	store.RecordRelay:            importRelay,
	store.RecordRemoteActor:      importRemoteActor,
	store.RecordRemoteKey:        importRemoteKey,
	store.RecordScheduled:        importScheduled,
	store.RecordPing:             importPing,
	store.RecordPaused:           importPaused,
	store.RecordSubscription:     importSubscription,
	store.RecordOwnership:        importOwnership,
	store.RecordFlag:             importFlag,
	store.RecordOAuthApp:         importOAuthApp,
	store.RecordOAuthCode:        importOAuthCode,
	store.RecordOAuthToken:       importOAuthToken,
	store.RecordWebcareUser:      importWebcareUser,
	store.RecordAudit:            importAudit,
	store.RecordStatus:           importStatus,
	store.RecordDismissal:        importDismissal,
	store.RecordCleared:          importCleared,
	store.RecordScheduledStatus:  importScheduledStatus,
	store.RecordConversationMark: importConversationMark,
	store.RecordMarker:           importMarker,
}

func importRecord(ctx context.Context, tx pgx.Tx, r store.Record) error {
	imp, ok := importers[r.Kind]
	if !ok {
		return fmt.Errorf("unknown kind")
	}
	return imp(ctx, tx, r)
}

// value returns r.Value as a T.
func value[T any](r store.Record) (T, error) {
	v, ok := r.Value.(T)
	if !ok {
		return v, fmt.Errorf("value is a %T", r.Value)
	}
	return v, nil
}

func importActorKey(ctx context.Context, tx pgx.Tx, r store.Record) error {
	key, err := value[[]byte](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO actor_keys (name, key) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET key = excluded.key`, r.Key, key)
	}
	return err
}

func importFeed(ctx context.Context, tx pgx.Tx, r store.Record) error {
	st, err := value[store.FeedState](r)
	if err == nil {
		err = putFeedState(ctx, tx, r.Key, st)
	}
	return err
}

func importItem(ctx context.Context, tx pgx.Tx, r store.Record) error {
	it, err := value[store.SeenItem](r)
	if err == nil {
		err = putItem(ctx, tx, r.Handle, it)
	}
	return err
}

func importDocument(ctx context.Context, tx pgx.Tx, r store.Record) error {
	body, err := value[[]byte](r)
	if err == nil {
		err = putDocument(ctx, tx, store.Document{ID: r.Key, JSON: body})
	}
	return err
}

func importTombstone(ctx context.Context, tx pgx.Tx, r store.Record) error {
	t, err := value[store.TombstoneRecord](r)
	if err != nil {
		return err
	}
	var alias any
	if t.Body == nil {
		alias = t.AliasOf
	}
	_, err = tx.Exec(ctx, `INSERT INTO tombstones (id, body, alias_of) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET body = excluded.body, alias_of = excluded.alias_of`, r.Key, t.Body, alias)
	return err
}

func importOutbox(ctx context.Context, tx pgx.Tx, r store.Record) error {
	id, err := value[string](r)
	if err != nil {
		return err
	}
	ns, err := strconv.ParseInt(r.Key, 10, 64)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO outbox (handle, at_ns, activity_id) VALUES ($1, $2, $3)
		ON CONFLICT (handle, at_ns) DO UPDATE SET activity_id = excluded.activity_id`, r.Handle, ns, id)
	return err
}

func importFollower(ctx context.Context, tx pgx.Tx, r store.Record) error {
	f, err := value[store.Follower](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO followers (handle, id, inbox, shared_inbox, follow_id, since)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (handle, id) DO UPDATE SET inbox = excluded.inbox,
				shared_inbox = excluded.shared_inbox, follow_id = excluded.follow_id, since = excluded.since`,
			r.Handle, f.ID, f.Inbox, f.SharedInbox, f.FollowID, ts(f.Since))
	}
	return err
}

func importFollowerCount(ctx context.Context, tx pgx.Tx, r store.Record) error {
	n, err := value[int](r)
	if err != nil {
		return err
	}
	day, err := time.Parse(time.DateOnly, r.Key)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO follower_history (handle, day, count) VALUES ($1, $2, $3)
			ON CONFLICT (handle, day) DO UPDATE SET count = excluded.count`, r.Handle, day, n)
	}
	return err
}

func importJob(ctx context.Context, tx pgx.Tx, r store.Record) error {
	j, err := value[store.Job](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO jobs (`+jobColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (activity_id, inbox) DO UPDATE SET handle = excluded.handle, attempts = excluded.attempts,
				next_attempt = excluded.next_attempt, last_error = excluded.last_error,
				created = excluded.created, sign_with = excluded.sign_with`,
			j.ActivityID, j.Inbox, j.Handle, j.Attempts, j.NextAttempt, j.LastError, j.Created, j.SignWith)
	}
	return err
}

func importActivityStats(ctx context.Context, tx pgx.Tx, r store.Record) error {
	a, err := value[store.ActivityStats](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO activity_stats (activity_id, queued, delivered, failed, last_error)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (activity_id) DO UPDATE SET queued = excluded.queued,
				delivered = excluded.delivered, failed = excluded.failed, last_error = excluded.last_error`,
			r.Key, a.Queued, a.Delivered, a.Failed, a.LastError)
	}
	return err
}

func importHost(ctx context.Context, tx pgx.Tx, r store.Record) error {
	h, err := value[store.HostState](r)
	if err == nil {
		err = putHost(ctx, tx, h)
	}
	return err
}

func importInteraction(ctx context.Context, tx pgx.Tx, r store.Record) error {
	i, err := value[store.Interaction](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO interactions (`+interactionColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (id, object) DO UPDATE SET kind = excluded.kind, actor = excluded.actor,
				content = excluded.content, url = excluded.url, published = excluded.published,
				received = excluded.received, summary = excluded.summary, visibility = excluded.visibility,
				in_reply_to = excluded.in_reply_to`,
			i.ID, i.Kind, i.Actor, i.Object, i.Content, i.URL, ts(i.Published), ts(i.Received), i.Summary, i.Visibility, i.InReplyTo)
	}
	return err
}

func importRelay(ctx context.Context, tx pgx.Tx, r store.Record) error {
	rel, err := value[store.Relay](r)
	if err == nil {
		err = putRelay(ctx, tx, rel)
	}
	return err
}

func importRemoteActor(ctx context.Context, tx pgx.Tx, r store.Record) error {
	a, err := value[store.RemoteActor](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO remote_actors (`+remoteActorColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (id) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
				key_id = excluded.key_id, public_key_pem = excluded.public_key_pem, fetched_at = excluded.fetched_at,
				username = excluded.username, name = excluded.name, icon = excluded.icon, url = excluded.url,
				followers = excluded.followers`,
			a.ID, a.Inbox, a.SharedInbox, a.KeyID, a.PublicKeyPEM, ts(a.FetchedAt), a.Username, a.Name, a.Icon, a.URL, a.Followers)
	}
	return err
}

func importRemoteKey(ctx context.Context, tx pgx.Tx, r store.Record) error {
	actor, err := value[string](r)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO remote_keys (key_id, actor_id) VALUES ($1, $2)
			ON CONFLICT (key_id) DO UPDATE SET actor_id = excluded.actor_id`, r.Key, actor)
	}
	return err
}

// feedStateJSON decodes a feeds row's state.
func feedStateJSON(raw []byte) (store.FeedState, error) {
	var st store.FeedState
	err := json.Unmarshal(raw, &st)
	return st, err
}
