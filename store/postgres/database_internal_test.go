package postgres

import (
	"testing"

	"github.com/jackc/pgx/v5"
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
