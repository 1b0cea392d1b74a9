package onsmqtt_test

import (
	"context"
	"maps"
	"net/http/httptest"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// Each existence check says what is missing, with the calls it promises:
// one when the answer tells, a GetCaCertificate more only when a device
// certificate's not-found answer leaves open whether its CA exists.
func TestExistenceChecks(t *testing.T) {
	e, url := fleetEmulator(t, nil)
	c := fleetClient(t, url, 0)
	ctx := context.Background()
	const demoDevice = "5d1e0000000000a1"

	calls := func() map[string]int64 {
		got := e.Calls()
		e.ResetCounters()
		return got
	}
	for _, tc := range []struct {
		name  string
		check func() (onsmqtt.Missing, error)
		want  onsmqtt.Missing
		calls map[string]int64
	}{
		{"CA exists", func() (onsmqtt.Missing, error) {
			return c.CheckCA(ctx, onsmqtt.CAKey{InstanceID: emulator.DemoInstanceID, Sn: emulator.DemoCASn})
		}, onsmqtt.MissingNothing, map[string]int64{"GetCaCertificate": 1}},
		{"unknown CA", func() (onsmqtt.Missing, error) {
			return c.CheckCA(ctx, onsmqtt.CAKey{InstanceID: emulator.DemoInstanceID, Sn: "3a7f1c0de0000009"})
		}, onsmqtt.MissingCA, map[string]int64{"GetCaCertificate": 1}},
		{"unknown instance (CA)", func() (onsmqtt.Missing, error) {
			return c.CheckCA(ctx, onsmqtt.CAKey{InstanceID: "post-cn-dem00001", Sn: emulator.DemoCASn})
		}, onsmqtt.MissingInstance, map[string]int64{"GetCaCertificate": 1}},
		{"device exists", func() (onsmqtt.Missing, error) {
			return c.CheckDevice(ctx, onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: demoDevice})
		}, onsmqtt.MissingNothing, map[string]int64{"GetDeviceCertificate": 1}},
		{"unknown instance (device)", func() (onsmqtt.Missing, error) {
			return c.CheckDevice(ctx, onsmqtt.DeviceKey{InstanceID: "post-cn-dem00001", CASn: emulator.DemoCASn, DeviceSn: demoDevice})
		}, onsmqtt.MissingInstance, map[string]int64{"GetDeviceCertificate": 1}},
		{"unknown CA (device)", func() (onsmqtt.Missing, error) {
			return c.CheckDevice(ctx, onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: "3a7f1c0de0000009", DeviceSn: demoDevice})
		}, onsmqtt.MissingCA, map[string]int64{"GetDeviceCertificate": 1, "GetCaCertificate": 1}},
		{"unknown device", func() (onsmqtt.Missing, error) {
			return c.CheckDevice(ctx, onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: "5d1e0000000000f9"})
		}, onsmqtt.MissingDevice, map[string]int64{"GetDeviceCertificate": 1, "GetCaCertificate": 1}},
	} {
		calls()
		got, err := tc.check()
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
		if c := calls(); !maps.Equal(c, tc.calls) {
			t.Errorf("%s: calls %v, want %v", tc.name, c, tc.calls)
		}
	}
}

// A refused check is an error, not an answer: the caller must not take a
// permission failure for "exists" or "missing".
func TestExistenceCheckRefused(t *testing.T) {
	seed := emulator.DemoSeed()
	seed.Accounts[0].AccessKeys[0].Actions = []string{"mq:GetDeviceCertificate", "mq:MqttInstanceAccess"}
	e, err := emulator.New(seed, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	c := fleetClient(t, srv.URL, 0)
	ctx := context.Background()
	if m, err := c.CheckCA(ctx, onsmqtt.CAKey{InstanceID: emulator.DemoInstanceID, Sn: emulator.DemoCASn}); err == nil || m != onsmqtt.MissingNothing {
		t.Errorf("CheckCA under a policy without mq:GetCaCertificate: %q, %v; want an error", m, err)
	}
	// The device's own answer is enough: missing, whatever the CA check says.
	m, err := c.CheckDevice(ctx, onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: "5d1e0000000000f9"})
	if err != nil || m != onsmqtt.MissingDevice {
		t.Errorf("CheckDevice of an unknown device with the CA check refused: %q, %v; want %q", m, err, onsmqtt.MissingDevice)
	}
}
