package outbound

import (
	"fmt"
	"io"
)

// limitedBody is a response body that fails once more than limit bytes have
// been read. Unlike io.LimitReader it does not end silently at the limit, so
// a truncated document is never mistaken for a complete one. Like any
// response body it is not safe for concurrent reads.
type limitedBody struct {
	rc        io.ReadCloser
	limit     int64
	remaining int64
	err       error // sticky: set once the limit is exceeded
}

// newLimitedBody wraps rc. If contentLength already exceeds limit the first
// Read fails without reading anything.
func newLimitedBody(rc io.ReadCloser, limit, contentLength int64) *limitedBody {
	b := &limitedBody{rc: rc, limit: limit, remaining: limit}
	if contentLength > limit {
		b.err = b.tooLarge()
	}
	return b
}

// Read implements io.Reader. Reading past the limit returns an error wrapping
// ErrResponseTooLarge, and so does every later call.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	// Ask for one byte more than allowed so an oversized body is detected
	// even when it ends exactly after the extra byte.
	if most := b.remaining + 1; most > 0 && int64(len(p)) > most {
		p = p[:most]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.remaining {
		n = int(b.remaining)
		b.remaining = 0
		b.err = b.tooLarge()
		return n, b.err
	}
	b.remaining -= int64(n)
	return n, err
}

// Close closes the underlying body.
func (b *limitedBody) Close() error {
	return b.rc.Close()
}

func (b *limitedBody) tooLarge() error {
	return fmt.Errorf("read response body: %w (limit %d bytes)", ErrResponseTooLarge, b.limit)
}
