package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"herald/delivery"
	"herald/fedtest"
)

// floorFanOut measures the floor the fleet sets on a fan-out: a sender
// with nothing but the necessary work (one fresh signature and one POST
// per host, delivery.DefaultWorkers requests in flight, keep-alive as in
// Herald), no queue, no store, no crash safety, delivering one Create to
// every host of a fresh fleet of n. The fleet shares the machine's cores
// with the sender, as in the real benchmark, so its ratio to pure signing
// is the best any sender can reach here; Herald's time divided by this is
// what Herald adds.
func floorFanOut(t *testing.T, n int) time.Duration {
	fleet := newFleet(t, n, nil)
	defer fleet.Close()
	sender, err := fedtest.New()
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	var inboxes []string
	for _, h := range fleet.Hosts() {
		inboxes = append(inboxes, h.SharedInbox())
	}
	start := time.Now()
	if err := floorSend(sender, inboxes); err != nil {
		t.Error(err)
	}
	took := time.Since(start)
	if missing, dups := deliveryCounts(fleet, "Create"); missing != 0 || dups != 0 {
		t.Errorf("floor sender: %d hosts without the Create, %d duplicates", missing, dups)
	}
	return took
}

// floorSend is the floor sender's work: one Create, freshly signed by
// sender, POSTed to each of inboxes, delivery.DefaultWorkers at once,
// keep-alive as in Herald. It returns the errors of the POSTs that failed.
func floorSend(sender *fedtest.Server, inboxes []string) error {
	body := []byte(fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":%q,"type":"Create","actor":%q,`+
		`"object":{"id":%q,"type":"Note","content":"<p>Floor</p>","to":["https://www.w3.org/ns/activitystreams#Public"]}}`,
		sender.ActorID()+"#create/1", sender.ActorID(), sender.URL+"/notes/1"))
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: delivery.DefaultWorkers, MaxIdleConnsPerHost: 16}}
	defer client.CloseIdleConnections()
	post := func(inbox string) error {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, inbox, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/activity+json")
		if err := sender.Sign(req, body, time.Now()); err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return fmt.Errorf("POST %s: HTTP %d", inbox, resp.StatusCode)
		}
		return nil
	}
	slots := make(chan struct{}, delivery.DefaultWorkers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, inbox := range inboxes {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := post(inbox); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// floorFollows measures the floor of the Follows scenario: a receiver with
// nothing but the necessary work takes the same n pre-signed Follows from
// a fresh fleet. It verifies each Follow with the sender's key, fetched
// unsigned from the sender for every Follow (as Herald does for a new
// follower: no key is cached yet), answers 202 and sends a signed Accept
// to the follower, delivery.DefaultWorkers at once. No store, no queue.
func floorFollows(t *testing.T, n int) time.Duration {
	fleet := newFleet(t, n, nil)
	defer fleet.Close()
	receiver, err := fedtest.New()
	if err != nil {
		t.Fatal(err)
	}
	defer receiver.Close()
	ctx := ctxFor(t, 10*time.Minute)
	slots := make(chan struct{}, delivery.DefaultWorkers)
	var wg sync.WaitGroup
	receiver.SetOnDelivery(func(d fedtest.Delivery) {
		follower, _ := d.Activity["actor"].(string)
		if !d.Verified || d.Type() != "Follow" || follower == "" {
			t.Errorf("floor receiver: unexpected delivery %s from %s: %s", d.Type(), follower, d.Problem)
			return
		}
		accept := map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams",
			"id":       receiver.ActorID() + "#accepts/" + fmt.Sprint(d.Activity["id"]),
			"type":     "Accept", "actor": receiver.ActorID(), "object": d.Activity,
		}
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			resp, err := receiver.Post(ctx, follower+"/inbox", accept)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		})
	})
	follows, err := fleet.SignFollows(receiver.ActorID(), receiver.SharedInbox(), runtime.NumCPU())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if statuses := follows.Send(ctx, 64); statuses[http.StatusAccepted] != n {
		t.Fatalf("floor receiver: Follow answers %v, want %d × 202", statuses, n)
	}
	if err := fleet.WaitReached(ctx, "Accept", n); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	wg.Wait()
	return took
}
