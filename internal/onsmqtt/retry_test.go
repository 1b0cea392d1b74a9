package onsmqtt

import (
	"testing"
	"time"
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
