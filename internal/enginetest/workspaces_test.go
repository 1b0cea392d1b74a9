package enginetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// Two workspaces (two engine processes, two states, one account) apply at
// once against an account limited to 20 calls/s: each provider process
// slows down on its own when throttled, and both converge with zero errors.
func TestAccEngine_twoWorkspacesShareAThrottledAccount(t *testing.T) {
	const n = 40
	srv := acctest.StartEmulator(t, emulator.Options{RateLimit: 20, ThrottleCode: emulator.CodeSystemOverFlow})
	runs := []*engineRun{newEngine(t), newEngine(t)}
	for w, e := range runs {
		ca := fmt.Sprintf("ws%d", w+1)
		for i := 0; i < n; i++ {
			acctest.PutDevices(t, srv, acctest.Device(ca, fmt.Sprintf("%s-%03d", ca, i), []string{"0", "1"}[i%2]))
		}
		e.writeConfig(providerConfig(srv.URL) + fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "fleet" {
  count       = %d
  instance_id = %q
  ca_sn       = %q
  device_sn   = format("%s-%%03d", count.index)
  status      = "active"
}
`, n, emulator.DemoInstanceID, ca, ca))
	}
	var wg sync.WaitGroup
	outs := make([]string, len(runs))
	codes := make([]int, len(runs))
	// Every create of a workspace starts at once: its first n reads overflow
	// the account's bucket (one second's worth) however slow the machine,
	// even when the two applies do not overlap.
	for i, e := range runs {
		wg.Go(func() {
			codes[i], outs[i] = e.run(nil, "apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", n))
		})
	}
	wg.Wait()
	for i := range runs {
		if codes[i] != 0 {
			t.Fatalf("workspace %d: apply exited %d:\n%s", i+1, codes[i], outs[i])
		}
	}
	for w := range runs {
		ca := fmt.Sprintf("ws%d", w+1)
		for i := 0; i < n; i++ {
			if d, _ := srv.Device(emulator.DemoInstanceID, ca, fmt.Sprintf("%s-%03d", ca, i)); d.Status != "1" {
				t.Errorf("%s-%03d: the API holds %q after both applies, want active", ca, i, d.Status)
			}
		}
	}
	errs := srv.Errors()
	calls := int64(0)
	for _, c := range srv.Calls() {
		calls += c
	}
	t.Logf("two workspaces at 20 calls/s: %d calls, %d throttled answers, other errors %v", calls, errs[emulator.CodeSystemOverFlow], errs)
	if errs[emulator.CodeSystemOverFlow] == 0 {
		t.Fatal("the account never throttled: the test proves nothing about sharing it")
	}
	for code, count := range errs {
		if code != emulator.CodeSystemOverFlow {
			t.Errorf("%d answers with %s: only throttling may fail a call here", count, code)
		}
	}
	// Both states are clean: a second plan in each changes nothing.
	for _, e := range runs {
		e.mustRun(0, nil, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	}
}
