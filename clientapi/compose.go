package clientapi

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"herald/actor"
	"herald/oauth"
)

// maxStatusChars is the longest post, text and content warning together,
// as Mastodon counts them (actor.StatusLength): Mastodon's limit, which
// the instance reports.
const maxStatusChars = 500

// draft is a post as POST /api/v1/statuses asks for it, checked.
type draft struct {
	text, spoiler, language, visibility string
	sensitive                           bool
	// replyTo is the status answered (nil for none).
	replyTo *item
	// idempotency is the request's Idempotency-Key ("" for none).
	idempotency string
	// scheduledAt is when it is to go out (zero: now).
	scheduledAt time.Time
	// scheduled is the scheduled post it publishes (0 for none).
	scheduled uint64
	// via is where it was written when not in the token's app
	// (ViaStatisticsPages), for the audit log; "" for the app.
	via string
}

// refusal is an answer that refuses a request: its status and
// Mastodon-style message.
type refusal struct {
	status int
	msg    string
}

func unprocessable(msg string) *refusal {
	return &refusal{http.StatusUnprocessableEntity, msg}
}

// languageCode is an ISO 639 code as Mastodon takes it.
var languageCode = regexp.MustCompile(`^[a-z]{2,3}$`)

// readDraft reads and checks the parameters of POST /api/v1/statuses (and
// the request's Idempotency-Key, idempotencyKey), as
// Mastodon's PostStatusService and Status validations check them. Herald
// posts neither media, polls nor followers-only posts: those are refused
// with 422, as an empty or too long text is, and a scheduled_at less than
// 5 minutes ahead (one in the past posts at once, as on Mastodon); an
// in_reply_to_id the account cannot see gives 404.
func (a *API) readDraft(idempotencyKey string, params url.Values, access oauth.Access) (draft, *refusal, error) {
	d := draft{text: params.Get("status"), spoiler: strings.TrimSpace(params.Get("spoiler_text")),
		language: strings.ToLower(params.Get("language")), visibility: params.Get("visibility"),
		sensitive: truthy(params.Get("sensitive")), idempotency: idempotencyKey}
	switch {
	case len(listParam(params, "media_ids")) > 0:
		return d, unprocessable("Validation failed: Herald posts no media attachments"), nil
	case params.Get("poll[expires_in]") != "" || len(listParam(params, "poll[options]")) > 0:
		return d, unprocessable("Validation failed: Herald posts no polls"), nil
	case strings.TrimSpace(d.text) == "":
		return d, unprocessable("Validation failed: Text can't be blank"), nil
	case actor.StatusLength(d.text)+utf8.RuneCountInString(d.spoiler) > maxStatusChars:
		return d, unprocessable("Validation failed: Text character limit of 500 exceeded"), nil
	}
	if r := a.checkVisibility(&d); r != nil {
		return d, r, nil
	}
	var refused *refusal
	if d.scheduledAt, refused = a.readScheduledAt(params); refused != nil {
		return d, refused, nil
	}
	if d.language == "" {
		d.language, _, _ = strings.Cut(strings.ToLower(a.o.Accounts.Feed(access.Handle).Language), "-")
	}
	if d.language != "" && !languageCode.MatchString(d.language) {
		return d, unprocessable("Validation failed: Language is not a valid ISO 639 code"), nil
	}
	if v := params.Get("in_reply_to_id"); v != "" {
		id, ok := parseID(v)
		if !ok {
			return d, &refusal{http.StatusNotFound, "Record not found"}, nil
		}
		it, found, err := a.lookupStatus(id, access)
		if err != nil || !found {
			return d, &refusal{http.StatusNotFound, "Record not found"}, err
		}
		d.replyTo = &it
	}
	return d, nil, nil
}

// checkVisibility checks d's visibility: public (when none is given, the
// account's default), unlisted or direct.
func (a *API) checkVisibility(d *draft) *refusal {
	switch d.visibility {
	case "":
		d.visibility = actor.Public
	case actor.Public, actor.Unlisted, actor.Direct:
	case "private":
		return unprocessable("Validation failed: Herald posts no followers-only posts: choose public, unlisted or direct")
	default:
		return unprocessable("'" + d.visibility + "' is not a valid visibility")
	}
	return nil
}

// truthy reads a boolean parameter as Rails does.
func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "true", "1", "on", "t", "yes":
		return true
	}
	return false
}
