package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"herald/store"
	"herald/store/postgres"
)

// copyBatch is how many records `herald store copy` writes per
// transaction.
const copyBatch = 500

// errMismatch says the check found the stores to differ; the table says
// how.
var errMismatch = errors.New("the copy differs from the bbolt file (see the table)")

// storeCommand runs `herald store copy|check --from DATA_DIR --to URL`.
func storeCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "copy" && args[0] != "check") {
		fmt.Fprintln(stderr, "usage: herald store copy|check --from DATA_DIR --to postgres://…")
		return exitUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("store "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the data directory of a stopped Herald (its herald.db)")
	to := fs.String("to", "", "the PostgreSQL database URL (postgres://…)")
	if err := fs.Parse(args[1:]); err != nil {
		return parseExit(err)
	}
	if *from == "" || *to == "" || fs.NArg() != 0 {
		fmt.Fprintf(stderr, "herald store %s: --from and --to are required\n", sub)
		fs.Usage()
		return exitUsage
	}
	err := storeCopy(*from, *to, sub == "copy", stdout)
	if err != nil {
		fmt.Fprintf(stderr, "herald store %s: %v\n", sub, err)
		return exitFailed
	}
	return exitOK
}

// storeCopy copies (when write is true) the bbolt install in from to the
// database at url, then checks the copy. The URL (with its password) is
// never printed: the database is named by its redacted Path.
func storeCopy(from, url string, write bool, stdout io.Writer) (err error) {
	if _, err := os.Stat(filepath.Join(from, store.FileName)); err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	src, err := store.Open(from)
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("herald is running on %s: stop it first", from)
	}
	if err != nil {
		return err
	}
	defer closeInto(src, &err)
	if err := refuseUncopied(src); err != nil {
		return err
	}
	dst, err := postgres.Open(context.Background(), url)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	defer closeInto(dst, &err)
	d, err := readSource(src)
	if err != nil {
		return fmt.Errorf("read %s: %w", src.Path(), err)
	}
	if write {
		if err := copyRecords(src, dst, d, stdout); err != nil {
			return err
		}
	}
	sums, err := d.compare(dst)
	if err != nil {
		return fmt.Errorf("check %s: %w", dst.Path(), err)
	}
	if !d.printTable(stdout, sums) {
		return errMismatch
	}
	fmt.Fprintf(stdout, "%s holds the same records as %s.\n", dst.Path(), src.Path())
	return nil
}

// copyRecords writes the source's records that dst lacks. It refuses
// (writing nothing) when dst holds records the source does not, or holds
// others than the source under the same keys: dst must be empty, or hold
// what a previous copy of the same install (perhaps cut short) wrote.
func copyRecords(src *store.Store, dst *postgres.Store, d *digest, stdout io.Writer) error {
	before, err := d.compare(dst)
	if err != nil {
		return fmt.Errorf("read %s: %w", dst.Path(), err)
	}
	for _, s := range before {
		if s.differ+s.surplus > 0 {
			d.printTable(stdout, before)
			return fmt.Errorf("%s holds other data than %s (DIFFERENT and EXTRA): copy only into an empty database or one this install was copied into", dst.Path(), src.Path())
		}
	}
	var batch []store.Record
	written := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		written += len(batch)
		err := dst.Import(batch)
		batch = batch[:0]
		return err
	}
	err = src.Dump(func(r store.Record) error {
		if d.records[store.RecordKey(r)].inPlace {
			return nil
		}
		if batch = append(batch, r); len(batch) == copyBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("copy to %s: %w", dst.Path(), err)
	}
	fmt.Fprintf(stdout, "Copied %d records (%d already in place).\n", written, len(d.records)-written)
	return nil
}

// refuseUncopied fails when src holds records that the copy does not carry.
func refuseUncopied(src *store.Store) error {
	left, err := src.Uncopied()
	if err != nil || len(left) == 0 {
		return err
	}
	return fmt.Errorf("%s holds records the copy does not carry (buckets %s); nothing copied", src.Path(), strings.Join(left, ", "))
}

// closeInto closes c, setting *err to its error when *err is nil.
func closeInto(c io.Closer, err *error) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close: %w", cerr)
	}
}
