package postgres

import (
	"fmt"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// MarkConversation records that handle's conversation id was read through
// the status id read and hidden through hidden; neither mark goes down
// (0 leaves one as it is).
func (s *Store) MarkConversation(handle string, id uint64, read, hidden uint64) error {
	if id > maxID || read > maxID || hidden > maxID {
		return fmt.Errorf("mark conversation %d of %s: an id out of range", id, handle)
	}
	_, err := s.exec(`INSERT INTO conversation_marks (handle, id, read, hidden) VALUES ($1, $2, $3, $4)
		ON CONFLICT (handle, id) DO UPDATE SET read = greatest(conversation_marks.read, excluded.read),
		hidden = greatest(conversation_marks.hidden, excluded.hidden)`, handle, int64(id), int64(read), int64(hidden))
	if err != nil {
		return fmt.Errorf("mark conversation %d of %s: %w", id, handle, err)
	}
	return nil
}

// ConversationMarks returns handle's marks by conversation id.
func (s *Store) ConversationMarks(handle string) (map[uint64]store.ConversationMark, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT id, read, hidden FROM conversation_marks WHERE handle = $1", handle)
	if err != nil {
		return nil, fmt.Errorf("conversation marks of %s: %w", handle, err)
	}
	out := map[uint64]store.ConversationMark{}
	var id, read, hidden int64
	_, err = pgx.ForEachRow(rows, []any{&id, &read, &hidden}, func() error {
		out[uint64(id)] = store.ConversationMark{Read: uint64(read), Hidden: uint64(hidden)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("conversation marks of %s: %w", handle, err)
	}
	return out, nil
}
