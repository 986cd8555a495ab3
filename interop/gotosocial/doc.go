// Package gotosocial holds the interop test that runs Herald, as the built
// binary, next to a real GoToSocial server on loopback, and checks through
// GoToSocial's client API what one of its users sees of a Herald account:
// the profile, the follow, new posts with their text, link, hashtags, image
// and language, edits, withdrawals, and that likes, boosts and replies (and
// their Undo) reach Herald's statistics; that unfollowing stops delivery;
// that authorized-fetch mode and a key rotation keep working; and
// webcare: her question is a notification in Herald's client API, the
// team's public answer is threaded under it in GoToSocial, and a direct
// answer reaches her and no other GoToSocial user.
//
// GoToSocial comes from ../shared/gotosocial beside the repository (binary,
// templates and scripts; see its README.md). Without it the test is
// skipped, unless CI=true, when it fails. It needs bash, curl and jq (the
// scripts use them); .ci/run installs them.
package gotosocial
