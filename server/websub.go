package server

import (
	"context"
	"errors"
	"io"
	"net/http"

	"herald/intake"
	"herald/respond"
)

// maxPushBody is the largest pushed feed document accepted.
const maxPushBody = 10 << 20

// handleWebSubVerify answers GET /websub/{handle}: the hub's verification
// of intent. Herald confirms (echoing hub.challenge) only a subscription it
// asked for: the topic must match, and the mode must be subscribe. A
// denial is recorded. Anything else gets 404 (see intake.Poller.VerifyIntent).
func (s *Server) handleWebSubVerify(w http.ResponseWriter, r *http.Request) {
	handle, ok := s.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "not found")
		return
	}
	challenge, err := s.o.Intake.VerifyIntent(handle, r.URL.Query())
	switch {
	case errors.Is(err, intake.ErrNoSubscription), errors.Is(err, intake.ErrNotSubscribing):
		respond.Error(w, http.StatusNotFound, err.Error())
	case errors.Is(err, intake.ErrBadIntent):
		respond.Error(w, http.StatusBadRequest, err.Error())
	case err != nil:
		respond.InternalError(w, s.o.Log, r, err)
	default:
		respond.Bytes(w, "text/plain; charset=utf-8", []byte(challenge))
	}
}

// handleWebSubPush answers POST /websub/{handle}: content pushed by the
// hub. The body must carry a valid X-Hub-Signature made with the secret of
// an active subscription (else 403, and nothing is read into the feed); it
// is then processed at once, like a poll.
func (s *Server) handleWebSubPush(w http.ResponseWriter, r *http.Request) {
	handle, ok := s.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "not found")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPushBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		respond.Error(w, http.StatusRequestEntityTooLarge, "body too large")
		return
	}
	if err != nil {
		respond.Error(w, http.StatusBadRequest, "unreadable body")
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*s.o.Config.FetchTimeout.Std())
	defer cancel()
	err = s.o.Intake.Push(ctx, handle, r.Header.Get("X-Hub-Signature"), body)
	switch {
	case errors.Is(err, intake.ErrPushRefused):
		s.o.Log.Warn("websub push rejected: missing or wrong signature", "handle", handle, "remote", r.RemoteAddr)
		respond.Error(w, http.StatusForbidden, err.Error())
	case errors.Is(err, intake.ErrBadPush):
		s.o.Log.Warn("websub push not processed", "handle", handle, "error", err)
		respond.Error(w, http.StatusBadRequest, intake.ErrBadPush.Error())
	case err != nil:
		respond.InternalError(w, s.o.Log, r, err)
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}
