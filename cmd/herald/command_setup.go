package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"herald/config"
	"herald/store"
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

// openStopped opens the store of dataDir for a command that needs the
// server stopped (the database is the server's alone); while the server
// runs, the error says so.
func openStopped(dataDir string) (*store.Store, error) {
	st, err := store.Open(dataDir)
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("herald is running on %s: stop it first", dataDir)
	}
	return st, err
}
