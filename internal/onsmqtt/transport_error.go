package onsmqtt

import (
	"errors"
	"fmt"
	"net/url"
)

// TransportError is a call that got no answer from the service, for a
// reason that may pass (a reset, a timeout, a refused connection within
// RetryPolicy.RefusedBudget).
type TransportError struct {
	Action   string
	Endpoint Endpoint
	Setting  string // the provider setting that chose Endpoint
	Err      error
}

func (e *TransportError) Error() string {
	cause := withoutURL(e.Err)
	where := "the endpoint"
	if e.Endpoint != (Endpoint{}) {
		where = e.Endpoint.String()
	}
	return fmt.Sprintf("%s: no answer from %s: %v", e.Action, where, cause)
}

func (e *TransportError) Unwrap() error { return e.Err }

// withoutURL drops a *url.Error's text, which repeats the whole signed URL;
// the cause alone is what helps.
func withoutURL(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}
