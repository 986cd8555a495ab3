package apptest

import (
	"context"
	"fmt"
	"testing"

	"herald/app"
	"herald/config"
	"herald/pgtest"
	"herald/store/storetest"
)

// Store is what the tests read and write of a running Herald's store:
// every method both backends have (the contract of store/storetest), and
// Close.
type Store interface {
	storetest.Backend
	app.OpenedStore
}

// openStore opens the store cfg names, as cmd/herald does: PostgreSQL at
// cfg.DatabaseURL when set (see pgtest), else the bbolt file in
// cfg.DataDir.
func openStore(cfg *config.Config) (Store, error) {
	st, err := app.OpenStore(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	full, ok := st.(Store)
	if !ok {
		st.Close()
		return nil, fmt.Errorf("store %T lacks methods of apptest.Store", st)
	}
	return full, nil
}

// OnBothStores runs test once on the bbolt store and once on a fresh
// PostgreSQL database (see pgtest), each as its own subtest; test gets
// the config tweak that picks the store (nil for bbolt). The test binary
// runs pgtest.Main in its TestMain.
func OnBothStores(t *testing.T, test func(t *testing.T, store func(*config.Config))) {
	t.Run("bbolt", func(t *testing.T) { test(t, nil) })
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.Database(t)
		test(t, func(c *config.Config) { c.DatabaseURL = url })
	})
}
