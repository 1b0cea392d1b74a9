package enginetest

import (
	"context"
	"fmt"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// providerConfig is the required_providers block (the engine resolves the
// dev_overrides source) and the demo account's provider block for srv.
func providerConfig(srv *emulator.Server) string {
	return `
terraform {
  required_providers {
    apsaramq = { source = "apsaramq/apsaramq" }
  }
}
` + acctest.ProviderBlock(srv, "")
}

func fleetConfig(srv *emulator.Server, n int, status string) string {
	return providerConfig(srv) + fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "fleet" {
  count       = %d
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = format("kill%%03d", count.index)
  status      = %q
}
`, n, emulator.DemoInstanceID, status)
}

// The engine is SIGKILLed in the middle of an apply that inactivates a
// fleet it already manages, so the state file holds every instance when the
// kill comes. Whatever that state says must not claim a change the API does
// not hold, and the next plan and apply converge.
func TestAccEngine_sigkillMidApplyConverges(t *testing.T) {
	e := newEngine(t)
	srv := acctest.StartEmulator(t, emulator.Options{})
	const n = 60
	for i := 0; i < n; i++ {
		acctest.PutDevices(t, srv, acctest.Device("ca01", fmt.Sprintf("kill%03d", i), "1"))
	}
	e.writeConfig(fleetConfig(srv, n, "active"))
	e.mustRun(0, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if before := readState(t, e.dir); len(before) != n {
		t.Fatalf("state lists %d instances after the first apply, want %d", len(before), n)
	}

	// Slow calls, so that the kill lands while the inactivations run.
	srv.SetLatency(150 * time.Millisecond)
	srv.ResetCounters()
	e.writeConfig(fleetConfig(srv, n, "inactive"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd, out := e.command(ctx, nil, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
	// Own process group, so the provider child can be cleaned up after the
	// engine (and only the engine) was killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	// Kill once part of the fleet was inactivated, well before the end.
	deadline := time.Now().Add(2 * time.Minute)
	for srv.Calls()["InactivateDeviceCertificate"] < n/4 {
		if time.Now().After(deadline) {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			t.Fatalf("the apply never got going:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if exit, ok := err.(*exec.ExitError); !ok || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the engine was not killed mid-apply (it finished first?): %v\n%s", err, out)
	}
	time.Sleep(200 * time.Millisecond)
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // the orphaned provider, if still alive
	srv.SetLatency(0)

	inactivated := 0
	for i := 0; i < n; i++ {
		if d, _ := srv.Device(emulator.DemoInstanceID, "ca01", fmt.Sprintf("kill%03d", i)); d.Status == "0" {
			inactivated++
		}
	}
	left := readState(t, e.dir)
	claimed := 0
	for _, in := range left {
		if in.Status == "inactive" {
			claimed++
		}
	}
	t.Logf("killed after %d InactivateDeviceCertificate calls: the API holds %d/%d inactive; the state file lists %d instances, %d of them already recorded as inactive",
		srv.Calls()["InactivateDeviceCertificate"], inactivated, n, len(left), claimed)
	if len(left) != n {
		t.Fatalf("the state file lists %d instances after the kill, want all %d: the honesty check below would prove nothing", len(left), n)
	}
	if inactivated == n {
		t.Fatalf("all %d certificates were inactivated before the kill: the test proved nothing", n)
	}
	checkNoUnmadeChange(t, srv, left)

	// The next plan shows the remaining work; apply converges; a final plan is empty.
	e.mustRun(2, nil, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	e.mustRun(0, nil, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
	e.mustRun(0, nil, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	final := readState(t, e.dir)
	if len(final) != n {
		t.Fatalf("state lists %d instances after convergence, want %d", len(final), n)
	}
	checkStateHonest(t, srv, final)
	for i := 0; i < n; i++ {
		if d, _ := srv.Device(emulator.DemoInstanceID, "ca01", fmt.Sprintf("kill%03d", i)); d.Status != "0" {
			t.Errorf("kill%03d: the API holds status %q after convergence, want inactive", i, d.Status)
		}
	}
	e.mustRun(0, nil, "destroy", "-auto-approve", "-input=false", "-no-color")
}
