package main

import (
	"errors"
	"flag"
	"fmt"
	"herald/app"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"herald/config"
	"herald/oauth"
	"herald/store"
)

// webcareCommand runs `herald webcare add-user|list-users|remove-user`:
// the people who may sign in to an account from a Mastodon app. On bbolt,
// like `herald move`, it works on the data directory of a stopped server
// (the file is Herald's alone, and says so while Herald runs); on
// PostgreSQL it may run beside the replicas, which read users and tokens
// from the database at every request and so see the change at once.
func webcareCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "Usage: herald webcare add-user|list-users|remove-user --config FILE ...")
		return exitUsage
	}
	fs := flag.NewFlagSet("webcare "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "config file of the server (bbolt: stopped; its database is changed)")
	var handle, name *string
	switch args[0] {
	case "add-user":
		handle = fs.String("handle", "", "the account the user may sign in to (a feed's handle)")
		name = fs.String("name", "", "the user name to sign in with (letters, digits, dots, dashes, underscores)")
	case "remove-user":
		name = fs.String("name", "", "the user to remove; their access tokens are revoked")
	case "list-users":
	default:
		fmt.Fprintf(stderr, "herald webcare: unknown action %q (add-user, list-users, remove-user)\n", args[0])
		return exitUsage
	}
	if err := fs.Parse(args[1:]); err != nil {
		return parseExit(err)
	}
	if fs.NArg() != 0 || name != nil && *name == "" || handle != nil && *handle == "" {
		fmt.Fprintf(stderr, "herald webcare %s: missing or extra arguments\n", args[0])
		fs.Usage()
		return exitUsage
	}
	cfg, ok := loadConfig("herald webcare", *configPath, stderr)
	if !ok {
		return exitUsage
	}
	err := runWebcare(args[0], cfg, handle, name, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "herald webcare %s: %v\n", args[0], err)
		return exitFailed
	}
	return exitOK
}

func runWebcare(action string, cfg *config.Config, handle, name *string, stdout io.Writer) (err error) {
	st, err := openStopped(cfg)
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := st.Close(); closeErr != nil && err == nil {
			err = fmt.Errorf("close store: %w", closeErr)
		}
	}()
	switch action {
	case "add-user":
		return addUser(st, cfg, *handle, *name, stdout)
	case "remove-user":
		n, err := st.RemoveWebcareUser(strings.ToLower(strings.TrimSpace(*name)), time.Now().UTC())
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no user %q", *name)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Removed %s; %d access tokens revoked.\n", *name, n)
		return nil
	default:
		return listUsers(st, stdout)
	}
}

// addUser issues a user for handle with a fresh password, which it prints
// once: the store keeps only its hash.
func addUser(st app.OpenedStore, cfg *config.Config, handle, name string, stdout io.Writer) error {
	handle = strings.ToLower(strings.TrimSpace(handle))
	if !slices.ContainsFunc(cfg.Feeds, func(f config.Feed) bool { return f.Handle == handle }) {
		return fmt.Errorf("no account %q in the config", handle)
	}
	name, err := oauth.NormalizeUserName(name)
	if err != nil {
		return err
	}
	password := oauth.NewPassword()
	hash, err := oauth.HashPassword(password)
	if err != nil {
		return err
	}
	err = st.AddWebcareUser(store.WebcareUser{Name: name, Handle: handle, PasswordHash: hash, Created: time.Now().UTC()})
	if errors.Is(err, store.ErrExists) {
		return fmt.Errorf("user %q exists already (remove it first to issue a new password)", name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "User %s may sign in to @%s@%s from a Mastodon app (server: %s).\nPassword (shown once, keep it safe): %s\n",
		name, handle, cfg.HandleDomain(), cfg.Host(), password)
	return nil
}

func listUsers(st app.OpenedStore, stdout io.Writer) error {
	users, err := st.WebcareUsers()
	if err != nil {
		return err
	}
	if len(users) == 0 {
		_, err := fmt.Fprintln(stdout, "no users (add one with herald webcare add-user)")
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tACCOUNT\tCREATED")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Handle, u.Created.Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}
