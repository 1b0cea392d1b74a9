package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// RetryPolicy shapes the backoff between attempts of one operation. Attempts
// continue until the caller's context ends (the resource's operation
// timeout), or MaxElapsed when the context has no deadline.
type RetryPolicy struct {
	InitialInterval     time.Duration
	MaxInterval         time.Duration
	Multiplier          float64
	RandomizationFactor float64
	MaxElapsed          time.Duration
}

// DefaultRetryPolicy starts at 200ms, doubles, caps at 10s, and spreads
// attempts ±50% so many throttled goroutines do not retry in lockstep.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		InitialInterval:     200 * time.Millisecond,
		MaxInterval:         10 * time.Second,
		Multiplier:          2,
		RandomizationFactor: 0.5,
		MaxElapsed:          20 * time.Minute,
	}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.InitialInterval > 0 {
		d.InitialInterval = p.InitialInterval
	}
	if p.MaxInterval > 0 {
		d.MaxInterval = p.MaxInterval
	}
	if p.Multiplier >= 1 {
		d.Multiplier = p.Multiplier
	}
	if p.RandomizationFactor > 0 && p.RandomizationFactor < 1 {
		d.RandomizationFactor = p.RandomizationFactor
	}
	if p.MaxElapsed > 0 {
		d.MaxElapsed = p.MaxElapsed
	}
	return d
}

// NewBackOff returns the backoff sequence for one operation.
func (p RetryPolicy) NewBackOff() *backoff.ExponentialBackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = p.InitialInterval
	b.MaxInterval = p.MaxInterval
	b.Multiplier = p.Multiplier
	b.RandomizationFactor = p.RandomizationFactor
	return b
}

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

// retrying runs attempt until it succeeds, fails permanently, or ctx ends.
func (c *Client) retrying(ctx context.Context, action string, attempt func(n int) ([]byte, error)) ([]byte, error) {
	var (
		attempts int
		last     error
	)
	maxElapsed := c.retry.MaxElapsed
	if _, ok := ctx.Deadline(); ok {
		maxElapsed = 0 // the caller's deadline is the bound
	}
	body, err := backoff.Retry(ctx, func() ([]byte, error) {
		attempts++
		b, err := attempt(attempts)
		if err == nil {
			return b, nil
		}
		if ctx.Err() != nil {
			return nil, backoff.Permanent(err)
		}
		last = err
		if !Classify(err).Retryable() {
			return nil, backoff.Permanent(err)
		}
		return nil, err
	},
		backoff.WithBackOff(c.retry.NewBackOff()),
		backoff.WithMaxElapsedTime(maxElapsed),
		backoff.WithNotify(func(err error, next time.Duration) {
			c.log.Warn(ctx, "OnsMqtt call will be retried", map[string]any{
				"action": action, "attempt": attempts, "error_class": Classify(err).String(),
				"retry_in_ms": next.Milliseconds(), "error": err.Error(),
			})
		}),
	)
	if err == nil {
		return body, nil
	}
	if cause := context.Cause(ctx); cause != nil {
		return nil, &TimeoutError{Action: action, Attempts: attempts, Last: last, Cause: cause}
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		apiErr.Attempts = attempts
	}
	return nil, err
}
