package bench

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/fedtest"
	"herald/pgtest"
	"herald/store"
	"herald/store/postgres"
)

// adminToken is the operator token of the replicas' config.
const adminToken = "bench-operator-token-0123456789abcdef"

// replicaSet is Herald processes (replicas) on one PostgreSQL database with
// the same config but their listen address, behind a balancer whose URL is
// their base_url, as in docs/scaling.md.
type replicaSet struct {
	t     *testing.T
	db    string
	feed  *feed
	lb    *balancer
	nodes []*instance
}

// replicaOptions are what differs between the scenarios.
type replicaOptions struct {
	n            int           // replicas
	lease        time.Duration // lease_time
	pollInterval time.Duration
	fetchTimeout time.Duration // fetch_timeout; 0 means 2 s
	cpus         []string      // when set, replica i runs pinned to the cores cpus[i] with GOMAXPROCS=1
	noFollowers  bool          // the hosts are not made followers (they send Follows instead)
}

// newReplicaSet prepares opts.n replicas on a fresh database whose "news"
// account is followed by every host of fleet (shared inboxes; by none with
// opts.noFollowers). They are not started.
func newReplicaSet(t *testing.T, fleet *fedtest.Fleet, opts replicaOptions) *replicaSet {
	t.Helper()
	rs := &replicaSet{t: t, db: pgtest.Database(t), feed: newFeed(t), lb: newBalancer(t)}
	for i := range opts.n {
		rs.nodes = append(rs.nodes, rs.newNode(opts))
		if i < len(opts.cpus) {
			rs.nodes[i].cpus = opts.cpus[i]
		}
	}
	if opts.noFollowers {
		return rs
	}
	st, err := postgres.Open(context.Background(), rs.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var fs []store.Follower
	for _, h := range fleet.Hosts() {
		fs = append(fs, store.Follower{ID: h.ActorID(), Inbox: h.Inbox(), SharedInbox: h.SharedInbox(),
			FollowID: h.ActorID() + "#follows/1", Since: time.Now().UTC()})
	}
	if _, err := st.ImportFollowers("news", fs); err != nil {
		t.Fatal(err)
	}
	return rs
}

// newNode writes one replica's config: its own listen address, the rest
// shared.
func (rs *replicaSet) newNode(opts replicaOptions) *instance {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		rs.t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	timeout := cmp.Or(opts.fetchTimeout, 2*time.Second)
	in := &instance{t: rs.t, dir: rs.t.TempDir(), base: "http://" + addr, feed: rs.feed, timeout: timeout}
	in.config = filepath.Join(in.dir, "herald.yaml")
	cfg := fmt.Sprintf("listen: %q\nbase_url: %q\ndatabase_url: %q\npoll_interval: %s\nfetch_timeout: %s\nlease_time: %s\n"+
		"allow_private_addresses: true\nlog_level: info\nadmin_tokens:\n  - token: %q\n    role: operator\n"+
		"feeds:\n  - handle: news\n    url: %q\n",
		addr, rs.lb.URL, rs.db, opts.pollInterval, timeout, opts.lease, adminToken, rs.feed.URL)
	if err := os.WriteFile(in.config, []byte(cfg), 0o600); err != nil {
		rs.t.Fatal(err)
	}
	rs.lb.add(in.base)
	return in
}

// start starts every replica.
func (rs *replicaSet) start() {
	for _, in := range rs.nodes {
		in.start()
	}
}

// store opens the database (closed at test end).
func (rs *replicaSet) store() *postgres.Store {
	rs.t.Helper()
	st, err := postgres.Open(context.Background(), rs.db)
	if err != nil {
		rs.t.Fatal(err)
	}
	rs.t.Cleanup(func() { st.Close() })
	return st
}

// replicaOf returns the node whose process has the pid in the replica id
// (host-pid-random), or nil.
func (rs *replicaSet) replicaOf(id string) *instance {
	for _, in := range rs.nodes {
		if in.proc != nil && strings.Contains(id, "-"+strconv.Itoa(in.proc.Process.Pid)+"-") {
			return in
		}
	}
	return nil
}

// feedHolder returns the replica id holding the news feed's lease ("" when
// none does).
func (rs *replicaSet) feedHolder() string {
	rs.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn := pgtest.Connect(rs.t, rs.db)
	defer conn.Close(ctx) // called in loops: not left to the test's end
	var owner string
	err := conn.QueryRow(ctx, "SELECT owner FROM feed_leases WHERE handle = 'news' AND until > now()").Scan(&owner)
	if err != nil && err != pgx.ErrNoRows {
		rs.t.Fatal(err)
	}
	return owner
}

// claimsOf returns how many jobs the replica of node holds.
func (rs *replicaSet) claimsOf(st *postgres.Store, node *instance) int {
	rs.t.Helper()
	claims, err := st.ClaimStats()
	if err != nil {
		rs.t.Fatal(err)
	}
	for _, c := range claims {
		if rs.replicaOf(c.Owner) == node {
			return c.Jobs
		}
	}
	return 0
}

// metric returns the value of the line of /metrics of node that starts
// with name (e.g. `herald_lease_takeovers_total{kind="job"}`), or -1.
func (rs *replicaSet) metric(node *instance, name string) float64 {
	req, _ := http.NewRequest(http.MethodGet, node.base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for line := range strings.Lines(string(body)) {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, _ := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v
		}
	}
	return -1
}

// logs returns the stderr of every replica, for a failing test.
func (rs *replicaSet) logs() string {
	var b strings.Builder
	for i, in := range rs.nodes {
		if in.stderr != nil {
			fmt.Fprintf(&b, "--- replica %d:\n%.20000s\n", i, in.stderr.String())
		}
	}
	return b.String()
}

// balancer passes each request to the next replica in turn, and to the
// one after when a replica does not answer (it is down), as a load
// balancer with health checks does.
type balancer struct {
	*httptest.Server
	mu       sync.Mutex
	backends []string
	next     atomic.Uint64
	client   *http.Client
}

func newBalancer(t *testing.T) *balancer {
	b := &balancer{client: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	b.Server = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.Close)
	return b
}

func (b *balancer) add(backend string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.backends = append(b.backends, backend)
}

func (b *balancer) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	backends := append([]string(nil), b.backends...)
	b.mu.Unlock()
	start := int(b.next.Add(1))
	for i := range backends {
		req, err := http.NewRequestWithContext(r.Context(), r.Method, backends[(start+i)%len(backends)]+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			continue
		}
		req.Header = r.Header.Clone()
		req.Host = r.Host // signatures cover the Host that base_url names
		resp, err := b.client.Do(req)
		if err != nil {
			continue // down: the next one
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
		return
	}
	http.Error(w, "no replica answers", http.StatusBadGateway)
}
