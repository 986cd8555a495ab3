package postgres

// Transactions, and the conversions between Go's values and the columns.

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// opTimeout bounds one method's work (its queries and commit): a method
// whose database does not answer fails instead of blocking its caller
// forever. The methods take no context, as the bbolt store's do.
const opTimeout = time.Minute

// op returns the context of one method.
func (s *Store) op() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), opTimeout)
}

// maxTries is how often inTx runs a transaction that PostgreSQL aborts
// for a deadlock or a serialization failure.
const maxTries = 3

// inTx runs fn in a transaction (read committed) and commits it, or rolls
// it back when fn fails. A transaction that PostgreSQL aborts for a
// deadlock or a serialization failure, which concurrent writers from
// several processes can meet, is run again, up to maxTries times in all:
// fn must set its results afresh each time it runs (as the bbolt store's
// grouped writes must).
func (s *Store) inTx(fn func(ctx context.Context, tx pgx.Tx) error) error {
	return s.inTxWith(pgx.TxOptions{}, fn)
}

// asyncCommit begins a transaction whose commit does not wait for the
// WAL to reach the disk (synchronous_commit off for it alone), in the
// one round trip of its BEGIN.
var asyncCommit = pgx.TxOptions{BeginQuery: "BEGIN; SET LOCAL synchronous_commit = off"}

// inTxWith is inTx for a transaction begun with opts.
func (s *Store) inTxWith(opts pgx.TxOptions, fn func(ctx context.Context, tx pgx.Tx) error) error {
	ctx, cancel := s.op()
	defer cancel()
	var err error
	for range maxTries {
		err = pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error { return fn(ctx, tx) })
		if !retryable(err) {
			return err
		}
	}
	return err
}

// retryable tells whether err aborted a transaction that may succeed when
// run again: a serialization failure (40001) or a deadlock (40P01).
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// querier is what the pool and a transaction share.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ts is t as a timestamptz parameter: NULL for the zero time.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// fromTS is a timestamptz read into a *time.Time: the zero time for NULL,
// else the time in UTC.
func fromTS(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// notFound tells whether err is pgx's "no rows".
func notFound(err error) bool {
	return errors.Is(err, pgx.ErrNoRows)
}

// orEmpty returns b, or an empty slice for nil (pgx sends nil as NULL).
func orEmpty(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// read runs fn in a read-only transaction that sees one snapshot.
func (s *Store) read(fn func(ctx context.Context, tx pgx.Tx) error) error {
	ctx, cancel := s.op()
	defer cancel()
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error { return fn(ctx, tx) })
}

// exec runs one statement in a transaction of its own through inTx, so
// that a statement that changes many rows, and may meet another such in a
// deadlock, is run again.
func (s *Store) exec(sql string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		var err error
		tag, err = tx.Exec(ctx, sql, args...)
		return err
	})
	return tag, err
}
