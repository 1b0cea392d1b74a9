package onsmqtt_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// These tests check over HTTP, in real time, what the simulation in
// adaptive_rate_sim_test.go checks with tight bounds in simulated time: the
// real SDK, retry policy and emulator converge. How many calls a second a
// machine makes, and when its goroutines run, is not the code's doing, so
// what is asserted here is exact (no failure, no cut, the pace at its
// ceiling) or has wide margins; the figures are logged.

// fleetRun is several independent clients, as separate provider processes
// would be, sharing one throttled account for a fixed time.
type fleetRun struct {
	clients, workers int
	accountLimit     float64 // the emulator's calls/s for the account
	rateLimit        float64 // each client's ceiling
	mode             onsmqtt.RateMode
	duration         time.Duration
}

// warmUp is left out of the steady useful rate: the account's bucket starts
// full (a second's worth of calls), which flatters the first second.
const warmUp = time.Second

type fleetFigures struct {
	calls, throttled  int64 // as the emulator counted them
	succeeded, failed int64
	steady            int64 // successes between warmUp and the end
	duration          time.Duration
	perClient         []int64
	cuts              []int64 // times each client lowered its pace
	finalRates        []float64
}

func (f fleetFigures) throttledShare() float64 { return float64(f.throttled) / float64(f.calls) }
func (f fleetFigures) usefulRate() float64     { return float64(f.succeeded) / f.duration.Seconds() }
func (f fleetFigures) steadyRate() float64 {
	return float64(f.steady) / (f.duration - warmUp).Seconds()
}

// fairness is Jain's index of the successes per client: 1 when equal, 1/n
// when one client had everything.
func (f fleetFigures) fairness() float64 {
	var sum, squares float64
	for _, n := range f.perClient {
		sum += float64(n)
		squares += float64(n) * float64(n)
	}
	return sum * sum / (float64(len(f.perClient)) * squares)
}

func (f fleetFigures) String() string {
	return fmt.Sprintf("%d calls, %d throttled (%.1f %%), %d succeeded, %d failed; useful %.1f calls/s over %v, %.1f calls/s after the first second; "+
		"successes per client %d (fairness %.2f), cuts per client %d, final paces %.1f calls/s",
		f.calls, f.throttled, 100*f.throttledShare(), f.succeeded, f.failed, f.usefulRate(), f.duration, f.steadyRate(),
		f.perClient, f.fairness(), f.cuts, f.finalRates)
}

// run starts every worker of every client at once; each reads certificates
// until the time is up. Throttled answers are retried with the production
// retry policy, and the retries go through the pace too.
func (r fleetRun) run(t *testing.T) fleetFigures {
	t.Helper()
	const devices = 64
	var seed []emulator.DeviceCertificate
	for i := 0; i < devices; i++ {
		seed = append(seed, device(fmt.Sprintf("f%02d", i), "1"))
	}
	srv := startEmulator(t, emulator.Options{RateLimit: r.accountLimit, ThrottleCode: emulator.CodeSystemOverFlow}, seed...)
	clients := make([]*onsmqtt.Client, r.clients)
	logs := make([]*cutCounter, r.clients)
	for i := range clients {
		logs[i] = &cutCounter{}
		clients[i] = newClient(t, srv, func(cfg *onsmqtt.Config) {
			cfg.RateLimit, cfg.RateMode, cfg.Retry, cfg.Logger = r.rateLimit, r.mode, onsmqtt.DefaultRetryPolicy(), logs[i]
		})
	}
	var failed, steady atomic.Int64
	perClient := make([]atomic.Int64, r.clients)
	var wg sync.WaitGroup
	started := time.Now()
	steadyFrom, stop := started.Add(warmUp), started.Add(r.duration)
	for ci, c := range clients {
		for w := 0; w < r.workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; time.Now().Before(stop); i += r.workers {
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					_, err := c.GetDeviceCertificate(ctx, key(fmt.Sprintf("f%02d", i%devices)))
					cancel()
					switch done := time.Now(); {
					case err != nil:
						if failed.Add(1) <= 3 {
							t.Errorf("client %d: %v", ci, err)
						}
					case done.Before(stop):
						perClient[ci].Add(1)
						if done.After(steadyFrom) {
							steady.Add(1)
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	f := fleetFigures{
		calls: srv.Calls()["GetDeviceCertificate"], throttled: srv.Errors()[emulator.CodeSystemOverFlow],
		failed: failed.Load(), steady: steady.Load(), duration: r.duration,
	}
	for i, c := range clients {
		f.perClient = append(f.perClient, perClient[i].Load())
		f.succeeded += perClient[i].Load()
		f.cuts = append(f.cuts, logs[i].cuts.Load())
		f.finalRates = append(f.finalRates, c.CurrentRate())
	}
	return f
}

// cutCounter counts the client's "rate lowered" log lines.
type cutCounter struct{ cuts atomic.Int64 }

func (l *cutCounter) Debug(_ context.Context, _ string, f map[string]any) {
	if _, ok := f["rate_per_second"]; ok {
		l.cuts.Add(1)
	}
}
func (l *cutCounter) Warn(context.Context, string, map[string]any) {}

// Bounds of the shared-account test. Over 15 runs (plain, -race, -race with
// two busy loops on the two cores) throttled answers were 4.1-8.3 % of the
// calls, the useful rate after the first second 99-102 calls/s, and the
// least served client had at least half an equal share; on a machine with a
// load of 10-15 on its two cores, 6.9 % and 100 calls/s. The margins are
// wide: a stall of the whole machine longer than the account's one-second
// bucket shows as throttled answers, and a machine that cannot make 100
// calls/s does not use the account's limit, whatever the pace. The tight
// bounds are the simulation's (simMaxThrottledShare, ...).
const (
	maxThrottledShare = 0.20
	minSteadyShare    = 0.50
	minClientShare    = 0.25
)

// Four processes that know nothing of each other, each allowed the default
// 400 calls/s, share an account limited to 100 calls/s: the adaptive pace
// keeps throttled answers rare, the account's limit used, and no process
// starved. With RateFixed the throttled share is far above the bound on a
// machine that can send more than the account admits (48 % in the
// simulation; on a machine loaded to 15 on two cores it could not: 6 %).
func TestAdaptiveRateSharesAThrottledAccount(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for seven seconds")
	}
	run := fleetRun{clients: 4, workers: 10, accountLimit: 100, rateLimit: onsmqtt.DefaultRateLimit, mode: onsmqtt.RateAdaptive, duration: 7 * time.Second}
	f := run.run(t)
	t.Logf("K=%d clients × %d workers, account limit %.0f/s, mode %s: %s", run.clients, run.workers, run.accountLimit, run.mode, f)
	if f.failed != 0 {
		t.Errorf("%d calls failed", f.failed)
	}
	if share := f.throttledShare(); share > maxThrottledShare {
		t.Errorf("%.1f %% of the calls were throttled answers, want at most %.0f %%", 100*share, 100*maxThrottledShare)
	}
	if useful := f.steadyRate(); useful < minSteadyShare*run.accountLimit {
		t.Errorf("%.1f useful calls/s after the first second, want at least %.0f %% of the account's %.0f/s", useful, 100*minSteadyShare, run.accountLimit)
	}
	equal := float64(f.succeeded) / float64(run.clients)
	for i, n := range f.perClient {
		if float64(n) < minClientShare*equal {
			t.Errorf("client %d made %d calls, under %.0f %% of an equal share (%.0f): starved", i, n, 100*minClientShare, equal)
		}
	}
}

// A client alone under its account's limit keeps the pace of a fixed
// limiter: the adaptive pace never lowers itself without a throttled answer.
// No answer is throttled whatever the machine's speed (the client never
// sends faster than the account admits), so the adaptive client must end
// with no cut and its pace at the ceiling. Its calls/s are compared with a
// fixed client's run at the same time, so both see the same machine, at a
// limit low enough that the pace, not the machine, bounds them: at 25
// calls/s each both made 25.3 calls/s with the machine loaded to 22 on its
// two cores, where at 500 calls/s the machine allowed 48 and 67.
func TestAdaptiveRateKeepsTheFixedPaceWhenAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for three seconds")
	}
	const limit = 25.0
	modes := []onsmqtt.RateMode{onsmqtt.RateFixed, onsmqtt.RateAdaptive}
	figures := make([]fleetFigures, len(modes))
	var wg sync.WaitGroup
	for i, mode := range modes {
		wg.Go(func() {
			run := fleetRun{clients: 1, workers: 16, accountLimit: limit, rateLimit: limit, mode: mode, duration: 2500 * time.Millisecond}
			figures[i] = run.run(t)
			t.Logf("K=1 × %d workers, account limit %.0f/s, rate_limit %.0f, mode %s: %s", run.workers, run.accountLimit, run.rateLimit, mode, figures[i])
		})
	}
	wg.Wait()
	for i, f := range figures {
		if f.failed != 0 || f.throttled != 0 {
			t.Errorf("mode %s: %d calls failed, %d throttled answers; want none", modes[i], f.failed, f.throttled)
		}
	}
	fixed, adaptive := figures[0], figures[1]
	if adaptive.cuts[0] != 0 || adaptive.finalRates[0] != limit {
		t.Errorf("alone, the adaptive pace was cut %d times and ends at %.1f calls/s; want no cut and the ceiling %.0f", adaptive.cuts[0], adaptive.finalRates[0], limit)
	}
	if adaptive.steadyRate() < 0.75*fixed.steadyRate() {
		t.Errorf("alone, the adaptive pace made %.1f calls/s after the first second, the fixed one %.1f at the same time: want at least 75 %%",
			adaptive.steadyRate(), fixed.steadyRate())
	}
}
