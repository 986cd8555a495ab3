// Command herald serves news feeds as fediverse accounts.
//
// Usage:
//
//	herald serve --config FILE   run the server
//	herald move --config FILE --handle H --to URL   move an account's followers
//	herald version               print the version
//	herald remote export|erase --config FILE ACTOR_ID
//	                             print or erase all Herald holds about one remote account
//	herald reports --config FILE print the reports (Flags) received
//	herald webcare add-user|list-users|remove-user --config FILE ...
//	                             who may sign in from Mastodon apps
//	herald store copy|check --from DATA_DIR --to postgres://…
//	                             copy a bbolt install into PostgreSQL, and check the copy
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"herald/admin"
	"herald/app"
	"herald/config"
	"herald/outbound"
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
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serveCommand(rest, stderr)
	case "feeds":
		return feedsCommand(rest, stdout, stderr)
	case "followers", "stats", "deliveries", "relays", "backup":
		return adminCommand(cmd, rest, stdout, stderr)
	case "verify":
		return verifyCommand(rest, stdout, stderr)
	case "restore":
		return restoreCommand(rest, stdout, stderr)
	case "remote":
		return remoteCommand(rest, stdout, stderr)
	case "reports":
		return reportsCommand(rest, stdout, stderr)
	case "move":
		return moveCommand(rest, stdout, stderr)
	case "keys":
		return keysCommand(rest, stdout, stderr)
	case "webcare":
		return webcareCommand(rest, stdout, stderr)
	case "store":
		return storeCommand(rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "herald", version)
		return exitOK
	case "help", "-h", "--help":
		usage(stdout)
		return exitOK
	default:
		fmt.Fprintf(stderr, "herald: unknown command %q\n", cmd)
		usage(stderr)
		return exitUsage
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Herald serves news feeds (RSS, Atom, JSON Feed) as fediverse accounts.

Usage:
  herald serve --config FILE          run the server (every key can also come from HERALD_* variables)
  herald feeds check URL              fetch a feed and preview the account and posts, publishing nothing
  herald feeds list --config FILE     list the configured feeds and their health
  herald feeds add --config FILE HANDLE URL
                                      add a feed to the config file (checked; apply with SIGHUP)
  herald feeds remove --config FILE HANDLE
                                      remove a feed from the config file
  herald followers HANDLE             list an account's followers
  herald stats HANDLE                 show an account's feed health and counts
  herald deliveries                   show the delivery queue
  herald relays                       show the relay subscriptions
  herald backup FILE                  write a consistent copy of the database
  herald restore --config FILE BACKUP put a backup in place (Herald stopped; the old database is kept as .bak)
  herald verify --config FILE HANDLE  check the site links back to the account (rel="me", fediverse:creator)
  herald remote export --config FILE ACTOR_ID
                                      print, as JSON, everything Herald holds about one remote account
  herald remote erase --config FILE ACTOR_ID
                                      erase it (follows, likes, boosts, replies, reports, cached actor)
  herald reports --config FILE        print the reports (Flag activities) received, as JSON
  herald move --config FILE --handle HANDLE --to ACTOR_URL
                                      move the account's followers to another account
                                      (Herald stopped; the next serve delivers the Move)
  herald keys rotate --config FILE HANDLE
                                      a new key, announced signed with the old one (Herald stopped)
  herald webcare add-user --config FILE --handle HANDLE --name NAME
                                      let NAME sign in to HANDLE from Mastodon apps; prints the password once
                                      (bbolt: Herald stopped; PostgreSQL: also while it runs)
  herald webcare list-users --config FILE
                                      the users who may sign in, and their accounts
  herald webcare remove-user --config FILE --name NAME
                                      remove a user and revoke their access tokens (bbolt: Herald stopped)
  herald store copy --from DATA_DIR --to postgres://…
                                      copy a stopped bbolt install into PostgreSQL and check the copy
                                      (safe to run again; refuses a database holding other data)
  herald store check --from DATA_DIR --to postgres://…
                                      compare the two, record by record, without writing (Herald stopped)
  herald version                      print the version

followers, stats, deliveries, relays, backup and feeds list read the data directory
of a stopped server (--config FILE), or ask a running one through its admin
API (--server URL with --token TOKEN or HERALD_ADMIN_TOKEN). Run any command
with --help for its flags. Exit status: 0 success, 1 failure, 2 usage or
config error.
`)
}

func serveCommand(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "path to the YAML config file (optional when HERALD_* variables set everything)")
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	cfg, ok := loadConfig("herald", *configPath, stderr)
	if !ok {
		return exitUsage
	}
	log := newLogger(stderr, cfg.LogLevel)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	load := func() (*config.Config, error) { return config.Load(*configPath, os.Getenv) }
	if err := serve(ctx, cfg, log, hup, load, *configPath); err != nil {
		log.Error("herald stopped", "error", err)
		return exitFailed
	}
	log.Info("herald stopped")
	return exitOK
}

// serve opens the store, runs Herald (package app) until ctx ends, and closes the
// store last, after every worker has stopped. load reads the configuration
// of the file at configPath ("" for none) and the environment, for SIGHUP
// (hup) and the admin API's feed edits (see newConfigSource).
func serve(ctx context.Context, cfg *config.Config, log *slog.Logger, hup chan os.Signal, load func() (*config.Config, error), configPath string) (err error) {
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := st.Close(); closeErr != nil && err == nil {
			err = fmt.Errorf("close store: %w", closeErr)
		}
	}()
	ctx, stopWatching := context.WithCancel(ctx) // before the store closes
	defer stopWatching()
	src, err := newConfigSource(ctx, st, cfg, log, hup, load, configPath)
	if err != nil {
		return err
	}
	cfg = src.initial
	for {
		next, err := runUntilReload(ctx, cfg, st, log, hup, src.reload, src.editor)
		if err != nil || next == nil {
			return err
		}
		cfg = next
		log.Info("configuration reloaded", "feeds", len(cfg.Feeds))
	}
}

// runUntilReload runs Herald with cfg until ctx ends (it returns nil, nil)
// or SIGHUP brings a valid new configuration: then it shuts the running
// Herald down in order, as for SIGTERM, and returns the new configuration to
// start again with, on the same database. A new configuration with errors,
// or another data_dir or database_url, is logged and ignored: the running
// one stays.
func runUntilReload(ctx context.Context, cfg *config.Config, st app.Store, log *slog.Logger, hup <-chan os.Signal, reload func() (*config.Config, error), editor admin.ConfigEditor) (*config.Config, error) {
	b, err := newApp(cfg, st, log, editor)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx, ln) }()
	for {
		select {
		case err := <-done:
			return nil, err
		case <-hup:
			next, err := reload()
			switch {
			case err != nil:
				log.Error("reload refused: the configuration has errors; the running one stays", "error", err)
			case next.DataDir != cfg.DataDir:
				log.Error("reload refused: data_dir changed; restart Herald for that", "data_dir", next.DataDir)
			case next.DatabaseURL != cfg.DatabaseURL:
				log.Error("reload refused: database_url changed; restart Herald for that")
			default:
				cancel()
				if err := <-done; err != nil {
					return nil, err
				}
				return next, nil
			}
		}
	}
}

// newApp builds the App of cfg on st, with the one outbound client;
// editor (nil for none) serves the admin API's feed edits.
func newApp(cfg *config.Config, st app.Store, log *slog.Logger, editor admin.ConfigEditor) (*app.App, error) {
	client := outbound.NewClient(outbound.Options{
		AllowPrivate: cfg.AllowPrivateAddresses,
		Timeout:      cfg.FetchTimeout.Std(),
		UserAgent:    outbound.UserAgent(version, cfg.BaseURL),
	})
	return app.New(app.Options{Config: cfg, Store: st, Client: client, Logger: log, Version: version, Editor: editor})
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv}))
}
