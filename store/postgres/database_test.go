package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"herald/pgtest"
	"herald/store/postgres"
)

// TestBackupRefused: Backup writes nothing and says to use pg_dump.
func TestBackupRefused(t *testing.T) {
	s := open(t)
	var buf bytes.Buffer
	n, err := s.Backup(&buf)
	if !errors.Is(err, postgres.ErrNoBackup) || n != 0 || buf.Len() != 0 || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("Backup = %d, %v, wrote %d bytes; want ErrNoBackup naming pg_dump", n, err, buf.Len())
	}
}

// TestPath: the store's path is its URL, without the password.
func TestPath(t *testing.T) {
	raw := pgtest.Database(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pw, _ := u.User.Password()
	if got := s.Path(); !strings.HasPrefix(got, "postgres") || !strings.Contains(got, u.Host) || (pw != "" && strings.Contains(got, pw)) {
		t.Errorf("Path = %q; want %s without the password", got, raw)
	}
}
