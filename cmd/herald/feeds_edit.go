package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"gopkg.in/yaml.v3"

	"herald/admin"
	"herald/app"
	"herald/config"
	"herald/feededits"
)

// errInvalidEdit marks an edit the config refuses (as opposed to a file
// that cannot be read or written).
var errInvalidEdit = errors.New("invalid edit")

// fileEditor edits the config file of a running server for the admin API
// (admin.ConfigEditor) and asks the server to reload it.
type fileEditor struct {
	path   string
	reload chan<- os.Signal
}

func (e fileEditor) AddFeed(handle, url string) error {
	return e.apply(func(feeds *yaml.Node) error { return addFeed(feeds, handle, url) })
}

func (e fileEditor) UpdateFeed(handle string, fields map[string]string) error {
	return e.apply(func(feeds *yaml.Node) error { return updateFeed(feeds, handle, fields) })
}

func (e fileEditor) RemoveFeed(handle string) error {
	return e.apply(func(feeds *yaml.Node) error { return removeFeed(feeds, handle) })
}

// apply edits the file and, once it is saved, triggers a reload as SIGHUP
// does (without blocking: a reload already asked for covers this edit).
func (e fileEditor) apply(edit func(*yaml.Node) error) error {
	if err := editFeeds(e.path, edit); err != nil {
		if errors.Is(err, errInvalidEdit) {
			return fmt.Errorf("%w: %w", admin.ErrConfigEdit, err)
		}
		return err
	}
	select {
	case e.reload <- syscall.SIGHUP:
	default:
	}
	return nil
}

// feedsEditCommand runs "feeds add" and "feeds remove": it edits the feeds
// list of the config file (comments and the other keys are kept), checks
// the result as Herald would load it, and replaces the file atomically.
// A running server picks the change up on SIGHUP.
func feedsEditCommand(verb string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("feeds "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "the config file to edit (required)")
	want := map[string]string{"add": "HANDLE URL", "remove": "HANDLE"}[verb]
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: herald feeds %s --config FILE %s\n", verb, want)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if *configPath == "" || fs.NArg() != len(strings.Fields(want)) {
		fs.Usage()
		return exitUsage
	}
	handle := strings.ToLower(fs.Arg(0))
	edit := func(feeds *yaml.Node) error { return addFeed(feeds, handle, fs.Arg(1)) }
	if verb == "remove" {
		edit = func(feeds *yaml.Node) error { return removeFeed(feeds, handle) }
	}
	if shared, err := recordSharedEdit(*configPath, verb, handle, fs.Arg(1)); shared || err != nil {
		if err != nil {
			fmt.Fprintf(stderr, "herald feeds %s: %v\n", verb, err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "feed %q %sed in the database; every replica applies it within seconds.\n", handle, strings.TrimSuffix(verb, "e"))
	} else if err := editFeeds(*configPath, edit); err != nil {
		fmt.Fprintf(stderr, "herald feeds %s: %v\n", verb, err)
		return exitFailed
	} else {
		fmt.Fprintf(stdout, "%s: feed %q %sed; apply it with SIGHUP (kill -HUP PID) or a restart.\n", *configPath, handle, strings.TrimSuffix(verb, "e"))
	}
	if verb == "remove" {
		fmt.Fprintln(stdout, "The account's data stays in the database; its followers see no more posts (use herald move first to take them along).")
	}
	return exitOK
}

// recordSharedEdit records "feeds add" or "feeds remove" in the database
// when the config at configPath names one (database_url): there the
// replicas share the admin API's feed edits (package feededits), and the
// running ones apply it within seconds. shared is false for bbolt, whose
// edits go into the file.
func recordSharedEdit(configPath, verb, handle, url string) (shared bool, err error) {
	cfg, err := config.Load(configPath, os.Getenv)
	if err != nil || cfg.DatabaseURL == "" {
		return false, nil // the file editor reports a config error
	}
	st, err := app.OpenStore(context.Background(), cfg)
	if err != nil {
		return true, err
	}
	defer st.Close()
	edits, ok := st.(feededits.Store)
	if !ok {
		return false, nil
	}
	feeds := &feededits.Shared{Store: edits, Load: func() (*config.Config, error) { return cfg, nil }, Changed: func() {}}
	if verb == "remove" {
		return true, feeds.RemoveFeed(handle)
	}
	return true, feeds.AddFeed(handle, url)
}

// editFeeds applies edit to the feeds sequence of the YAML file at path,
// validates the result with config.Load and writes it in place.
func editFeeds(path string, edit func(feeds *yaml.Node) error) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return fmt.Errorf("%s is not a YAML mapping", path)
	}
	if err := edit(feedsNode(doc.Content[0])); err != nil {
		return fmt.Errorf("%w: %w", errInvalidEdit, err)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".herald-config-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(out.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if _, err := config.Load(tmp.Name(), func(string) string { return "" }); err != nil {
		return fmt.Errorf("%w: the edited config would not load: %w", errInvalidEdit, err)
	}
	if info, err := os.Stat(path); err == nil {
		_ = os.Chmod(tmp.Name(), info.Mode())
	}
	return os.Rename(tmp.Name(), path)
}

// feedsNode returns the feeds sequence of the config mapping, adding an
// empty one when the file has none.
func feedsNode(root *yaml.Node) *yaml.Node {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "feeds" {
			return root.Content[i+1]
		}
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "feeds"}, seq)
	return seq
}

// feedHandle returns the handle of one feeds entry.
func feedHandle(entry *yaml.Node) string {
	for i := 0; i+1 < len(entry.Content); i += 2 {
		if entry.Content[i].Value == "handle" {
			return strings.ToLower(entry.Content[i+1].Value)
		}
	}
	return ""
}

func addFeed(feeds *yaml.Node, handle, url string) error {
	for _, e := range feeds.Content {
		if feedHandle(e) == handle {
			return fmt.Errorf("a feed with handle %q is already configured", handle)
		}
	}
	scalar := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	feeds.Kind, feeds.Tag, feeds.Style = yaml.SequenceNode, "!!seq", 0
	feeds.Content = append(feeds.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map",
		Content: []*yaml.Node{scalar("handle"), scalar(handle), scalar("url"), scalar(url)}})
	return nil
}

// updateFeed sets fields (url, name, summary) of handle's entry.
func updateFeed(feeds *yaml.Node, handle string, fields map[string]string) error {
	for _, e := range feeds.Content {
		if feedHandle(e) != handle {
			continue
		}
		for key, value := range fields {
			setScalar(e, key, value)
		}
		return nil
	}
	return errors.New("no feed with handle " + handle + " in the config")
}

// setScalar sets key to value in a mapping node, adding the key if needed.
func setScalar(m *yaml.Node, key, value string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
}

func removeFeed(feeds *yaml.Node, handle string) error {
	for i, e := range feeds.Content {
		if feedHandle(e) == handle {
			feeds.Content = append(feeds.Content[:i], feeds.Content[i+1:]...)
			return nil
		}
	}
	return errors.New("no feed with handle " + handle + " in the config")
}
