// Package demo runs the provider's main job end to end against the embedded
// emulator: adopt a fleet's device certificates, catch an out-of-band change
// with plan, repair it, and destroy; then hold a whole CA with default deny,
// so that a device registering by itself shows in plan and is refused. It
// narrates each step and fails loudly when the API does not hold what the
// step promises. `make demo` runs it through cmd/demo.
package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// Options select the engine, the provider and where the narration goes.
type Options struct {
	Engine engine.Engine
	Out    io.Writer
	Keep   bool // keep the working directory for inspection
	// Installed, when set, runs the demo on a provider the engine installs
	// with init (a release from a registry, or a mirror) instead of a build
	// of the work tree through dev_overrides.
	Installed *Installed
}

// Installed is a provider as users get it: the engine installs the exact
// version that required_providers pins, as the CLI configuration says.
type Installed struct {
	CLIConfig string   // its provider installation (host blocks, mirrors)
	Version   string   // e.g. 0.1.0-snapshot.g1234abc
	Env       []string // KEY=VALUE the engine needs besides, e.g. SSL_CERT_FILE
}

// fleet is what the demo configuration asks for, by device serial number.
var fleet = map[string]string{
	emulator.DemoDeviceSn:         "active",
	emulator.DemoDevice2Sn:        "inactive", // a lost device: revoke it
	emulator.DemoInactiveDeviceSn: "active",   // a repaired device: let it back in
}

// Run runs the demo; an error says which promise the API did not keep.
func Run(ctx context.Context, o Options) error {
	work, err := os.MkdirTemp("", "apsaramq-demo-")
	if err != nil {
		return err
	}
	if o.Keep {
		fmt.Fprintln(o.Out, "working directory:", work)
	} else {
		defer os.RemoveAll(work)
	}
	fmt.Fprintf(o.Out, "engine: %s (%s)\n", o.Engine, o.Engine.Path)

	installed := o.Installed
	if installed == nil {
		fmt.Fprintf(o.Out, "\n==> Build the provider\n")
		pluginDir := filepath.Join(work, "plugins")
		if err := buildProvider(ctx, pluginDir); err != nil {
			return err
		}
		installed = &Installed{CLIConfig: filepath.Join(work, "cli.tfrc")}
		if err := engine.WriteCLIConfig(installed.CLIConfig, pluginDir); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(o.Out, "provider: version %s, installed by init as %s says\n", installed.Version, installed.CLIConfig)
	}

	fmt.Fprintf(o.Out, "\n==> Start the OnsMqtt emulator with a demo account, instance, CA and three device certificates\n")
	srv, err := emulator.Start(emulator.DemoSeed(), emulator.Options{}, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(o.Out, "emulator at %s, instance %s, CA %s\n", srv.URL, emulator.DemoInstanceID, emulator.DemoCASn)

	s, err := newSession(ctx, o.Out, o.Engine, work, *installed, srv)
	if err != nil {
		return err
	}
	s.printStatuses(sortedKeys(fleet))
	if err := s.perCertificate(); err != nil {
		return err
	}
	return s.defaultDeny()
}

// perCertificate is the per-certificate resource's story: adopt, drift,
// repair, destroy.
func (s *session) perCertificate() error {
	cli := filepath.Base(s.eng.Path)
	if err := s.writeConfig(perCertificateConfig(s.srv, s.version)); err != nil {
		return err
	}
	s.step(cli + " apply: adopt the three certificates; revoke the lost device, readmit the repaired one")
	if err := s.run(0, "apply", "-auto-approve"); err != nil {
		return err
	}
	if err := s.expectDevices(fleet); err != nil {
		return err
	}
	s.reportCalls()

	s.step("Out of band: someone inactivates " + emulator.DemoDeviceSn + " in the console")
	if err := s.srv.SetDeviceStatus(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn, "0"); err != nil {
		return err
	}
	s.printStatuses(sortedKeys(fleet))

	s.step(cli + " plan: the drift shows as an in-place update (exit code 2)")
	if err := s.run(2, "plan", "-detailed-exitcode"); err != nil {
		return err
	}
	s.reportCalls()

	s.step(cli + " apply: repair the drift")
	if err := s.run(0, "apply", "-auto-approve"); err != nil {
		return err
	}
	if err := s.expectDevices(fleet); err != nil {
		return err
	}

	return s.settleAndDestroy(cli, "every certificate is inactivated (the registrations stay)", fleet)
}

// settleAndDestroy ends a story: a plan with nothing left to do, then a
// destroy after which every certificate of devices is inactive.
func (s *session) settleAndDestroy(cli, destroyed string, devices map[string]string) error {
	s.step(cli + " plan: nothing left to do (exit code 0)")
	if err := s.run(0, "plan", "-detailed-exitcode"); err != nil {
		return err
	}
	s.srv.ResetCounters()

	s.step(cli + " destroy: " + destroyed)
	if err := s.run(0, "destroy", "-auto-approve"); err != nil {
		return err
	}
	inactive := map[string]string{}
	for sn := range devices {
		inactive[sn] = "inactive"
	}
	if err := s.expectDevices(inactive); err != nil {
		return err
	}
	s.reportCalls()
	return nil
}

// providerPreamble is the start of every demo configuration: the provider
// from the registry address dev_overrides installs (or, given a version,
// the one init installs), pointed at the emulator.
func providerPreamble(srv *emulator.Server, version string) string {
	required := `source = "apsaramq/apsaramq"`
	if version != "" {
		required += fmt.Sprintf(", version = %q", version)
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    apsaramq = { %s }
  }
}

provider "apsaramq" {
  region = %q
  endpoints {
    onsmqtt = %q # the local emulator; real use omits this
  }
}
`, required, emulator.DemoRegion, srv.URL)
}

func perCertificateConfig(srv *emulator.Server, version string) string {
	var entries []string
	for _, sn := range sortedKeys(fleet) {
		entries = append(entries, fmt.Sprintf("    %q = %q", sn, fleet[sn]))
	}
	return providerPreamble(srv, version) + fmt.Sprintf(`
locals {
  # device serial number => wanted status
  fleet = {
%s
  }
}

resource "apsaramq_mqtt_device_certificate_state" "fleet" {
  for_each    = local.fleet
  instance_id = %q
  ca_sn       = %q
  device_sn   = each.key
  status      = each.value
}
`, strings.Join(entries, "\n"), emulator.DemoInstanceID, emulator.DemoCASn)
}

func (s *session) printStatuses(sns []string) {
	for _, sn := range sns {
		d, ok := s.srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, sn)
		if !ok {
			fmt.Fprintf(s.out, "    %s: not registered\n", sn)
			continue
		}
		fmt.Fprintf(s.out, "    %s (%s): %s\n", sn, d.DeviceName, apiStatus(d.Status))
	}
}

// expectDevices checks what the API holds (not what state claims).
func (s *session) expectDevices(want map[string]string) error {
	fmt.Fprintln(s.out, "what the API holds now:")
	s.printStatuses(sortedKeys(want))
	for sn, status := range want {
		d, ok := s.srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, sn)
		if !ok || apiStatus(d.Status) != status {
			return fmt.Errorf("device %s: the API holds %q, the configuration says %q", sn, apiStatus(d.Status), status)
		}
	}
	return nil
}

func apiStatus(s string) string {
	if s == "1" {
		return "active"
	}
	return "inactive"
}
