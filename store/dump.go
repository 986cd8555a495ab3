package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The kinds of Record that Dump yields, one per bucket that `herald store
// copy` carries to PostgreSQL.
const (
	RecordActorKey      = "actor_key"      // Value: []byte, the key as stored (sealed)
	RecordFeed          = "feed"           // Value: FeedState
	RecordItem          = "item"           // Handle; Value: SeenItem
	RecordDocument      = "document"       // Value: []byte
	RecordTombstone     = "tombstone"      // Value: TombstoneRecord
	RecordOutbox        = "outbox"         // Handle; Key: nanoseconds; Value: activity id
	RecordFollower      = "follower"       // Handle; Value: Follower
	RecordFollowerCount = "follower_count" // Handle; Key: day; Value: int
	RecordJob           = "job"            // Value: Job
	RecordActivityStats = "activity_stats" // Value: ActivityStats
	RecordHost          = "host"           // Value: HostState
	RecordInteraction   = "interaction"    // Value: Interaction
	RecordRelay         = "relay"          // Value: Relay
	RecordRemoteActor   = "remote_actor"   // Value: RemoteActor
	RecordRemoteKey     = "remote_key"     // Value: actor id
	RecordScheduled     = "scheduled"      // Handle; Value: Scheduled
	RecordPing          = "ping"           // Value: Ping
	RecordPaused        = "paused"         // Value: time.Time, since when
	RecordSubscription  = "websub"         // Value: Subscription
	RecordOwnership     = "ownership"      // Value: Ownership
	RecordFlag          = "flag"           // Value: Flag
)

// Record is one record of a store, as Dump yields it: its kind, the
// account it belongs to (kinds kept per account), its key within the kind
// and its value, of the type the kind's constant names.
type Record struct {
	Kind   string
	Handle string
	Key    string
	Value  any
}

// TombstoneRecord is a stored tombstone: a deleted object's Tombstone
// (Body), or, for the id of an activity that carried the object, the
// object's id (AliasOf).
type TombstoneRecord struct {
	Body    []byte
	AliasOf string
}

// derivedBuckets are indexes that the PostgreSQL store keeps as indexes
// of its tables: Dump need not yield them.
var derivedBuckets = [][]byte{bucketDeliveryIndex, bucketInteractionIDs, bucketInteractionActors, bucketInteractionTimes, bucketStatusKeys}

// dumpedBuckets are the buckets whose records Dump yields.
var dumpedBuckets = [][]byte{bucketActorKeys, bucketFeeds, bucketItems, bucketDocuments, bucketTombstones,
	bucketOutbox, bucketFollowers, bucketFollowerHistory, bucketDeliveries, bucketDeliveryStats, bucketHosts,
	bucketInteractions, bucketRelays, bucketRemoteActors, bucketRemoteKeys, bucketScheduled, bucketPings,
	bucketPaused, bucketWebSub, bucketOwnership, bucketFlags, bucketOAuthApps, bucketOAuthCodes,
	bucketOAuthTokens, bucketWebcareUsers, bucketAudit, bucketStatuses, bucketDismissals,
	bucketScheduledStatuses, bucketConversationMarks, bucketMarkers}

// Uncopied returns the names of the buckets that hold records and are
// neither dumped nor derived (none, unless a bucket was added to the
// store but not to Dump): a copy made by Dump would lose them.
func (s *Store) Uncopied() ([]string, error) {
	known := map[string]bool{}
	for _, b := range slices.Concat(derivedBuckets, dumpedBuckets) {
		known[string(b)] = true
	}
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if !known[string(name)] && b.Stats().KeyN > 0 {
				out = append(out, string(name))
			}
			return nil
		})
	})
	return out, err
}

// Dump calls fn with every record of the kinds above, in one read
// transaction: a consistent snapshot. Values are decoded, never changed:
// actor keys stay sealed. Dump stops at fn's first error and returns it.
func (s *Store) Dump(fn func(Record) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		for _, d := range slices.Concat(dumpers, clientDumpers) {
			if err := d(tx, fn); err != nil {
				return err
			}
		}
		return nil
	})
}

type dumper func(tx *bolt.Tx, fn func(Record) error) error

var dumpers = []dumper{
	flat(bucketActorKeys, RecordActorKey, rawValue),
	flat(bucketFeeds, RecordFeed, jsonValue[FeedState]),
	nested(bucketItems, RecordItem, jsonValue[SeenItem]),
	flat(bucketDocuments, RecordDocument, rawValue),
	flat(bucketTombstones, RecordTombstone, tombstoneValue),
	nested(bucketOutbox, RecordOutbox, outboxValue),
	nested(bucketFollowers, RecordFollower, jsonValue[Follower]),
	dumpFollowerCounts,
	dumpJobs,
	flat(bucketDeliveryStats, RecordActivityStats, jsonValue[ActivityStats]),
	flat(bucketHosts, RecordHost, jsonValue[HostState]),
	dumpInteractions,
	flat(bucketRelays, RecordRelay, jsonValue[Relay]),
	flat(bucketRemoteActors, RecordRemoteActor, jsonValue[RemoteActor]),
	flat(bucketRemoteKeys, RecordRemoteKey, func(k, v []byte) (string, any, error) { return string(k), string(v), nil }),
	nested(bucketScheduled, RecordScheduled, jsonValue[Scheduled]),
	flat(bucketPings, RecordPing, jsonValue[Ping]),
	flat(bucketPaused, RecordPaused, pausedValue),
	flat(bucketWebSub, RecordSubscription, jsonValue[Subscription]),
	flat(bucketOwnership, RecordOwnership, jsonValue[Ownership]),
	flat(bucketFlags, RecordFlag, jsonValue[Flag]),
}

func pausedValue(k, v []byte) (string, any, error) {
	t, err := time.Parse(time.RFC3339, string(v))
	return string(k), t.UTC(), err
}

// A decoder turns a bucket's key and value into a Record's key and value.
type decoder func(k, v []byte) (key string, value any, err error)

func rawValue(k, v []byte) (string, any, error) {
	return string(k), append([]byte(nil), v...), nil
}

func jsonValue[T any](k, v []byte) (string, any, error) {
	var out T
	if err := decodeJSON(k, v, &out); err != nil {
		return "", nil, err
	}
	return string(k), out, nil
}

func tombstoneValue(k, v []byte) (string, any, error) {
	if alias, ok := strings.CutPrefix(string(v), "@"); ok {
		return string(k), TombstoneRecord{AliasOf: alias}, nil
	}
	return string(k), TombstoneRecord{Body: append([]byte(nil), v...)}, nil
}

func outboxValue(k, v []byte) (string, any, error) {
	if len(k) < 8 {
		return "", nil, fmt.Errorf("outbox key %q: too short", k)
	}
	return strconv.FormatInt(keyTime(k).UnixNano(), 10), string(v), nil
}

// flat dumps a bucket of key → value.
func flat(bucket []byte, kind string, dec decoder) dumper {
	return func(tx *bolt.Tx, fn func(Record) error) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			key, value, err := dec(k, v)
			if err != nil {
				return fmt.Errorf("%s: %w", bucket, err)
			}
			return fn(Record{Kind: kind, Key: key, Value: value})
		})
	}
}

// nested dumps a bucket of one bucket per account.
func nested(bucket []byte, kind string, dec decoder) dumper {
	return func(tx *bolt.Tx, fn func(Record) error) error {
		top := tx.Bucket(bucket)
		if top == nil {
			return nil
		}
		return top.ForEachBucket(func(handle []byte) error {
			return top.Bucket(handle).ForEach(func(k, v []byte) error {
				key, value, err := dec(k, v)
				if err != nil {
					return fmt.Errorf("%s/%s: %w", bucket, handle, err)
				}
				return fn(Record{Kind: kind, Handle: string(handle), Key: key, Value: value})
			})
		})
	}
}

func dumpFollowerCounts(tx *bolt.Tx, fn func(Record) error) error {
	b := tx.Bucket(bucketFollowerHistory)
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		handle, day, ok := strings.Cut(string(k), "\x00")
		if !ok || len(v) != 4 {
			return fmt.Errorf("follower_history: bad record %q", k)
		}
		return fn(Record{Kind: RecordFollowerCount, Handle: handle, Key: day, Value: int(binary.BigEndian.Uint32(v))})
	})
}

func dumpJobs(tx *bolt.Tx, fn func(Record) error) error {
	return tx.Bucket(bucketDeliveries).ForEach(func(k, v []byte) error {
		var j Job
		if err := decodeJSON(k, v, &j); err != nil {
			return err
		}
		return fn(Record{Kind: RecordJob, Key: j.ActivityID + "\x00" + j.Inbox, Value: j})
	})
}

func dumpInteractions(tx *bolt.Tx, fn func(Record) error) error {
	b := tx.Bucket(bucketInteractions)
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		var i Interaction
		if err := decodeJSON(k, v, &i); err != nil {
			return err
		}
		return fn(Record{Kind: RecordInteraction, Key: InteractionRecordKey(i), Value: i})
	})
}

// InteractionRecordKey is the key of an interaction's Record: its id and
// its object, as a post for several accounts is recorded once for each.
func InteractionRecordKey(i Interaction) string { return i.ID + "\x00" + i.Object }
