package actor

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
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
		t.Run(name, func(t *testing.T) {
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, doc, "", "  "); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, doc)
			}
			pretty.WriteByte('\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./actor -run TestGoldenDelete -update)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("%s differs from the golden file:\n%s", path, pretty.Bytes())
			}
		})
	}
}
