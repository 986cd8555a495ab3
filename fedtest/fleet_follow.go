package fedtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-fed/httpsig"
)

// SignedFollows are Follows from every fleet host's account, signed ahead
// of time so that sending them measures the receiver, not the signer.
// Their Date is when they were signed: send them within the hour.
type SignedFollows struct {
	reqs   []signedPost
	client *http.Client
}

type signedPost struct {
	from   string // the sending host's IP
	url    string
	body   []byte
	header http.Header
}

// SignFollows signs one Follow of target per host, addressed to inbox, with
// workers signing at once.
func (f *Fleet) SignFollows(target, inbox string, workers int) (*SignedFollows, error) {
	reqs := make([]signedPost, len(f.hosts))
	errs := make(chan error, len(f.hosts))
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for i := range work {
				p, err := f.signFollow(f.hosts[i], target, inbox)
				if err != nil {
					errs <- err
					continue
				}
				reqs[i] = p
			}
		})
	}
	for i := range f.hosts {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	// Each Follow leaves from its host's own address on a connection of
	// its own, as from N separate servers (receivers limit per client IP).
	tr := &http.Transport{DisableKeepAlives: true, DialContext: dialFrom}
	return &SignedFollows{reqs: reqs, client: &http.Client{Transport: tr, Timeout: 60 * time.Second}}, nil
}

func (f *Fleet) signFollow(h *FleetHost, target, inbox string) (signedPost, error) {
	body, err := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       h.ActorID() + "#follows/1",
		"type":     "Follow",
		"actor":    h.ActorID(),
		"object":   target,
	})
	if err != nil {
		return signedPost{}, err
	}
	req, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		return signedPost{}, err
	}
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("Host", req.URL.Host)
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256,
		[]string{httpsig.RequestTarget, "host", "date", "digest"}, httpsig.Signature, 0)
	if err != nil {
		return signedPost{}, err
	}
	if err := signer.SignRequest(f.key, h.ActorID()+"#main-key", req, body); err != nil {
		return signedPost{}, err
	}
	return signedPost{from: h.IP, url: inbox, body: body, header: req.Header}, nil
}

// Send posts every Follow, concurrency at a time, and returns how many got
// each final status (0 for transport errors). Like a fediverse server it
// tries a Follow again after a 429 or 503, when Retry-After says (at most
// 5 s later), up to 5 times.
func (s *SignedFollows) Send(ctx context.Context, concurrency int) map[int]int {
	statuses := map[int]int{}
	var mu sync.Mutex
	work := make(chan signedPost)
	var wg sync.WaitGroup
	for range max(concurrency, 1) {
		wg.Go(func() {
			for p := range work {
				status := s.postRetrying(ctx, p)
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			}
		})
	}
	for _, p := range s.reqs {
		work <- p
	}
	close(work)
	wg.Wait()
	return statuses
}

func (s *SignedFollows) postRetrying(ctx context.Context, p signedPost) int {
	for try := 1; ; try++ {
		status, wait := s.post(ctx, p)
		if (status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable) || try == 5 {
			return status
		}
		select {
		case <-ctx.Done():
			return status
		case <-time.After(wait):
		}
	}
}

// post sends p once and returns the status and the Retry-After wait.
func (s *SignedFollows) post(ctx context.Context, p signedPost) (int, time.Duration) {
	ctx = context.WithValue(ctx, fromKey{}, p.from)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(p.body))
	if err != nil {
		return 0, 0
	}
	req.Header = p.header.Clone()
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	wait := time.Second
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		wait = min(max(time.Duration(secs)*time.Second, 0), 5*time.Second)
	}
	return resp.StatusCode, wait
}

// fromKey is the context key of the local IP a Follow is sent from.
type fromKey struct{}

// dialFrom dials from the local IP in ctx (see fromKey), if any.
func dialFrom(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 10 * time.Second}
	if ip, ok := ctx.Value(fromKey{}).(string); ok {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(ip)}
	}
	return d.DialContext(ctx, network, addr)
}

// String summarises the follows for logs.
func (s *SignedFollows) String() string { return fmt.Sprintf("%d signed Follows", len(s.reqs)) }
