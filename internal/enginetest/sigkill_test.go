package enginetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

	saved, err := os.ReadFile(filepath.Join(e.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	// Terraform's local backend rewrites terraform.tfstate in place on every
	// update, so a kill can land inside the engine's own write and leave an
	// empty or torn file: that says nothing of the provider. Such a kill is
	// tried again from the same start (state and API as after the first apply).
	e.writeConfig(fleetConfig(srv, n, "inactive"))
	for try := 1; ; try++ {
		out := killMidApply(t, e, srv, n)
		if _, complete := stateFileComplete(e.dir); complete {
			break
		}
		if try == 5 {
			t.Fatalf("five kills in a row landed inside the engine's own state write:\n%s", out)
		}
		t.Logf("kill %d landed inside the engine's state write; trying again", try)
		if err := os.WriteFile(filepath.Join(e.dir, "terraform.tfstate"), saved, 0o600); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			if err := srv.SetDeviceStatus(emulator.DemoInstanceID, "ca01", fmt.Sprintf("kill%03d", i), "1"); err != nil {
				t.Fatal(err)
			}
		}
	}

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

// killMidApply starts the inactivating apply with slow calls and SIGKILLs
// the engine once part of the fleet was inactivated, well before the end.
// It returns the engine's output.
func killMidApply(t *testing.T, e *engineRun, srv *emulator.Server, n int) string {
	t.Helper()
	srv.SetLatency(150 * time.Millisecond)
	defer srv.SetLatency(0)
	srv.ResetCounters()
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
	deadline := time.Now().Add(2 * time.Minute)
	for srv.Calls()["InactivateDeviceCertificate"] < int64(n/4) {
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
	return out.String()
}
