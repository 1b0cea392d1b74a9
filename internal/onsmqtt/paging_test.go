package onsmqtt_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
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
					got, err := fleetClient(t, url, 0).ListDeviceCertificates(context.Background(), emulator.DemoInstanceID, "ca01")
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != n {
						t.Fatalf("listed %d certificates, want %d", len(got), n)
					}
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
