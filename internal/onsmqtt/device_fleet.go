package onsmqtt

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// DefaultStatusConcurrency is how many status calls SetDeviceCertificateStatuses
// keeps in flight by default: enough to fill the account's 500 calls/s at
// about 100 ms per call. The client's rate limiter, not this number, bounds
// the call rate.
const DefaultStatusConcurrency = 64

// StatusChange asks for one device certificate to be brought to Status.
type StatusChange struct {
	Key    DeviceKey
	Status Status
}

// StatusChangeResult is the outcome of one StatusChange: Err is nil when the
// API accepted the call (the certificate now has Status), and otherwise says
// why not. IsNotFound(Err) means the certificate was deleted meanwhile.
type StatusChangeResult struct {
	StatusChange
	Err error
}

// NotAttemptedError is the result of a change that was never sent because
// the operation's context ended first.
type NotAttemptedError struct {
	Action string
	Cause  error
}

func (e *NotAttemptedError) Error() string {
	return fmt.Sprintf("%s was not attempted: %v", e.Action, e.Cause)
}

func (e *NotAttemptedError) Unwrap() error { return e.Cause }

// DeviceStatusAction is the API action that brings a device certificate to s.
func DeviceStatusAction(s Status) string {
	if s == StatusInactive {
		return "InactivateDeviceCertificate"
	}
	return "ActiveDeviceCertificate"
}

// SetDeviceCertificateStatuses applies many status changes concurrently, at
// most concurrency at a time (<= 0: DefaultStatusConcurrency). Each change is
// one call through the normal call path (retries, rate limit), so one fleet
// operation can use the whole client-side limit. A failed change does not
// stop the others; once ctx ends, changes not yet sent are reported as
// NotAttemptedError. Results are in the order of changes.
func (c *Client) SetDeviceCertificateStatuses(ctx context.Context, changes []StatusChange, concurrency int) []StatusChangeResult {
	results := make([]StatusChangeResult, len(changes))
	if concurrency <= 0 {
		concurrency = DefaultStatusConcurrency
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range min(concurrency, len(changes)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(changes) {
					return
				}
				results[i] = StatusChangeResult{StatusChange: changes[i], Err: c.applyStatusChange(ctx, changes[i])}
			}
		})
	}
	wg.Wait()
	return results
}

func (c *Client) applyStatusChange(ctx context.Context, change StatusChange) error {
	if ctx.Err() != nil {
		return &NotAttemptedError{Action: DeviceStatusAction(change.Status), Cause: context.Cause(ctx)}
	}
	return c.SetDeviceCertificateStatus(ctx, change.Key, change.Status)
}
