package fedtest

import "time"

// Style is how one fediverse server (a software and its release range)
// publishes its accounts and keys, signs the requests it sends, and checks
// the requests and documents it receives. A Directory serves accounts and
// signs in an account's Style; a Peer also receives in its Style (Rules)
// and applies the document checks its Name selects (see Peer).
//
// Every field below names the server code it comes from in the comment of
// the named style that sets it; the research notes behind them cite each
// file and function (docs/interop.md lists them per server).
type Style struct {
	// Name names the server ("mastodon", "gotosocial", "misskey",
	// "sharkey", "akkoma", "pixelfed", "friendica", "threads", with a
	// release or mode suffix such as "mastodon-4.5"); a Peer chooses its
	// document checks by it.
	Name string

	// KeyPath serves the key at ACTOR/main-key, as a bare key document
	// (id, owner, publicKeyPem), instead of ACTOR#main-key inside the actor.
	KeyPath bool
	// KeyStub serves, with KeyPath, a stub at the key's URL instead, as
	// GoToSocial does for any GET: the actor's id, type, preferredUsername
	// and publicKey, no inbox.
	KeyStub bool
	// SignedActorFetch makes GETs of the actor document need a valid
	// signature (401 otherwise), checked as GoToSocial checks it: the
	// signer's key from its actor, then WebFinger of the signer's
	// preferredUsername@host, whose self link must be the signer.
	SignedActorFetch bool
	// UnsignedFields, when not nil, are the only fields an unsigned GET of
	// an actor gets (a signed one gets them all): Mastodon's secure mode,
	// Akkoma's authorized-fetch mode and Sharkey strip the actor so.
	UnsignedFields []string
	// NoSharedInbox leaves endpoints.sharedInbox out of the actors.
	NoSharedInbox bool
	// UserPath and UserName are where a Peer's user lives and its
	// preferredUsername; InstancePath is the Peer's instance actor, which
	// signs its GETs. Empty means "/users/alice", "alice" and "/actor".
	UserPath, UserName, InstancePath string

	// Algorithm is the algorithm parameter: "rsa-sha256", "hs2019" or ""
	// (omitted).
	Algorithm string
	// Headers is the header list of signed POSTs; nil means
	// "(request-target) host date digest".
	Headers []string
	// GetHeaders is the header list of signed GETs; nil means
	// "(request-target) host date".
	GetHeaders []string
	// ContentType is the Content-Type of POSTs; "" means
	// application/activity+json.
	ContentType string
	// HostWithoutPort sends and signs Host without the port, as Mastodon,
	// Pixelfed and Friendica build it from the URL's host name.
	HostWithoutPort bool
	// QuerylessGet signs (request-target) of GETs without the query string.
	QuerylessGet bool
	// RFC9421 signs POSTs with HTTP Message Signatures instead:
	// ("@method" "@target-uri" "content-digest"), created, keyid,
	// rsa-v1_5-sha256, and a Content-Digest header.
	RFC9421 bool

	// Receive is what the server requires of the requests it receives.
	Receive Rules
}

// Rules are what a server requires of an inbox POST before it accepts it.
// The zero value is Mastodon's window and statuses with no further checks.
type Rules struct {
	// MaxPast and MaxFuture bound how far Date (or created) may lie before
	// or after now; zero means Mastodon's 65 minutes and 60 minutes.
	MaxPast, MaxFuture time.Duration
	// Required are the headers the signature must cover.
	Required []string
	// Algorithms are the algorithm labels accepted ("" for none); nil
	// accepts any.
	Algorithms []string
	// HostMatch, when not zero, is the status for a Host header other than
	// the server's own host:port.
	HostMatch int
	// ContentTypes, when not nil, are the accepted Content-Type prefixes;
	// others get BadContentType.
	ContentTypes   []string
	BadContentType int
	// RFC9421 verifies RFC 9421 signatures (Signature-Input) too, as
	// Mastodon 4.5 does; otherwise a request without a draft-cavage
	// signature is refused.
	RFC9421 bool
	// Accepted is the status of an accepted POST; Rejected that of one
	// whose signature fails. Zero means 202 and 401.
	Accepted, Rejected int
	// Async answers Accepted once the request is parsed and verifies the
	// signature afterwards, as Misskey's queue and Pixelfed's jobs do: a
	// failure is then silent (Delivery.Problem is set, Status is not).
	Async bool
	// NoRedirect refuses a key fetch that was redirected.
	NoRedirect bool
	// WebFinger is the check made of a sender on first contact:
	// "mastodon" (acct:preferredUsername@host, case-insensitive subject,
	// the last self link names the actor), "gotosocial" (exact user name,
	// a self link of an ActivityStreams type) or "" (none).
	WebFinger string
}

// Header lists the named styles share.
var (
	mastodonPost = []string{"(request-target)", "host", "date", "digest", "content-type"}
	mastodonGet  = []string{"(request-target)", "host", "date", "accept"}
	misskeyPost  = []string{"(request-target)", "date", "host", "digest"}
	misskeyGet   = []string{"(request-target)", "date", "host", "accept"}
)

// mastodonRules are Mastodon's checks of a received POST
// (app/lib/signed_request.rb verify_signature_strength! and
// matches_time_window?, app/controllers/concerns/signature_verification.rb):
// rsa-sha256 or hs2019, date and digest signed, Date within [now-65 min,
// now+60 min], 202, 401; first contact WebFingers the sender
// (app/services/activitypub/fetch_remote_actor_service.rb check_webfinger!).
var mastodonRules = Rules{
	Required:   []string{"date", "digest"},
	Algorithms: []string{"rsa-sha256", "hs2019", ""},
	WebFinger:  "mastodon",
}

// mastodonStyle is Mastodon 4.3 and 4.4 (mastodon/mastodon
// app/lib/request.rb, app/lib/http_signature_draft.rb): it signs POSTs
// over every header it set but User-Agent and Accept-Encoding
// ((request-target) host date digest content-type), GETs with accept, by
// its instance actor /actor; Host is @url.host, without the port; the
// request target keeps the query.
func mastodonStyle(name string) Style {
	return Style{Name: name, Algorithm: "rsa-sha256", Headers: mastodonPost, GetHeaders: mastodonGet,
		HostWithoutPort: true, Receive: mastodonRules}
}

// The named styles: one per server. Each comment cites where its
// behaviour comes from.
var (
	// StyleMastodon is Mastodon 4.3 and 4.4: see mastodonStyle and
	// mastodonRules. Actors and keys (#main-key in the actor) are served
	// to unsigned GETs.
	StyleMastodon = mastodonStyle("mastodon")

	// StyleMastodonSecure is Mastodon in secure mode (AUTHORIZED_FETCH,
	// app/controllers/concerns/authorized_fetch_helper.rb): an unsigned
	// GET of an actor gets id, type, preferredUsername, inbox, publicKey
	// and endpoints only (AccountsController#restrict_fields_to).
	StyleMastodonSecure = withUnsigned(mastodonStyle("mastodon-secure"),
		"@context", "id", "type", "preferredUsername", "inbox", "publicKey", "endpoints")

	// StyleMastodon45 is Mastodon 4.5: it verifies RFC 9421 signatures
	// inbound, always (CHANGELOG 4.5.0, #36610; SignedRequest::
	// HttpMessageSignature in app/lib/signed_request.rb: keyid and created
	// required, @method, @target-uri and content-digest covered, sha-256,
	// rsa-v1_5-sha256), and still signs draft-cavage outbound.
	StyleMastodon45 = withRFC9421(mastodonStyle("mastodon-4.5"))

	// StyleGoToSocial is GoToSocial (superseriousbusiness/gotosocial
	// docs/federation/http_signatures.md, internal/transport/signing.go,
	// internal/federation/authenticate.go, docs/federation/actors.md):
	// keys at ACTOR/main-key serving a stub, every GET signed and required
	// signed, algorithm labelled hs2019, no shared inbox, inbox
	// Content-Type whitelist (406), WebFinger with the port and an exact
	// user name (internal/transport/finger.go, fingerRemoteAccount).
	StyleGoToSocial = Style{Name: "gotosocial", KeyPath: true, KeyStub: true, SignedActorFetch: true, NoSharedInbox: true,
		InstancePath: "/users/instance", Algorithm: "hs2019", Headers: []string{"(request-target)", "host", "date", "digest"},
		Receive: Rules{ContentTypes: []string{"application/activity+json", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`},
			BadContentType: 406, WebFinger: "gotosocial"}}

	// StyleMisskey is Misskey (misskey-dev/misskey packages/backend/src/
	// core/activitypub/ApRequestService.ts, server/ActivityPubServerService.ts
	// inbox, queue/processors/InboxProcessorService.ts): user ids, not
	// names, in actor paths; POSTs signed over (request-target) date host
	// digest, GETs with accept and a request target without the query;
	// the inbox wants those four signed, Host equal to its own host:port
	// (401), Date within 300 s (http-signature clockSkew), and verifies
	// after answering 202.
	StyleMisskey = misskeyStyle("misskey")

	// StyleSharkey is Sharkey, Misskey's fork (ActivityPubServerService.ts
	// checkAuthorizedFetch, ApRendererService renderPersonRedacted): the
	// same signatures and inbox, an unsigned GET of an actor gets a
	// redacted one, and Note edits are shown (ApInboxService update).
	StyleSharkey = withUnsigned(misskeyStyle("sharkey"),
		"@context", "id", "type", "inbox", "endpoints", "url", "preferredUsername", "publicKey")

	// StyleAkkoma is Akkoma and Pleroma (lib/pleroma/http/middleware/
	// http_signature.ex, web/plugs/ensure_host_plug.ex, object/fetcher.ex
	// fetch_and_contain_remote_key, web/activity_pub/
	// activity_pub_controller.ex inbox): content-length signed too, Host
	// with the port, GETs by /internal/fetch without the query; Host must
	// match (400), bad signatures get 400, accepted POSTs 200 "ok"; keys
	// fetched without following redirects.
	StyleAkkoma = Style{Name: "akkoma", InstancePath: "/internal/fetch", Algorithm: "rsa-sha256",
		Headers: []string{"(request-target)", "content-length", "date", "digest", "host"}, QuerylessGet: true,
		Receive: Rules{HostMatch: 400, Accepted: 200, Rejected: 400, NoRedirect: true}}

	// StyleAkkomaAuthorizedFetch is Akkoma with authorized_fetch_mode: an
	// unsigned GET of an actor gets stripped_user.json (UserView): id,
	// publicKey, inbox, outbox, type, preferredUsername (and webfinger,
	// left out here), no endpoints.
	StyleAkkomaAuthorizedFetch = withUnsigned(named(StyleAkkoma, "akkoma-authorized-fetch"),
		"@context", "id", "publicKey", "inbox", "outbox", "type", "preferredUsername")

	// StylePixelfed is Pixelfed (pixelfed/pixelfed app/Util/ActivityPub/
	// HttpSignature.php sign and instanceActorSign,
	// app/Jobs/InboxPipeline/InboxValidator.php, FederationController):
	// POSTs signed over (request-target) date host digest content-type
	// user-agent with an ld+json Content-Type, Host without the port, GETs
	// by /i/actor; the inbox answers 200 at once and verifies later, Date
	// within a day.
	StylePixelfed = Style{Name: "pixelfed", InstancePath: "/i/actor", Algorithm: "rsa-sha256",
		Headers: []string{"(request-target)", "date", "host", "digest", "content-type", "user-agent"}, GetHeaders: misskeyGet,
		ContentType: `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, HostWithoutPort: true, QuerylessGet: true,
		Receive: Rules{MaxPast: 24 * time.Hour, MaxFuture: 24 * time.Hour, Accepted: 200, Rejected: 200, Async: true}}

	// StyleFriendica is Friendica (friendica/friendica
	// src/Util/HTTPSignature.php): POSTs signed over (request-target) date
	// content-length digest host, GETs over (request-target) date host
	// with the path only, Host without the port, by its system actor
	// /friendica; it accepts rsa-sha256 and rsa-sha512 only and a Date
	// within 300 s (getSigner).
	StyleFriendica = Style{Name: "friendica", UserPath: "/profile/alice", InstancePath: "/friendica", Algorithm: "rsa-sha256",
		Headers:    []string{"(request-target)", "date", "content-length", "digest", "host"},
		GetHeaders: []string{"(request-target)", "date", "host"}, HostWithoutPort: true, QuerylessGet: true,
		Receive: Rules{MaxPast: 300 * time.Second, MaxFuture: 300 * time.Second, Algorithms: []string{"rsa-sha256", "rsa-sha512"}}}

	// StyleThreads is Threads (closed source; Meta's help page "HTTP
	// message signature standards to federate with Threads"): signs as
	// Mastodon does and behaves as Mastodon with AUTHORIZED_FETCH: every
	// GET but WebFinger must be signed.
	StyleThreads = withSignedFetch(mastodonStyle("threads"))

	// StyleRFC9421 signs its POSTs with RFC 9421 HTTP Message Signatures
	// only. None of the modelled releases sends them (Mastodon 4.5 only
	// verifies them); it checks that Herald verifies them inbound.
	StyleRFC9421 = Style{Name: "rfc9421", RFC9421: true}

	// StyleKeyDocument publishes a bare key document at the key's own
	// path, as some Mastodon and Pleroma setups do.
	StyleKeyDocument = Style{Name: "key-document", KeyPath: true, Algorithm: "rsa-sha256"}
)

// misskeyStyle is Misskey's signing and inbox (see StyleMisskey).
func misskeyStyle(name string) Style {
	return Style{Name: name, UserPath: "/users/9m2k7x0a1b", InstancePath: "/users/9m2k7x0a00",
		Algorithm: "rsa-sha256", Headers: misskeyPost, GetHeaders: misskeyGet, QuerylessGet: true,
		Receive: Rules{MaxPast: 300 * time.Second, MaxFuture: 300 * time.Second, HostMatch: 401, Async: true,
			Required: []string{"(request-target)", "host", "date", "digest"}}}
}

func named(s Style, name string) Style { s.Name = name; return s }

func withUnsigned(s Style, fields ...string) Style { s.UnsignedFields = fields; return s }

func withRFC9421(s Style) Style { s.Receive.RFC9421 = true; return s }

func withSignedFetch(s Style) Style { s.SignedActorFetch = true; return s }

// window returns how far before and after now a Date may lie.
func (r Rules) window() (past, future time.Duration) {
	past, future = r.MaxPast, r.MaxFuture
	if past == 0 {
		past = time.Hour + 5*time.Minute
	}
	if future == 0 {
		future = time.Hour
	}
	return past, future
}

// statuses returns the statuses of an accepted and of a rejected POST.
func (r Rules) statuses() (accepted, rejected int) {
	accepted, rejected = r.Accepted, r.Rejected
	if accepted == 0 {
		accepted = 202
	}
	if rejected == 0 {
		rejected = 401
	}
	return accepted, rejected
}

// software is the server a style models, without release or mode:
// "mastodon-4.5" → "mastodon".
func (s Style) software() string {
	for i := 0; i < len(s.Name); i++ {
		if s.Name[i] == '-' {
			return s.Name[:i]
		}
	}
	return s.Name
}
