package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// interactionColumns are the columns that scanInteraction reads, in its order.
const interactionColumns = "id, kind, actor, object, content, url, published, received, summary, visibility, in_reply_to"

// scanInteraction reads a row of interactionColumns.
func scanInteraction(row pgx.CollectableRow) (store.Interaction, error) {
	var i store.Interaction
	var published, received *time.Time
	err := row.Scan(&i.ID, &i.Kind, &i.Actor, &i.Object, &i.Content, &i.URL, &published, &received, &i.Summary, &i.Visibility, &i.InReplyTo)
	i.Published, i.Received = fromTS(published), fromTS(received)
	return i, err
}

// isPost reports whether interactions of kind are posts (replies and
// mentions), which an actor may make many of on one object, and whose
// edits replace what is stored.
func isPost(kind string) bool { return kind == store.KindReply || kind == store.KindMention }

// AddInteraction records i. It is idempotent: an interaction whose id is
// already recorded on the same object changes nothing (isNew false), and
// so does a second like or boost of the same post by the same actor under
// another id (Mastodon keeps one per actor and post; a unique index holds
// that, also against another process). A post (reply or mention) may be
// recorded once for each object it is for, under the same id, by the
// actor that recorded it first (the inbox takes a post only from the
// server its id is on). A reply or mention recorded again by its own
// actor as the same kind on the same object (an Update of the Note)
// replaces what is stored, keeping Received.
func (s *Store) AddInteraction(i store.Interaction) (isNew bool, err error) {
	if i.ID == "" || i.Actor == "" || i.Object == "" {
		return false, errors.New("add interaction: id, actor and object are required")
	}
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		isNew = false
		rows, err := tx.Query(ctx, "SELECT "+interactionColumns+" FROM interactions WHERE id = $1 ORDER BY object FOR UPDATE", i.ID)
		if err != nil {
			return err
		}
		prev, err := pgx.CollectRows(rows, scanInteraction)
		if err != nil {
			return err
		}
		for _, p := range prev {
			switch {
			case p.Object == i.Object && isPost(i.Kind) && p.Kind == i.Kind && p.Actor == i.Actor:
				_, err = tx.Exec(ctx, `UPDATE interactions SET content = $5, url = $6, published = $7, summary = $8, visibility = $9, in_reply_to = $10
					WHERE id = $1 AND kind = $2 AND actor = $3 AND object = $4`,
					i.ID, i.Kind, i.Actor, i.Object, i.Content, i.URL, ts(i.Published), i.Summary, i.Visibility, i.InReplyTo)
				return err
			case p.Object == i.Object || !isPost(i.Kind) || !isPost(p.Kind) || p.Actor != i.Actor:
				return nil
			}
		}
		// No conflict target: the id on the object and the actor's one
		// like (or boost) per post both make the interaction a repeat.
		tag, err := tx.Exec(ctx, `INSERT INTO interactions (`+interactionColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
			i.ID, i.Kind, i.Actor, i.Object, i.Content, i.URL, ts(i.Published), ts(i.Received), i.Summary, i.Visibility, i.InReplyTo)
		isNew = err == nil && tag.RowsAffected() == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add %s %s: %w", i.Kind, i.ID, err)
	}
	return isNew, nil
}

// Interaction returns the interaction with id; of a post recorded for
// several objects, one of them (the earliest received).
func (s *Store) Interaction(id string) (i store.Interaction, found bool, err error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT "+interactionColumns+" FROM interactions WHERE id = $1 ORDER BY received, object LIMIT 1", id)
	if err == nil {
		i, err = pgx.CollectExactlyOneRow(rows, scanInteraction)
	}
	if notFound(err) {
		return store.Interaction{}, false, nil
	}
	if err != nil {
		return store.Interaction{}, false, fmt.Errorf("interaction %s: %w", id, err)
	}
	return i, true, nil
}

// RemoveInteraction removes the interaction id if actor made it (an Undo
// or Delete by anyone else changes nothing), on every object it was
// recorded for. ok tells whether it did; removed is one of them (the
// earliest received).
func (s *Store) RemoveInteraction(id, actor string) (removed store.Interaction, ok bool, err error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "DELETE FROM interactions WHERE id = $1 AND actor = $2 RETURNING "+interactionColumns, id, actor)
	var gone []store.Interaction
	if err == nil {
		gone, err = pgx.CollectRows(rows, scanInteraction)
	}
	if err != nil {
		return store.Interaction{}, false, fmt.Errorf("remove interaction %s: %w", id, err)
	}
	if len(gone) == 0 {
		return store.Interaction{}, false, nil
	}
	slices.SortFunc(gone, func(x, y store.Interaction) int {
		return cmp.Or(x.Received.Compare(y.Received), strings.Compare(x.Object, y.Object))
	})
	return gone[0], true, nil
}

// InteractionsBy returns every interaction of actor, ordered by object,
// kind and id.
func (s *Store) InteractionsBy(actor string) ([]store.Interaction, error) {
	ctx, cancel := s.op()
	defer cancel()
	out, err := interactionsBy(ctx, s.pool, actor)
	if err != nil {
		return nil, fmt.Errorf("interactions of %s: %w", actor, err)
	}
	return out, nil
}

// interactionsBy reads the interactions of actor, ordered by object, kind
// and id; nil when there are none.
func interactionsBy(ctx context.Context, q querier, actor string) ([]store.Interaction, error) {
	rows, err := q.Query(ctx, "SELECT "+interactionColumns+" FROM interactions WHERE actor = $1 ORDER BY object, kind, id", actor)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, scanInteraction)
	if len(out) == 0 {
		out = nil
	}
	return out, err
}

// Interactions returns up to limit interactions of kind on object, ordered
// by id, and their total number, from one snapshot.
func (s *Store) Interactions(object, kind string, limit int) (items []store.Interaction, total int, err error) {
	err = s.read(func(ctx context.Context, tx pgx.Tx) error {
		err := tx.QueryRow(ctx, "SELECT count(*) FROM interactions WHERE object = $1 AND kind = $2", object, kind).Scan(&total)
		if err != nil || limit <= 0 {
			items = nil
			return err
		}
		rows, err := tx.Query(ctx, "SELECT "+interactionColumns+" FROM interactions WHERE object = $1 AND kind = $2 ORDER BY id LIMIT $3",
			object, kind, limit)
		if err != nil {
			return err
		}
		items, err = pgx.CollectRows(rows, scanInteraction)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("interactions on %s: %w", object, err)
	}
	if len(items) == 0 {
		items = nil
	}
	return items, total, nil
}

// InteractionsOn returns every interaction on an object whose id starts
// with prefix (an account's posts: BASE/users/HANDLE/posts/), ordered by
// object, kind and id.
func (s *Store) InteractionsOn(prefix string) ([]store.Interaction, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT "+interactionColumns+` FROM interactions
		WHERE object >= $1 AND starts_with(object, $1) ORDER BY object, kind, id`, prefix)
	if err == nil {
		var out []store.Interaction
		if out, err = pgx.CollectRows(rows, scanInteraction); err == nil {
			if len(out) == 0 {
				out = nil
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("interactions on %s: %w", prefix, err)
}

// InteractionCounts counts the interactions on every post whose id starts
// with prefix (an account's posts: BASE/users/HANDLE/posts/), by kind.
func (s *Store) InteractionCounts(prefix string) (map[string]int, error) {
	ctx, cancel := s.op()
	defer cancel()
	// object >= prefix lets the index start at the prefix.
	rows, err := s.pool.Query(ctx, `SELECT kind, count(*) FROM interactions
		WHERE object >= $1 AND starts_with(object, $1) GROUP BY kind`, prefix)
	if err != nil {
		return nil, fmt.Errorf("interaction counts of %s: %w", prefix, err)
	}
	counts := map[string]int{}
	var kind string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&kind, &n}, func() error {
		counts[kind] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("interaction counts of %s: %w", prefix, err)
	}
	return counts, nil
}

// RemoveInteractionsBy removes every interaction of actor, in one
// statement, and returns how many there were.
func (s *Store) RemoveInteractionsBy(actor string) (n int, err error) {
	tag, err := s.exec("DELETE FROM interactions WHERE actor = $1", actor)
	if err != nil {
		return 0, fmt.Errorf("remove interactions of %s: %w", actor, err)
	}
	return int(tag.RowsAffected()), nil
}
