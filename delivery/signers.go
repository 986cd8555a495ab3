package delivery

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"herald/signature"
)

// signerPool signs delivery requests on a fixed set of goroutines, one per
// core. Signing is the CPU-bound part of a delivery: more signatures at once
// than cores only delay each other, and keeping the deep signing call stack
// on a few goroutines keeps the many waiting delivery goroutines small.
type signerPool struct {
	now   func() time.Time
	tasks chan signTask
}

// signingKey is a private key and the id under which peers find its public
// half.
type signingKey struct {
	id      string
	private *rsa.PrivateKey
}

// signTask is one request to sign; the signer answers on done.
type signTask struct {
	req  *http.Request
	body signature.Body
	key  signingKey
	// rfc9421 asks for an RFC 9421 message signature instead of the
	// draft-cavage one (for peers that refuse the latter).
	rfc9421 bool
	done    chan error
}

func newSignerPool(now func() time.Time) *signerPool {
	return &signerPool{now: now, tasks: make(chan signTask)}
}

// run starts n signers and returns a function that stops them once no
// more tasks can come, and waits for them.
func (p *signerPool) run(n int) (stop func()) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for t := range p.tasks {
				sign := signature.SignBody
				if t.rfc9421 {
					sign = signature.SignMessageBody
				}
				err := sign(t.req, t.body, t.key.id, t.key.private, p.now())
				if err != nil {
					err = fmt.Errorf("sign: %w", err)
				}
				t.done <- err
			}
		})
	}
	return func() {
		close(p.tasks)
		wg.Wait()
	}
}

// errNotSent is returned by sign when shutdown began before a signer took
// the request: it was never sent, so it is not an attempt.
var errNotSent = errors.New("not sent: shutting down")

// sign signs req with key when a signer is free. The Date is taken when
// the signer starts, so every attempt carries a fresh one. It fails with
// errNotSent when stop closes first, and with ctx's error when ctx ends.
func (p *signerPool) sign(ctx context.Context, stop <-chan struct{}, req *http.Request, body signature.Body, key signingKey, rfc9421 bool) error {
	select {
	case <-stop:
		return errNotSent
	default:
	}
	t := signTask{req: req, body: body, key: key, rfc9421: rfc9421, done: make(chan error, 1)}
	select {
	case p.tasks <- t:
	case <-stop:
		return errNotSent
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-t.done
}
