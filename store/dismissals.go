package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Dismissals are the notifications an account's team dismissed in the
// client API. Herald keeps no notifications of its own (the client API
// makes them from follows and interactions), only what was dismissed.
type Dismissals struct {
	// Through clears every notification whose id is at most Through (0:
	// none was cleared).
	Through uint64
	// IDs are the notifications dismissed one by one since, ascending.
	IDs []uint64
}

// Dismissed reports whether the notification id was dismissed or cleared.
func (d Dismissals) Dismissed(id uint64) bool {
	if id <= d.Through {
		return true
	}
	_, found := slices.BinarySearch(d.IDs, id)
	return found
}

func dismissalKey(handle string, id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(handle+"\x00"), id)
}

func clearedKey(handle string) []byte { return []byte(handle + "\x01") }

// DismissNotification records that handle's notification id was dismissed.
// Dismissing it again changes nothing.
func (s *Store) DismissNotification(handle string, id uint64) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDismissals).Put(dismissalKey(handle, id), []byte{})
	})
	if err != nil {
		return fmt.Errorf("dismiss notification %d of %s: %w", id, handle, err)
	}
	return nil
}

// ClearNotifications records that every notification of handle whose id is
// at most through was dismissed (Through never goes down), and forgets the
// single dismissals it covers.
func (s *Store) ClearNotifications(handle string, through uint64) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDismissals)
		if old := b.Get(clearedKey(handle)); len(old) == 8 && binary.BigEndian.Uint64(old) >= through {
			return nil
		}
		if err := b.Put(clearedKey(handle), binary.BigEndian.AppendUint64(nil, through)); err != nil {
			return err
		}
		prefix, last := []byte(handle+"\x00"), dismissalKey(handle, through)
		var covered [][]byte
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, last) <= 0; k, _ = c.Next() {
			covered = append(covered, append([]byte(nil), k...))
		}
		for _, k := range covered {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("clear notifications of %s: %w", handle, err)
	}
	return nil
}

// NotificationDismissals returns what was dismissed of handle's
// notifications.
func (s *Store) NotificationDismissals(handle string) (Dismissals, error) {
	var d Dismissals
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDismissals)
		if v := b.Get(clearedKey(handle)); len(v) == 8 {
			d.Through = binary.BigEndian.Uint64(v)
		}
		prefix := []byte(handle + "\x00")
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if id := binary.BigEndian.Uint64(k[len(prefix):]); id > d.Through {
				d.IDs = append(d.IDs, id)
			}
		}
		return nil
	})
	return d, err
}
