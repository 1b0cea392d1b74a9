package onsmqtt

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock drives the controller; only wait's timers use the real clock.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time            { return c.t }
func (c *fakeClock) advance(d time.Duration)   { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock                 { return &fakeClock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)} }
func approx(got, want, tolerance float64) bool { return math.Abs(got-want) <= tolerance }

// pass lets one call through at the fake time, as wait would, and returns
// when it was sent.
func pass(a *adaptiveRate, c *fakeClock) time.Time {
	a.reserve()
	return c.now()
}

// admitFor sends calls at perSecond for d, every one admitted.
func admitFor(a *adaptiveRate, c *fakeClock, perSecond float64, d time.Duration) {
	step := time.Duration(float64(time.Second) / perSecond)
	for end := c.now().Add(d); c.now().Before(end); c.advance(step) {
		a.observe(pass(a, c), false)
	}
}

// measuredThenThrottled is a controller with ceiling 400 that has seen two
// seconds of 100 admitted calls/s, then one throttled answer.
func measuredThenThrottled(t *testing.T) (*adaptiveRate, *fakeClock) {
	t.Helper()
	c := newFakeClock()
	a := newAdaptiveRate(400, RateAdaptive, c.now)
	admitFor(a, c, 100, 2*time.Second)
	if lowered, r := a.observe(pass(a, c), true); !lowered || !approx(r, 70, 2) {
		t.Fatalf("first throttled answer after 100 admitted calls/s: lowered %v to %.1f, want 0.7 × 100", lowered, r)
	}
	return a, c
}

func TestAdaptiveRateCutsOncePerOverload(t *testing.T) {
	a, c := measuredThenThrottled(t)
	cutAt := c.now()
	// Calls in flight at the old pace come back throttled together.
	for i := 0; i < 30; i++ {
		c.advance(time.Millisecond)
		if lowered, _ := a.observe(cutAt.Add(-time.Millisecond), true); lowered {
			t.Fatalf("answer %d to a call sent before the cut lowered the pace again to %.1f", i, a.Rate())
		}
	}
	// At the new pace, one throttled answer and a few admitted ones are not
	// enough evidence to cut again.
	if lowered, _ := a.observe(pass(a, c), true); lowered {
		t.Fatalf("a single throttled answer at the new pace cut again to %.1f", a.Rate())
	}
	for i := 0; i < 7; i++ {
		c.advance(15 * time.Millisecond)
		a.observe(pass(a, c), false)
	}
	if lowered, _ := a.observe(pass(a, c), true); lowered {
		t.Fatalf("a second throttled answer among 9 cut again to %.1f", a.Rate())
	}
	c.advance(15 * time.Millisecond)
	lowered, r := a.observe(pass(a, c), true)
	if !lowered {
		t.Fatal("three throttled answers among 10 at the new pace did not cut again")
	}
	// 7 admitted in 0.15 s is about 47 calls/s: the pace follows it.
	if r >= 70 || r < 70*deepestCut {
		t.Errorf("second cut went from 70 to %.1f calls/s", r)
	}
}

func TestAdaptiveRateFirstCutWithoutMeasurementIsDeepThenClimbsSteeply(t *testing.T) {
	c := newFakeClock()
	a := newAdaptiveRate(400, RateAdaptive, c.now)
	// The account's full bucket admits everything at first: 200 calls/s.
	admitFor(a, c, 200, 100*time.Millisecond)
	lowered, r := a.observe(pass(a, c), true)
	if !lowered || !approx(r, 400*deepestCut, 0.01) {
		t.Fatalf("first throttled answer within the first second: lowered %v to %.1f, want %v", lowered, r, 400*deepestCut)
	}
	c.advance(time.Second)
	pass(a, c)
	if got := a.Rate(); got < 130 || got > 160 {
		t.Errorf("a second after a blind cut the pace is %.1f, want a steep climb (130-160)", got)
	}
}

func TestAdaptiveRateRecoversToTheCeilingNeverAbove(t *testing.T) {
	a, c := measuredThenThrottled(t)
	climb := time.Duration(a.climb * float64(time.Second))
	if want := math.Cbrt((100 - 70) / cubicScale); !approx(a.climb, want, 0.2) {
		t.Fatalf("K = %.2f s, want about %.2f s", a.climb, want)
	}
	previous := a.Rate()
	var atPeak float64
	for elapsed := time.Duration(0); elapsed < 30*time.Second; elapsed += 10 * time.Millisecond {
		c.advance(10 * time.Millisecond)
		a.observe(pass(a, c), false)
		r := a.Rate()
		if r < previous {
			t.Fatalf("the pace fell from %.1f to %.1f without a throttled answer", previous, r)
		}
		if r > a.ceiling {
			t.Fatalf("the pace %.1f is above the ceiling %.0f", r, a.ceiling)
		}
		if atPeak == 0 && elapsed >= climb {
			atPeak = r
		}
		previous = r
	}
	// The curve is flat near the rate that was throttled.
	if !approx(atPeak, 100, 3) {
		t.Errorf("K after the cut the pace is %.1f, want about the throttled 100", atPeak)
	}
	if previous != a.ceiling {
		t.Errorf("30 s without throttling the pace is %.1f, want the ceiling %.0f", previous, a.ceiling)
	}
	if got := a.limiter.Limit(); float64(got) != a.ceiling {
		t.Errorf("the limiter runs at %v, the controller says %.0f", got, a.ceiling)
	}
}

func TestAdaptiveRateHasAFloorAndBoundsEachCut(t *testing.T) {
	c := newFakeClock()
	a := newAdaptiveRate(400, RateAdaptive, c.now)
	admitFor(a, c, 100, 2*time.Second)
	previous := a.Rate()
	// Nothing is admitted any more: every answer is throttled.
	for i := 0; i < 400; i++ {
		c.advance(5 * time.Millisecond)
		if lowered, r := a.observe(pass(a, c), true); lowered {
			if r < previous*deepestCut-1e-9 {
				t.Fatalf("one cut went from %.2f to %.2f, deeper than %.0f %%", previous, r, 100*deepestCut)
			}
			previous = r
		}
	}
	// The curve starts climbing at once, so "at the floor" is within a hair.
	if got := a.Rate(); !approx(got, rateFloor, 0.01) {
		t.Errorf("after 400 throttled answers the pace is %.3f, want the floor %.0f", got, rateFloor)
	}
	if got := float64(a.limiter.Limit()); !approx(got, a.Rate(), 1e-9) {
		t.Errorf("the limiter runs at %v calls/s, the controller says %.3f", got, a.Rate())
	}
	tiny := newAdaptiveRate(0.5, RateAdaptive, c.now)
	pass(tiny, c)
	tiny.observe(c.now(), true)
	if got := tiny.Rate(); got != 0.5 {
		t.Errorf("a ceiling under the floor: the pace is %.2f, want the ceiling 0.5", got)
	}
}

func TestFixedRateIgnoresThrottling(t *testing.T) {
	c := newFakeClock()
	a := newAdaptiveRate(400, RateFixed, c.now)
	for i := 0; i < 50; i++ {
		c.advance(10 * time.Millisecond)
		if lowered, _ := a.observe(c.now(), true); lowered {
			t.Fatal("the fixed pace was lowered")
		}
	}
	if a.Rate() != 400 || a.limiter.Limit() != 400 || a.Mode() != RateFixed {
		t.Errorf("fixed pace: %.1f, limiter %v, mode %s", a.Rate(), a.limiter.Limit(), a.Mode())
	}
}

func TestAdmissionMeterSlidesOverTheHorizon(t *testing.T) {
	c := newFakeClock()
	var m admissionMeter
	m.restart(c.now())
	if _, ok := m.rate(c.now().Add(minMeasure / 2)); ok {
		t.Error("a rate measured over less than minMeasure")
	}
	for i := 0; i < 100; i++ { // 100/s for a second
		c.advance(10 * time.Millisecond)
		m.answer(c.now(), true)
	}
	for i := 0; i < 25; i++ { // then 50/s, a quarter of which throttled
		c.advance(20 * time.Millisecond)
		m.answer(c.now(), i%4 != 0)
	}
	r, ok := m.rate(c.now())
	// Half a second at 100 admitted/s plus half a second at 37.5/s.
	if !ok || !approx(r, 68.75, 2) {
		t.Errorf("sliding rate %.2f (%v), want about 68.75", r, ok)
	}
}

// A cut wakes the callers waiting at the old pace: they queue again at the
// new one instead of going out on reservations made at the old pace. The
// waiter's reservation is ten seconds away behind a backlog at the old pace;
// after the cut it goes out at the new pace from a drained bucket, half a
// second later. The clock tells the test when the waiter is reserving, and
// the waiter holds the controller's lock meanwhile, so the cut comes after
// its reservation however the goroutines are scheduled.
func TestAdaptiveRateWaitersQueueAgainAfterACut(t *testing.T) {
	reserving := make(chan struct{})
	var clockReads atomic.Int32
	a := newAdaptiveRate(20, RateAdaptive, func() time.Time {
		if clockReads.Add(1) == 2 { // the first read is the test's own reserve
			close(reserving)
		}
		return time.Now()
	})
	a.reserve() // starts the pace
	backlogFrom := time.Now()
	a.mu.Lock()
	for range 200 { // ten seconds of calls at 20 calls/s
		a.limiter.ReserveN(backlogFrom, 1)
	}
	a.mu.Unlock()
	sent := make(chan time.Duration, 1)
	go func() {
		started := time.Now()
		if _, err := a.wait(context.Background()); err != nil {
			t.Error(err)
		}
		sent <- time.Since(started)
	}()
	<-reserving
	if lowered, r := a.observe(time.Now(), true); !lowered || r != 2 {
		t.Fatalf("lowered %v to %.1f, want 2 calls/s", lowered, r)
	}
	// At 2 calls/s from a drained bucket the next call waits 500 ms.
	waited := <-sent
	if waited < 400*time.Millisecond {
		t.Errorf("the waiter went out after %v, before the new pace allowed it", waited)
	}
	if waited > 5*time.Second {
		t.Errorf("the waiter went out after %v, on its reservation at the old pace", waited)
	}
	t.Logf("the waiter went out %v after it started waiting", waited.Round(time.Millisecond))
}

// A wait the pace would make last 100 s ends at once when the context
// cannot wait that long, and when the context is cancelled.
func TestAdaptiveRateWaitHonoursTheContext(t *testing.T) {
	a := newAdaptiveRate(0.01, RateAdaptive, time.Now)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := a.wait(ctx); !errors.Is(err, errPaceBeyondDeadline) {
		t.Errorf("a wait of 100 s under a 100 ms deadline: err = %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	// A wait that ignored the context would sleep the 100 s the pace asks and
	// return no error; only the cancellation makes it return context.Canceled.
	if _, err := a.wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: err = %v, want context.Canceled", err)
	}
}

func TestParseRateMode(t *testing.T) {
	for in, want := range map[string]RateMode{"": RateAdaptive, "adaptive": RateAdaptive, "fixed": RateFixed} {
		if got, err := ParseRateMode(in); err != nil || got != want {
			t.Errorf("ParseRateMode(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseRateMode("cubic"); err == nil {
		t.Error(`ParseRateMode("cubic") accepted`)
	}
}
