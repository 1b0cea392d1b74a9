package benchmark

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRateOf(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// 501 answers 10 ms apart (100/s over 5 s), shuffled: order must not matter.
	var ts []time.Time
	for i := 500; i >= 0; i-- {
		ts = append(ts, start.Add(time.Duration(i)*10*time.Millisecond))
	}
	r := rateOf(ts, 7)
	if r.Successes != 501 || r.Failures != 7 {
		t.Fatalf("counts = %d/%d", r.Successes, r.Failures)
	}
	if math.Abs(r.WindowSeconds-5) > 1e-9 || math.Abs(r.PerSecond-100) > 1e-9 {
		t.Fatalf("window %.3fs rate %.3f/s, want 5s and 100/s", r.WindowSeconds, r.PerSecond)
	}
	if r.MinSecond != 100 || r.MedianSecond != 100 {
		t.Fatalf("per-second min/median = %v/%v, want 100/100", r.MinSecond, r.MedianSecond)
	}

	// A stall in the middle shows in the per-second minimum, not the median.
	var gappy []time.Time
	for i := range 600 {
		if i >= 200 && i < 300 { // second 2 is empty
			continue
		}
		gappy = append(gappy, start.Add(time.Duration(i)*10*time.Millisecond))
	}
	g := rateOf(gappy, 0)
	if g.MinSecond != 0 || g.MedianSecond != 100 {
		t.Fatalf("gappy min/median = %v/%v, want 0/100", g.MinSecond, g.MedianSecond)
	}

	if r := rateOf([]time.Time{start}, 0); r.PerSecond != 0 || r.Successes != 1 {
		t.Fatalf("one answer: %+v", r)
	}
}

func TestMeterCountsAPIAnswersOnly(t *testing.T) {
	m := NewMeter(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("fail") != "" {
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	for _, target := range []string{"/?Action=a", "/?Action=b", "/?fail=1", "/_emulator/counters"} {
		m.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	}
	r := m.Rate()
	if r.Successes != 2 || r.Failures != 1 {
		t.Fatalf("successes/failures = %d/%d, want 2/1 (admin calls are not API calls)", r.Successes, r.Failures)
	}
	m.Reset()
	if r := m.Rate(); r.Successes != 0 || r.Failures != 0 {
		t.Fatalf("after Reset: %+v", r)
	}
}

// Answers are told apart by access key, and throttling answers from other
// failures by their code.
func TestMeterByKey(t *testing.T) {
	answers := map[string]struct {
		status int
		body   string
	}{
		"ok":       {200, `{"RequestId":"1"}`},
		"throttle": {403, `{"RequestId":"2","Code":"SystemOverFlow","Message":"x"}`},
		"user":     {400, `{"RequestId":"3","Code":"Throttling.User","Message":"x"}`},
		"owner":    {403, `{"RequestId":"4","Code":"MqttOwnerCheckError","Message":"x"}`},
	}
	m := NewMeter(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := answers[r.URL.Query().Get("want")]
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	srv := httptest.NewServer(m)
	defer srv.Close()
	for _, call := range []string{"k1:ok", "k1:ok", "k1:throttle", "k2:user", "k2:owner", "k2:ok"} {
		key, want, _ := strings.Cut(call, ":")
		resp, err := http.Get(srv.URL + "/?AccessKeyId=" + key + "&want=" + want)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	got := m.ByKey()
	if k1 := got["k1"]; len(k1.Successes) != 2 || k1.Throttled != 1 || k1.Failed != 0 {
		t.Errorf("k1 = %+v", k1)
	}
	if k2 := got["k2"]; len(k2.Successes) != 1 || k2.Throttled != 1 || k2.Failed != 1 {
		t.Errorf("k2 = %+v", k2)
	}
}

// ChangeRate counts only successful status changes, over their own window.
func TestMeterChangeRate(t *testing.T) {
	m := NewMeter(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("fail") != "" {
			w.WriteHeader(403)
		}
	}))
	srv := httptest.NewServer(m)
	defer srv.Close()
	for _, q := range []string{"Action=ListDeviceCertificateByCaSn", "Action=InactivateDeviceCertificate", "Action=ActiveDeviceCertificate",
		"Action=InactivateDeviceCertificate&fail=1", "Action=GetDeviceCertificate", "Action=InactivateDeviceCertificate"} {
		resp, err := http.Get(srv.URL + "/?" + q)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	if got := m.ChangeRate().Successes; got != 3 {
		t.Fatalf("ChangeRate counted %d successful status changes, want 3", got)
	}
	if got := m.Rate().Successes; got != 5 {
		t.Fatalf("Rate counted %d successful calls, want 5", got)
	}
}
