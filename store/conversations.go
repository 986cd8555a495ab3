package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// bucketConversationMarks: handle \x00 conversation id (8 bytes) →
// ConversationMark JSON.
var bucketConversationMarks = []byte("conversation_marks")

// ConversationMark is what an account's team did with one conversation of
// direct messages in the client API: read it through the status id Read,
// hid it through the status id Hidden (a newer message shows it again).
// Herald keeps no conversations of their own (the client API makes them
// from the direct posts received and sent), only these marks.
type ConversationMark struct {
	Read   uint64 `json:"read,omitempty"`
	Hidden uint64 `json:"hidden,omitempty"`
}

func conversationKey(handle string, id uint64) []byte { return dismissalKey(handle, id) }

// MarkConversation records that handle's conversation id was read through
// the status id read and hidden through hidden; neither mark goes down
// (0 leaves one as it is).
func (s *Store) MarkConversation(handle string, id uint64, read, hidden uint64) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketConversationMarks)
		var m ConversationMark
		if _, err := getJSON(b, conversationKey(handle, id), &m); err != nil {
			return err
		}
		m.Read, m.Hidden = max(m.Read, read), max(m.Hidden, hidden)
		return putJSON(b, conversationKey(handle, id), m)
	})
	if err != nil {
		return fmt.Errorf("mark conversation %d of %s: %w", id, handle, err)
	}
	return nil
}

// ConversationMarks returns handle's marks by conversation id.
func (s *Store) ConversationMarks(handle string) (map[uint64]ConversationMark, error) {
	out := map[uint64]ConversationMark{}
	prefix := []byte(handle + "\x00")
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketConversationMarks).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8; k, v = c.Next() {
			var m ConversationMark
			if err := decodeJSON(k, v, &m); err != nil {
				return err
			}
			out[binary.BigEndian.Uint64(k[len(prefix):])] = m
		}
		return nil
	})
	return out, err
}
