package postgres

// Task leases (task_leases) and the signatures the inbox saw
// (seen_signatures); see package store, task_leases.go and
// seen_signatures.go.

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// ClaimTask gives owner the lease of the task name until until when no one
// holds it at now (never claimed, released, or the lease ended) or owner
// holds it already (a renewal). It returns the lease as it is afterwards,
// which is owner's when the claim succeeded, and the owner whose ended
// lease was taken over ("" when none was).
func (s *Store) ClaimTask(name, owner string, now, until time.Time) (lease store.TaskLease, takenFrom string, err error) {
	if name == "" || owner == "" {
		return store.TaskLease{}, "", fmt.Errorf("claim task %q for %q: a name and an owner are required", name, owner)
	}
	lease, takenFrom, err = s.claimLease("task_leases", "name", name, owner, now, until)
	if err != nil {
		return store.TaskLease{}, "", fmt.Errorf("claim task %s: %w", name, err)
	}
	return lease, takenFrom, nil
}

// ReleaseTask gives up owner's lease of the task name, so that another
// replica can take the task over at once, and reports whether owner held
// it (a lease another replica took over is left alone).
func (s *Store) ReleaseTask(name, owner string) (released bool, err error) {
	tag, err := s.exec("UPDATE task_leases SET owner = '', until = NULL WHERE name = $1 AND owner = $2", name, owner)
	if err != nil {
		return false, fmt.Errorf("release task %s: %w", name, err)
	}
	return tag.RowsAffected() > 0, nil
}

// SeeSignature records the signature whose SHA-256 digest is digest, valid
// until until, and reports whether it was recorded already and still
// valid at now: true means the request is a replay, and nothing changes.
// A digest recorded before whose validity ended by now counts as new. It
// is one statement (the inbox calls it for every request it verified):
// of two replicas recording one digest at once, one sees it as new.
//
// Its commit does not wait for the disk (synchronous_commit off for this
// transaction alone, asyncCommit): the inbox's own writes for the request
// commit after it and flush its record with theirs, so a crash loses only
// digests of requests whose effects were lost as well (the sender retries
// those), and the inbox does not pay a second flush for every request.
func (s *Store) SeeSignature(digest []byte, now, until time.Time) (seen bool, err error) {
	if len(digest) != store.SignatureDigestSize {
		return false, fmt.Errorf("see signature: digest of %d bytes, want %d", len(digest), store.SignatureDigestSize)
	}
	err = s.inTxWith(asyncCommit, func(ctx context.Context, tx pgx.Tx) error {
		var recorded bool
		err := tx.QueryRow(ctx, `INSERT INTO seen_signatures AS s (digest, until) VALUES ($1, $3)
			ON CONFLICT (digest) DO UPDATE SET until = excluded.until WHERE s.until <= $2
			RETURNING true`, digest, now, until).Scan(&recorded)
		seen = notFound(err)
		if seen {
			return nil
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("see signature: %w", err)
	}
	return seen, nil
}

// PruneSignatures removes up to limit recorded signatures whose validity
// ended by now, earliest first, and returns how many it removed; the
// caller calls again while it removes limit.
func (s *Store) PruneSignatures(now time.Time, limit int) (int, error) {
	tag, err := s.exec(`DELETE FROM seen_signatures WHERE digest IN
		(SELECT digest FROM seen_signatures WHERE until <= $1 ORDER BY until LIMIT $2)`, now, limit)
	if err != nil {
		return 0, fmt.Errorf("prune signatures: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
