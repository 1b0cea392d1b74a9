package onsmqtt_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// listFlight measures how many list pages the emulator serves at once.
type listFlight struct{ now, peak atomic.Int64 }

func (f *listFlight) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("Action") == "ListDeviceCertificateByCaSn" {
			n := f.now.Add(1)
			defer f.now.Add(-1)
			for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Whatever Total counts and however the page past the end is answered, a
// list of N certificates costs floor(N/100)+1 calls and returns each once;
// when Total counts items, the pages it implies are read concurrently.
func TestListReadsAheadOnlyWhereTotalCountsItems(t *testing.T) {
	for _, total := range []string{emulator.TotalItems, emulator.TotalPages} {
		for _, pastEnd := range []string{emulator.PastEndEmpty, emulator.PastEndError} {
			for _, n := range []int{0, 100, 101, 250, 1000} {
				t.Run(fmt.Sprintf("total=%s/past-end=%s/%d", total, pastEnd, n), func(t *testing.T) {
					var flight listFlight
					e, url := fleetEmulator(t, flight.wrap)
					if err := e.SetBehaviour(emulator.Behaviour{TotalCounts: total, PastEndPage: pastEnd}); err != nil {
						t.Fatal(err)
					}
					e.SetLatency(10 * time.Millisecond) // so that pages read together overlap
					sns := seedCA(t, e, n, "1")
					got := listSeeded(t, url, n)
					seen := map[string]bool{}
					for _, c := range got {
						if seen[c.DeviceSn] {
							t.Fatalf("%s listed twice", c.DeviceSn)
						}
						seen[c.DeviceSn] = true
					}
					for _, sn := range sns {
						if !seen[sn] {
							t.Fatalf("%s not listed", sn)
						}
					}
					if calls, want := e.Calls()["ListDeviceCertificateByCaSn"], int64(n/100+1); calls != want {
						t.Errorf("%d list calls, want floor(%d/100)+1 = %d", calls, n, want)
					}
					concurrent := flight.peak.Load() > 1
					if want := total == emulator.TotalItems && n > 200; concurrent != want {
						t.Errorf("pages read concurrently: %v, want %v (peak %d in flight)", concurrent, want, flight.peak.Load())
					}
				})
			}
		}
	}
}

// ListDeviceStatuses reads what ListDeviceCertificates reads, with the same
// calls, and keeps each certificate's serial number and status.
func TestListDeviceStatusesMatchesTheFullList(t *testing.T) {
	e, url := fleetEmulator(t, nil)
	sns := seedCA(t, e, 250, "1")
	for _, sn := range sns[:25] {
		if err := e.SetDeviceStatus(emulator.DemoInstanceID, "ca01", sn, "0"); err != nil {
			t.Fatal(err)
		}
	}
	client := fleetClient(t, url, 0)
	full, err := client.ListDeviceCertificates(context.Background(), emulator.DemoInstanceID, "ca01")
	if err != nil {
		t.Fatal(err)
	}
	e.ResetCounters()
	lean, err := client.ListDeviceStatuses(context.Background(), emulator.DemoInstanceID, "ca01")
	if err != nil {
		t.Fatal(err)
	}
	if calls := e.Calls()["ListDeviceCertificateByCaSn"]; calls != 3 {
		t.Errorf("%d list calls, want 3 like the full list", calls)
	}
	if len(lean) != len(full) {
		t.Fatalf("%d statuses, %d certificates", len(lean), len(full))
	}
	for i, c := range full {
		if lean[i] != (onsmqtt.DeviceStatus{DeviceSn: c.DeviceSn, Status: c.Status}) {
			t.Fatalf("item %d: %+v, the full list has %s %s", i, lean[i], c.DeviceSn, c.Status)
		}
	}
	if _, err := client.ListDeviceStatuses(context.Background(), emulator.DemoInstanceID, ""); err == nil {
		t.Error("ListDeviceStatuses without a CA listed the whole instance")
	}
}

// A list that runs out of time says how far it got: the pages and
// certificates read and for how long, beside the timeout, so that a slow
// read is never mistaken for a failing service. Page 6 is held until the
// operation's deadline; every other page answers at once.
func TestListOutOfTimeReportsItsProgress(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	e, url := fleetEmulator(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("PageNo") == "6" {
				select {
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	seedCA(t, e, 1000, "1")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := fleetClient(t, url, 0).ListDeviceStatuses(ctx, emulator.DemoInstanceID, "ca01")
	var incomplete *onsmqtt.ListIncompleteError
	if !errors.As(err, &incomplete) {
		t.Fatalf("want a *ListIncompleteError, got %T: %v", err, err)
	}
	// Pages 1-5 and the pages read ahead past the held one (7-10) answered.
	if incomplete.Pages != 9 || incomplete.Implied != 10 || incomplete.Items != 900 || incomplete.Elapsed <= 0 {
		t.Errorf("progress: %d pages of %d, %d items in %s; want 9 of 10, 900 items", incomplete.Pages, incomplete.Implied, incomplete.Items, incomplete.Elapsed)
	}
	var timeout *onsmqtt.TimeoutError
	if !errors.As(err, &timeout) || timeout.Last != nil {
		t.Errorf("want the page's *TimeoutError with no failure in it (the service never failed), got %v", err)
	}
	t.Logf("%v", err)
}
