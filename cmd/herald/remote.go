package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"herald/app"
	"io"
	"net/url"

	"herald/store"
)

// remoteCommand runs "herald remote export|erase --config FILE ACTOR_ID":
// print as JSON, or erase, everything Herald holds about one remote
// account (its follows, likes, boosts, replies, reports and cached actor).
// Herald must be stopped: the database admits one process at a time.
func remoteCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "export" && args[0] != "erase") {
		fmt.Fprintln(stderr, "usage: herald remote export|erase --config FILE ACTOR_ID")
		return exitUsage
	}
	action := args[0]
	st, rest, code := openStoreForCommand("remote "+action, args[1:], stderr)
	if st == nil {
		return code
	}
	defer st.Close()
	if len(rest) != 1 {
		fmt.Fprintln(stderr, "herald: give exactly one actor id")
		return exitUsage
	}
	actorID := rest[0]
	if u, err := url.Parse(actorID); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		fmt.Fprintf(stderr, "herald: %q is not an actor id (an http(s) URL)\n", actorID)
		return exitUsage
	}
	var rec store.RemoteRecord
	var err error
	if action == "export" {
		rec, err = st.ExportRemote(actorID)
	} else {
		rec, err = st.EraseRemote(actorID)
	}
	if err != nil {
		fmt.Fprintf(stderr, "herald: %s %s: %v\n", action, actorID, err)
		return exitFailed
	}
	return writeJSON(stdout, stderr, rec)
}

// reportsCommand runs "herald reports --config FILE": print the reports
// (Flag activities) received about Herald's accounts and posts, as JSON.
func reportsCommand(args []string, stdout, stderr io.Writer) int {
	st, rest, code := openStoreForCommand("reports", args, stderr)
	if st == nil {
		return code
	}
	defer st.Close()
	if len(rest) != 0 {
		fmt.Fprintln(stderr, "usage: herald reports --config FILE")
		return exitUsage
	}
	flags, err := st.Flags()
	if err != nil {
		fmt.Fprintf(stderr, "herald: reports: %v\n", err)
		return exitFailed
	}
	if flags == nil {
		flags = []store.Flag{}
	}
	return writeJSON(stdout, stderr, flags)
}

// openStoreForCommand parses --config, loads the config and opens the
// store. On failure it returns a nil store and the exit code.
func openStoreForCommand(name string, args []string, stderr io.Writer) (app.OpenedStore, []string, int) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "path to the YAML config file")
	if err := fs.Parse(args); err != nil {
		return nil, nil, parseExit(err)
	}
	cfg, ok := loadConfig("herald "+name, *configPath, stderr)
	if !ok {
		return nil, nil, exitUsage
	}
	st, err := openStopped(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "herald: %v\n", err)
		return nil, nil, exitFailed
	}
	return st, fs.Args(), exitOK
}

func writeJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "herald: %v\n", err)
		return exitFailed
	}
	return exitOK
}
