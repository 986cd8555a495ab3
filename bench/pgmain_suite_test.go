//go:build !bench

package bench

import (
	"testing"

	"herald/pgtest"
)

// pgMain runs the tests; the suite's PostgreSQL is the throwaway one
// (no fsync): its tests check what happens, not how fast.
func pgMain(m *testing.M) int { return pgtest.Main(m) }
