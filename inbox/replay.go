package inbox

import (
	"context"
	"crypto/sha256"
	"net/http"
	"time"

	"herald/signature"
)

// Replays across replicas. A verified signature is looked up first in
// this replica's memory (guard.replay), which catches a replay sent to the
// same replica at no cost, then recorded in the store by its SHA-256
// digest (Store.SeeSignature): with PostgreSQL every replica records
// there, so a replay sent to any other replica within the Date's window is
// caught too. The bbolt store keeps the digests in memory, for its one
// process. Only signatures that verified are recorded, so a forger cannot
// make an honest request look like a replay.
//
// When the store cannot answer, the request is refused with 503 and
// Retry-After rather than taken unchecked (a replay would get through) or
// refused as a replay (an honest request would be lost): the sender tries
// again later, with a fresh signature as Mastodon and its peers sign
// every retry afresh. The signature is forgotten from memory, so even the
// very same request is judged again.

// Bounds of the pruning of expired digests (PruneSignatures).
const (
	// signaturePruneInterval is how often expired digests are removed.
	signaturePruneInterval = 5 * time.Minute
	// signaturePruneBatch is how many are removed in one statement, so
	// that pruning never holds the table long.
	signaturePruneBatch = 1000
)

// checkReplay refuses a verified request whose signature was seen before,
// by this replica or (through the store) by another. It returns 0 when
// the request is new, else the status and message to answer.
func (in *Inbox) checkReplay(v signature.Verified, now time.Time) (status int, msg string) {
	until := v.Date.Add(in.verifyOptions().ReplayWindow())
	if in.guard.replay.Seen(v.Signature, now, until) {
		return http.StatusUnauthorized, "replayed signature"
	}
	digest := sha256.Sum256([]byte(v.Signature))
	seen, err := in.o.Store.SeeSignature(digest[:], now, until)
	if err != nil {
		in.guard.replay.Forget(v.Signature)
		in.o.Log.Warn("inbox: replay check failed; asking the sender to retry", "key_id", v.KeyID, "error", err)
		return http.StatusServiceUnavailable, "replay check unavailable, retry later"
	}
	if seen {
		return http.StatusUnauthorized, "replayed signature"
	}
	return 0, ""
}

// PruneSignatures removes the digests of signatures whose window has
// ended from the store at once and then every few minutes, in batches,
// until ctx ends. One replica does it for all (app runs it under a task
// lease); the digests it removes could no longer match a request, as their
// Date is out of the window.
func (in *Inbox) PruneSignatures(ctx context.Context) {
	for {
		in.pruneSignatures(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(signaturePruneInterval):
		}
	}
}

// pruneSignatures removes every expired digest, a batch at a time.
func (in *Inbox) pruneSignatures(ctx context.Context) {
	total := 0
	for ctx.Err() == nil {
		n, err := in.o.Store.PruneSignatures(in.o.Now(), signaturePruneBatch)
		if err != nil {
			in.o.Log.Warn("inbox: prune seen signatures", "error", err)
			return
		}
		total += n
		if n < signaturePruneBatch {
			break
		}
	}
	if total > 0 {
		in.o.Log.Debug("inbox: pruned seen signatures", "removed", total)
	}
}
