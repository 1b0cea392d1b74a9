package onsmqtt_test

import (
	"context"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// Whether the service accepts a status change to the status a certificate
// already holds is undocumented. With the emulator refusing such no-ops,
// the client still succeeds, confirming with one read; a real change costs
// no read.
func TestStatusNoOpWorksWhetherTheServiceAcceptsOrRefusesIt(t *testing.T) {
	for _, strict := range []bool{false, true} {
		e, url := fleetEmulator(t, nil)
		if err := e.SetBehaviour(emulator.Behaviour{StrictStatusChanges: strict}); err != nil {
			t.Fatal(err)
		}
		c := fleetClient(t, url, 0)
		ctx := context.Background()
		device := onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: emulator.DemoInactiveDeviceSn}
		if err := c.SetDeviceCertificateStatus(ctx, device, onsmqtt.StatusInactive); err != nil {
			t.Fatalf("strict=%v: inactivating an inactive certificate: %v", strict, err)
		}
		ca := onsmqtt.CAKey{InstanceID: emulator.DemoInstanceID, Sn: emulator.DemoCASn}
		if err := c.SetCACertificateStatus(ctx, ca, onsmqtt.StatusActive); err != nil {
			t.Fatalf("strict=%v: activating an active CA: %v", strict, err)
		}
		wantReads := map[bool]int64{false: 0, true: 1}[strict]
		calls := e.Calls()
		if calls["GetDeviceCertificate"] != wantReads || calls["GetCaCertificate"] != wantReads {
			t.Fatalf("strict=%v: reads %v, want %d of each", strict, calls, wantReads)
		}
		if strict && e.Errors()[emulator.CodeParameterFieldCheckFailed] != 2 {
			t.Fatalf("strict mode refused nothing (%v): the test proves nothing", e.Errors())
		}
		// A real change still goes through, with no read.
		e.ResetCounters()
		if err := c.SetDeviceCertificateStatus(ctx, device, onsmqtt.StatusActive); err != nil || e.Calls()["GetDeviceCertificate"] != 0 {
			t.Fatalf("strict=%v: a real change: %v, calls %v", strict, err, e.Calls())
		}
		// A refusal that is not a no-op is still an error.
		gone := device
		gone.DeviceSn = "no-such-device"
		if err := c.SetDeviceCertificateStatus(ctx, gone, onsmqtt.StatusInactive); !onsmqtt.IsNotFound(err) {
			t.Fatalf("strict=%v: a missing certificate: %v", strict, err)
		}
	}
}
