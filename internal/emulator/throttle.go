package emulator

import (
	"math"
	"time"
)

// tokenBucket is a classic token bucket. Capacity is max(1, rate) so a
// limit of N calls/s allows a burst of N, as a per-second quota would.
// It runs on the real monotonic clock, not Options.Now: tests freeze Now to
// exercise timestamps, and a frozen clock would never refill the bucket.
type tokenBucket struct {
	tokens float64
	last   time.Time
}

func (b *tokenBucket) take(rate float64, now time.Time) bool {
	capacity := math.Max(1, rate)
	if b.last.IsZero() {
		b.tokens = capacity
	} else {
		b.tokens = math.Min(capacity, b.tokens+now.Sub(b.last).Seconds()*rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// throttle takes a token from the account's bucket or answers the
// configured throttling code.
func (e *Emulator) throttle(accountID string) *apiError {
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
	if e.rateLimit <= 0 {
		return nil
	}
	b := e.buckets[accountID]
	if b == nil {
		b = &tokenBucket{}
		e.buckets[accountID] = b
	}
	if b.take(e.rateLimit, time.Now()) {
		return nil
	}
	if e.throttleCode == CodeSystemOverFlow {
		return newErr(CodeSystemOverFlow, "An error occurred while processing your request. Please try again.")
	}
	return newErr(CodeThrottlingUser, "Request was denied due to user flow control.")
}

func (e *Emulator) currentLatency() time.Duration {
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
	return e.latency
}
