// Package store is Herald's embedded database: one bbolt file with one bucket
// per concern (actor keys, feed state, seen items, documents, outboxes,
// followers, the delivery queue, the remote actor cache, and for the
// client API its apps, codes, tokens, users and audit log, the posts
// written in apps and the notifications dismissed).
//
// Every method returns only after bbolt has committed (and synced) its
// writes, so a caller may acknowledge a state change as soon as the method
// returns. Writes that many goroutines make at once (delivery outcomes,
// follows, likes, polls) share transactions by group commit (batch, in
// group_commit.go); each is still all or nothing. A *Store is safe for
// concurrent use.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the name of the bbolt file inside the data directory.
const FileName = "herald.db"

// Bucket names. Buckets marked "per actor" hold one nested bucket per handle.
var (
	bucketActorKeys     = []byte("actor_keys")    // handle → private key PEM
	bucketFeeds         = []byte("feeds")         // handle → FeedState JSON
	bucketItems         = []byte("items")         // per actor: item key → SeenItem JSON
	bucketDocuments     = []byte("documents")     // object or activity id → JSON-LD
	bucketOutbox        = []byte("outbox")        // per actor: time|activity id → activity id
	bucketFollowers     = []byte("followers")     // per actor: follower id → Follower JSON
	bucketDeliveries    = []byte("deliveries")    // next attempt|activity id|inbox → Job JSON
	bucketRemoteActors  = []byte("remote_actors") // actor id → RemoteActor JSON
	bucketRemoteKeys    = []byte("remote_keys")   // key id → actor id
	bucketScheduled     = []byte("scheduled")     // per actor: item key → Scheduled JSON
	bucketTombstones    = []byte("tombstones")    // deleted object id → Tombstone JSON; its activities' ids → "@" + object id
	bucketWebSub        = []byte("websub")        // handle → Subscription JSON
	topLevelBuckets     = [][]byte{bucketActorKeys, bucketFeeds, bucketItems, bucketDocuments, bucketOutbox, bucketFollowers, bucketDeliveries, bucketRemoteActors, bucketRemoteKeys, bucketScheduled, bucketTombstones, bucketWebSub, bucketRelays}
	errBucketNotCreated = errors.New("bucket missing")
)

// ErrLocked is returned by Open when another process holds the database.
var ErrLocked = errors.New("database is in use by another process")

// ErrNotFound is returned when a requested record does not exist.
var ErrNotFound = errors.New("not found")

// Store is the bbolt database.
type Store struct {
	db *bolt.DB
	// commits is the group commit of writes (group_commit.go).
	commits   *GroupQueue[commitRequest]
	closeOnce sync.Once
	// claims are the claims on jobs and feeds (claims.go), in memory.
	claims *claimTable
}

// Open opens (creating if needed) the database in dataDir. It fails with
// ErrLocked after a second if another process has the file open.
func Open(dataDir string) (*Store, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dataDir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range slices.Concat(topLevelBuckets, queueBuckets, webcareBuckets, statusBuckets) {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		if err := indexDeliveries(tx); err != nil {
			return err
		}
		return indexInteractionTimes(tx)
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{db: db, claims: newClaimTable()}
	s.commits = NewGroupQueue(s.commitGroup)
	return s, nil
}

// Close closes the database. Pending transactions finish first; writes that
// come later fail.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.commits.Close()
		err = s.db.Close()
	})
	return err
}

// Path returns the database file's path.
func (s *Store) Path() string {
	return s.db.Path()
}

// actorBucket returns the nested bucket of handle inside parent, creating
// it when create is true (then tx must be writable). It returns nil when the
// bucket does not exist and create is false.
func actorBucket(tx *bolt.Tx, parent []byte, handle string, create bool) (*bolt.Bucket, error) {
	top := tx.Bucket(parent)
	if top == nil {
		return nil, fmt.Errorf("%s: %w", parent, errBucketNotCreated)
	}
	if !create {
		return top.Bucket([]byte(handle)), nil
	}
	b, err := top.CreateBucketIfNotExists([]byte(handle))
	if err != nil {
		return nil, fmt.Errorf("create %s/%s: %w", parent, handle, err)
	}
	return b, nil
}

// putJSON stores v as JSON under key.
func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put(key, raw)
}

// decodeJSON decodes raw, the value stored under key, into out.
func decodeJSON(key, raw []byte, out any) error {
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode %q: %w", key, err)
	}
	return nil
}

// getJSON decodes the JSON under key into v; found is false when there is none.
func getJSON(b *bolt.Bucket, key []byte, v any) (found bool, err error) {
	if b == nil {
		return false, nil
	}
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	return true, decodeJSON(key, raw, v)
}

// Times that timeKey can encode: those whose nanoseconds since the epoch fit
// in an int64 (about the years 1678 to 2262).
var (
	minKeyTime = time.Unix(0, math.MinInt64)
	maxKeyTime = time.Unix(0, math.MaxInt64)
)

// timeKey encodes t in 8 bytes that sort in time order, also before 1970:
// the nanoseconds since the epoch, big-endian, with the sign bit flipped.
// t must satisfy checkKeyTime.
func timeKey(t time.Time) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, uint64(t.UnixNano())^(1<<63))
	return k
}

// keyTime decodes the time at the start of a key made with timeKey, in UTC.
func keyTime(k []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(k[:8])^(1<<63))).UTC()
}

// checkKeyTime fails when t, the field called name, cannot be part of a key
// (the zero time, for one).
func checkKeyTime(name string, t time.Time) error {
	if t.Before(minKeyTime) || t.After(maxKeyTime) {
		return fmt.Errorf("%s %s: out of range", name, t.Format(time.RFC3339))
	}
	return nil
}
