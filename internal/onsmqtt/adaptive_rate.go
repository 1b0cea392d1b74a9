package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateMode says how a Client paces its calls below Config.RateLimit.
type RateMode string

const (
	// RateAdaptive lowers the pace when the API answers throttling and
	// raises it again while calls pass, never above the configured limit.
	// Several processes sharing one account, each unaware of the others,
	// settle near a share of the account's limit instead of spending it on
	// throttled answers.
	RateAdaptive RateMode = "adaptive"
	// RateFixed keeps the configured limit whatever the API answers; only
	// the retry backoff reacts to throttling.
	RateFixed RateMode = "fixed"
)

// ParseRateMode accepts "" (adaptive), "adaptive" and "fixed".
func ParseRateMode(s string) (RateMode, error) {
	switch RateMode(s) {
	case "", RateAdaptive:
		return RateAdaptive, nil
	case RateFixed:
		return RateFixed, nil
	}
	return "", fmt.Errorf("rate mode %q is not one of %q or %q", s, RateAdaptive, RateFixed)
}

// The controller has the shape of the AWS SDKs' adaptive retry mode (CUBIC,
// as in TCP): on a throttled answer, cut the pace to a fraction of what the
// account admitted lately; then grow back along a cubic curve that is steep
// far below the rate that was throttled and flat near it, so probes above
// the account's limit stay seconds apart.
const (
	// cutFactor is CUBIC's beta: the pace after a cut, as a share of the
	// admitted rate. With 0.7 the processes that were over the limit
	// together fall to about 70 % of it, which refills the account's bucket
	// quickly without halving the throughput.
	cutFactor = 0.7
	// cubicScale is CUBIC's C, in calls/s per s³. With 0.4 a process whose
	// share is 25 calls/s is back at it 2.7 s after a cut, one at 125 calls/s
	// after 4.5 s.
	cubicScale = 0.4
	// deepestCut bounds one cut from below, as a share of the current pace,
	// so a short unlucky run of throttled answers cannot throw the pace to
	// the floor. It is also the first cut of a process that has not yet
	// measured a second: a process starts knowing nothing, and the account's
	// bucket, full at first, makes every shorter measurement far too high.
	deepestCut = 0.1
	// minThrottled and minAnswers guard every cut after the first: it takes
	// two throttled answers among ten or more answers to calls sent at the
	// new pace. One throttled answer may be bad luck at a gateway bucket
	// that is still nearly empty; fewer answers measure too little.
	minThrottled = 2
	minAnswers   = 10
	// minMeasure is the shortest period whose admitted rate is worth acting
	// on.
	minMeasure = 50 * time.Millisecond
	// meterHorizon is how far back the admitted rate is measured.
	meterHorizon = time.Second
	// raiseEvery spaces the limiter updates while the pace climbs.
	raiseEvery = 20 * time.Millisecond
	// rateFloor keeps every process making progress however often it is
	// throttled.
	rateFloor = 1.0
)

// adaptiveRate is the client-side pace: a golang.org/x/time/rate token bucket
// whose fill rate the controller moves between rateFloor and the ceiling
// (Config.RateLimit). One mutex guards it; each call takes it twice.
type adaptiveRate struct {
	adaptive bool
	ceiling  float64
	floor    float64
	now      func() time.Time

	mu        sync.Mutex
	limiter   *rate.Limiter // replaced at every cut: reservations made at the old pace die with it
	cutSignal chan struct{} // closed at every cut, so waiters queue again at the new pace
	started   bool          // a call has been let through
	current   float64       // the pace, in calls/s
	lastCut   time.Time     // zero until the first throttled answer
	peak      float64       // CUBIC's W_max: the rate the curve climbs back to
	climb     float64       // CUBIC's K: seconds from the last cut back to peak
	lastRise  time.Time
	sinceCut  answerCount // answers to calls sent since the last cut
	admitted  admissionMeter
}

type answerCount struct{ admitted, throttled int }

func newAdaptiveRate(ceiling float64, mode RateMode, now func() time.Time) *adaptiveRate {
	return &adaptiveRate{
		adaptive:  mode != RateFixed,
		ceiling:   ceiling,
		floor:     math.Min(rateFloor, ceiling),
		now:       now,
		limiter:   rate.NewLimiter(rate.Limit(ceiling), burstFor(ceiling)),
		cutSignal: make(chan struct{}),
		current:   ceiling,
	}
}

// burstFor allows a short burst of a tenth of a second's budget, so a
// Terraform walk starting many goroutines at once is smoothed, not queued.
func burstFor(limit float64) int {
	return max(1, int(limit/10))
}

// drainedLimiter paces from now on without a saved-up burst.
func drainedLimiter(now time.Time, r float64) *rate.Limiter {
	l := rate.NewLimiter(rate.Limit(r), burstFor(r))
	l.ReserveN(now, l.Burst())
	return l
}

// Mode is RateAdaptive or RateFixed.
func (a *adaptiveRate) Mode() RateMode {
	if a.adaptive {
		return RateAdaptive
	}
	return RateFixed
}

// Rate is the current pace in calls per second.
func (a *adaptiveRate) Rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.current
}

var errPaceBeyondDeadline = errors.New("the pace allows the next call only after the context's deadline")

// wait blocks until the pace lets one more call through and returns when it
// did, for observe.
func (a *adaptiveRate) wait(ctx context.Context) (time.Time, error) {
	if !a.adaptive {
		err := a.limiter.Wait(ctx)
		return a.now(), err
	}
	for {
		r, now, cut := a.reserve()
		delay := r.DelayFrom(now)
		if delay == 0 {
			return now, nil
		}
		if deadline, ok := ctx.Deadline(); ok && now.Add(delay).After(deadline) {
			r.CancelAt(now)
			return time.Time{}, errPaceBeyondDeadline
		}
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
			return a.now(), nil
		case <-cut:
			timer.Stop() // the reservation was made at the old pace
		case <-ctx.Done():
			timer.Stop()
			r.CancelAt(a.now())
			return time.Time{}, ctx.Err()
		}
	}
}

func (a *adaptiveRate) reserve() (*rate.Reservation, time.Time, <-chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if !a.started {
		// Start paced, not with a full bucket: bursts of processes starting
		// together are what empties the account's bucket first.
		a.started = true
		a.limiter = drainedLimiter(now, a.current)
		a.admitted.restart(now)
	}
	a.rise(now)
	return a.limiter.ReserveN(now, 1), now, a.cutSignal
}

// observe feeds the answer to a call let through at sentAt into the
// controller. It reports the new pace when a throttled answer lowered it.
func (a *adaptiveRate) observe(sentAt time.Time, throttled bool) (lowered bool, newRate float64) {
	if !a.adaptive {
		return false, 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	a.admitted.answer(now, !throttled)
	if sentAt.Before(a.lastCut) {
		return false, 0 // sent at the old pace: it says nothing of the new one
	}
	if !throttled {
		a.sinceCut.admitted++
		return false, 0
	}
	a.sinceCut.throttled++
	if !a.lastCut.IsZero() && (a.sinceCut.throttled < minThrottled || a.sinceCut.admitted+a.sinceCut.throttled < minAnswers) {
		return false, 0
	}
	a.cut(now)
	return true, a.current
}

// cut lowers the pace to cutFactor of what the account admitted from this
// process lately (or of the pace, when that is lower).
func (a *adaptiveRate) cut(now time.Time) {
	var next float64
	if a.lastCut.IsZero() && !a.admitted.full() {
		// Nothing trustworthy measured yet: cut deep, but aim the curve at
		// the pace that was throttled, so the climb back starts steep.
		next, a.peak = a.current*deepestCut, a.current
	} else {
		base := a.current
		if measured, ok := a.admitted.rate(now); ok {
			base = math.Min(base, measured)
		}
		next = math.Max(base*cutFactor, a.current*deepestCut)
		a.peak = base
	}
	next = math.Max(next, a.floor)
	a.peak = math.Max(a.peak, next)
	a.climb = math.Cbrt((a.peak - next) / cubicScale)
	a.lastCut, a.lastRise, a.sinceCut = now, now, answerCount{}
	a.admitted.restart(now)
	a.current = next
	a.limiter = drainedLimiter(now, next)
	close(a.cutSignal)
	a.cutSignal = make(chan struct{})
}

// rise moves the pace along the cubic curve since the last cut.
func (a *adaptiveRate) rise(now time.Time) {
	if a.lastCut.IsZero() || a.current >= a.ceiling || now.Sub(a.lastRise) < raiseEvery {
		return
	}
	a.lastRise = now
	t := now.Sub(a.lastCut).Seconds() - a.climb
	next := math.Min(cubicScale*t*t*t+a.peak, a.ceiling)
	if next > a.current {
		a.current = next
		a.limiter.SetLimitAt(now, rate.Limit(next))
		a.limiter.SetBurstAt(now, burstFor(next))
	}
}

// admissionMeter measures the calls per second the API admitted (answered
// without throttling) over the last meterHorizon, or since the last cut
// when that is more recent.
type admissionMeter struct {
	start    time.Time // of the current period
	count    float64   // admitted calls in the current period
	previous float64   // admitted/s over the previous full period; < 0: none
}

func (m *admissionMeter) restart(now time.Time) {
	m.start, m.count, m.previous = now, 0, -1
}

func (m *admissionMeter) roll(now time.Time) {
	if e := now.Sub(m.start); e >= meterHorizon {
		m.previous = m.count / e.Seconds()
		m.start, m.count = now, 0
	}
}

func (m *admissionMeter) answer(now time.Time, admitted bool) {
	m.roll(now)
	if admitted {
		m.count++
	}
}

// full reports whether a whole horizon has been measured since the restart.
func (m *admissionMeter) full() bool { return m.previous >= 0 }

// rate is the admitted calls per second; false when the period is too short
// to say.
func (m *admissionMeter) rate(now time.Time) (float64, bool) {
	m.roll(now)
	e := now.Sub(m.start)
	if m.full() {
		// Slide over one horizon: the current period plus the part of the
		// previous one still in view.
		rest := (meterHorizon - e).Seconds()
		return (m.count + m.previous*rest) / meterHorizon.Seconds(), true
	}
	if e < minMeasure {
		return 0, false
	}
	return m.count / e.Seconds(), true
}
