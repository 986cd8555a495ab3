package actor

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckJSONShape(t *testing.T) {
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"flat", `{"a":1}`, true},
		{"24 deep", strings.Repeat("[", 24) + strings.Repeat("]", 24), true},
		{"25 deep", strings.Repeat("[", 25) + strings.Repeat("]", 25), false},
		{"brackets inside strings do not count", `{"a":"` + strings.Repeat("[", 100) + `"}`, true},
		{"escaped quote inside a string", `{"a":"\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}`, true},
		{"5000 elements", "[" + strings.Repeat("1,", 4999) + "1]", true},
		{"5001 elements", "[" + strings.Repeat("1,", 5000) + "1]", false},
		{"object keys are not counted", "{" + strings.Repeat(`"a":1,`, 6000) + `"b":1}`, true},
		{"commas in strings are not counted", `["` + strings.Repeat(",", 10000) + `"]`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckJSONShape([]byte(tt.body))
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrJSONShape)) {
				t.Fatalf("CheckJSONShape = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestParseDetails(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, d Details)
	}{
		{"move target", `{"type":"Move","actor":"https://a.example/u","object":"https://a.example/u","target":"https://b.example/u"}`,
			func(t *testing.T, d Details) {
				if d.Target != "https://b.example/u" || len(d.Objects) != 1 {
					t.Errorf("%+v", d)
				}
			}},
		{"flag objects, IRIs and embedded, comment as text", `{"type":"Flag","actor":"https://a.example/actor","content":"<b>spam</b> &amp; more",
			"object":["https://h.example/users/news",{"id":"https://h.example/users/news/posts/1","type":"Note"},"not a url"]}`,
			func(t *testing.T, d Details) {
				if len(d.Objects) != 2 || d.Objects[1] != "https://h.example/users/news/posts/1" || d.Content != "spam & more" {
					t.Errorf("%+v", d)
				}
			}},
		{"reply sanitised", `{"type":"Create","actor":"https://a.example/u","object":{"id":"https://a.example/n/1","type":"Note","attributedTo":{"id":"https://a.example/u"},
			"inReplyTo":"https://h.example/p","url":[{"type":"Link","href":"https://a.example/@u/1"}],"published":"2024-11-25T10:00:00Z",
			"content":"<p class=\"x\">hi <a href=\"javascript:x()\">j</a><a href=\"https://ok.example\" onclick=\"x\">ok</a><img src=x><script>s</script></p>"}}`,
			func(t *testing.T, d Details) {
				n := d.Note
				if n == nil || n.AttributedTo != "https://a.example/u" || n.InReplyTo != "https://h.example/p" || n.URL != "https://a.example/@u/1" || n.Published.IsZero() {
					t.Fatalf("%+v", n)
				}
				for _, bad := range []string{"javascript", "onclick", "<img", "<script", ">s<"} {
					if strings.Contains(n.Content, bad) {
						t.Errorf("content keeps %q: %s", bad, n.Content)
					}
				}
				if !strings.Contains(n.Content, `<a href="https://ok.example"`) {
					t.Errorf("content lost its link: %s", n.Content)
				}
			}},
		{"huge reply is capped", `{"type":"Create","actor":"https://a.example/u","object":{"id":"https://a.example/n/1","type":"Note","content":"<p>` + strings.Repeat("é", 40000) + `</p>"}}`,
			func(t *testing.T, d Details) {
				if len(d.Note.Content) > MaxReplyContent+16 {
					t.Errorf("content %d bytes", len(d.Note.Content))
				}
			}},
		{"object not a post", `{"type":"Update","actor":"https://a.example/u","object":{"id":"https://a.example/u","type":"Person"}}`,
			func(t *testing.T, d Details) {
				if d.Note != nil || d.ObjectType != "Person" {
					t.Errorf("%+v", d)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDetails([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, d)
		})
	}
}

// TestParseDetailsAudience: a post's audience, Mention tags and content
// warning, the audience from the activity when the object has none.
func TestParseDetailsAudience(t *testing.T) {
	for _, tt := range []struct {
		name  string
		body  string
		check func(t *testing.T, d Details)
	}{
		{"direct mention: audience, mentions, content warning", `{"type":"Create","actor":"https://a.example/u","object":{"id":"https://a.example/n/2","type":"Note",
			"to":["https://h.example/users/news"],"cc":[],"summary":"<b>vraag</b>","content":"<p>@news?</p>",
			"tag":[{"type":"Mention","href":"https://h.example/users/news","name":"@news@h.example"},{"type":"Hashtag","href":"https://a.example/tags/x","name":"#x"}]}}`,
			func(t *testing.T, d Details) {
				n := d.Note
				if len(n.To) != 1 || n.To[0] != "https://h.example/users/news" || len(n.CC) != 0 || len(n.Mentions) != 1 || n.Summary != "vraag" {
					t.Errorf("%+v", n)
				}
			}},
		{"audience from the activity, public spelt short", `{"type":"Create","actor":"https://a.example/u","to":"as:Public","cc":["https://a.example/u/followers","x"],
			"object":{"id":"https://a.example/n/3","type":"Note","tag":{"type":"Mention","href":"https://h.example/users/news"}}}`,
			func(t *testing.T, d Details) {
				n := d.Note
				if len(n.To) != 1 || n.To[0] != PublicAudience || len(n.CC) != 1 || len(n.Mentions) != 1 {
					t.Errorf("%+v", n)
				}
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDetails([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, d)
		})
	}
}

func TestAliases(t *testing.T) {
	for body, want := range map[string]int{
		`{"alsoKnownAs":["https://a.example/u","https://b.example/u"]}`: 2,
		`{"alsoKnownAs":"https://a.example/u"}`:                         1,
		`{"alsoKnownAs":[{"id":"https://a.example/u"},"x y"]}`:          1,
		`{}`: 0,
	} {
		if got := Aliases([]byte(body)); len(got) != want {
			t.Errorf("Aliases(%s) = %v, want %d", body, got, want)
		}
	}
}

// FuzzInboundDecode runs the inbox decoder — shape check, activity,
// details — on arbitrary bytes: it must never panic, and whatever it
// accepts must have URI ids.
func FuzzInboundDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"Like","actor":"https://a.example/u","object":"https://h.example/p"}`,
		`{"type":"Flag","actor":"https://a.example/u","object":["https://h.example/p",{"id":"https://h.example/q"}],"content":"x"}`,
		`{"type":"Create","actor":"https://a.example/u","object":{"type":"Note","id":"https://a.example/n","content":"<p>x</p>","inReplyTo":"https://h.example/p"}}`,
		`[[[[[[`, `{"a":"\"[["}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if CheckJSONShape(body) != nil {
			return
		}
		a, err := ParseActivity(body)
		if err != nil {
			return
		}
		if strings.ContainsFunc(a.Actor, unsafeInIRI) {
			t.Fatalf("actor %q", a.Actor)
		}
		d, err := ParseDetails(body)
		if err != nil {
			return
		}
		for _, id := range append(d.Objects, d.Target) {
			if id != "" && !isHTTPURL(id) {
				t.Fatalf("object %q", id)
			}
		}
	})
}
