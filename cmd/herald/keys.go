package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"herald/app"
)

// keysCommand runs `herald keys rotate --config FILE HANDLE`: a new key for
// the account, announced to followers in an Update signed with the old key
// (so Mastodon does not make them re-follow). Herald must be stopped; the
// next `herald serve` delivers the Update.
func keysCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "rotate" {
		fmt.Fprintln(stderr, "Usage: herald keys rotate --config FILE HANDLE")
		return exitUsage
	}
	fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "config file of the stopped server")
	if code, ok := parseFlags(fs, args[1:], "herald keys rotate --config FILE HANDLE", 1); !ok {
		return code
	}
	cfg, ok := loadConfig("herald keys rotate", *configPath, stderr)
	if !ok {
		return exitUsage
	}
	handle := strings.ToLower(fs.Arg(0))
	var n int
	err := withStoppedApp(cfg, stderr, func(b *app.App) (err error) {
		n, err = b.RotateKey(handle)
		return err
	})
	if err != nil {
		fmt.Fprintf(stderr, "herald keys rotate: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "New key for %s; the Update announcing it is queued for %d inboxes, signed with the old key. `herald serve` delivers it.\n", handle, n)
	return exitOK
}
