package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// orphanEnv makes the test binary a child for TestServerDiesWithBinary:
// it starts a server, prints its pid and directory, and exits without
// stopping it.
const orphanEnv = "PGTEST_ORPHAN"

func TestMain(m *testing.M) {
	if os.Getenv(orphanEnv) != "" {
		os.Exit(orphan())
	}
	os.Exit(Main(m))
}

func orphan() int {
	binDir, err := findBinDir()
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	s, err := startServer(binDir, false)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println(s.cmd.Process.Pid, s.dir)
	return 0
}

// connect opens a connection to the database at u, closed at cleanup.
func connect(t *testing.T, u string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatalf("connect to %s: %v", u, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// tables counts the tables of the database at u.
func tables(t *testing.T, conn *pgx.Conn) int {
	t.Helper()
	var n int
	err := conn.QueryRow(context.Background(), "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDatabase: each call gives its own empty database.
func TestDatabase(t *testing.T) {
	a, b := Database(t), Database(t)
	if a == b {
		t.Fatalf("two calls gave the same database %s", a)
	}
	ca, cb := connect(t, a), connect(t, b)
	if n := tables(t, ca); n != 0 {
		t.Errorf("new database has %d tables", n)
	}
	if _, err := ca.Exec(context.Background(), "CREATE TABLE t (x int)"); err != nil {
		t.Fatal(err)
	}
	if n := tables(t, cb); n != 0 {
		t.Errorf("a table made in one database shows in the other: %d tables", n)
	}
	var version int
	if err := ca.QueryRow(context.Background(), "SHOW server_version_num").Scan(&version); err == nil && version < minMajor*10000 {
		t.Errorf("server version %d, want %d or newer", version, minMajor)
	}
}

// TestDatabaseDropped: a database is gone once its test has ended, also
// when the test left a connection open.
func TestDatabaseDropped(t *testing.T) {
	var name string
	t.Run("user", func(t *testing.T) {
		u, err := url.Parse(Database(t))
		if err != nil {
			t.Fatal(err)
		}
		name = strings.TrimPrefix(u.Path, "/")
		if _, err := pgx.Connect(context.Background(), u.String()); err != nil { // left open
			t.Fatal(err)
		}
	})
	if name == "" {
		t.Skip("no database")
	}
	var n int
	err := suite.admin.QueryRow(context.Background(), "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n)
	if err != nil || n != 0 {
		t.Errorf("database %s after its test: %d, %v; want it dropped", name, n, err)
	}
}

func TestParseMajor(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
		ok       bool
	}{
		{"debian", "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n", 15, true},
		{"plain", "postgres (PostgreSQL) 17.2", 17, true},
		{"old", "postgres (PostgreSQL) 9.6.24", 9, true},
		{"beta", "postgres (PostgreSQL) 18beta1", 18, true},
		{"garbage", "zsh: command not found", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := parseMajor(tt.in); got != tt.want || ok != tt.ok {
				t.Errorf("parseMajor(%q) = %d, %t; want %d, %t", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
	if got := dirMajor("/usr/lib/postgresql/15/bin"); got != 15 {
		t.Errorf("dirMajor = %d, want 15", got)
	}
}

// binDir returns the server binaries, or skips (fails in CI) without them.
func binDir(t *testing.T) string {
	t.Helper()
	dir, err := findBinDir()
	var missing errNotInstalled
	if errors.As(err, &missing) && os.Getenv("CI") == "" {
		t.Skip(missing.reason)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestServerStops: stop ends the postgres process.
func TestServerStops(t *testing.T) {
	s, err := startServer(binDir(t), false)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(s.dir)
	pid := s.cmd.Process.Pid
	if !alive(pid) {
		t.Fatalf("postgres %d is not running", pid)
	}
	if err := s.stop(); err != nil {
		t.Error(err)
	}
	if alive(pid) {
		t.Errorf("postgres %d still runs after stop", pid)
	}
}

// alive reports whether process pid runs (a zombie does not).
func alive(pid int) bool {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
