package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"herald/pgtest"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"user and password", "postgres://herald:s3cret@db.example:5433/herald?sslmode=require",
			"postgres://herald@db.example:5433/herald?sslmode=require"},
		{"password parameter", "postgresql://db.example/herald?password=s3cret&sslmode=disable",
			"postgresql://db.example/herald?sslmode=disable"},
		{"no password", "postgres://herald@db.example/herald", "postgres://herald@db.example/herald"},
		{"key=value", "host=db.example port=5433 dbname=herald user=herald password=s3cret",
			"host=db.example port=5433 dbname=herald user=herald"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := pgx.ParseConfig(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := redact(tt.url, cfg); got != tt.want {
				t.Errorf("redact = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPoolSize: a store opens up to defaultMaxConns connections, unless
// its URL says how many (pool_max_conns).
func TestPoolSize(t *testing.T) {
	url := pgtest.Database(t)
	for _, tt := range []struct {
		name, url string
		want      int32
	}{
		{"default", url, defaultMaxConns},
		{"from the URL", url + "&pool_max_conns=3", 3},
	} {
		s, err := Open(context.Background(), tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.pool.Config().MaxConns; got != tt.want {
			t.Errorf("%s: MaxConns %d, want %d", tt.name, got, tt.want)
		}
		s.Close()
	}
}
