package onsmqtt

import (
	"context"
	"errors"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// RetryPolicy shapes the backoff between attempts of one operation. Attempts
// continue until the caller's context ends (the resource's operation
// timeout), or MaxElapsed when the context has no deadline. Refused
// connections have a budget of their own, RefusedBudget.
type RetryPolicy struct {
	InitialInterval     time.Duration
	MaxInterval         time.Duration
	Multiplier          float64
	RandomizationFactor float64
	MaxElapsed          time.Duration
	// RefusedBudget is how long an operation retries connections that are
	// refused in a row before it fails with EndpointNothingAnswers,
	// whatever its own timeout: long enough for an emulator or proxy that
	// is starting, short enough that a wrong port fails in seconds.
	RefusedBudget time.Duration
}

// DefaultRetryPolicy starts at 200ms, doubles, caps at 10s, and spreads
// attempts ±50% so many throttled goroutines do not retry in lockstep. A
// port that refuses connections is retried for 8s (about 7 attempts).
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		InitialInterval:     200 * time.Millisecond,
		MaxInterval:         10 * time.Second,
		Multiplier:          2,
		RandomizationFactor: 0.5,
		MaxElapsed:          20 * time.Minute,
		RefusedBudget:       8 * time.Second,
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
	if p.RefusedBudget > 0 {
		d.RefusedBudget = p.RefusedBudget
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

// budgetBackOff shortens a wait that would end past deadline (when set),
// so the last attempt at a refusing port lands at the end of the refusal
// budget rather than up to one interval later.
type budgetBackOff struct {
	backoff.BackOff
	deadline time.Time
	now      func() time.Time
}

func (b *budgetBackOff) NextBackOff() time.Duration {
	next := b.BackOff.NextBackOff()
	if b.deadline.IsZero() || next == backoff.Stop {
		return next
	}
	return min(next, max(b.deadline.Sub(b.now()), 0))
}

// refusals tracks connections refused in a row within one operation.
type refusals struct {
	since   time.Time
	backOff *budgetBackOff
	budget  time.Duration
	now     func() time.Time
}

// spent records one more failure and reports whether err ends a run of
// refusals that has lasted the whole budget. Any other failure ends the run.
func (r *refusals) spent(err error) bool {
	if !isRefused(err) {
		r.since, r.backOff.deadline = time.Time{}, time.Time{}
		return false
	}
	now := r.now()
	if r.since.IsZero() {
		r.since = now
		r.backOff.deadline = r.since.Add(r.budget)
	}
	return !now.Before(r.backOff.deadline)
}

// retrying runs attempt until it succeeds, fails permanently, or ctx ends;
// then a *TimeoutError or *CanceledError keeps the last failure.
func (c *Client) retrying(ctx context.Context, action string, attempt func(n int) ([]byte, error)) ([]byte, error) {
	var (
		attempts int
		last     error
	)
	maxElapsed := c.retry.MaxElapsed
	if _, ok := ctx.Deadline(); ok {
		maxElapsed = 0 // the caller's deadline is the bound
	}
	bo := &budgetBackOff{BackOff: c.retry.NewBackOff(), now: time.Now}
	refused := &refusals{backOff: bo, budget: c.retry.RefusedBudget, now: time.Now}
	body, err := backoff.Retry(ctx, func() ([]byte, error) {
		attempts++
		b, err := attempt(attempts)
		if err == nil {
			return b, nil
		}
		if ctx.Err() != nil {
			// An attempt the context cut short failed only because of it;
			// one that got an answer first is the last word of the service.
			if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				last = err
			}
			return nil, backoff.Permanent(err)
		}
		last = err
		if refused.spent(err) {
			return nil, backoff.Permanent(nothingAnswers(err, attempts, time.Since(refused.since)))
		}
		if !Classify(err).Retryable() {
			return nil, backoff.Permanent(err)
		}
		return nil, err
	},
		backoff.WithBackOff(bo),
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
	if ctx.Err() != nil {
		return nil, contextEnded(ctx, action, attempts, last)
	}
	var (
		apiErr      *APIError
		endpointErr *EndpointError
	)
	if errors.As(err, &apiErr) {
		apiErr.Attempts = attempts
	}
	if errors.As(err, &endpointErr) {
		endpointErr.Attempts = attempts
	}
	return nil, err
}
