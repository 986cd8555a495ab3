package fedtest

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Fault is how a fleet host answers POSTs to its inboxes.
type Fault int

// Faults a fleet host can play.
const (
	// Healthy verifies the request and answers 202 (401 if it does not verify).
	Healthy Fault = iota
	// Hang never answers: the request ends when the sender gives up.
	Hang
	// Fail500 answers 500 Internal Server Error.
	Fail500
	// CloseConn closes the connection without answering.
	CloseConn
	// Gone answers 410 Gone, as a server whose account was deleted.
	Gone
)

// String names the fault.
func (f Fault) String() string {
	return [...]string{"healthy", "hang", "500", "close", "410"}[f]
}

// FleetOptions configure a Fleet.
type FleetOptions struct {
	// N is the number of hosts (at most 254·256).
	N int
	// Port is the port every host listens on; 0 picks a free one.
	Port int
	// Fault gives host i's behaviour; nil means all are Healthy.
	Fault func(i int) Fault
}

// Fleet is one process playing N remote servers, each on its own loopback
// address (127.10.B.C: Linux routes all of 127.0.0.0/8 to the loopback
// interface) with its own listener, so the sender sees N distinct hosts
// and IPs. Every host has one account ("u") with an actor document, a
// personal inbox (/users/u/inbox) and a shared inbox (/inbox). Inbox POSTs
// are verified as by Server (signature, Digest, Date, key owner); the
// sender's public key is fetched once per key id and then cached for the
// whole fleet, as if every server had fetched it once already. All hosts'
// actors share one RSA key, generated once, to keep startup fast.
type Fleet struct {
	// Port is the port all hosts listen on.
	Port  int
	hosts []*FleetHost
	by    map[string]*FleetHost // by IP
	srv   *http.Server
	wg    sync.WaitGroup

	key     *rsa.PrivateKey
	pubPEM  string
	client  *http.Client
	keys    keyCache
	closing chan struct{}

	mu      sync.Mutex
	changed chan struct{}
	reached map[string]int // activity type → hosts with at least one verified
}

// FleetHost is one server of a Fleet.
type FleetHost struct {
	// Index is the host's number, from 0.
	Index int
	// IP is its loopback address; Origin is http://IP:PORT.
	IP, Origin string
	fault      Fault

	mu       sync.Mutex
	posts    []time.Time       // every inbox POST, also those failed on purpose
	verified map[string]int    // activity id → verified deliveries
	types    map[string]string // activity id → type
	problems []string
}

// FleetIP returns the address of host i: 127.10.B.C with C in 1..254.
func FleetIP(i int) string {
	return fmt.Sprintf("127.10.%d.%d", i/254, i%254+1)
}

// fleetListenAttempts is how often NewFleet tries another port when the
// one it picked is taken on some host's address (see NewFleet).
const fleetListenAttempts = 5

// NewFleet starts opts.N hosts. Close it when done.
//
// With opts.Port 0 the port is the one the system gives host 0; another
// host's address may still hold it (a connection an earlier fleet made from
// that address, now in TIME_WAIT), and then the whole fleet starts again on
// another port.
func NewFleet(opts FleetOptions) (*Fleet, error) {
	if opts.N <= 0 || opts.N > 254*256 {
		return nil, fmt.Errorf("fleet size %d out of range", opts.N)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	for attempt := 1; ; attempt++ {
		f := newFleet(key, pubPEM)
		err := f.listen(opts)
		if err == nil {
			return f, nil
		}
		f.Close()
		if opts.Port != 0 || !errors.Is(err, syscall.EADDRINUSE) || attempt == fleetListenAttempts {
			return nil, err
		}
	}
}

// newFleet returns a fleet with no hosts yet.
func newFleet(key *rsa.PrivateKey, pubPEM string) *Fleet {
	f := &Fleet{
		by: map[string]*FleetHost{}, key: key, closing: make(chan struct{}),
		pubPEM:  pubPEM,
		client:  &http.Client{Timeout: 10 * time.Second},
		keys:    keyCache{entries: map[string]*keyEntry{}},
		changed: make(chan struct{}), reached: map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/u", f.serveActor)
	mux.HandleFunc("POST /users/u/inbox", f.serveInbox)
	mux.HandleFunc("POST /inbox", f.serveInbox)
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	return f
}

// listen binds one listener per host and serves each.
func (f *Fleet) listen(opts FleetOptions) error {
	f.Port = opts.Port
	for i := range opts.N {
		ip := FleetIP(i)
		ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(f.Port)))
		if err != nil {
			return fmt.Errorf("fleet host %d: %w", i, err)
		}
		if f.Port == 0 {
			f.Port = ln.Addr().(*net.TCPAddr).Port
		}
		h := &FleetHost{Index: i, IP: ip, Origin: "http://" + net.JoinHostPort(ip, strconv.Itoa(f.Port)),
			verified: map[string]int{}, types: map[string]string{}}
		if opts.Fault != nil {
			h.fault = opts.Fault(i)
		}
		f.hosts = append(f.hosts, h)
		f.by[ip] = h
		f.wg.Go(func() { _ = f.srv.Serve(ln) })
	}
	return nil
}

// Close stops every host and waits for their goroutines.
func (f *Fleet) Close() {
	select {
	case <-f.closing:
		return
	default:
	}
	close(f.closing)
	_ = f.srv.Close()
	f.wg.Wait()
}

// Hosts returns the fleet's hosts.
func (f *Fleet) Hosts() []*FleetHost { return f.hosts }

// ActorID is the id of the account on host h.
func (h *FleetHost) ActorID() string { return h.Origin + "/users/u" }

// Inbox is the account's personal inbox; SharedInbox the host's.
func (h *FleetHost) Inbox() string { return h.ActorID() + "/inbox" }

// SharedInbox is the host's shared inbox.
func (h *FleetHost) SharedInbox() string { return h.Origin + "/inbox" }

// Fault is how the host answers inbox POSTs.
func (h *FleetHost) Fault() Fault { return h.fault }

// Posts returns when each POST reached the host's inboxes, in order,
// including those answered with a fault.
func (h *FleetHost) Posts() []time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Time(nil), h.posts...)
}

// Verified returns how many verified deliveries of each type the host got,
// and how many of them repeated an activity id already delivered.
func (h *FleetHost) Verified() (byType map[string]int, duplicates int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	byType = map[string]int{}
	for id, n := range h.verified {
		byType[h.types[id]] += n
		duplicates += n - 1
	}
	return byType, duplicates
}

// Problems returns why requests to the host failed verification.
func (h *FleetHost) Problems() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.problems...)
}

// Reached returns how many hosts got at least one verified activity of
// type typ.
func (f *Fleet) Reached(typ string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reached[typ]
}

// WaitReached blocks until n hosts got a verified activity of type typ, or
// ctx ends.
func (f *Fleet) WaitReached(ctx context.Context, typ string, n int) error {
	for {
		f.mu.Lock()
		got, changed := f.reached[typ], f.changed
		f.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d hosts got a %s: %w", got, n, typ, ctx.Err())
		case <-changed:
		}
	}
}

// host returns the host a request reached, by the local address it came in on.
func (f *Fleet) host(r *http.Request) *FleetHost {
	addr, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return nil
	}
	return f.by[tcp.IP.String()]
}

func (f *Fleet) serveActor(w http.ResponseWriter, r *http.Request) {
	h := f.host(r)
	if h == nil {
		http.NotFound(w, r)
		return
	}
	writePerson(w, person{id: h.ActorID(), username: "u", inbox: h.Inbox(), sharedInbox: h.SharedInbox(),
		keyID: h.ActorID() + "#main-key", publicKeyPEM: f.pubPEM})
}

func (f *Fleet) serveInbox(w http.ResponseWriter, r *http.Request) {
	h := f.host(r)
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h.mu.Lock()
	h.posts = append(h.posts, time.Now())
	h.mu.Unlock()
	switch h.fault {
	case Hang:
		select {
		case <-r.Context().Done():
		case <-f.closing:
		}
		return
	case Fail500:
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case CloseConn:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	case Gone:
		http.Error(w, "gone", http.StatusGone)
		return
	}
	w.WriteHeader(f.verifyAndRecord(r, h))
}

// verifyAndRecord verifies an inbox POST to h, records it and returns the
// status to answer.
func (f *Fleet) verifyAndRecord(r *http.Request, h *FleetHost) int {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return http.StatusBadRequest
	}
	var activity struct {
		ID    string `json:"id"`
		Type  string `json:"type"`
		Actor string `json:"actor"`
	}
	problem := ""
	if err := json.Unmarshal(body, &activity); err != nil {
		problem = "body is not JSON: " + err.Error()
	} else {
		var keyID string
		keyID, problem = verifyRequest(r.Context(), r, body, true, f.keys.fetcher(f.client))
		if problem == "" {
			problem = checkOwner(map[string]any{"actor": activity.Actor}, keyID)
		}
	}
	h.mu.Lock()
	if problem != "" {
		h.problems = append(h.problems, problem)
		h.mu.Unlock()
		return http.StatusUnauthorized
	}
	first := true
	for id, typ := range h.types {
		if typ == activity.Type && h.verified[id] > 0 {
			first = false
			break
		}
	}
	h.verified[activity.ID]++
	h.types[activity.ID] = activity.Type
	h.mu.Unlock()
	if first {
		f.mu.Lock()
		f.reached[activity.Type]++
		close(f.changed)
		f.changed = make(chan struct{})
		f.mu.Unlock()
	}
	return http.StatusAccepted
}

// keyCache holds public keys by key id, each fetched once even when many
// requests need it at the same time. A failed fetch is not cached.
type keyCache struct {
	mu      sync.Mutex
	entries map[string]*keyEntry
}

type keyEntry struct {
	ready chan struct{}
	key   crypto.PublicKey
	err   error
}

// fetcher returns a keyFetcher that serves from the cache and fetches
// missing keys with client.
func (c *keyCache) fetcher(client *http.Client) keyFetcher {
	return func(ctx context.Context, keyID string) (crypto.PublicKey, error) {
		c.mu.Lock()
		e, ok := c.entries[keyID]
		if !ok {
			e = &keyEntry{ready: make(chan struct{})}
			c.entries[keyID] = e
		}
		c.mu.Unlock()
		if !ok {
			e.key, e.err = fetchPublicKey(ctx, client, keyID)
			if e.err != nil {
				c.mu.Lock()
				delete(c.entries, keyID)
				c.mu.Unlock()
			}
			close(e.ready)
		}
		select {
		case <-e.ready:
			return e.key, e.err
		case <-ctx.Done():
			return nil, errors.Join(errors.New("waiting for key"), ctx.Err())
		}
	}
}
