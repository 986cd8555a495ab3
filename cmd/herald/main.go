// Command herald serves news feeds as fediverse accounts.
//
// Usage:
//
//	herald serve --config FILE   run the server
//	herald move --config FILE --handle H --to URL   move an account's followers
//	herald version               print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"herald/bridge"
	"herald/config"
	"herald/outbound"
	"herald/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "serve":
		return serveCommand(args[1:], stderr)
	case "move":
		return moveCommand(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "herald", version)
		return exitOK
	case "help", "-h", "--help":
		usage(stdout)
		return exitOK
	default:
		fmt.Fprintf(stderr, "herald: unknown command %q\n", args[0])
		usage(stderr)
		return exitUsage
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Herald serves news feeds (RSS, Atom, JSON Feed) as fediverse accounts.

Usage:
  herald serve --config FILE   run the server (every key can also come from HERALD_* variables)
  herald move --config FILE --handle HANDLE --to ACTOR_URL
                               move the account's followers to another account
                               (Herald stopped; the next serve delivers the Move)
  herald version               print the version
`)
}

func serveCommand(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "path to the YAML config file (optional when HERALD_* variables set everything)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	cfg, err := config.Load(*configPath, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "herald: config: %v\n", err)
		return exitUsage
	}
	log := newLogger(stderr, cfg.LogLevel)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := serve(ctx, cfg, log); err != nil {
		log.Error("herald stopped", "error", err)
		return exitFailed
	}
	log.Info("herald stopped")
	return exitOK
}

// serve opens the store, runs the bridge until ctx ends, and closes the
// store last, after every worker has stopped.
func serve(ctx context.Context, cfg *config.Config, log *slog.Logger) (err error) {
	st, err := store.Open(cfg.DataDir)
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := st.Close(); closeErr != nil && err == nil {
			err = fmt.Errorf("close store: %w", closeErr)
		}
	}()
	client := outbound.NewClient(outbound.Options{
		AllowPrivate: cfg.AllowPrivateAddresses,
		Timeout:      cfg.FetchTimeout.Std(),
		UserAgent:    bridge.UserAgent(version, cfg.BaseURL),
	})
	b, err := bridge.New(bridge.Options{Config: cfg, Store: st, Client: client, Logger: log, Version: version})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	return b.Run(ctx, ln)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv}))
}
