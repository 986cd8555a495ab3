package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"herald/pgtest"
)

func TestRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"deadlock", &pgconn.PgError{Code: "40P01"}, true},
		{"serialization failure, wrapped", fmt.Errorf("commit: %w", &pgconn.PgError{Code: "40001"}), true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"other error", errors.New("boom"), false},
		{"none", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryable(tt.err); got != tt.want {
				t.Errorf("retryable(%v) = %t, want %t", tt.err, got, tt.want)
			}
		})
	}
}

// TestAsyncCommit: a transaction begun with asyncCommit has
// synchronous_commit off, and one begun by inTx the connection's setting
// (on here: pgtest's server has it off, so the URL turns it on).
func TestAsyncCommit(t *testing.T) {
	s, err := Open(context.Background(), pgtest.Database(t)+"&synchronous_commit=on")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tt := range []struct {
		name string
		opts pgx.TxOptions
		want string
	}{
		{"asyncCommit", asyncCommit, "off"},
		{"inTx", pgx.TxOptions{}, "on"},
	} {
		var got string
		err := s.inTxWith(tt.opts, func(ctx context.Context, tx pgx.Tx) error {
			return tx.QueryRow(ctx, "SELECT current_setting('synchronous_commit')").Scan(&got)
		})
		if err != nil || got != tt.want {
			t.Errorf("%s: synchronous_commit %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}
