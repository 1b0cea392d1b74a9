package mqtt_test

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// A refresh that runs out of time while the service answers every call
// (slowly) says so: how many pages and certificates it read in how long,
// that no call failed, and which timeout to raise; never that the service
// kept failing. Every answer takes 3 s and the read timeout is 4 s, so the
// first page answers and the pages read after it cannot.
func TestAccDeviceAccess_slowReadSaysWhatHappened(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	seed(t, srv.Emulator, "ca01", fleetOf(350, "active"))
	cfg := accessConfig(acctest.ProviderBlock(srv, ""), "ca01", fleetOf(350, "active"), `timeouts = { read = "4s" }`)
	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{Config: cfg},
		resource.TestStep{
			PreConfig: func() { srv.SetLatency(3 * time.Second) },
			Config:    cfg,
			PlanOnly:  true,
			ExpectError: wrapTolerant(`Reading the CA's certificates \(ListDeviceCertificateByCaSn, one call per 100 certificates\) ran out of time ` +
				`after 1 page\(s\) of about 4 \(100 certificates\) in [0-9.]+s: the resource's read timeout \(4s\) ended\. No call failed: ` +
				`the service answered every call.*Raise timeouts\.read in the resource`),
		},
		resource.TestStep{
			// Back to normal speed, for the destroy.
			PreConfig: func() { srv.SetLatency(0) },
			Config:    cfg,
		},
	))
}
