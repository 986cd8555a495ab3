package admin_test

import (
	"os"
	"testing"

	"herald/config"
	"herald/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// onBothStores runs test once on the bbolt store and once on a fresh
// PostgreSQL database (see pgtest), each as its own subtest; test gets
// the config tweak that picks the store.
func onBothStores(t *testing.T, test func(t *testing.T, store func(*config.Config))) {
	t.Run("bbolt", func(t *testing.T) { test(t, nil) })
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.Database(t)
		test(t, func(c *config.Config) { c.DatabaseURL = url })
	})
}
