package clientapi

import (
	"slices"
	"testing"
	"time"
)

// groupFilters are the types[], exclude_types[] and grouped_types[]
// the grouped pages are tried with.
var groupFilters = map[string]struct {
	f noticeFilter
	g grouping
}{
	"all":                {noticeFilter{}, newGrouping(nil)},
	"no mentions":        {noticeFilter{excluded: []string{typeMention}}, newGrouping(nil)},
	"favourites grouped": {noticeFilter{}, newGrouping([]string{typeFavourite})},
	"reblogs only":       {noticeFilter{types: []string{typeReblog}}, newGrouping(nil)},
}

// TestGroupedPageAsRebuilt: a page of groups read through the index by
// time and each group's history is the page cut from all the
// notifications (the same groups, members, page_min_id and next page),
// for every paging and filter, on both stores, with notifications spread
// over three days (several hour buckets per post).
func TestGroupedPageAsRebuilt(t *testing.T) {
	t.Run("bbolt", func(t *testing.T) { groupedPageAsRebuilt(t, false) })
	t.Run("postgres", func(t *testing.T) { groupedPageAsRebuilt(t, true) })
}

func groupedPageAsRebuilt(t *testing.T, postgresql bool) {
	a := noticeAPI(t, openNoticeStore(t, postgresql), 600, 11, 72*time.Hour)
	all, err := a.notices("news")
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range groupFilters {
		kept := page(all, pageQuery{limit: len(all)}, tt.f.keeps)
		for _, p := range append(noticeQueries(all), pageQuery{limit: 3}, pageQuery{limit: 10}) {
			want, wantLow := groupPage(kept, p, tt.g)
			got, low, err := a.groupedPage("news", p, tt.f.keeps, tt.g)
			if err != nil || low != wantLow || !slices.EqualFunc(got, want, sameGroup) {
				t.Errorf("%s %+v: %d groups to %d, %v; want %d to %d", name, p, len(got), low, err, len(want), wantLow)
			}
		}
	}
}

func sameGroup(x, y group) bool {
	return x.key == y.key && x.pageMin == y.pageMin && slices.EqualFunc(x.members, y.members, func(m, n notice) bool { return m.id == n.id })
}
