package inbox

import (
	"context"
	"errors"
	"sync"
)

// errQueueFull is returned by verifyQueue.admit when too many requests are
// already in the inbox, in all or from one client.
var errQueueFull = errors.New("verification queue full")

// verifyQueue bounds the inbox: at most maxInFlight requests (perClient
// from one client IP) may be between admission and the end of their
// verification — so bodies held in memory are bounded before they are even
// read — and at most workers of them verify at once. Beyond that requests
// are turned away at once (503), so a flood costs neither unbounded memory
// nor unbounded goroutines blocked on a lock. Safe for concurrent use.
type verifyQueue struct {
	slots     chan struct{}
	tickets   chan struct{} // admitted requests
	perClient int

	mu      sync.Mutex
	clients map[string]int // admitted requests by client IP
}

func newVerifyQueue(workers, waiting, perClient int) *verifyQueue {
	return &verifyQueue{
		slots: make(chan struct{}, workers), tickets: make(chan struct{}, workers+waiting),
		perClient: perClient, clients: map[string]int{},
	}
}

// admit takes a place in the inbox for a request from client, without
// waiting; the caller must call leave when the request is done. It fails
// with errQueueFull when the inbox or the client's share of it is full.
func (q *verifyQueue) admit(client string) (leave func(), err error) {
	q.mu.Lock()
	if q.clients[client] >= q.perClient {
		q.mu.Unlock()
		return nil, errQueueFull
	}
	q.clients[client]++
	q.mu.Unlock()
	select {
	case q.tickets <- struct{}{}:
	default:
		q.forget(client)
		return nil, errQueueFull
	}
	return func() { <-q.tickets; q.forget(client) }, nil
}

func (q *verifyQueue) forget(client string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.clients[client]--; q.clients[client] <= 0 {
		delete(q.clients, client)
	}
}

// slot waits for a verification slot (the caller has been admitted); the
// caller must call release when done. It fails with ctx's error if ctx ends
// while waiting.
func (q *verifyQueue) slot(ctx context.Context) (release func(), err error) {
	select {
	case q.slots <- struct{}{}:
		return func() { <-q.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
