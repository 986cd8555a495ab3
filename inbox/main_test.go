package inbox_test

import (
	"os"
	"testing"

	"herald/pgtest"
)

// TestMain stops the PostgreSQL server of the replica tests (see pgtest).
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
