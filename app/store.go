package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"herald/accounts"
	"herald/admin"
	"herald/clientapi"
	"herald/config"
	"herald/delivery"
	"herald/inbox"
	"herald/intake"
	"herald/oauth"
	"herald/relays"
	"herald/remote"
	"herald/server"
	"herald/store"
	"herald/store/postgres"
)

// Store is everything the parts of Herald need of the database: the union
// of the Store interfaces they declare. The bbolt store (package store)
// and the PostgreSQL store (store/postgres) implement it.
type Store interface {
	accounts.Store
	remote.Store
	delivery.Store
	intake.Store
	inbox.Store
	relays.Store
	admin.Store
	server.Store
	oauth.Store
	clientapi.Store
	gaugeStore
	taskStore
}

// Both stores are a Store.
var (
	_ Store = (*store.Store)(nil)
	_ Store = (*postgres.Store)(nil)
)

// OpenedStore is a Store that its opener closes, with what the
// command-line tools read besides.
type OpenedStore interface {
	Store
	ExportRemote(id string) (store.RemoteRecord, error)
	Flags() ([]store.Flag, error)
	AddWebcareUser(u store.WebcareUser) error
	RemoveWebcareUser(name string, at time.Time) (revoked int, err error)
	WebcareUsers() ([]store.WebcareUser, error)
	Close() error
}

// OpenStore opens the store cfg names: the PostgreSQL database at
// database_url when it is set (applying the schema migrations), else the
// bbolt file in data_dir.
func OpenStore(ctx context.Context, cfg *config.Config) (OpenedStore, error) {
	if cfg.DatabaseURL == "" {
		return store.Open(cfg.DataDir)
	}
	st, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("database_url: %w", err)
	}
	return st, nil
}

// IsLocked reports whether OpenStore's err says the bbolt file is held by
// another process (a running Herald); a PostgreSQL store is never locked
// so.
func IsLocked(err error) bool { return errors.Is(err, store.ErrLocked) }
