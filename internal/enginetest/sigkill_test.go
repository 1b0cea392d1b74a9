package enginetest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// providerConfig is the required_providers block (the engine resolves the
// dev_overrides source) and the demo account's provider block for the API
// at url.
func providerConfig(url string) string {
	return `
terraform {
  required_providers {
    apsaramq = { source = "apsaramq/apsaramq" }
  }
}
` + acctest.ProviderBlockAt(url, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, "")
}

func fleetConfig(url string, n int, status string) string {
	return providerConfig(url) + fmt.Sprintf(`
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
	// The provider reaches the emulator through a gate that can hold the
	// apply mid-way, so the kill never races the end of the apply.
	gate := newInactivationGate(srv.Emulator)
	gated := httptest.NewServer(gate)
	t.Cleanup(gated.Close)
	t.Cleanup(gate.open) // runs first: no call stays held

	e.writeConfig(fleetConfig(gated.URL, n, "active"))
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
	e.writeConfig(fleetConfig(gated.URL, n, "inactive"))
	for try := 1; ; try++ {
		out := killMidApply(t, e, srv, gate, n/4)
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
	gate.open()

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
	t.Logf("killed with %d InactivateDeviceCertificate calls made and %d held: the API holds %d/%d inactive; the state file lists %d instances, %d of them already recorded as inactive",
		srv.Calls()["InactivateDeviceCertificate"], gate.heldCalls(), inactivated, n, len(left), claimed)
	if len(left) != n {
		t.Fatalf("the state file lists %d instances after the kill, want all %d: the honesty check below would prove nothing", len(left), n)
	}
	if inactivated != n/4 {
		t.Fatalf("the API holds %d certificates inactive after the kill, want the %d the gate let through", inactivated, n/4)
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

// killMidApply starts the inactivating apply with slow calls, lets `made`
// inactivations through the gate and SIGKILLs the engine once they were
// answered and the next one is held, however fast or slow the machine. It
// returns the engine's output.
func killMidApply(t *testing.T, e *engineRun, srv *emulator.Server, gate *inactivationGate, made int) string {
	t.Helper()
	const parallelism = 10
	srv.SetLatency(150 * time.Millisecond)
	defer srv.SetLatency(0)
	srv.ResetCounters()
	gate.arm(made)
	// The context only bounds a hang: the engine is killed long before.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd, out := e.command(ctx, nil, "apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism))
	// Own process group, so the provider child can be cleaned up after the
	// engine (and only the engine) was killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for !gate.holding(parallelism) {
		select {
		case err := <-exited:
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			t.Fatalf("the apply ended (%v) before the gate held it (%d inactivations made):\n%s",
				err, srv.Calls()["InactivateDeviceCertificate"], out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	if exit, ok := err.(*exec.ExitError); !ok || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the engine was not killed mid-apply: %v\n%s", err, out)
	}
	time.Sleep(200 * time.Millisecond)
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // the orphaned provider, if still alive
	return out.String()
}

// inactivationGate serves the emulator. Armed, it lets the first `limit`
// InactivateDeviceCertificate calls through and holds the next ones until
// their client goes away (the killed provider) or the gate opens, so they
// never reach the API; open, it lets every call through.
type inactivationGate struct {
	next http.Handler

	mu      sync.Mutex
	limit   int // < 0: open
	passed  int // inactivations let through
	done    int // of those, answered (so made, or refused, by the API)
	held    int
	release chan struct{} // closed when the gate opens
}

func newInactivationGate(next http.Handler) *inactivationGate {
	return &inactivationGate{next: next, limit: -1, release: make(chan struct{})}
}

func (g *inactivationGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("Action") == "InactivateDeviceCertificate" {
		if release := g.admit(); release != nil {
			// Read the whole request, so the server notices when the
			// client's connection closes.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-release:
			}
			http.Error(w, "held by the test", http.StatusServiceUnavailable)
			return
		}
		defer g.answered()
	}
	g.next.ServeHTTP(w, r)
}

func (g *inactivationGate) answered() {
	g.mu.Lock()
	g.done++
	g.mu.Unlock()
}

// admit counts a call and returns nil when it may pass, or the channel
// that releases it.
func (g *inactivationGate) admit() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.limit < 0 || g.passed < g.limit {
		g.passed++
		return nil
	}
	g.held++
	return g.release
}

// arm holds every inactivation after the next limit ones.
func (g *inactivationGate) arm(limit int) {
	g.mu.Lock()
	g.limit, g.passed, g.done, g.held, g.release = limit, 0, 0, 0, make(chan struct{})
	g.mu.Unlock()
}

// open lets every call through, and the held ones go.
func (g *inactivationGate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.limit >= 0 {
		g.limit = -1
		close(g.release)
	}
}

// holding reports whether every inactivation let through was answered and
// the next ones, one per engine worker, are held: the apply is stopped
// mid-way with nothing else to do.
func (g *inactivationGate) holding(workers int) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held >= workers && g.done == g.limit
}

func (g *inactivationGate) heldCalls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held
}
