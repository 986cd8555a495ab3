package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestMoveCommandErrors: bad arguments exit 2, a failed move exits 1 and
// says why, and nothing is queued.
func TestMoveCommandErrors(t *testing.T) {
	cfg := writeFile(t, "base_url: https://news.example.org\ndata_dir: "+t.TempDir()+"\nfeeds: [{handle: news, url: 'https://example.org/feed'}]\n")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no target", []string{"move", "--config", cfg, "--handle", "news"}, exitUsage, "--to are required"},
		{"unknown account", []string{"move", "--config", cfg, "--handle", "nobody", "--to", "https://new.example/users/n"}, exitFailed, `no account "nobody"`},
		{"target not a URL", []string{"move", "--config", cfg, "--handle", "news", "--to", "@n@new.example"}, exitFailed, "not an actor URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			t.Setenv("HERALD_BASE_URL", "")
			if code := run(tc.args, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d (%s)", code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tc.want)
			}
		})
	}
}
