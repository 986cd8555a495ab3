package clientapi

// The entities of Mastodon's client API that Herald answers with, with
// the fields Mastodon 4.3's serializers give (app/serializers/rest/) and
// docs.joinmastodon.org/entities describe. Pointers are fields that may
// be null; empty lists are [] (never null), as Mastodon's.

// Account is Mastodon's Account entity; verify_credentials adds Source
// and Role (CredentialAccount).
type Account struct {
	ID              string  `json:"id"`
	Username        string  `json:"username"`
	Acct            string  `json:"acct"`
	DisplayName     string  `json:"display_name"`
	Locked          bool    `json:"locked"`
	Bot             bool    `json:"bot"`
	Discoverable    bool    `json:"discoverable"`
	Indexable       bool    `json:"indexable"`
	Group           bool    `json:"group"`
	CreatedAt       string  `json:"created_at"`
	Note            string  `json:"note"`
	URL             string  `json:"url"`
	URI             string  `json:"uri"`
	Avatar          string  `json:"avatar"`
	AvatarStatic    string  `json:"avatar_static"`
	Header          string  `json:"header"`
	HeaderStatic    string  `json:"header_static"`
	FollowersCount  int     `json:"followers_count"`
	FollowingCount  int     `json:"following_count"`
	StatusesCount   int     `json:"statuses_count"`
	LastStatusAt    *string `json:"last_status_at"`
	HideCollections bool    `json:"hide_collections"`
	Noindex         bool    `json:"noindex"`
	Emojis          []any   `json:"emojis"`
	Roles           []any   `json:"roles"`
	Fields          []Field `json:"fields"`
	Source          *Source `json:"source,omitempty"`
	Role            *Role   `json:"role,omitempty"`
}

// Field is a row of a profile's table; Value is HTML.
type Field struct {
	Name       string  `json:"name"`
	Value      string  `json:"value"`
	VerifiedAt *string `json:"verified_at"`
}

// Source is what the signed-in account's profile is made from.
type Source struct {
	Privacy             string   `json:"privacy"`
	Sensitive           bool     `json:"sensitive"`
	Language            string   `json:"language"`
	Note                string   `json:"note"`
	Fields              []Field  `json:"fields"`
	FollowRequestsCount int      `json:"follow_requests_count"`
	HideCollections     bool     `json:"hide_collections"`
	Discoverable        bool     `json:"discoverable"`
	Indexable           bool     `json:"indexable"`
	AttributionDomains  []string `json:"attribution_domains"`
}

// Role is the signed-in user's role: Herald's users have Mastodon's
// everyone role (id -99, no permissions).
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Permissions string `json:"permissions"`
	Color       string `json:"color"`
	Highlighted bool   `json:"highlighted"`
}

// Status is Mastodon's Status entity. The fields about the reader
// (favourited, reblogged, muted, bookmarked, pinned, filtered) are there
// when a token for an account reads it, as in Mastodon.
type Status struct {
	ID                 string            `json:"id"`
	CreatedAt          string            `json:"created_at"`
	InReplyToID        *string           `json:"in_reply_to_id"`
	InReplyToAccountID *string           `json:"in_reply_to_account_id"`
	Sensitive          bool              `json:"sensitive"`
	SpoilerText        string            `json:"spoiler_text"`
	Visibility         string            `json:"visibility"`
	Language           *string           `json:"language"`
	URI                string            `json:"uri"`
	URL                *string           `json:"url"`
	RepliesCount       int               `json:"replies_count"`
	ReblogsCount       int               `json:"reblogs_count"`
	FavouritesCount    int               `json:"favourites_count"`
	EditedAt           *string           `json:"edited_at"`
	Favourited         *bool             `json:"favourited,omitempty"`
	Reblogged          *bool             `json:"reblogged,omitempty"`
	Muted              *bool             `json:"muted,omitempty"`
	Bookmarked         *bool             `json:"bookmarked,omitempty"`
	Pinned             *bool             `json:"pinned,omitempty"`
	Filtered           []any             `json:"filtered,omitempty"`
	Content            string            `json:"content"`
	Reblog             *Status           `json:"reblog"`
	Account            Account           `json:"account"`
	MediaAttachments   []MediaAttachment `json:"media_attachments"`
	Mentions           []Mention         `json:"mentions"`
	Tags               []Tag             `json:"tags"`
	Emojis             []any             `json:"emojis"`
	Card               any               `json:"card"`
	Poll               any               `json:"poll"`
	// Text is the source text, given back by a deletion for redrafting.
	Text *string `json:"text,omitempty"`
}

// Mention is an account a status mentions.
type Mention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

// MediaAttachment is an image of a post. Herald's images stay on the
// website, so url, preview_url and remote_url are the website's.
type MediaAttachment struct {
	ID               string         `json:"id"`
	Type             string         `json:"type"`
	URL              string         `json:"url"`
	PreviewURL       *string        `json:"preview_url"`
	RemoteURL        *string        `json:"remote_url"`
	PreviewRemoteURL *string        `json:"preview_remote_url"`
	TextURL          *string        `json:"text_url"`
	Meta             map[string]any `json:"meta"`
	Description      *string        `json:"description"`
	Blurhash         *string        `json:"blurhash"`
}

// Tag is a hashtag of a post.
type Tag struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Notification is something that happened to the signed-in account: a
// mention (replies and direct messages among them), a favourite or a
// reblog of one of its posts (Status), a follow. GroupKey is Mastodon
// 4.3's; the first version names each notification's group by its id
// ("ungrouped-ID"), which the grouped notifications' endpoints take as
// that notification, as Mastodon's do.
type Notification struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	CreatedAt string  `json:"created_at"`
	GroupKey  string  `json:"group_key"`
	Account   Account `json:"account"`
	Status    *Status `json:"status,omitempty"`
}

// GroupedNotifications is the answer of Mastodon 4.3's grouped
// notifications: the groups, and once each the accounts and statuses
// they name (DedupNotificationGroupSerializer).
type GroupedNotifications struct {
	Accounts           []Account           `json:"accounts"`
	Statuses           []Status            `json:"statuses"`
	NotificationGroups []NotificationGroup `json:"notification_groups"`
}

// NotificationGroup is notifications of one kind about one thing (the
// favourites of a post), or one notification alone. The page fields are
// there when it was cut from a page.
type NotificationGroup struct {
	GroupKey                 string   `json:"group_key"`
	NotificationsCount       int      `json:"notifications_count"`
	Type                     string   `json:"type"`
	MostRecentNotificationID string   `json:"most_recent_notification_id"`
	PageMinID                string   `json:"page_min_id,omitempty"`
	PageMaxID                string   `json:"page_max_id,omitempty"`
	LatestPageNotificationAt string   `json:"latest_page_notification_at,omitempty"`
	SampleAccountIDs         []string `json:"sample_account_ids"`
	StatusID                 *string  `json:"status_id,omitempty"`
}
