package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// InteractionsFor returns up to limit interactions for the account
// actorID (store.InteractionAccount) received strictly after after and
// before before (a zero time is no bound), newest first or oldest first,
// those received at one time in the order of their id and object.
// Interactions without a Received time are not listed. It reads the
// index interactions_for (migration 0009).
func (s *Store) InteractionsFor(actorID string, after, before time.Time, newestFirst bool, limit int) ([]store.Interaction, error) {
	order := "received, id, object"
	if newestFirst {
		order = "received DESC, id DESC, object DESC"
	}
	var out []store.Interaction
	err := s.read(func(ctx context.Context, tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+interactionColumns+` FROM interactions
			WHERE account = $1 AND received IS NOT NULL AND ($2::timestamptz IS NULL OR received > $2) AND ($3::timestamptz IS NULL OR received < $3)
			ORDER BY `+order+" LIMIT $4", actorID, ts(after), ts(before), max(limit, 0))
		if err == nil {
			out, err = pgx.CollectRows(rows, scanInteraction)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("interactions for %s: %w", actorID, err)
	}
	if len(out) == 0 {
		out = nil
	}
	return out, nil
}
