package inbox

import "strconv"

// knownTypes are the activity types counted under their own label; any
// other type (senders choose it) is counted as "other", to keep the number
// of series bounded.
var knownTypes = map[string]bool{"Follow": true, "Undo": true, "Like": true, "Announce": true, "Create": true,
	"Update": true, "Delete": true, "Move": true, "Flag": true, "Block": true, "Accept": true, "Reject": true, "EmojiReact": true}

// typeLabel labels an activity type for the metrics.
func typeLabel(t string) string {
	if knownTypes[t] {
		return t
	}
	return "other"
}

// verdict labels an inbox answer for the metrics.
func verdict(status int) string {
	if status < 300 {
		return "accepted"
	}
	return strconv.Itoa(status)
}
