package emulator

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
)

// The index agrees with the records after any sequence of puts, status
// changes, deletions and CA deletions: every instance's keys, and every
// CA's, in (CaSn, DeviceSn) order.
func TestDeviceIndexFollowsTheRecords(t *testing.T) {
	s, err := newStore(DemoSeed(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	cas := []string{"ca-a", "ca-b", "ca-c", DemoCASn}
	for i := range 3000 {
		k := deviceKey{DemoInstanceID, cas[rng.IntN(len(cas))], fmt.Sprintf("d%03d", rng.IntN(400))}
		switch op := rng.IntN(10); {
		case op < 6:
			s.putDevice(DeviceCertificate{InstanceID: k.instance, CASn: k.caSn, DeviceSn: k.deviceSn, Status: strconv.Itoa(i % 2)})
		case op < 9:
			s.removeDevice(k)
		default:
			s.deleteCA(DemoInstanceID, k.caSn, true)
		}
		if i%100 == 0 {
			checkIndex(t, s, cas)
		}
	}
	checkIndex(t, s, cas)
}

func checkIndex(t *testing.T, s *store, cas []string) {
	t.Helper()
	var want []deviceKey
	for k := range s.devices {
		if k.instance == DemoInstanceID {
			want = append(want, k)
		}
	}
	slices.SortFunc(want, compareDeviceKeys)
	if got := s.deviceKeysOf(DemoInstanceID, nil); !slices.Equal(got, want) {
		t.Fatalf("instance index has %d keys, the records %d:\n%v\n%v", len(got), len(want), got, want)
	}
	for _, ca := range append(cas, "ca-", "ca-bb", "") {
		wantCA := slices.DeleteFunc(slices.Clone(want), func(k deviceKey) bool { return k.caSn != ca })
		if got := s.deviceKeysOf(DemoInstanceID, &ca); !slices.Equal(got, wantCA) {
			t.Fatalf("CA %q: index %v, records %v", ca, got, wantCA)
		}
	}
}

// A page of a CA's certificates costs the same whatever the number of
// certificates under the CA: the page is cut from the index, never from a
// sorted copy of every record. Counted in allocations (which a copy of N
// records grows with) rather than in time, so a busy machine cannot fail it.
func TestListPageCostDoesNotGrowWithTheCA(t *testing.T) {
	allocs := map[int]float64{}
	for _, n := range []int{1000, 100_000} {
		seed := DemoSeed()
		for i := range n {
			seed.Devices = append(seed.Devices, DeviceCertificate{
				InstanceID: DemoInstanceID, CASn: "ca-big", DeviceSn: fmt.Sprintf("%08x", i), Status: "1",
			})
		}
		e, err := New(seed, Options{})
		if err != nil {
			t.Fatal(err)
		}
		c := &call{accountID: DemoAccountID, params: url.Values{
			"MqttInstanceId": {DemoInstanceID}, "CaSn": {"ca-big"}, "PageNo": {"7"}, "PageSize": {"100"},
		}}
		allocs[n] = testing.AllocsPerRun(20, func() {
			out, aerr := e.listDeviceCertificateByCASn(c)
			if aerr != nil || len(out["Data"].(map[string]any)["DeviceCertificateVOS"].([]map[string]any)) != 100 {
				t.Fatalf("page 7: %v %v", out, aerr)
			}
		})
	}
	t.Logf("allocations per page: %v", allocs)
	if allocs[100_000] > allocs[1000] {
		t.Errorf("a page allocates %.0f times under a CA of 100,000 certificates and %.0f under one of 1,000: "+
			"listing costs O(N) per page", allocs[100_000], allocs[1000])
	}
}
