package onsmqtt

import (
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v5"
)

func TestRetryPolicyBackoffIsCappedAndJittered(t *testing.T) {
	p := RetryPolicy{InitialInterval: 100 * time.Millisecond, MaxInterval: time.Second, Multiplier: 2, RandomizationFactor: 0.5}.withDefaults()
	b := p.NewBackOff()
	var seen []time.Duration
	for i := 0; i < 12; i++ {
		d := b.NextBackOff()
		seen = append(seen, d)
		// The cap applies to the interval before jitter: at most MaxInterval*(1+factor).
		if d > 1500*time.Millisecond {
			t.Fatalf("attempt %d waits %v, above the cap with jitter", i, d)
		}
		if d < 50*time.Millisecond {
			t.Fatalf("attempt %d waits %v, below InitialInterval*(1-factor)", i, d)
		}
	}
	if seen[0] > 150*time.Millisecond {
		t.Errorf("first wait %v, want within 100ms±50%%", seen[0])
	}
	late := seen[8:]
	if late[0] < 500*time.Millisecond {
		t.Errorf("the backoff does not grow: waits %v", seen)
	}
	distinct := map[time.Duration]bool{}
	for _, d := range late {
		distinct[d] = true
	}
	if len(distinct) < 2 {
		t.Errorf("capped waits %v carry no jitter", late)
	}
}

func TestRetryPolicyDefaults(t *testing.T) {
	got := RetryPolicy{}.withDefaults()
	if got != DefaultRetryPolicy() {
		t.Errorf("zero policy = %+v, want defaults %+v", got, DefaultRetryPolicy())
	}
	custom := RetryPolicy{InitialInterval: time.Second, Multiplier: 0.5, RandomizationFactor: 2}.withDefaults()
	if custom.InitialInterval != time.Second || custom.Multiplier != 2 || custom.RandomizationFactor != 0.5 {
		t.Errorf("custom policy not merged sanely: %+v", custom)
	}
}

func refusedDial() error {
	return wrapped(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
}

func TestBudgetBackOffLandsTheLastWaitOnTheDeadline(t *testing.T) {
	clock := newFakeClock()
	b := &budgetBackOff{BackOff: backoff.NewConstantBackOff(10 * time.Second), now: clock.now}
	if got := b.NextBackOff(); got != 10*time.Second {
		t.Errorf("without a deadline: %v, want the policy's 10s", got)
	}
	b.deadline = clock.now().Add(time.Second)
	if got := b.NextBackOff(); got != time.Second {
		t.Errorf("1s before the deadline: wait %v, want 1s", got)
	}
	clock.advance(2 * time.Second)
	if got := b.NextBackOff(); got != 0 {
		t.Errorf("past the deadline: wait %v, want 0", got)
	}
}

func TestRefusalsEndOnlyAfterTheBudgetInARow(t *testing.T) {
	clock := newFakeClock()
	r := &refusals{backOff: &budgetBackOff{BackOff: &backoff.ZeroBackOff{}, now: clock.now}, budget: 50 * time.Millisecond, now: clock.now}
	if r.spent(refusedDial()) {
		t.Fatal("the first refusal spent the budget")
	}
	clock.advance(49 * time.Millisecond)
	if r.spent(refusedDial()) {
		t.Fatal("refusals for less than the budget spent it")
	}
	clock.advance(11 * time.Millisecond)
	if r.spent(wrapped(io.EOF)) || !r.backOff.deadline.IsZero() {
		t.Fatal("another failure did not end the run of refusals")
	}
	if r.spent(refusedDial()) {
		t.Fatal("a new run of refusals started spent")
	}
	clock.advance(50 * time.Millisecond)
	if !r.spent(refusedDial()) {
		t.Fatal("refusals for the whole budget were not reported")
	}
}
