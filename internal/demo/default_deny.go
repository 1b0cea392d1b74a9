package demo

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// defaultDeny is the authoritative resource's story: one resource holds
// every certificate under the CA; a device that connects for the first time
// shows in plan by serial number and the next apply refuses it.
func (s *session) defaultDeny() error {
	cli := filepath.Base(s.eng.Path)
	if err := s.writeConfig(defaultDenyConfig(s.srv, s.version)); err != nil {
		return err
	}
	s.srv.ResetCounters()
	s.step(cli + " apply: one apsaramq_mqtt_device_access holds the whole CA; only " + emulator.DemoDeviceSn + " and " + emulator.DemoDevice2Sn + " may connect")
	if err := s.run(0, "apply", "-auto-approve"); err != nil {
		return err
	}
	want := map[string]string{emulator.DemoDeviceSn: "active", emulator.DemoDevice2Sn: "active", emulator.DemoInactiveDeviceSn: "inactive"}
	if err := s.expectDevices(want); err != nil {
		return err
	}
	s.reportCalls()

	s.step("A device nobody listed connects for the first time: the broker registers its certificate, active")
	ca, err := emulator.DemoCA()
	if err != nil {
		return err
	}
	newcomer, err := ca.IssueDevice("unknown-gadget")
	if err != nil {
		return err
	}
	if _, err := s.srv.RegisterDevicePEM(emulator.DemoInstanceID, newcomer.CertPEM); err != nil {
		return fmt.Errorf("the newcomer could not register: %w", err)
	}
	want[newcomer.Sn] = "active"
	if err := s.expectDevices(want); err != nil {
		return err
	}

	s.step(cli + " plan: the newcomer shows by serial number, to be inactivated (exit code 2)")
	out, err := s.runCapture(2, "plan", "-detailed-exitcode")
	if err != nil {
		return err
	}
	if !containsLine(out, newcomer.Sn, `"active" -> "inactive"`) {
		return fmt.Errorf("the plan does not show the newcomer %s going from active to inactive", newcomer.Sn)
	}
	fmt.Fprintf(s.out, "the plan names %s: \"active\" -> \"inactive\"\n", newcomer.Sn)
	s.reportCalls()

	s.step(cli + " apply: the newcomer is refused")
	if err := s.run(0, "apply", "-auto-approve"); err != nil {
		return err
	}
	want[newcomer.Sn] = "inactive"
	if err := s.expectDevices(want); err != nil {
		return err
	}
	if _, err := s.srv.RegisterDevicePEM(emulator.DemoInstanceID, newcomer.CertPEM); !errors.Is(err, emulator.ErrConflict) {
		return fmt.Errorf("the refused device could still connect (%v)", err)
	}
	fmt.Fprintln(s.out, "the newcomer tries again: the broker refuses its certificate")
	s.reportCalls()

	return s.settleAndDestroy(cli, "every certificate the resource held is inactivated", want)
}

func defaultDenyConfig(srv *emulator.Server, version string) string {
	return providerPreamble(srv, version) + fmt.Sprintf(`
# Default deny: only these devices may connect; every other certificate
# registered under the CA, now or later, is inactivated.
resource "apsaramq_mqtt_device_access" "fleet" {
  instance_id      = %q
  ca_sn            = %q
  unlisted_devices = "inactive"
  devices = {
    %q = "active"
    %q = "active"
  }
}

output "unlisted_certificates" {
  value = apsaramq_mqtt_device_access.fleet.unlisted_device_statuses
}
`, emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn, emulator.DemoDevice2Sn)
}
