// Package storetest is the contract of Herald's store: one test suite that
// every backend (the bbolt store of package store, the PostgreSQL store of
// store/postgres) must pass, written from the bbolt store's doc comments
// and tests. A backend's tests call Run with a function that opens an
// empty store.
package storetest

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"herald/store"
)

// Backend is the store as the suite sees it: every method of the bbolt
// store but Close, Path and Backup, whose behaviour is each backend's own
// (store/postgres tests its own). Times given to it in the suite are in
// UTC and whole microseconds, which both backends keep exactly, except
// where a check says otherwise.
type Backend interface {
	ActorKey(handle string, generate func() ([]byte, error)) ([]byte, error)
	ResealActorKey(handle string, old, sealed []byte) (bool, error)
	RotateActorKey(handle string, fresh []byte, previousName string, previous []byte) error

	FeedState(handle string) (store.FeedState, error)
	SaveFeedState(handle string, st store.FeedState) error

	Document(id string) ([]byte, error)
	PutDocument(doc store.Document) error

	SeenItems(handle string) (map[string]store.SeenItem, error)
	ApplyPoll(handle string, state store.FeedState, posts []store.Post, deliver bool, now time.Time) (int, error)
	CommitPoll(handle string, c store.PollCommit, now time.Time) (int, error)
	Outbox(handle string, before time.Time, limit int) ([]store.OutboxEntry, int, error)
	Schedule(handle string) ([]store.Scheduled, error)
	Tombstone(id string) ([]byte, error)

	ImportFollowers(handle string, followers []store.Follower) (int, error)
	Followers(handle string) ([]store.Follower, error)
	FollowerCount(handle string) (int, error)
	AddFollower(handle string, f store.Follower, accept store.Document, now time.Time) (bool, error)
	RemoveFollower(handle, followerID string) (bool, error)
	RemoveFollowersAt(handle, inbox string) ([]string, error)
	MoveFollower(handle, oldID string, to store.Follower) (bool, error)
	RecordFollowerCounts(handles []string, at time.Time) error
	FollowerHistory(handle string) ([]store.DayCount, error)

	QueueActivity(handle string, activity store.Document, now time.Time) (int, error)
	QueueActivitySignedWith(handle, signWith string, activity store.Document, now time.Time) (int, error)
	QueueJob(handle, activityID, inbox string, at time.Time) (bool, error)
	PostponeJobs(handle string, until time.Time) (int, error)
	DueJobs(now time.Time, limit int, skip func(store.Job) bool) ([]store.Job, error)
	DueJobsFunc(now time.Time, limit int, skip func(activityID, inbox []byte) bool) ([]store.Job, error)
	NextDue() (time.Time, bool, error)
	PendingJobs() (int, error)
	Record(o store.Outcome) (store.Job, error)
	FinishJob(j store.Job) error
	RetryJob(j store.Job, next time.Time, lastErr string) (store.Job, error)
	DeliveryStats(activityID string) (store.ActivityStats, bool, error)
	QueueStats(now time.Time) (store.QueueStats, error)
	Hosts() (map[string]store.HostState, error)
	ClaimJobs(owner string, now, until time.Time, limit int, skip func(activityID, inbox []byte) bool) ([]store.Job, int, error)
	RenewClaims(owner string, jobs []store.Job, until time.Time) (int, error)
	ReleaseClaims(owner string, jobs []store.Job) error
	ReleaseAllClaims(owner string) (int, error)
	ClaimStats() ([]store.ReplicaClaims, error)
	ClaimFeed(handle, owner string, now, until time.Time) (store.FeedLease, string, error)
	RenewFeeds(owner string, now, until time.Time) (int, error)
	ReleaseFeeds(owner string) ([]string, error)
	TakePingFetch(handle string, now time.Time, interval time.Duration) (time.Time, bool, error)
	AnnounceFeed(handle string) error
	ListenFeeds(ctx context.Context, fn func(handle string)) error
	ClaimTask(name, owner string, now, until time.Time) (store.TaskLease, string, error)
	ReleaseTask(name, owner string) (bool, error)
	SeeSignature(digest []byte, now, until time.Time) (bool, error)
	PruneSignatures(now time.Time, limit int) (int, error)

	AddInteraction(i store.Interaction) (bool, error)
	Interaction(id string) (store.Interaction, bool, error)
	RemoveInteraction(id, actor string) (store.Interaction, bool, error)
	InteractionsBy(actor string) ([]store.Interaction, error)
	Interactions(object, kind string, limit int) ([]store.Interaction, int, error)
	InteractionCounts(prefix string) (map[string]int, error)
	RemoveInteractionsBy(actor string) (int, error)

	RemoteActor(id string) (store.RemoteActor, bool, error)
	RemoteActorByKey(keyID string) (store.RemoteActor, bool, error)
	SaveRemoteActor(a store.RemoteActor) error
	AddFlag(f store.Flag) (bool, error)
	Flags() ([]store.Flag, error)
	RemoveFlagsBy(actor string) (int, error)
	ExportRemote(id string) (store.RemoteRecord, error)
	EraseRemote(id string) (store.RemoteRecord, error)

	RecordPing(handle string, p store.Ping) error
	LastPing(handle string) (store.Ping, bool, error)
	SetPaused(handle string, paused bool, at time.Time) error
	Paused(handle string) (time.Time, bool, error)
	Subscription(handle string) (store.Subscription, error)
	SaveSubscription(handle string, sub store.Subscription) error
	Ownership(handle string) (store.Ownership, error)
	SaveOwnership(handle string, o store.Ownership) error
	Size() (int64, error)

	PutRelay(r store.Relay) error
	Relays() ([]store.Relay, error)
	SubscribeRelay(r store.Relay, follow store.Document, now time.Time) error
	UpdateRelayByFollow(followID string, change func(*store.Relay)) (store.Relay, error)
	UnsubscribeRelay(url string, undo *store.Document, now time.Time) error

	PutOAuthApp(app store.OAuthApp) error
	OAuthApp(clientID string) (store.OAuthApp, error)
	PutOAuthCode(hash []byte, c store.OAuthCode, now time.Time) error
	RedeemOAuthCode(hash []byte, issue func(store.OAuthCode) (tokenHash []byte, tok store.OAuthToken, err error)) error
	PutOAuthToken(hash []byte, tok store.OAuthToken) error
	OAuthToken(hash []byte) (store.OAuthToken, error)
	TouchOAuthToken(hash []byte, at time.Time) error
	RevokeOAuthToken(hash []byte, clientID string, at time.Time) error
	AddWebcareUser(u store.WebcareUser) error
	WebcareUser(name string) (store.WebcareUser, error)
	WebcareUsers() ([]store.WebcareUser, error)
	RemoveWebcareUser(name string, at time.Time) (revoked int, err error)
	AddAudit(e store.AuditEntry) error
	Audit(before time.Time, limit int) ([]store.AuditEntry, error)
	OutboxBetween(handle string, after, before time.Time, oldestFirst bool, limit int) ([]store.OutboxEntry, error)

	InteractionsOn(prefix string) ([]store.Interaction, error)
	InteractionsFor(actorID string, after, before time.Time, newestFirst bool, limit int) ([]store.Interaction, error)
	PublishStatus(st store.LocalStatus, note, create store.Document, now time.Time) (store.LocalStatus, int, error)
	LocalStatus(id uint64) (store.LocalStatus, bool, error)
	LocalStatuses(handle string) ([]store.LocalStatus, error)
	DeleteStatus(id uint64, tombstone, del store.Document, now time.Time) (store.LocalStatus, int, error)
	DismissNotification(handle string, id uint64) error
	ClearNotifications(handle string, through uint64) error
	NotificationDismissals(handle string) (store.Dismissals, error)
	AddScheduledStatus(st store.ScheduledStatus) error
	ScheduledStatus(id uint64) (store.ScheduledStatus, bool, error)
	ScheduledStatuses(handle string) ([]store.ScheduledStatus, error)
	DueScheduledStatuses(now time.Time, limit int) ([]store.ScheduledStatus, error)
	RescheduleStatus(id uint64, at time.Time) (store.ScheduledStatus, error)
	CancelScheduledStatus(id uint64) (store.ScheduledStatus, error)
	MarkConversation(handle string, id uint64, read, hidden uint64) error
	ConversationMarks(handle string) (map[uint64]store.ConversationMark, error)
	SetMarker(handle, timeline string, lastReadID uint64, at time.Time) (store.Marker, error)
	Markers(handle string) (map[string]store.Marker, error)
}

// check is one behaviour of the contract.
type check struct {
	name string
	run  func(t *testing.T, b Backend)
}

// Run runs every check of the contract in its own subtest, in parallel,
// each on a store that open returns empty (and closes at the test's
// cleanup).
func Run(t *testing.T, open func(t *testing.T) Backend) {
	var all []check
	for _, group := range [][]check{keyChecks, documentChecks, postChecks, outboxChecks, pollChecks, followerChecks, jobChecks, recordChecks, claimChecks, feedLeaseChecks, taskChecks, relayChecks,
		interactionChecks, remoteChecks, feedChecks, clientAPIChecks, webcareChecks, scheduledChecks} {
		all = append(all, group...)
	}
	for _, c := range all {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, open(t))
		})
	}
}

// t0 is the fixed "now" of the checks.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// farFuture is later than every job's due time.
var farFuture = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// doc returns a small JSON-LD document with id.
func doc(id string) store.Document {
	return store.Document{ID: id, JSON: fmt.Appendf(nil, `{"id":%q}`, id)}
}

// testPost returns the Create of a note made from the feed item key, at at.
func testPost(key string, at time.Time) store.Post {
	obj := "https://h.example/blog/notes/" + key
	return store.Post{
		Item:     store.SeenItem{Key: key, ObjectID: obj, Hash: "h-" + key, Published: at, Version: 0},
		Object:   doc(obj),
		Activity: doc(obj + "/create"),
		At:       at,
	}
}

// importFollowers makes followers follow handle.
func importFollowers(t *testing.T, b Backend, handle string, followers ...store.Follower) {
	t.Helper()
	if _, err := b.ImportFollowers(handle, followers); err != nil {
		t.Fatal(err)
	}
}

// jobsByActivity returns the inboxes of all queued jobs, sorted, by activity id.
func jobsByActivity(t *testing.T, b Backend) map[string][]string {
	t.Helper()
	jobs, err := b.DueJobs(farFuture, 10000, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, j := range jobs {
		out[j.ActivityID] = append(out[j.ActivityID], j.Inbox)
	}
	for _, inboxes := range out {
		sort.Strings(inboxes)
	}
	return out
}
