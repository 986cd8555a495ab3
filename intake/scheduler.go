package intake

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"herald/config"
	"herald/outbound"
)

// Limits of the scheduler.
const (
	// maxPerHost is the most requests Herald has in flight to one host.
	maxPerHost = 2
	// maxConcurrentPolls is the most polls in flight overall.
	maxConcurrentPolls = 64
)

// pollFunc polls one feed once and returns the wait until its next poll;
// a negative wait means never again (the feed is disabled).
type pollFunc func(ctx context.Context, f config.Feed) time.Duration

// scheduler runs the polls of every feed from one loop: each feed has a due
// time in a heap; due feeds start as long as fewer than maxConcurrentPolls
// run and their host has fewer than maxPerHost requests in flight (the
// others wait for their host). Thousands of feeds cost one heap entry each,
// not a goroutine each.
type scheduler struct {
	poll    pollFunc
	now     func() time.Time
	mu      sync.Mutex
	slots   map[string]*slot
	queue   slotHeap
	waiting map[string][]*slot // host → due slots waiting for a free connection
	busy    map[string]int     // host → polls in flight
	running int
	wake    chan struct{}
}

// slot is one feed's place in the schedule.
type slot struct {
	feed    config.Feed
	host    string
	due     time.Time
	index   int  // in queue; -1 when not queued
	running bool // a poll is in flight
	again   bool // PollNow came while running: poll again at once
}

func newScheduler(feeds []config.Feed, poll pollFunc, now func() time.Time) *scheduler {
	s := &scheduler{poll: poll, now: now, slots: map[string]*slot{}, waiting: map[string][]*slot{},
		busy: map[string]int{}, wake: make(chan struct{}, 1)}
	for _, f := range feeds {
		sl := &slot{feed: f, host: outbound.HostOf(f.URL), due: now(), index: -1}
		s.slots[f.Handle] = sl
		heap.Push(&s.queue, sl)
	}
	return s
}

// Run starts due polls until ctx is cancelled, then waits for the polls in
// flight to return.
func (s *scheduler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		next, ok := s.dispatch(ctx, &wg)
		s.mu.Unlock()
		if ok {
			timer.Reset(next)
		} else {
			timer.Reset(time.Hour)
		}
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-s.wake:
		}
	}
}

// dispatch starts every due poll the limits allow and returns the time
// until the next due one (ok false when nothing is queued or all slots are
// taken: a finishing poll wakes the loop).
func (s *scheduler) dispatch(ctx context.Context, wg *sync.WaitGroup) (next time.Duration, ok bool) {
	now := s.now()
	for s.running < maxConcurrentPolls && s.queue.Len() > 0 {
		sl := s.queue[0]
		if sl.due.After(now) {
			return sl.due.Sub(now), true
		}
		heap.Pop(&s.queue)
		if s.busy[sl.host] >= maxPerHost {
			s.waiting[sl.host] = append(s.waiting[sl.host], sl)
			continue
		}
		s.start(ctx, wg, sl)
	}
	return 0, false
}

// start runs one poll in its own goroutine (owned by wg).
func (s *scheduler) start(ctx context.Context, wg *sync.WaitGroup, sl *slot) {
	sl.running = true
	s.busy[sl.host]++
	s.running++
	wg.Go(func() {
		wait := s.poll(ctx, sl.feed)
		s.done(sl, wait)
	})
}

// done books a finished poll, queues the feed again after wait, and lets
// the next feed waiting for the same host go.
func (s *scheduler) done(sl *slot, wait time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sl.running = false
	s.running--
	if s.busy[sl.host]--; s.busy[sl.host] == 0 {
		delete(s.busy, sl.host)
	}
	switch {
	case sl.again:
		sl.again, sl.due = false, s.now()
		heap.Push(&s.queue, sl)
	case wait >= 0:
		sl.due = s.now().Add(wait)
		heap.Push(&s.queue, sl)
	}
	if w := s.waiting[sl.host]; len(w) > 0 {
		heap.Push(&s.queue, w[0])
		if s.waiting[sl.host] = w[1:]; len(w) == 1 {
			delete(s.waiting, sl.host)
		}
	}
	s.signal()
}

// trigger makes handle's feed due now; false for an unknown handle. A
// feed disabled for good (410) stays disabled.
func (s *scheduler) trigger(handle string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sl, ok := s.slots[handle]
	if !ok {
		return false
	}
	switch {
	case sl.running:
		sl.again = true
	case sl.index >= 0:
		sl.due = s.now()
		heap.Fix(&s.queue, sl.index)
	}
	s.signal()
	return true
}

// nextDue returns when handle's feed is next polled (zero if running,
// waiting for its host or disabled).
func (s *scheduler) nextDue(handle string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sl, ok := s.slots[handle]; ok && sl.index >= 0 {
		return sl.due
	}
	return time.Time{}
}

func (s *scheduler) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// slotHeap orders slots by due time (container/heap).
type slotHeap []*slot

func (h slotHeap) Len() int           { return len(h) }
func (h slotHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h slotHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

// Push adds x (a *slot).
func (h *slotHeap) Push(x any) {
	sl := x.(*slot)
	sl.index = len(*h)
	*h = append(*h, sl)
}

// Pop removes the last slot.
func (h *slotHeap) Pop() any {
	old := *h
	sl := old[len(old)-1]
	old[len(old)-1] = nil
	sl.index = -1
	*h = old[:len(old)-1]
	return sl
}
