// Package pgtest is test support for Herald's PostgreSQL store: Database
// gives a test the URL of a fresh, empty database.
//
// The databases live on one throwaway server per test binary, started by
// the first test that asks for one: initdb in a temporary directory, then
// postgres on a free loopback port (fsync off, unless MainDurable runs the
// tests), as an unprivileged user when the tests run as root. Main, called
// from the package's TestMain, stops it and removes the directory when the
// tests end; should the test binary die without that, the kernel stops the
// server (a parent-death signal). With
// HERALD_TEST_DATABASE_URL set, the databases are made on that server
// instead. Without PostgreSQL the tests that need it are skipped, or fail
// when CI is set (.ci/run installs Debian's postgresql package).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvURL names the variable that points the tests at an existing server;
// its user must be allowed to create databases.
const EnvURL = "HERALD_TEST_DATABASE_URL"

// suite is what the tests of one binary share: the server (if pgtest
// started it), a pool on its maintenance database, and why there is none.
var suite struct {
	mu      sync.Mutex
	inMain  bool // Main runs the tests
	durable bool // MainDurable runs them: the server syncs its commits
	tried   bool
	skip    string
	err     error
	srv     *server
	admin   *pgxpool.Pool
	baseURL *url.URL // a database's URL, its path replaced per database
	made    int      // databases made so far
}

// Main runs the tests of m and then stops the server, if one was started,
// and returns the exit code: call it from TestMain as
// os.Exit(pgtest.Main(m)). Database fails in a test binary without it.
func Main(m *testing.M) int {
	suite.mu.Lock()
	suite.inMain = true
	suite.mu.Unlock()
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// MainDurable is Main with a server that syncs its commits (fsync and
// synchronous_commit on, PostgreSQL's defaults), for benchmarks that must
// compare PostgreSQL with a store that syncs (bbolt). It makes no
// difference with HERALD_TEST_DATABASE_URL, whose server has its own
// settings.
func MainDurable(m *testing.M) int {
	suite.mu.Lock()
	suite.durable = true
	suite.mu.Unlock()
	return Main(m)
}

// shutdown closes the pool, stops the server and removes its directory.
func shutdown() error {
	suite.mu.Lock()
	defer suite.mu.Unlock()
	if suite.admin != nil {
		suite.admin.Close()
	}
	if suite.srv == nil {
		return nil
	}
	err := suite.srv.stop()
	return errors.Join(err, os.RemoveAll(suite.srv.dir))
}

// Database returns the URL of a new, empty database, dropped when the test
// ends (after the test's other cleanups, which should close its
// connections). The test is skipped when PostgreSQL is not installed and
// HERALD_TEST_DATABASE_URL is not set, or fails when CI is set.
func Database(t testing.TB) string {
	t.Helper()
	suite.mu.Lock()
	defer suite.mu.Unlock()
	if !suite.inMain {
		t.Fatal("pgtest: the package's TestMain must run its tests through pgtest.Main, which stops the server")
	}
	if !suite.tried {
		suite.tried = true
		suite.err = prepare()
		var missing errNotInstalled
		if errors.As(suite.err, &missing) {
			suite.skip, suite.err = missing.reason, nil
		}
	}
	if suite.skip != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("pgtest: %s: .ci/run must install Debian's postgresql package", suite.skip)
		}
		t.Skipf("pgtest: %s (or set %s)", suite.skip, EnvURL)
	}
	if suite.err != nil {
		t.Fatalf("pgtest: %v", suite.err)
	}
	name, err := createDatabase()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { dropDatabase(t, name) })
	u := *suite.baseURL
	u.Path = "/" + name
	return u.String()
}

// prepare connects to the server of HERALD_TEST_DATABASE_URL, or starts one.
func prepare() error {
	raw := os.Getenv(EnvURL)
	if raw == "" {
		binDir, err := findBinDir()
		if err != nil {
			return err
		}
		if suite.srv, err = startServer(binDir, suite.durable); err != nil {
			return err
		}
		raw = suite.srv.url("postgres")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("%s must be a postgres:// URL", EnvURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if suite.admin, err = pgxpool.New(ctx, u.String()); err != nil {
		return fmt.Errorf("connect to %s: %w", u.Redacted(), err)
	}
	if err := suite.admin.Ping(ctx); err != nil {
		return fmt.Errorf("connect to %s: %w", u.Redacted(), err)
	}
	suite.baseURL = u
	return nil
}

// createDatabase makes a database with a name no other test binary uses.
func createDatabase() (string, error) {
	suite.made++
	salt := make([]byte, 4)
	_, _ = rand.Read(salt) // never fails
	name := fmt.Sprintf("herald_test_%d_%d_%s", os.Getpid(), suite.made, hex.EncodeToString(salt))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := suite.admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return name, nil
}

// dropDatabase drops name, ending the sessions still connected to it.
func dropDatabase(t testing.TB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := suite.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("pgtest: drop database %s: %v", name, err)
	}
}

// Connect opens a plain connection to the database at url (one of
// Database's), for a test that reads or changes it behind the store's
// back; it is closed when the test ends, and may be closed sooner by a
// helper that calls Connect often.
func Connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
