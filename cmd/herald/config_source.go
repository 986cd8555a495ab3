package main

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"
	"syscall"

	"herald/admin"
	"herald/app"
	"herald/config"
	"herald/feededits"
)

// configSource is where a serving Herald's configuration comes from, and
// what the admin API's feed edits change.
type configSource struct {
	// initial is the configuration to start with.
	initial *config.Config
	// reload reads it again (on SIGHUP, after a feed edit).
	reload func() (*config.Config, error)
	// editor serves the admin API's feed edits (nil: none).
	editor admin.ConfigEditor
}

// newConfigSource picks the configSource of st. On bbolt (one process)
// the configuration is the file (and environment) that load reads, and
// the admin API edits the file at configPath in place. On PostgreSQL the
// replicas keep their own files, so the admin API's feed edits go into
// the database (package feededits): the configuration is the file with
// the edits applied, and a watcher reloads the replica when another one
// records an edit. A reload is asked for on hup, as SIGHUP asks.
func newConfigSource(ctx context.Context, st app.Store, cfg *config.Config, log *slog.Logger, hup chan os.Signal,
	load func() (*config.Config, error), configPath string) (configSource, error) {
	askReload := func() {
		select {
		case hup <- syscall.SIGHUP:
		default: // a reload already asked for covers this one
		}
	}
	edits, shared := st.(feededits.Store)
	if !shared {
		src := configSource{initial: cfg, reload: load}
		if configPath != "" {
			src.editor = fileEditor{path: configPath, reload: hup}
		}
		return src, nil
	}
	feeds := &feededits.Shared{Store: edits, Load: load, Changed: askReload, Log: log}
	var applied atomic.Int64
	reload := func() (*config.Config, error) {
		next, seq, err := feeds.Config()
		if err == nil {
			applied.Store(seq)
		}
		return next, err
	}
	initial, err := reload()
	if err != nil {
		return configSource{}, err
	}
	go feededits.Watch(ctx, edits, applied.Load, feededits.WatchInterval, log, askReload)
	return configSource{initial: initial, reload: reload, editor: feeds}, nil
}
