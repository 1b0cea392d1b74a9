package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// Renewal during one apply that outlives its credentials: every temporary
// credential stops working 6 seconds after it is issued and is due for
// renewal after 2 (acctest.ShortLivedCredentials), while an apply of 40
// certificates at 1.5 seconds per call and Terraform's 10 concurrent
// operations lasts about 12 seconds. Zero calls may fail, one renewal may
// be under way at a time, and renewals are about one per 2 seconds, not
// one per request in flight.
func TestAccCredentials_renewalDuringApply(t *testing.T) {
	const (
		devices    = 40
		validFor   = 6 * time.Second
		renewAfter = 2 * time.Second
	)
	opts := acctest.ShortLivedCredentials(validFor, renewAfter)
	opts.Latency = 1500 * time.Millisecond
	w := acctest.StartCredentialWorld(t, opts)
	config := acctest.ProviderBlockWithout(w.Server, acctest.OIDCBlock(acctest.RoleOIDC, w.WriteToken(t, emulator.TokenClaims{ExpiresAt: time.Now().Add(time.Hour)}))) +
		acctest.InactiveFleet(t, w.Server, devices, "renew%02d")

	var started time.Time
	resource.Test(t, acctest.TestCase(t, resource.TestStep{
		PreConfig: func() { w.ResetCounters(); started = time.Now() },
		Config:    config,
		Check: func(*terraform.State) error {
			elapsed := time.Since(started)
			defer w.SetLatency(0) // the checks after the step (refresh, destroy) need no slowness
			stats := w.CredentialIssues()
			calls := w.Calls()
			t.Logf("renewal: %s of plan and apply, %d API calls, %d temporary credentials issued (valid %s each, due for renewal after %s), at most %d requests for them at once, errors %v",
				elapsed.Round(100*time.Millisecond), calls["GetDeviceCertificate"]+calls["InactivateDeviceCertificate"], stats.Issued, validFor, renewAfter, stats.Peak, w.Errors())
			if err := noAPIErrors(w.Server); err != nil {
				return err
			}
			for i := range devices {
				if d, _ := w.Device(emulator.DemoInstanceID, "ca01", fmt.Sprintf("renew%02d", i)); d.Status != "0" {
					return fmt.Errorf("device renew%02d is %q", i, d.Status)
				}
			}
			// A precondition, not a speed bound: the emulator's latency makes
			// the step last this long, and a busy machine only lengthens it.
			if elapsed < 2*validFor {
				return fmt.Errorf("the step took %s, not long enough to outlive two credentials of %s: the test proves nothing", elapsed, validFor)
			}
			if stats.Peak != 1 {
				return fmt.Errorf("%d requests for credentials were under way at once, want one at a time", stats.Peak)
			}
			// One per renewal period and one per provider process (plan,
			// apply), with room for a slow machine; a renewal per request
			// in flight would be several times more.
			if limit := int(elapsed/renewAfter) + 4; stats.Issued > limit || stats.Issued < 3 {
				return fmt.Errorf("%d credentials issued over %s, want between 3 and %d", stats.Issued, elapsed, limit)
			}
			return nil
		},
	}))
}
