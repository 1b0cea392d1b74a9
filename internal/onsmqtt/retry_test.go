package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
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

// fastClient retries quickly; its endpoint is url, or the region's default.
func fastClient(t *testing.T, url string, logger Logger) *Client {
	t.Helper()
	cfg := Config{
		Region:      emulator.DemoRegion,
		Credentials: Credentials{AccessKeyID: emulator.DemoAccessKeyID, AccessKeySecret: emulator.DemoAccessKeySecret},
		Retry:       RetryPolicy{InitialInterval: 10 * time.Millisecond, MaxInterval: 50 * time.Millisecond},
		Logger:      logger,
	}
	if url != "" {
		ep, err := ParseEndpoint(url)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Endpoint = ep
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// unavailable is the n-th answer of a service that keeps failing retryably.
func unavailable(n int) error {
	return &APIError{Action: "GetDeviceCertificate", Code: "ServiceUnavailable", Message: "try later",
		RequestID: fmt.Sprintf("RID-%d", n), HTTPStatus: 503, Class: ClassTransient}
}

// manualDeadline is a context whose deadline passes when the test says so,
// not when a busy machine gets there.
type manualDeadline struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newManualDeadline() *manualDeadline {
	return &manualDeadline{Context: context.Background(), done: make(chan struct{})}
}

func (m *manualDeadline) Deadline() (time.Time, bool) { return time.Now().Add(time.Hour), true }
func (m *manualDeadline) Done() <-chan struct{}       { return m.done }
func (m *manualDeadline) Err() error {
	select {
	case <-m.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}
func (m *manualDeadline) expire() { m.once.Do(func() { close(m.done) }) }

// How an operation ends when its context does, at the third attempt: the
// answer that attempt got is kept (it used to be dropped); an attempt the
// context cut short leaves the answer before it; a cancellation says it was
// cancelled, a deadline that it timed out.
func TestRetryingEndsWithTheContextKeepingTheLastAnswer(t *testing.T) {
	for _, tc := range []struct {
		name     string
		deadline bool
		// third is what the third attempt returns once the context ended.
		third       func(ctx context.Context) error
		wantLast    string // request ID of Last; "" for none
		wantInText  []string
		notInText   []string
		firstEnding bool // the context ends during the first attempt
	}{
		{name: "cancelled, answer arrived", third: func(context.Context) error { return unavailable(3) }, wantLast: "RID-3",
			wantInText: []string{"stopped after 3 attempts because the operation was cancelled", "ServiceUnavailable", "RID-3"}, notInText: []string{"timed out", "timeouts"}},
		{name: "cancelled, attempt cut short", third: func(ctx context.Context) error { return wrapped(context.Cause(ctx)) }, wantLast: "RID-2",
			wantInText: []string{"stopped after 3 attempts because the operation was cancelled", "RID-2"}, notInText: []string{"timed out", "timeouts"}},
		{name: "cancelled in the first attempt", firstEnding: true, third: func(ctx context.Context) error { return wrapped(context.Cause(ctx)) },
			wantInText: []string{"cancelled before the first attempt completed"}, notInText: []string{"timed out", "timeouts"}},
		{name: "deadline, answer arrived", deadline: true, third: func(context.Context) error { return unavailable(3) }, wantLast: "RID-3",
			wantInText: []string{"gave up after 3 attempts because the operation timed out", "RID-3"}, notInText: []string{"cancelled"}},
		{name: "deadline, attempt cut short", deadline: true, third: func(ctx context.Context) error { return wrapped(ctx.Err()) }, wantLast: "RID-2",
			wantInText: []string{"gave up after 3 attempts because the operation timed out", "RID-2"}, notInText: []string{"cancelled"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var (
				ctx context.Context
				end func()
			)
			if tc.deadline {
				m := newManualDeadline()
				ctx, end = m, m.expire
			} else {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(context.Background())
				defer cancel()
				end = cancel
			}
			endAt := 3
			if tc.firstEnding {
				endAt = 1
			}
			_, err := fastClient(t, "", nil).retrying(ctx, "GetDeviceCertificate", func(n int) ([]byte, error) {
				if n < endAt {
					return nil, unavailable(n)
				}
				end()
				return nil, tc.third(ctx)
			})
			var (
				timeout  *TimeoutError
				canceled *CanceledError
				last     error
				attempts int
			)
			switch {
			case tc.deadline && errors.As(err, &timeout):
				last, attempts = timeout.Last, timeout.Attempts
				if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
					t.Errorf("a deadline that passed: errors.Is DeadlineExceeded %v, Canceled %v", errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled))
				}
			case !tc.deadline && errors.As(err, &canceled):
				last, attempts = canceled.Last, canceled.Attempts
				if !errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("a cancellation: errors.Is Canceled %v, DeadlineExceeded %v", errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded))
				}
			default:
				t.Fatalf("err = %v (%T)", err, err)
			}
			if attempts != endAt {
				t.Errorf("%d attempts recorded, want %d", attempts, endAt)
			}
			var lastAnswer *APIError
			switch {
			case tc.wantLast == "" && last != nil:
				t.Errorf("last error %v, want none: the only attempt was cut short", last)
			case tc.wantLast != "" && (!errors.As(last, &lastAnswer) || lastAnswer.RequestID != tc.wantLast):
				t.Errorf("last error %v, want the answer %s", last, tc.wantLast)
			}
			msg := err.Error()
			for _, want := range tc.wantInText {
				if !strings.Contains(msg, want) {
					t.Errorf("message lacks %q: %s", want, msg)
				}
			}
			for _, unwanted := range tc.notInText {
				if strings.Contains(msg, unwanted) {
					t.Errorf("message says %q: %s", unwanted, msg)
				}
			}
		})
	}
}

// A cause given to the cancellation is shown, and errors.Is still finds
// context.Canceled.
func TestCanceledErrorMatchesCanceledWhateverTheCause(t *testing.T) {
	stopping := errors.New("the engine is stopping the provider")
	ctx, cancel := context.WithCancelCause(context.Background())
	_, err := fastClient(t, "", nil).retrying(ctx, "GetDeviceCertificate", func(n int) ([]byte, error) {
		if n == 2 {
			cancel(stopping)
		}
		return nil, unavailable(n)
	})
	var canceled *CanceledError
	if !errors.As(err, &canceled) || !errors.Is(err, context.Canceled) || !errors.Is(err, stopping) {
		t.Fatalf("err = %v (%T), want a *CanceledError matching context.Canceled and its cause", err, err)
	}
	if !strings.Contains(err.Error(), stopping.Error()) || !strings.Contains(err.Error(), "RID-2") {
		t.Errorf("message lacks the cause or the last answer: %v", err)
	}
}

// attemptLog keeps the request ID of each failed attempt, and runs onRetry
// when the client announces a retry.
type attemptLog struct {
	mu         sync.Mutex
	requestIDs []string // by attempt; "" when the attempt got no answer
	onRetry    func(attempt int)
}

func (l *attemptLog) Debug(_ context.Context, msg string, f map[string]any) {
	if msg != "OnsMqtt call failed" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	id, _ := f["request_id"].(string)
	l.requestIDs = append(l.requestIDs, id)
}

func (l *attemptLog) Warn(_ context.Context, _ string, f map[string]any) {
	if n, ok := f["attempt"].(int); ok && l.onRetry != nil {
		l.onRetry(n)
	}
}

// lastAnswer is the request ID of the last attempt that got an answer.
func (l *attemptLog) lastAnswer() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.requestIDs) - 1; i >= 0; i-- {
		if l.requestIDs[i] != "" {
			return l.requestIDs[i]
		}
	}
	return ""
}

// unavailableEmulator answers every call ServiceUnavailable, each with a
// request ID of its own.
func unavailableEmulator(t *testing.T) string {
	t.Helper()
	srv, err := emulator.Start(emulator.DemoSeed(), emulator.Options{Faults: emulator.FaultConfig{Rate: 1, Kinds: []string{emulator.FaultServiceUnavailable}}}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv.URL
}

// Ctrl-C in the middle of retries, over HTTP: the operation says it was
// cancelled, and carries the service's last answer and its request ID.
func TestCancelMidRetryKeepsTheServiceLastAnswer(t *testing.T) {
	url := unavailableEmulator(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := &attemptLog{onRetry: func(attempt int) {
		if attempt == 3 {
			cancel() // during the wait before the fourth attempt
		}
	}}
	_, err := fastClient(t, url, log).GetDeviceCertificate(ctx, DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: emulator.DemoDeviceSn})
	var canceled *CanceledError
	if !errors.As(err, &canceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v (%T), want a *CanceledError", err, err)
	}
	var last *APIError
	if canceled.Attempts != 3 || !errors.As(canceled.Last, &last) || last.Code != "ServiceUnavailable" {
		t.Fatalf("attempts %d, last %v; want 3 attempts ending with ServiceUnavailable", canceled.Attempts, canceled.Last)
	}
	if want := log.lastAnswer(); last.RequestID == "" || last.RequestID != want {
		t.Errorf("last answer's request ID %q, want the third attempt's %q", last.RequestID, want)
	}
	msg := err.Error()
	for _, want := range []string{"cancelled", last.RequestID, "ServiceUnavailable"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "timed out") || strings.Contains(msg, "timeouts") {
		t.Errorf("a cancellation is reported as a timeout: %s", msg)
	}
	t.Log(msg)
}

// The operation's deadline ends the retries with a *TimeoutError that keeps
// the service's last answer. The deadline leaves room for many attempts.
func TestOperationTimeoutEndsRetriesWithTheLastError(t *testing.T) {
	url := unavailableEmulator(t)
	log := &attemptLog{}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	started := time.Now()
	_, err := fastClient(t, url, log).GetDeviceCertificate(ctx, DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: emulator.DemoDeviceSn})
	var timeout *TimeoutError
	if !errors.As(err, &timeout) {
		t.Fatalf("err = %v (%T), want *TimeoutError", err, err)
	}
	var last *APIError
	if timeout.Attempts < 2 || !errors.As(timeout.Last, &last) || last.Code != "ServiceUnavailable" || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout error = %v", err)
	}
	if last != nil && (last.RequestID == "" || last.RequestID != log.lastAnswer() || !strings.Contains(err.Error(), last.RequestID)) {
		t.Errorf("last answer's request ID %q, logged last %q; message: %v", last.RequestID, log.lastAnswer(), err)
	}
	t.Logf("%d attempts in %v: %v", timeout.Attempts, time.Since(started).Round(time.Millisecond), err)
}
