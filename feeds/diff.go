package feeds

// ChangeKind tells whether an item is new or edited.
type ChangeKind int

const (
	// Added means the item's key has not been seen before.
	Added ChangeKind = iota + 1
	// Edited means the key is known but the item's Hash differs.
	Edited
)

// String returns "added" or "edited".
func (k ChangeKind) String() string {
	switch k {
	case Added:
		return "added"
	case Edited:
		return "edited"
	}
	return "unknown"
}

// Change is one item that followers have not seen in this form.
type Change struct {
	// Kind tells whether Item is new or edited.
	Kind ChangeKind
	// Item is the item as it is now.
	Item Item
}

// Diff compares items (oldest first) with what was seen before, a map from
// item Key to Hash, and returns the changes in the same order: items whose
// key is not in seen are Added, items whose hash differs are Edited, and
// unchanged items are left out. When one feed holds several items with the
// same key, only the first is considered. Diff does not modify seen; the
// caller records the new hashes once the changes are handled.
func Diff(seen map[string]string, items []Item) []Change {
	var changes []Change
	done := make(map[string]bool, len(items))
	for _, it := range items {
		if done[it.Key] {
			continue
		}
		done[it.Key] = true
		old, ok := seen[it.Key]
		switch {
		case !ok:
			changes = append(changes, Change{Kind: Added, Item: it})
		case old != it.Hash:
			changes = append(changes, Change{Kind: Edited, Item: it})
		}
	}
	return changes
}
