package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// DismissNotification records that handle's notification id was dismissed.
// Dismissing it again changes nothing.
func (s *Store) DismissNotification(handle string, id uint64) error {
	_, err := s.exec(`INSERT INTO notification_dismissals (handle, id) VALUES ($1, $2)
		ON CONFLICT (handle, id) DO NOTHING`, handle, int64(id))
	if err != nil {
		return fmt.Errorf("dismiss notification %d of %s: %w", id, handle, err)
	}
	return nil
}

// ClearNotifications records that every notification of handle whose id is
// at most through was dismissed (through never goes down), and forgets the
// single dismissals it covers, in one transaction.
func (s *Store) ClearNotifications(handle string, through uint64) error {
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO notification_clears (handle, through) VALUES ($1, $2)
			ON CONFLICT (handle) DO UPDATE SET through = greatest(notification_clears.through, excluded.through)`, handle, int64(through))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM notification_dismissals WHERE handle = $1
			AND id <= (SELECT through FROM notification_clears WHERE handle = $1)`, handle)
		return err
	})
	if err != nil {
		return fmt.Errorf("clear notifications of %s: %w", handle, err)
	}
	return nil
}

// NotificationDismissals returns what was dismissed of handle's
// notifications, from one snapshot.
func (s *Store) NotificationDismissals(handle string) (store.Dismissals, error) {
	var d store.Dismissals
	err := s.read(func(ctx context.Context, tx pgx.Tx) error {
		var through int64
		err := tx.QueryRow(ctx, "SELECT through FROM notification_clears WHERE handle = $1", handle).Scan(&through)
		if err != nil && !notFound(err) {
			return err
		}
		d.Through = uint64(through)
		rows, err := tx.Query(ctx, "SELECT id FROM notification_dismissals WHERE handle = $1 AND id > $2 ORDER BY id", handle, through)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		for _, id := range ids {
			d.IDs = append(d.IDs, uint64(id))
		}
		return err
	})
	if err != nil {
		return store.Dismissals{}, fmt.Errorf("dismissed notifications of %s: %w", handle, err)
	}
	return d, nil
}
