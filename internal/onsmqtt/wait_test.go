package onsmqtt_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var fastWait = onsmqtt.WaitPolicy{InitialInterval: 50 * time.Millisecond, MaxInterval: 200 * time.Millisecond}

func TestWaitForDeviceCertificateReturnsOnceTheDeviceConnects(t *testing.T) {
	e, url := fleetEmulator(t, nil)
	c := fleetClient(t, url, 0)
	ca, err := emulator.DemoCA()
	if err != nil {
		t.Fatal(err)
	}
	dev, err := ca.IssueDevice("late-sensor")
	if err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(400*time.Millisecond, func() {
		if _, err := e.RegisterDevicePEM(emulator.DemoInstanceID, dev.CertPEM); err != nil {
			t.Error(err)
		}
	})
	defer timer.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key := onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CaSn: emulator.DemoCASn, DeviceSn: dev.Sn}
	started := time.Now()
	cert, err := c.WaitForDeviceCertificate(ctx, key, fastWait)
	if err != nil {
		t.Fatal(err)
	}
	if cert.DeviceName != "late-sensor" || cert.Status != onsmqtt.StatusActive {
		t.Fatalf("cert = %+v", cert)
	}
	if took := time.Since(started); took < 400*time.Millisecond {
		t.Fatalf("returned after %v, before the device connected", took)
	}
	if n := e.Errors()["FindDeviceBySnError"]; n < 2 {
		t.Fatalf("want several not-found checks before the device connected, got %d", n)
	}
}

func TestWaitForDeviceCertificateTimesOutWithAClearError(t *testing.T) {
	e, url := fleetEmulator(t, nil)
	c := fleetClient(t, url, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	key := onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CaSn: emulator.DemoCASn, DeviceSn: "never-connects"}
	_, err := c.WaitForDeviceCertificate(ctx, key, fastWait)
	var timeout *onsmqtt.RegistrationTimeoutError
	if !errors.As(err, &timeout) {
		t.Fatalf("want *RegistrationTimeoutError, got %T: %v", err, err)
	}
	if timeout.Checks < 3 || int64(timeout.Checks) != e.Calls()["GetDeviceCertificate"] {
		t.Fatalf("checks = %d, emulator counted %d", timeout.Checks, e.Calls()["GetDeviceCertificate"])
	}
	if !onsmqtt.IsNotFound(timeout.Last) || !strings.Contains(err.Error(), "never connected") {
		t.Fatalf("error %q, last %v", err, timeout.Last)
	}
}

// Only not-found is waited on: another failure ends the wait at once.
func TestWaitForDeviceCertificateStopsOnOtherErrors(t *testing.T) {
	_, url := fleetEmulator(t, nil)
	c := fleetClient(t, url, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key := onsmqtt.DeviceKey{InstanceID: emulator.OtherInstanceID, CaSn: emulator.OtherCASn, DeviceSn: emulator.OtherDeviceSn}
	started := time.Now()
	_, err := c.WaitForDeviceCertificate(ctx, key, fastWait)
	var apiErr *onsmqtt.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "MqttOwnerCheckError" {
		t.Fatalf("want MqttOwnerCheckError, got %v", err)
	}
	if took := time.Since(started); took > 2*time.Second {
		t.Fatalf("a permanent error took %v to surface", took)
	}
}
