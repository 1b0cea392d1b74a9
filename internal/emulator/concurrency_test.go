package emulator_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// 64 goroutines, each with its own SDK client (so distinct nonces), hammer
// mixed operations. Every goroutine owns one device and follows a
// deterministic plan, so final statuses and counters are known exactly.
func TestConcurrentMixedOperations(t *testing.T) {
	const workers, rounds = 64, 12
	srv := startServer(t, emulator.Options{MaxCAsPerInstance: 100})
	for i := range workers {
		if err := srv.PutDevice(emulator.DeviceCertificate{InstanceID: emulator.DemoInstanceID, CASn: "conc-ca", DeviceSn: fmt.Sprintf("conc-%02d", i), Status: "1"}); err != nil {
			t.Fatal(err)
		}
	}
	// Everyone races to register a CA with the same pending code: exactly
	// one may win, the rest see RegisterCodeUsed.
	code := registerCode(t, demoClient(t, srv), emulator.DemoInstanceID)
	cas := make([]*emulator.TestCA, 8)
	vers := make([]string, 8)
	for i := range cas {
		cas[i] = newCA(t, 0)
		vers[i] = verification(t, cas[i], code)
	}
	srv.ResetCounters()

	var (
		wg                       sync.WaitGroup
		registered, codeUsed     atomic.Int64
		ownerErrors, unexpected  atomic.Int64
		activates, inactivates   atomic.Int64
		deletes, gets, listCalls atomic.Int64
	)
	errCh := make(chan error, workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := demoClient(t, srv)
			dev := map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": "conc-ca", "DeviceSn": fmt.Sprintf("conc-%02d", w)}
			for r := range rounds {
				action := "ActiveDeviceCertificate"
				if (w+r)%2 == 0 {
					action = "InactivateDeviceCertificate"
				}
				if _, err := c.call(action, dev); err != nil {
					errCh <- fmt.Errorf("worker %d %s: %w", w, action, err)
					return
				}
				if action == "ActiveDeviceCertificate" {
					activates.Add(1)
				} else {
					inactivates.Add(1)
				}
				switch r % 3 {
				case 0:
					out, err := c.call("GetDeviceCertificate", dev)
					want := map[bool]string{true: "0", false: "1"}[(w+r)%2 == 0]
					if err != nil || digStr(out, "Data", "Status") != want {
						errCh <- fmt.Errorf("worker %d get: %v %v", w, err, out)
						return
					}
					gets.Add(1)
				case 1:
					out, err := c.call("ListDeviceCertificateByCaSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": "conc-ca", "PageNo": "1", "PageSize": "100"})
					if err != nil {
						errCh <- fmt.Errorf("worker %d list: %v", w, err)
						return
					}
					listCalls.Add(1)
					if total := dig(out, "Data", "Total").(float64); total < workers-workers/8 || total > workers {
						errCh <- fmt.Errorf("worker %d list total %v", w, total)
						return
					}
				case 2:
					_, err := c.call("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.OtherInstanceID, "CaSn": emulator.OtherCASn, "DeviceSn": emulator.OtherDeviceSn})
					if err == nil {
						unexpected.Add(1)
					} else {
						ownerErrors.Add(1)
					}
				}
			}
			if w < len(cas) {
				_, err := c.call("RegisterCaCertificate", registerParams(cas[w], fmt.Sprint("race-", w), vers[w]))
				switch {
				case err == nil:
					registered.Add(1)
				case codeOf(err) == "RegisterCodeUsed":
					codeUsed.Add(1)
				default:
					errCh <- fmt.Errorf("worker %d register: %v", w, err)
				}
			}
			if w%8 == 0 {
				if _, err := c.call("DeleteDeviceCertificate", dev); err != nil {
					errCh <- fmt.Errorf("worker %d delete: %v", w, err)
					return
				}
				deletes.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errCh)
	for err := range errCh {
		t.Error(err)
	}
	if t.Failed() {
		return
	}

	// Final statuses follow the plan: the last round decides.
	for w := range workers {
		d, ok := srv.Device(emulator.DemoInstanceID, "conc-ca", fmt.Sprintf("conc-%02d", w))
		if w%8 == 0 {
			if ok {
				t.Errorf("device %d should be deleted", w)
			}
			continue
		}
		want := map[bool]string{true: "0", false: "1"}[(w+rounds-1)%2 == 0]
		if !ok || d.Status != want {
			t.Errorf("device %d: status %q ok=%v, want %q", w, d.Status, ok, want)
		}
	}
	if registered.Load() != 1 || codeUsed.Load() != 7 {
		t.Errorf("CA race: %d registered, %d RegisterCodeUsed", registered.Load(), codeUsed.Load())
	}
	if unexpected.Load() != 0 {
		t.Errorf("%d cross-account reads succeeded", unexpected.Load())
	}
	calls, errs := srv.Calls(), srv.Errors()
	wantCalls := map[string]int64{
		"ActiveDeviceCertificate":     activates.Load(),
		"InactivateDeviceCertificate": inactivates.Load(),
		"GetDeviceCertificate":        gets.Load() + ownerErrors.Load(),
		"ListDeviceCertificateByCaSn": listCalls.Load(),
		"RegisterCaCertificate":       8,
		"DeleteDeviceCertificate":     deletes.Load(),
	}
	if activates.Load()+inactivates.Load() != workers*rounds || deletes.Load() != workers/8 {
		t.Errorf("plan not executed: %d status changes, %d deletes", activates.Load()+inactivates.Load(), deletes.Load())
	}
	for k, v := range wantCalls {
		if calls[k] != v {
			t.Errorf("Calls[%s] = %d, want %d", k, calls[k], v)
		}
	}
	if len(calls) != len(wantCalls) {
		t.Errorf("Calls has extra actions: %v", calls)
	}
	if errs["MqttOwnerCheckError"] != ownerErrors.Load() || ownerErrors.Load() != workers*(rounds/3) || errs["RegisterCodeUsed"] != 7 || len(errs) != 2 {
		t.Errorf("Errors = %v (owner errors seen %d)", errs, ownerErrors.Load())
	}
}

func codeOf(err error) string {
	type coded interface{ ErrorCode() string }
	if c, ok := err.(coded); ok {
		return c.ErrorCode()
	}
	return ""
}
