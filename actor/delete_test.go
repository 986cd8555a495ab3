package actor

import (
	"testing"
)

// TestGoldenDelete compares the Delete and Tombstone documents with their
// golden files (rewrite with -update, like TestGolden).
func TestGoldenDelete(t *testing.T) {
	r := NewRenderer(testBase)
	objectID := r.Object(testHandle, testItem("").Key)
	tombstone, err := r.Tombstone(objectID, "Note", testEdited)
	if err != nil {
		t.Fatal(err)
	}
	id, del, err := r.Delete(testHandle, objectID, "Note", testEdited)
	if err != nil {
		t.Fatal(err)
	}
	if id != r.URLs.Delete(objectID) {
		t.Errorf("Delete id %s, want %s", id, r.URLs.Delete(objectID))
	}
	for name, doc := range map[string][]byte{"tombstone": tombstone, "delete": del} {
		t.Run(name, func(t *testing.T) { checkGolden(t, name, doc) })
	}
}
