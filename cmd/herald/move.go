package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"

	"herald/app"
	"herald/config"
)

// moveCommand runs `herald move --config FILE --handle HANDLE --to ACTOR_URL`:
// it queues a Move of the account's followers to another account. Herald
// must be stopped (the database is Herald's alone); the next `herald serve`
// delivers the Move.
func moveCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("move", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "path to the YAML config file")
	handle := fs.String("handle", "", "the account to move (a feed's handle)")
	target := fs.String("to", "", "the new account's actor URL; it must list the old account in alsoKnownAs")
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if *handle == "" || *target == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "herald move: --handle and --to are required")
		fs.Usage()
		return exitUsage
	}
	cfg, ok := loadConfig("herald move", *configPath, stderr)
	if !ok {
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	n, err := move(ctx, cfg, strings.ToLower(strings.TrimSpace(*handle)), strings.TrimSpace(*target), stderr)
	if err != nil {
		fmt.Fprintf(stderr, "herald move: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "Move of %s to %s queued for %d inboxes; `herald serve` delivers it.\n", *handle, *target, n)
	return exitOK
}

func move(ctx context.Context, cfg *config.Config, handle, target string, stderr io.Writer) (n int, err error) {
	err = withStoppedApp(cfg, stderr, func(b *app.App) error {
		n, err = b.Move(ctx, handle, target)
		return err
	})
	return n, err
}

// withStoppedApp opens the data directory of a stopped server (it says
// so when the server runs), builds its App without running it, calls fn
// and closes the store.
func withStoppedApp(cfg *config.Config, stderr io.Writer, fn func(*app.App) error) (err error) {
	st, err := openStopped(cfg)
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := st.Close(); closeErr != nil && err == nil {
			err = fmt.Errorf("close store: %w", closeErr)
		}
	}()
	b, err := newApp(cfg, st, newLogger(stderr, cfg.LogLevel), nil)
	if err != nil {
		return err
	}
	return fn(b)
}
