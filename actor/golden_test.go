package actor

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The fixture every document test renders from: a fixed origin, handle,
// key and clock, so that the documents are byte-for-byte reproducible.
const (
	testBase   = "https://news.example.org"
	testHost   = "news.example.org"
	testHandle = "news"
	testFollow = "https://mastodon.example/0b7c3a2e-5d1f-4c3e-9a63-2f1d6c7e8a90"
	testAlice  = "https://mastodon.example/users/alice"
)

var (
	testCreated   = time.Date(2024, 1, 15, 8, 0, 0, 0, time.UTC)
	testPublished = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	testEdited    = time.Date(2024, 5, 1, 14, 30, 0, 0, time.FixedZone("CEST", 2*3600))
)

// testPublicKeyPEM returns the public half of testdata/actor_key.pem, a
// fixed RSA-2048 key generated once.
func testPublicKeyPEM(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "actor_key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := ParsePrivateKeyPEM(raw)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := PublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func testProfile(t *testing.T) Profile {
	t.Helper()
	return Profile{
		Handle:       testHandle,
		Name:         "Example News",
		Summary:      "Articles from example.org & friends, as they appear.",
		SiteURL:      "https://example.org/",
		IconURL:      "https://example.org/icon.png",
		PublicKeyPEM: testPublicKeyPEM(t),
		Published:    testCreated,
		Discoverable: true,
		Indexable:    true,
	}
}

// testFullProfile sets every profile field.
func testFullProfile(t *testing.T) Profile {
	p := testProfile(t)
	p.Type = "Organization"
	p.Summary = "Nieuws van het ministerie.\n\nVragen? Bel 1400."
	p.Language = "nl-NL"
	p.HeaderURL = "https://example.org/header.jpg"
	p.Fields = []Field{{"Website", "https://example.org/"}, {"Elders", "https://other.example/news"}, {"Contact", "pers@example.org <b>"}}
	p.AttributionDomains = []string{"example.org"}
	p.FeaturedTags = []string{"Water"}
	p.AlsoKnownAs = []string{"https://old.example/users/news"}
	return p
}

func testItem(language string) Item {
	return Item{
		Key:      "https://example.org/2024/05/hello",
		Title:    "Hello, <world> & friends",
		Link:     "https://example.org/2024/05/hello?ref=feed&lang=en",
		Summary:  `<p>The <strong>first</strong> post, with <a href="https://example.org/about">a link</a>.</p><script>alert(1)</script>`,
		Language: language,
	}
}

// documents renders every document Herald emits, by golden file name.
func documents(t *testing.T) map[string][]byte {
	t.Helper()
	g := &goldenDocs{t: t, r: NewRenderer(testBase), docs: map[string][]byte{}}
	g.actors()
	g.posts()
	g.discovery()
	g.collections()
	g.wordpress()
	g.statuses()
	return g.docs
}

// goldenDocs collects the documents of documents, rendered by r. Later
// groups reuse earlier documents by name (note, note_edited, create).
type goldenDocs struct {
	t    *testing.T
	r    *Renderer
	docs map[string][]byte
}

// add records doc under name, failing the test on err.
func (g *goldenDocs) add(name string, doc []byte, err error) {
	g.t.Helper()
	if err != nil {
		g.t.Fatalf("%s: %v", name, err)
	}
	g.docs[name] = doc
}

// actors renders the actor documents and the Update of the full one.
func (g *goldenDocs) actors() {
	t, r := g.t, g.r
	t.Helper()
	doc, err := r.ActorDocument(testProfile(t))
	g.add("actor", doc, err)
	doc, err = r.ActorDocument(testFullProfile(t))
	g.add("actor_full", doc, err)
	_, doc, err = r.UpdateActor(testHandle, doc, testEdited)
	g.add("update_actor", doc, err)
	doc, err = r.InstanceActorDocument(testHost, testPublicKeyPEM(t))
	g.add("instance_actor", doc, err)
	_, doc, err = r.Move(testHandle, "https://new.example/users/news", testEdited)
	g.add("move", doc, err)
}

// posts renders a note in its variants and the activities about it.
func (g *goldenDocs) posts() {
	t, r := g.t, g.r
	t.Helper()
	note, err := r.Note(testHandle, testItem(""), testPublished, time.Time{})
	g.add("note", note, err)
	doc, err := r.Note(testHandle, testItem("nl-NL"), testPublished, time.Time{})
	g.add("note_language", doc, err)
	edited := testItem("")
	edited.Title = "Hello, world (corrected)"
	editedNote, err := r.Note(testHandle, edited, testPublished, testEdited)
	g.add("note_edited", editedNote, err)
	_, doc, err = r.Create(testHandle, note, testPublished)
	g.add("create", doc, err)
	_, doc, err = r.Update(testHandle, editedNote, 1, testEdited)
	g.add("update", doc, err)
	_, doc, err = r.Accept(testHandle, testFollow, testAlice)
	g.add("accept", doc, err)
	doc, err = r.Tombstone(r.Object(testHandle, testItem("").Key), "Note", testEdited)
	g.add("tombstone", doc, err)
	_, doc, err = r.Delete(testHandle, r.Object(testHandle, testItem("").Key), "Note", testEdited)
	g.add("delete", doc, err)
}

// discovery renders WebFinger, host-meta and NodeInfo.
func (g *goldenDocs) discovery() {
	g.t.Helper()
	r := g.r
	doc, err := r.WebFinger(testHandle, testHost, "https://example.org/")
	g.add("webfinger", doc, err)
	doc, err = r.InstanceWebFinger(testHost)
	g.add("webfinger_instance", doc, err)
	doc, err = r.HostMetaJSON()
	g.add("host_meta", doc, err)
	doc, err = r.NodeInfoIndex()
	g.add("nodeinfo_index", doc, err)
	for _, v := range []string{"2.0", "2.1"} {
		doc, err = r.NodeInfo(v, "1.2.3", Usage{Users: 2, LocalPosts: 41},
			Operator{Name: "Ministerie van Voorbeeldzaken", Email: "privacy@example.org"})
		g.add("nodeinfo_"+v, doc, err)
	}
	doc, err = r.NodeInfo("2.1", "1.2.3", Usage{}, Operator{URL: "https://example.org/contact"})
	g.add("nodeinfo_anonymous", doc, err)
}

// collections renders the outbox, followers and featured collections; it
// needs note and create from posts.
func (g *goldenDocs) collections() {
	g.t.Helper()
	r := g.r
	note, create := g.docs["note"], g.docs["create"]
	outbox := r.Outbox(testHandle)
	doc, err := Collection(outbox, 41, outbox+"?page=true")
	g.add("outbox", doc, err)
	doc, err = Collection(r.Followers(testHandle), 3, "")
	g.add("followers", doc, err)
	doc, err = CollectionPage(outbox+"?page=true", outbox, outbox+"?page=true&before=1714564800000000000", []json.RawMessage{create})
	g.add("outbox_page", doc, err)
	doc, err = ItemsCollection(r.Featured(testHandle), nil)
	g.add("featured_empty", doc, err)
	doc, err = ItemsCollection(r.Featured(testHandle), []json.RawMessage{note})
	g.add("featured", doc, err)
	doc, err = r.FeaturedTagsDocument(testHandle, Style{}, []string{"Water & Klimaat", "#Zeeland"})
	g.add("featured_tags", doc, err)
	doc, err = IDsCollection(r.Followers(testHandle), []string{testAlice})
	g.add("followers_listed", doc, err)
}

// wordpress renders the WordPress sample posts as notes, as an article
// and with a content warning.
func (g *goldenDocs) wordpress() {
	t, r := g.t, g.r
	t.Helper()
	wp := wordpressItems(t)
	for _, p := range []string{"4", "6", "10"} {
		doc, err := r.Post(testHandle, Style{}, wp["http://127.0.0.1:8081/?p="+p], wpPublished, time.Time{})
		g.add("note_wordpress_p"+p, doc, err)
	}
	doc, err := r.Post(testHandle, Style{Article: true}, wp["http://127.0.0.1:8081/?p=6"], wpPublished, time.Time{})
	g.add("article_wordpress_p6", doc, err)
	doc, err = r.Post(testHandle, Style{Warnings: map[string]string{"Persberichten": "Persbericht"}, TagURL: "https://example.org/tag/{tag}/"},
		wp["http://127.0.0.1:8081/?p=10"], wpPublished, time.Time{})
	g.add("note_content_warning", doc, err)
}

// TestGolden compares every document with testdata/golden/NAME.json; run
// with -update to rewrite them (then read the diff).
func TestGolden(t *testing.T) {
	for name, doc := range documents(t) {
		t.Run(name, func(t *testing.T) { checkGolden(t, name, doc) })
	}
}

// checkGolden compares doc, indented, with testdata/golden/NAME.json, or
// rewrites that file with -update.
func checkGolden(t *testing.T, name string, doc []byte) {
	t.Helper()
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
		t.Fatalf("%v (run go test ./actor -run Golden -update)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("%s differs from the golden file (rerun with -update and review the diff):\n%s", path, pretty.Bytes())
	}
}

// TestDocumentsReproducible renders everything twice: keys must come out in
// the same order and nothing may depend on map iteration or the clock.
func TestDocumentsReproducible(t *testing.T) {
	first, second := documents(t), documents(t)
	for name, doc := range first {
		if !bytes.Equal(doc, second[name]) {
			t.Errorf("%s: two renderings differ:\n%s\n%s", name, doc, second[name])
		}
	}
}
