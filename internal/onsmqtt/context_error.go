package onsmqtt

import (
	"context"
	"errors"
	"fmt"
)

// TimeoutError says an operation ran out of time while the service kept
// failing retryably; it keeps the last failure for the user.
type TimeoutError struct {
	Action   string
	Attempts int
	Last     error
	Cause    error
}

func (e *TimeoutError) Error() string {
	if e.Last == nil {
		return fmt.Sprintf("%s: %v before the first attempt completed; raise the resource's timeouts or the provider's rate_limit", e.Action, e.Cause)
	}
	return fmt.Sprintf("%s: gave up after %d attempts because the operation timed out (%v); last error: %v", e.Action, e.Attempts, e.Cause, e.Last)
}

func (e *TimeoutError) Unwrap() []error { return []error{e.Cause, e.Last} }

// CanceledError says an operation was stopped (an interrupt, or the engine
// stopping the provider) before it succeeded; it keeps the last failure. It
// matches context.Canceled with errors.Is whatever cause the context carries.
type CanceledError struct {
	Action   string
	Attempts int
	Last     error
	Cause    error
}

func (e *CanceledError) Error() string {
	if e.Last == nil {
		return fmt.Sprintf("%s: cancelled before the first attempt completed (%v)", e.Action, e.Cause)
	}
	return fmt.Sprintf("%s: stopped after %d attempts because the operation was cancelled (%v); last error: %v", e.Action, e.Attempts, e.Cause, e.Last)
}

func (e *CanceledError) Unwrap() []error { return []error{context.Canceled, e.Cause, e.Last} }

// contextEnded is the error of an operation whose context ended after
// attempts, last being the last failure the service or network gave.
func contextEnded(ctx context.Context, action string, attempts int, last error) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return &CanceledError{Action: action, Attempts: attempts, Last: last, Cause: context.Cause(ctx)}
	}
	return &TimeoutError{Action: action, Attempts: attempts, Last: last, Cause: context.Cause(ctx)}
}
