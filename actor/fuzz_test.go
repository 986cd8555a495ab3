package actor

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// FuzzPost renders arbitrary feed HTML and categories: rendering never
// fails, the result is JSON, nothing Mastodon would strip (scripts, images,
// iframes, event handlers) survives, attachments stay within limits and a
// Note with a short title stays within the budget.
func FuzzPost(f *testing.F) {
	for _, it := range wordpressItems(f) {
		f.Add(it.Title, it.Summary, it.Content, strings.Join(it.Categories, ","))
	}
	f.Add("T", `<img src="https://e.org/a.png" alt="x"><iframe src="https://v.example/1">x</iframe>`, `<script>alert(1)</script>`, "a b,c")
	f.Add("", "<p", "<a href='javascript:x'>x</a><svg onload=x>", ",,,")
	r := NewRenderer(testBase)
	f.Fuzz(func(t *testing.T, title, summary, content, cats string) {
		item := Item{Key: "k", Title: title, Link: "https://example.org/p", Summary: summary, Content: content, Categories: strings.Split(cats, ",")}
		for _, s := range []Style{{}, {Article: true}} {
			doc, err := r.Post(testHandle, s, item, testPublished, time.Time{})
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			var n map[string]any
			if err := json.Unmarshal(doc, &n); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			text := strings.ToLower(n["content"].(string))
			for _, bad := range []string{"<script", "<img", "<iframe", "<svg", "onload=", "javascript:"} {
				if strings.Contains(text, bad) {
					t.Fatalf("content keeps %s: %s", bad, text)
				}
			}
			if att, _ := n["attachment"].([]any); len(att) > MaxAttachments {
				t.Fatalf("%d attachments", len(att))
			}
			if !s.Article && len([]rune(title)) < 100 {
				if w := r.weight(n["content"].(string)); w > DefaultMaxChars {
					t.Fatalf("post weighs %d: %s", w, text)
				}
			}
		}
	})
}
