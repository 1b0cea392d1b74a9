package onsmqtt_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

const listByCA = "ListDeviceCertificateByCaSn"

// seedCA registers n devices under ca01 of the demo instance, named so that
// they list in creation order.
func seedCA(t *testing.T, e *emulator.Emulator, n int, status string) []string {
	t.Helper()
	sns := make([]string, n)
	for i := range n {
		sns[i] = fmt.Sprintf("f%05d", i)
		if err := e.PutDevice(device(sns[i], status)); err != nil {
			t.Fatal(err)
		}
	}
	return sns
}

// listSeeded lists ca01 of the demo instance (seedCA's) through a fresh
// client and stops the test unless it holds the n certificates seeded.
func listSeeded(t *testing.T, url string, n int) []onsmqtt.DeviceCertificate {
	t.Helper()
	got, err := fleetClient(t, url, 0).ListDeviceCertificates(context.Background(), emulator.DemoInstanceID, "ca01")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("listed %d certificates, want %d", len(got), n)
	}
	return got
}

// pageCounter counts list requests in front of the emulator (a wrapper that
// answers a request itself keeps it from the emulator's counters).
type pageCounter struct{ n atomic.Int64 }

func (p *pageCounter) wrap(answer func(w http.ResponseWriter, r *http.Request, page int) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("Action") == listByCA {
				p.n.Add(1)
				page, _ := strconv.Atoi(r.URL.Query().Get("PageNo"))
				if answer != nil && answer(w, r, page) {
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// writeAPIError answers like the gateway does: the documented error body.
func writeAPIError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"RequestId":"5F2C1A3B-0000-4000-8000-000000000001","HostId":"onsmqtt.cn-hangzhou.aliyuncs.com","Code":%q,"Message":%q}`, code, message)
}

// A list of N certificates ends after floor(N/100)+1 calls, whether the
// service answers the page past the end with an empty page (the emulator) or
// with an error: FindDeviceBySnError or ParameterFieldCheckFailed.
func TestListDeviceCertificatesEndsAtEveryCount(t *testing.T) {
	pastEnd := map[string]func(n int) func(w http.ResponseWriter, r *http.Request, page int) bool{
		"empty page": func(int) func(http.ResponseWriter, *http.Request, int) bool { return nil },
	}
	for _, code := range []string{"FindDeviceBySnError", "ParameterFieldCheckFailed"} {
		pastEnd[code] = func(n int) func(http.ResponseWriter, *http.Request, int) bool {
			return func(w http.ResponseWriter, _ *http.Request, page int) bool {
				if page > 1 && (page-1)*100 >= n {
					writeAPIError(w, http.StatusBadRequest, code, "no such page")
					return true
				}
				return false
			}
		}
	}
	for name, answer := range pastEnd {
		for _, n := range []int{0, 1, 99, 100, 101, 200, 250} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				var pages pageCounter
				e, url := fleetEmulator(t, pages.wrap(answer(n)))
				sns := seedCA(t, e, n, "1")
				got := listSeeded(t, url, n)
				for i, c := range got {
					if c.DeviceSn != sns[i] {
						t.Fatalf("certificate %d is %s, want %s", i, c.DeviceSn, sns[i])
					}
				}
				if want := int64(n/100 + 1); pages.n.Load() != want {
					t.Errorf("%d list calls, want floor(%d/100)+1 = %d", pages.n.Load(), n, want)
				}
			})
		}
	}
}

// The first page's errors are errors: an unknown instance is not an empty list.
func TestListDeviceCertificatesFirstPageErrorIsReturned(t *testing.T) {
	_, url := fleetEmulator(t, nil)
	_, err := fleetClient(t, url, 0).ListDeviceCertificates(context.Background(), "post-cn-nosuch01", "ca01")
	if !onsmqtt.IsNotFound(err) {
		t.Fatalf("want MqttInstanceNotFound, got %v", err)
	}
}

// A service that clamps PageNo to its last page, or ignores it, answers a
// full page again: the list ends there instead of looping forever.
func TestListDeviceCertificatesStopsAtARepeatedPage(t *testing.T) {
	cases := []struct {
		name      string
		n         int
		servePage func(page, lastPage int) int
		want      int
	}{
		{"clamps to the last page", 200, func(page, last int) int { return min(page, last) }, 200},
		{"ignores PageNo", 250, func(int, int) int { return 1 }, 100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var (
				pages  pageCounter
				mu     sync.Mutex
				bodies = map[int][]byte{}
			)
			lastPage := max(1, (tc.n+99)/100)
			var e *emulator.Emulator
			e, url := fleetEmulator(t, pages.wrap(func(w http.ResponseWriter, r *http.Request, page int) bool {
				serve := tc.servePage(page, lastPage)
				mu.Lock()
				defer mu.Unlock()
				if serve == page {
					rec := httptest.NewRecorder()
					e.ServeHTTP(rec, r)
					bodies[page] = rec.Body.Bytes()
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(bodies[serve])
				return true
			}))
			seedCA(t, e, tc.n, "1")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			got, err := fleetClient(t, url, 0).ListDeviceCertificates(ctx, emulator.DemoInstanceID, "ca01")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Errorf("listed %d certificates, want %d", len(got), tc.want)
			}
			if pages.n.Load() > int64(lastPage+1) {
				t.Errorf("%d list calls for %d pages", pages.n.Load(), lastPage)
			}
		})
	}
}

func changesFor(sns []string, status onsmqtt.Status) []onsmqtt.StatusChange {
	out := make([]onsmqtt.StatusChange, len(sns))
	for i, sn := range sns {
		out[i] = onsmqtt.StatusChange{Key: key(sn), Status: status}
	}
	return out
}

// inFlight measures how many status calls the emulator serves at once.
type inFlight struct{ now, peak atomic.Int64 }

func (f *inFlight) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.URL.Query().Get("Action"); a == "InactivateDeviceCertificate" || a == "ActiveDeviceCertificate" {
			n := f.now.Add(1)
			defer f.now.Add(-1)
			for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Every change is applied, concurrently, one call each, and the results
// keep the order of the changes.
func TestSetDeviceCertificateStatusesAppliesEveryChangeConcurrently(t *testing.T) {
	var flight inFlight
	e, url := fleetEmulator(t, flight.wrap)
	e.SetLatency(20 * time.Millisecond)
	sns := seedCA(t, e, 300, "1")
	changes := changesFor(sns, onsmqtt.StatusInactive)
	changes[7].Status = onsmqtt.StatusActive // already active: still one call, accepted

	started := time.Now()
	results := fleetClient(t, url, 0).SetDeviceCertificateStatuses(context.Background(), changes, 16)
	elapsed := time.Since(started)
	for i, r := range results {
		if r.StatusChange != changes[i] || r.Err != nil {
			t.Fatalf("result %d = %+v for change %+v", i, r, changes[i])
		}
		d, _ := e.Device(emulator.DemoInstanceID, "ca01", r.Key.DeviceSn)
		if want := map[onsmqtt.Status]string{onsmqtt.StatusActive: "1", onsmqtt.StatusInactive: "0"}[r.Status]; d.Status != want {
			t.Fatalf("%s holds %q, want %q", r.Key.DeviceSn, d.Status, want)
		}
	}
	calls := e.Calls()
	if calls["InactivateDeviceCertificate"] != 299 || calls["ActiveDeviceCertificate"] != 1 {
		t.Errorf("calls %v, want 299 inactivations and 1 activation", calls)
	}
	if p := flight.peak.Load(); p < 2 || p > 16 {
		t.Errorf("peak concurrency %d, want between 2 and the bound 16", p)
	}
	t.Logf("300 changes, 20 ms latency, concurrency 16: %s, peak %d in flight", elapsed.Round(time.Millisecond), flight.peak.Load())
}

// A certificate deleted meanwhile, or refused, fails alone: the others go on.
func TestSetDeviceCertificateStatusesReportsFailuresPerCertificate(t *testing.T) {
	e, url := fleetEmulator(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("DeviceSn") == "f00003" {
				writeAPIError(w, http.StatusForbidden, "Forbidden.RAM", "User not authorized to operate on the specified resource.")
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	sns := seedCA(t, e, 6, "1")
	changes := changesFor(append(sns, "gone01"), onsmqtt.StatusInactive)
	results := fleetClient(t, url, 0).SetDeviceCertificateStatuses(context.Background(), changes, 0)
	for _, r := range results {
		var apiErr *onsmqtt.APIError
		switch r.Key.DeviceSn {
		case "gone01":
			if !onsmqtt.IsNotFound(r.Err) {
				t.Errorf("gone01: want FindDeviceBySnError, got %v", r.Err)
			}
		case "f00003":
			if !errors.As(r.Err, &apiErr) || apiErr.Code != "Forbidden.RAM" || apiErr.Action != "InactivateDeviceCertificate" {
				t.Errorf("f00003: want Forbidden.RAM from InactivateDeviceCertificate, got %v", r.Err)
			}
		default:
			if r.Err != nil {
				t.Errorf("%s: %v", r.Key.DeviceSn, r.Err)
			}
		}
	}
	if n := e.Calls()["InactivateDeviceCertificate"]; n != 6 { // 5 accepted + gone01; f00003 never reached it
		t.Errorf("%d InactivateDeviceCertificate calls reached the emulator, want 6 (no retries of permanent errors)", n)
	}
}

// Once the context ends, no further change is sent; the unsent ones say so.
// The context is cancelled when the emulator receives the fourth change, so
// two changes at least are done (each of the two workers finished one before
// sending another) and most are never sent, however fast the machine is.
func TestSetDeviceCertificateStatusesStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		received    atomic.Int64
		cancelledAt atomic.Int64 // UnixNano
	)
	e, url := fleetEmulator(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("Action") == "InactivateDeviceCertificate" && received.Add(1) == 4 {
				cancelledAt.Store(time.Now().UnixNano())
				cancel()
			}
			next.ServeHTTP(w, r)
		})
	})
	e.SetLatency(50 * time.Millisecond)
	sns := seedCA(t, e, 40, "1")
	results := fleetClient(t, url, 0).SetDeviceCertificateStatuses(ctx, changesFor(sns, onsmqtt.StatusInactive), 2)
	afterCancel := time.Since(time.Unix(0, cancelledAt.Load()))
	if cancelledAt.Load() == 0 {
		t.Fatal("the emulator never received a fourth change")
	}
	if afterCancel > 10*time.Second {
		t.Errorf("returned %s after the context ended", afterCancel)
	}
	var notAttempted, done int
	for _, r := range results {
		var na *onsmqtt.NotAttemptedError
		switch {
		case r.Err == nil:
			done++
		case errors.As(r.Err, &na):
			notAttempted++
			if na.Action != "InactivateDeviceCertificate" || !errors.Is(r.Err, context.Canceled) {
				t.Errorf("not attempted: %v", r.Err)
			}
		}
	}
	if done < 2 || notAttempted == 0 {
		t.Fatalf("done %d, not attempted %d: want both, at least 2 done", done, notAttempted)
	}
	if sent := e.Calls()["InactivateDeviceCertificate"]; sent > int64(len(sns)-notAttempted) {
		t.Errorf("%d calls sent, but %d of %d changes were reported as not attempted", sent, notAttempted, len(sns))
	}
	t.Logf("done %d, not attempted %d, returned %v after the cancellation", done, notAttempted, afterCancel.Round(time.Millisecond))
}
