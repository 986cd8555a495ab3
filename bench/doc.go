// Package bench holds Herald's delivery benchmarks and their small
// correctness variants. It has no code of its own: the tests build
// cmd/herald, run the real binary against a fedtest.Fleet (N fake servers on
// distinct loopback addresses) and measure it from outside.
//
// The small variants (N = 500) run in the normal suite. The full runs
// (N = 10,000) need the bench build tag:
//
//	go test -tags bench -run Bench -v -timeout 30m ./bench
//
// Followers are written straight into the store (store.ImportFollowers)
// before Herald starts, so a fan-out benchmark does not first need N
// Follow exchanges; the Follow → Accept path is measured on its own. The
// store benchmarks compare the PostgreSQL store with bbolt, one replica
// with two (pinned to one core each, against the floor of sender
// processes pinned alike), and measure a replica's peak RSS after N
// Follows; under the bench tag their PostgreSQL syncs its commits. See
// docs/delivery.md for the figures.
package bench
