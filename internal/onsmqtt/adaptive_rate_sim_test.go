package onsmqtt

import (
	"container/heap"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// A simulation of several clients sharing one throttled account, in
// simulated time: the controllers are the real ones (adaptiveRate) on a fake
// clock, the account is a token bucket like the gateway's (and the
// emulator's), every call takes the same latency, and a throttled call is
// retried after the default retry policy's backoff, through the pace again.
// Its figures depend neither on the machine's speed nor on its scheduling,
// so tight bounds hold here that a run over HTTP in real time can only
// check with wide margins (adaptive_rate_fleet_test.go).
type simFleet struct {
	clients, workers int
	accountLimit     float64 // calls/s the account admits; its bucket holds one second's worth
	ceiling          float64 // each client's rate limit
	mode             RateMode
	latency          time.Duration // from sending a call to its answer
	duration         time.Duration
	seed             uint64 // of the retry jitter
}

// simWarmUp is left out of the steady rate: the account's bucket starts full.
const simWarmUp = time.Second

type simFigures struct {
	calls, throttled int
	perClient        []int // successes answered before the end
	steady           int   // successes answered between simWarmUp and the end
	cuts             []int
	finalRates       []float64
	duration         time.Duration
}

func (f simFigures) throttledShare() float64 { return float64(f.throttled) / float64(f.calls) }
func (f simFigures) steadyRate() float64 {
	return float64(f.steady) / (f.duration - simWarmUp).Seconds()
}
func (f simFigures) succeeded() (n int) {
	for _, c := range f.perClient {
		n += c
	}
	return n
}

func (f simFigures) String() string {
	return fmt.Sprintf("%d calls, %d throttled (%.1f %%), %d succeeded; %.1f calls/s after the first second; successes per client %v, cuts per client %v, final paces %.1f calls/s",
		f.calls, f.throttled, 100*f.throttledShare(), f.succeeded(), f.steadyRate(), f.perClient, f.cuts, f.finalRates)
}

type simWorker struct {
	client   int
	parked   *rate.Reservation // held while waiting for the pace
	gen      int               // bumped when a parked reservation is dropped
	failures int               // throttled answers in a row
}

type simEventKind int

const (
	simReady  simEventKind = iota // the worker wants to send a call
	simDue                        // the worker's reservation comes due
	simAnswer                     // the answer to the worker's call arrives
)

type simEvent struct {
	at        time.Time
	seq       int
	kind      simEventKind
	worker    *simWorker
	gen       int
	sentAt    time.Time
	throttled bool
}

type simQueue []simEvent

func (q simQueue) Len() int { return len(q) }
func (q simQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q simQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)   { *q = append(*q, x.(simEvent)) }
func (q *simQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

func (s simFleet) run() simFigures {
	clock := newFakeClock()
	start := clock.now()
	end, steadyFrom := start.Add(s.duration), start.Add(simWarmUp)
	account := rate.NewLimiter(rate.Limit(s.accountLimit), int(math.Max(1, s.accountLimit)))
	paces := make([]*adaptiveRate, s.clients)
	workers := make([][]*simWorker, s.clients)
	policy := DefaultRetryPolicy()
	jitter := rand.New(rand.NewPCG(s.seed, 1))
	f := simFigures{perClient: make([]int, s.clients), cuts: make([]int, s.clients), duration: s.duration}

	var (
		queue simQueue
		seq   int
	)
	push := func(e simEvent) {
		seq++
		e.seq = seq
		heap.Push(&queue, e)
	}
	send := func(w *simWorker) {
		now := clock.now()
		f.calls++
		throttled := !account.AllowN(now, 1)
		if throttled {
			f.throttled++
		}
		push(simEvent{at: now.Add(s.latency), kind: simAnswer, worker: w, sentAt: now, throttled: throttled})
	}
	// pace is wait: go at once, or park on a reservation until it is due.
	pace := func(w *simWorker) {
		a := paces[w.client]
		var (
			r   *rate.Reservation
			now = clock.now()
		)
		if a.adaptive {
			r, now, _ = a.reserve()
		} else {
			r = a.limiter.ReserveN(now, 1)
		}
		delay := r.DelayFrom(now)
		if delay == 0 {
			send(w)
			return
		}
		w.parked, w.gen = r, w.gen+1
		push(simEvent{at: now.Add(delay), kind: simDue, worker: w, gen: w.gen})
	}
	backoffAfter := func(failures int) time.Duration {
		interval := math.Min(float64(policy.InitialInterval)*math.Pow(policy.Multiplier, float64(failures-1)), float64(policy.MaxInterval))
		return time.Duration(interval * (1 + policy.RandomizationFactor*(2*jitter.Float64()-1)))
	}

	for c := range s.clients {
		paces[c] = newAdaptiveRate(s.ceiling, s.mode, clock.now)
		for range s.workers {
			w := &simWorker{client: c}
			workers[c] = append(workers[c], w)
			push(simEvent{at: start, kind: simReady, worker: w})
		}
	}
	for queue.Len() > 0 {
		e := heap.Pop(&queue).(simEvent)
		if !e.at.Before(end) {
			break
		}
		clock.t = e.at
		w := e.worker
		switch e.kind {
		case simReady:
			pace(w)
		case simDue:
			if e.gen == w.gen && w.parked != nil {
				w.parked = nil
				send(w)
			}
		case simAnswer:
			if lowered, _ := paces[w.client].observe(e.sentAt, e.throttled); lowered {
				f.cuts[w.client]++
				// A cut wakes the callers waiting at the old pace: they
				// queue again at the new one.
				for _, other := range workers[w.client] {
					if other.parked != nil {
						other.parked.CancelAt(clock.now())
						other.parked = nil
						pace(other)
					}
				}
			}
			if e.throttled {
				w.failures++
				push(simEvent{at: e.at.Add(backoffAfter(w.failures)), kind: simReady, worker: w})
				continue
			}
			w.failures = 0
			f.perClient[w.client]++
			if !e.at.Before(steadyFrom) {
				f.steady++
			}
			push(simEvent{at: e.at, kind: simReady, worker: w})
		}
	}
	for _, a := range paces {
		f.finalRates = append(f.finalRates, math.Round(a.Rate()*10)/10)
	}
	return f
}

// Bounds of the simulated shared account. Over the latencies and seeds
// below the adaptive pace gave 4.8-8.5 % throttled answers, 100-102 useful
// calls/s after the first second, and the least served client at least 0.36
// of an equal share; the fixed pace 20-49 % throttled answers.
const (
	simMaxThrottledShare = 0.12
	simMinSteadyShare    = 0.80
	simMinClientShare    = 0.25
)

// Four processes that know nothing of each other, each allowed the default
// 400 calls/s, share an account limited to 100 calls/s: the adaptive pace
// keeps throttled answers rare, the account's limit used, and no process
// starved, whatever the latency of a call. With RateFixed the throttled
// share is far above the bound.
func TestAdaptiveRateSharesAThrottledAccountInSimulatedTime(t *testing.T) {
	for _, latency := range []time.Duration{5 * time.Millisecond, 20 * time.Millisecond, 100 * time.Millisecond} {
		for seed := uint64(1); seed <= 3; seed++ {
			run := simFleet{clients: 4, workers: 10, accountLimit: 100, ceiling: DefaultRateLimit, mode: RateAdaptive,
				latency: latency, duration: 7 * time.Second, seed: seed}
			f := run.run()
			t.Logf("latency %v, seed %d: %s", latency, seed, f)
			if share := f.throttledShare(); share > simMaxThrottledShare {
				t.Errorf("latency %v, seed %d: %.1f %% of the calls were throttled answers, want at most %.0f %%", latency, seed, 100*share, 100*simMaxThrottledShare)
			}
			if useful := f.steadyRate(); useful < simMinSteadyShare*run.accountLimit {
				t.Errorf("latency %v, seed %d: %.1f useful calls/s after the first second, want at least %.0f %% of the account's %.0f/s",
					latency, seed, useful, 100*simMinSteadyShare, run.accountLimit)
			}
			equal := float64(f.succeeded()) / float64(run.clients)
			for i, n := range f.perClient {
				if float64(n) < simMinClientShare*equal {
					t.Errorf("latency %v, seed %d: client %d made %d calls, under %.0f %% of an equal share (%.0f): starved", latency, seed, i, n, 100*simMinClientShare, equal)
				}
			}
		}
	}
}

// A client alone under its account's limit keeps the pace of a fixed
// limiter: the adaptive pace never lowers itself without a throttled answer.
func TestAdaptiveRateKeepsTheFixedPaceWhenAloneInSimulatedTime(t *testing.T) {
	figures := map[RateMode]simFigures{}
	for _, mode := range []RateMode{RateFixed, RateAdaptive} {
		run := simFleet{clients: 1, workers: 16, accountLimit: 500, ceiling: 500, mode: mode, latency: 5 * time.Millisecond, duration: 2500 * time.Millisecond, seed: 1}
		f := run.run()
		t.Logf("mode %s: %s", mode, f)
		if f.throttled != 0 || f.cuts[0] != 0 || f.finalRates[0] != run.ceiling {
			t.Errorf("mode %s: %d throttled answers, %d cuts, final pace %.1f; want none, none, the ceiling %.0f", mode, f.throttled, f.cuts[0], f.finalRates[0], run.ceiling)
		}
		figures[mode] = f
	}
	fixed, adaptive := figures[RateFixed].steadyRate(), figures[RateAdaptive].steadyRate()
	if adaptive < 0.9*fixed {
		t.Errorf("alone, the adaptive pace made %.1f calls/s after the first second, the fixed one %.1f: want at least 90 %%", adaptive, fixed)
	}
}
