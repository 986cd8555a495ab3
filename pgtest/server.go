package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Limits of the throwaway server.
const (
	// minMajor is the oldest PostgreSQL Herald supports.
	minMajor = 14
	// readyWithin is how long the server may take to accept connections.
	readyWithin = 30 * time.Second
	// stopWithin is how long a fast shutdown may take before the server
	// is killed.
	stopWithin = 10 * time.Second
	// superuser is the role initdb makes; it trusts local connections.
	superuser = "herald"
)

// server is one PostgreSQL server in a temporary directory, run as a child
// of the test binary.
type server struct {
	dir    string // data/, the socket and postgres.log
	port   int
	cmd    *exec.Cmd
	exited chan struct{} // closed once the postgres process has exited
}

// url returns the URL of database name on s.
func (s *server) url(name string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", superuser, s.port, name)
}

// startServer runs initdb in a new temporary directory and starts postgres
// from binDir on a free loopback port. As root it runs both as an
// unprivileged user (initdb refuses root). The server gets the parent-death
// signal SIGQUIT (immediate shutdown), so it stops with the test binary
// even when that dies without cleaning up. A durable server syncs its
// commits (see settings).
func startServer(binDir string, durable bool) (*server, error) {
	cred, err := unprivileged()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "herald-pgtest-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("hand %s to uid %d: %w", dir, cred.Uid, err)
		}
	}
	if err := initdb(binDir, dir, cred); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	for try := 0; ; try++ {
		s, err := launch(binDir, dir, cred, durable)
		if err == nil {
			return s, nil
		}
		// Another process may have taken the free port meanwhile.
		if try == 2 || !errors.Is(err, errExited) {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

// unprivileged returns the credentials to run PostgreSQL with: nil when
// the tests do not run as root, else those of the user postgres (which
// Debian's package makes) or, failing that, nobody.
func unprivileged() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("user %s: bad uid %q or gid %q", name, u.Uid, u.Gid)
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root, and neither user postgres nor nobody exists to run PostgreSQL as")
}

// initdb makes a cluster in dir/data whose superuser is trusted.
func initdb(binDir, dir string, cred *syscall.Credential) error {
	cmd := exec.Command(filepath.Join(binDir, "initdb"), "-D", filepath.Join(dir, "data"),
		"-U", superuser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync")
	cmd.Dir = dir
	cmd.Env = serverEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb in %s (its parent directories must be searchable by the user running it): %w\n%s", dir, err, out)
	}
	return nil
}

// serverEnv is the environment of initdb and postgres: nothing from the
// tests' own (no PGDATA, PGPORT or locale settings leak in).
func serverEnv() []string {
	return []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "TZ=UTC"}
}

// errExited is returned by launch when postgres exited before it was ready.
var errExited = errors.New("postgres exited")

// settings returns the server's -c options. The throwaway server neither
// syncs nor waits for its commits (fsync, synchronous_commit and
// full_page_writes off: tests need no crash safety); a durable one keeps
// PostgreSQL's defaults for them, as a production server runs, with
// PostgreSQL's default shared_buffers (128 MB), for benchmarks that compare
// it with bbolt, which syncs every commit.
func settings(durable bool) []string {
	opts := []string{"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"}
	if durable {
		return append(opts, "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "full_page_writes=on",
			"-c", "shared_buffers=128MB")
	}
	return append(opts, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "shared_buffers=32MB")
}

// launch starts postgres on a free port and waits until it accepts
// connections.
func launch(binDir, dir string, cred *syscall.Credential, durable bool) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(filepath.Join(dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("server log: %w", err)
	}
	defer logFile.Close() // the child has its own copy
	s := &server{dir: dir, port: port, exited: make(chan struct{})}
	args := append([]string{"-D", filepath.Join(dir, "data"), "-p", strconv.Itoa(port), "-k", dir}, settings(durable)...)
	s.cmd = exec.Command(filepath.Join(binDir, "postgres"), args...)
	s.cmd.Dir = dir
	s.cmd.Env = serverEnv()
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	s.cmd.SysProcAttr = serverAttr(cred)
	started := make(chan error, 1)
	go s.run(started)
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	if err := s.waitReady(); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// run starts postgres, reports the start on started and waits for the
// process to end. It keeps its OS thread: the kernel sends the parent-death
// signal when the thread that started the child ends, not the process, and
// this thread lives as long as the child.
func (s *server) run(started chan<- error) {
	runtime.LockOSThread()
	defer close(s.exited)
	if err := s.cmd.Start(); err != nil {
		started <- err
		return
	}
	started <- nil
	_ = s.cmd.Wait() // the exit status of a stopped server says nothing
}

// waitReady waits until the server accepts connections, fails when it
// exits first (with the end of its log) or takes too long.
func (s *server) waitReady() error {
	deadline := time.Now().Add(readyWithin)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, s.url("postgres"))
		cancel()
		if err == nil {
			return conn.Close(context.Background())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres on port %d not ready after %v: %w\n%s", s.port, readyWithin, err, s.logTail())
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%w before accepting connections:\n%s", errExited, s.logTail())
		case <-tick.C:
		}
	}
}

// logTail returns the end of the server's log.
func (s *server) logTail() string {
	raw, err := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	if err != nil {
		return err.Error()
	}
	if len(raw) > 2000 {
		raw = raw[len(raw)-2000:]
	}
	return string(bytes.TrimSpace(raw))
}

// stop shuts the server down (fast shutdown: sessions are ended), kills it
// when that takes longer than stopWithin, and waits for the process.
func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
		return nil
	case <-time.After(stopWithin):
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	return fmt.Errorf("postgres did not stop within %v; killed", stopWithin)
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
