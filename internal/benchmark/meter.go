package benchmark

import (
	"bufio"
	"bytes"
	"errors"
	"math"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Meter wraps the emulator's handler and timestamps every API answer, so a
// step's call rate can be measured over the window the calls actually span
// (the engine's own start-up and state handling fall outside it).
type Meter struct {
	next http.Handler

	mu      sync.Mutex
	byKey   map[string]*KeyCalls // by the AccessKeyId that signed the call
	changes []time.Time          // successful status changes (Active*, Inactivate*)
}

// KeyCalls is what one access key's calls got: several engine processes of
// one account each sign with a key of their own, so the answers can be told
// apart per process.
type KeyCalls struct {
	Successes []time.Time
	Throttled int64 // answers with a throttling code
	Failed    int64 // other failed answers
}

// NewMeter wraps next.
func NewMeter(next http.Handler) *Meter { return &Meter{next: next} }

func (m *Meter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" { // admin API: not a call
		m.next.ServeHTTP(w, r)
		return
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	m.next.ServeHTTP(sw, r)
	now, query := time.Now(), r.URL.Query()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byKey == nil {
		m.byKey = map[string]*KeyCalls{}
	}
	key := m.byKey[query.Get("AccessKeyId")]
	if key == nil {
		key = &KeyCalls{}
		m.byKey[query.Get("AccessKeyId")] = key
	}
	switch {
	case sw.status < 300:
		key.Successes = append(key.Successes, now)
		if a := query.Get("Action"); a == ActionActivate || a == ActionInactivate {
			m.changes = append(m.changes, now)
		}
	case sw.throttled():
		key.Throttled++
	default:
		key.Failed++
	}
}

// ByKey returns a copy of what each access key's calls got.
func (m *Meter) ByKey() map[string]KeyCalls {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]KeyCalls, len(m.byKey))
	for k, v := range m.byKey {
		out[k] = KeyCalls{Successes: slices.Clone(v.Successes), Throttled: v.Throttled, Failed: v.Failed}
	}
	return out
}

// Reset forgets everything recorded.
func (m *Meter) Reset() {
	m.mu.Lock()
	m.changes, m.byKey = nil, nil
	m.mu.Unlock()
}

// Rate summarises the recorded calls.
func (m *Meter) Rate() Rate {
	var (
		ts       []time.Time
		failures int64
	)
	for _, k := range m.ByKey() {
		ts = append(ts, k.Successes...)
		failures += k.Throttled + k.Failed
	}
	return rateOf(ts, failures)
}

// ChangeRate summarises the successful status changes alone: over their own
// window, the phase of an apply where the API's limit is the bound (reads,
// the engine's plan and its state handling fall outside it).
func (m *Meter) ChangeRate() Rate {
	m.mu.Lock()
	ts := slices.Clone(m.changes)
	m.mu.Unlock()
	return rateOf(ts, 0)
}

// Rate is the throughput of successful calls over the window from the first
// to the last successful answer.
type Rate struct {
	Successes     int64   `json:"successes"`
	Failures      int64   `json:"failures"`
	WindowSeconds float64 `json:"window_seconds"`
	PerSecond     float64 `json:"per_second"`
	// MinSecond and MedianSecond are over the whole one-second buckets
	// inside the window (first and last partial buckets excluded).
	MinSecond    float64 `json:"min_second"`
	MedianSecond float64 `json:"median_second"`
}

func rateOf(ts []time.Time, failures int64) Rate {
	r := Rate{Successes: int64(len(ts)), Failures: failures}
	if len(ts) < 2 {
		return r
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	first, last := ts[0], ts[len(ts)-1]
	r.WindowSeconds = last.Sub(first).Seconds()
	if r.WindowSeconds <= 0 {
		return r
	}
	// n answers span n-1 intervals.
	r.PerSecond = float64(len(ts)-1) / r.WindowSeconds
	full := int(math.Floor(r.WindowSeconds))
	if full < 3 {
		return r
	}
	buckets := make([]float64, full)
	for _, t := range ts {
		if i := int(t.Sub(first) / time.Second); i < full {
			buckets[i]++
		}
	}
	inner := buckets[1:] // the first bucket holds the ramp-up
	slices.Sort(inner)
	r.MinSecond = inner[0]
	r.MedianSecond = inner[len(inner)/2]
	return r
}

type statusWriter struct {
	http.ResponseWriter
	status int
	body   []byte // the start of a failed answer, to read its code
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status >= 300 && len(w.body) < 512 {
		w.body = append(w.body, b[:min(len(b), 512-len(w.body))]...)
	}
	return w.ResponseWriter.Write(b)
}

// throttled reports whether a failed answer carries a throttling code.
func (w *statusWriter) throttled() bool {
	return bytes.Contains(w.body, []byte(`"Code":"SystemOverFlow"`)) || bytes.Contains(w.body, []byte(`"Code":"Throttling`))
}

// Hijack keeps the emulator's injected connection resets working through
// the wrapper.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("the response writer cannot be hijacked")
	}
	w.status = http.StatusBadGateway // a reset is a failed call
	return hj.Hijack()
}
