package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"herald/config"
	"herald/store"
)

// restoreCommand puts a backup in place of a stopped server's database.
// The backup is checked first (it must open as a Herald database), the
// current database is kept as herald.db.bak, and the swap is a rename, so
// a failure leaves the data directory as it was.
func restoreCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "config file of the stopped server (its data_dir receives the backup)")
	if code, ok := parseFlags(fs, args, "herald restore --config FILE BACKUP", 1); !ok {
		return code
	}
	cfg, ok := loadConfig("herald restore", *configPath, stderr)
	if !ok {
		return exitUsage
	}
	if cfg.DatabaseURL != "" {
		fmt.Fprintln(stderr, "herald restore: a backup is a bbolt file, and this config stores in PostgreSQL (database_url): restore a PostgreSQL database with pg_restore")
		return exitUsage
	}
	if err := restore(fs.Arg(0), cfg); err != nil {
		fmt.Fprintf(stderr, "herald restore: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "restored %s into %s (the previous database is %s.bak)\n", fs.Arg(0), cfg.DataDir, store.FileName)
	return exitOK
}

func restore(backup string, cfg *config.Config) error {
	dataDir := cfg.DataDir
	// The server must be stopped: holding the lock proves it.
	current, err := openStopped(cfg)
	if err != nil {
		return err
	}
	defer current.Close()
	staging, err := os.MkdirTemp(dataDir, ".restore-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	staged := filepath.Join(staging, store.FileName)
	if err := copyFile(backup, staged); err != nil {
		return err
	}
	check, err := store.Open(staging)
	if err != nil {
		return fmt.Errorf("%s is not a Herald database: %w", backup, err)
	}
	if err := check.Close(); err != nil {
		return err
	}
	live := filepath.Join(dataDir, store.FileName)
	if err := os.Rename(live, live+".bak"); err != nil {
		return err
	}
	if err := os.Rename(staged, live); err != nil {
		_ = os.Rename(live+".bak", live)
		return err
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
