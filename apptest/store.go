package apptest

import (
	"context"
	"fmt"

	"herald/app"
	"herald/config"
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
