// Package servers holds the interop tests that run a real Herald (package
// apptest) against each fediverse server as package fedtest models it from
// the server's source: Mastodon 4.3 to 4.5 (with secure mode and RFC 9421),
// GoToSocial, Misskey, Sharkey, Akkoma and Pleroma, Pixelfed, Friendica and
// Threads. One file per server; each quirk is one subtest asserting what a
// user of that server would see: the follow accepted, a new item's Create,
// an edit's Update and a withdrawal's Delete verified and shown under that
// server's rules, and that server's signed POSTs and GETs accepted by
// Herald. docs/interop.md maps every server to its tests.
package servers
