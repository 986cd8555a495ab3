package storetest

import (
	"reflect"
	"testing"
	"time"

	"herald/store"
)

// checkMarkers: a marker is kept per account and timeline; it starts at
// version 0, each move adds one, the same id again changes nothing.
func checkMarkers(t *testing.T, b Backend) {
	at := t0.Add(123456 * time.Microsecond)
	steps := []struct {
		handle, timeline string
		id               uint64
		after            time.Duration
		want             store.Marker
	}{
		{"news", "notifications", 10, 0, store.Marker{LastReadID: 10, Updated: at}},
		{"news", "notifications", 10, time.Second, store.Marker{LastReadID: 10, Updated: at}},
		{"news", "notifications", 12, time.Second, store.Marker{LastReadID: 12, Version: 1, Updated: at.Add(time.Second)}},
		{"news", "home", 5, 2 * time.Second, store.Marker{LastReadID: 5, Updated: at.Add(2 * time.Second)}},
		{"weather", "home", 7, 3 * time.Second, store.Marker{LastReadID: 7, Updated: at.Add(3 * time.Second)}},
	}
	for k, s := range steps {
		got, err := b.SetMarker(s.handle, s.timeline, s.id, at.Add(s.after))
		if err != nil || !reflect.DeepEqual(got, s.want) {
			t.Errorf("step %d: SetMarker = %+v, %v; want %+v", k, got, err, s.want)
		}
	}
	want := map[string]store.Marker{"notifications": steps[2].want, "home": steps[3].want}
	if got, err := b.Markers("news"); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Markers = %+v, %v; want %+v", got, err, want)
	}
	if got, err := b.Markers("nobody"); err != nil || len(got) != 0 {
		t.Errorf("Markers of an account without = %+v, %v", got, err)
	}
}
