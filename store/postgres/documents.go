package postgres

import (
	"context"
	"fmt"

	"herald/store"
)

// Document returns the JSON stored under id, or store.ErrNotFound.
func (s *Store) Document(id string) ([]byte, error) {
	ctx, cancel := s.op()
	defer cancel()
	var body []byte
	err := s.pool.QueryRow(ctx, "SELECT body FROM documents WHERE id = $1", id).Scan(&body)
	if notFound(err) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	return body, nil
}

// PutDocument stores doc under its id, replacing what was there.
func (s *Store) PutDocument(doc store.Document) error {
	ctx, cancel := s.op()
	defer cancel()
	if err := putDocument(ctx, s.pool, doc); err != nil {
		return fmt.Errorf("put document %s: %w", doc.ID, err)
	}
	return nil
}

// putDocument stores doc, replacing what was under its id.
func putDocument(ctx context.Context, tx querier, doc store.Document) error {
	_, err := tx.Exec(ctx, `INSERT INTO documents (id, body) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET body = excluded.body`, doc.ID, orEmpty(doc.JSON))
	return err
}
