package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"herald/app"
	"herald/config"
)

// loadConfig loads the config file (and HERALD_* variables) for the command
// name; when it cannot, it says why on stderr and ok is false (exit with
// exitUsage).
func loadConfig(name, path string, stderr io.Writer) (cfg *config.Config, ok bool) {
	cfg, err := config.Load(path, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "%s: config: %v\n", name, err)
		return nil, false
	}
	return cfg, true
}

// openStopped opens the store of cfg for a command that needs the server
// stopped (a bbolt file is the server's alone: while the server runs, the
// error says so; with database_url the command must not run beside a
// serving Herald either, which cannot be checked).
func openStopped(cfg *config.Config) (app.OpenedStore, error) {
	st, err := app.OpenStore(context.Background(), cfg)
	if app.IsLocked(err) {
		return nil, fmt.Errorf("herald is running on %s: stop it first", cfg.DataDir)
	}
	return st, err
}
