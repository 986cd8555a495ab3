package admin_test

import (
	"os"
	"testing"

	"herald/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
