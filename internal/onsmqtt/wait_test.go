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

// The device connects once the client has checked twice and found nothing:
// counted by the emulator, not timed, so a slow machine checks as often.
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
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	registered := make(chan time.Time, 1)
	go func() {
		for e.Errors()["FindDeviceBySnError"] < 2 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
		if _, err := e.RegisterDevicePEM(emulator.DemoInstanceID, dev.CertPEM); err != nil {
			t.Error(err)
		}
		registered <- time.Now()
	}()

	key := onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: dev.Sn}
	started := time.Now()
	cert, err := c.WaitForDeviceCertificate(ctx, key, fastWait)
	if err != nil {
		t.Fatal(err)
	}
	returned := time.Now()
	if cert.DeviceName != "late-sensor" || cert.Status != onsmqtt.StatusActive {
		t.Fatalf("cert = %+v", cert)
	}
	if at := <-registered; returned.Before(at) {
		t.Fatalf("returned %v before the device connected", at.Sub(returned))
	}
	if n := e.Errors()["FindDeviceBySnError"]; n < 2 {
		t.Fatalf("want several not-found checks before the device connected, got %d", n)
	}
	t.Logf("returned after %v, %d not-found checks", returned.Sub(started).Round(time.Millisecond), e.Errors()["FindDeviceBySnError"])
}

func TestWaitForDeviceCertificateTimesOutWithAClearError(t *testing.T) {
	e, url := fleetEmulator(t, nil)
	c := fleetClient(t, url, 0)
	// Checks every 50-200 ms: a few of them fit in two seconds on any machine.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	key := onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: "never-connects"}
	_, err := c.WaitForDeviceCertificate(ctx, key, fastWait)
	var timeout *onsmqtt.RegistrationTimeoutError
	if !errors.As(err, &timeout) {
		t.Fatalf("want *RegistrationTimeoutError, got %T: %v", err, err)
	}
	// The deadline may cut the last check before it reaches the emulator,
	// so the emulator counts every check or all but the last.
	if counted := e.Calls()["GetDeviceCertificate"]; timeout.Checks < 3 || counted > int64(timeout.Checks) || counted < int64(timeout.Checks)-1 {
		t.Fatalf("checks = %d, emulator counted %d", timeout.Checks, counted)
	}
	if !onsmqtt.IsNotFound(timeout.Last) || !strings.Contains(err.Error(), "never connected") {
		t.Fatalf("error %q, last %v", err, timeout.Last)
	}
	t.Logf("%d checks in %v", timeout.Checks, timeout.Waited.Round(time.Millisecond))
}

// A wait stopped by the user or the engine says it was cancelled, not that
// the device never connected, and is not taken for a missing certificate.
func TestWaitForDeviceCertificateSaysWhenCancelled(t *testing.T) {
	e, url := fleetEmulator(t, nil)
	c := fleetClient(t, url, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for e.Errors()["FindDeviceBySnError"] < 2 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	key := onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: "never-connects"}
	_, err := c.WaitForDeviceCertificate(ctx, key, fastWait)
	var (
		canceled *onsmqtt.CanceledError
		never    *onsmqtt.RegistrationTimeoutError
	)
	if !errors.As(err, &canceled) || errors.As(err, &never) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v (%T), want a *CanceledError", err, err)
	}
	if onsmqtt.IsNotFound(err) || canceled.Attempts < 2 || !onsmqtt.IsNotFound(canceled.Last) {
		t.Errorf("cancelled wait: not found %v, %d checks, last %v; want not taken for not found, 2 checks or more, the last not-found answer",
			onsmqtt.IsNotFound(err), canceled.Attempts, canceled.Last)
	}
	if msg := err.Error(); !strings.Contains(msg, "cancelled") || strings.Contains(msg, "never connected") {
		t.Errorf("message: %s", msg)
	}
}

// Only not-found is waited on: another failure ends the wait at once, after
// one check, long before the context would.
func TestWaitForDeviceCertificateStopsOnOtherErrors(t *testing.T) {
	e, url := fleetEmulator(t, nil)
	c := fleetClient(t, url, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key := onsmqtt.DeviceKey{InstanceID: emulator.OtherInstanceID, CASn: emulator.OtherCASn, DeviceSn: emulator.OtherDeviceSn}
	_, err := c.WaitForDeviceCertificate(ctx, key, fastWait)
	// The error class and the count say it stopped at once: a wait that went
	// on would end with the context's deadline after more checks.
	var apiErr *onsmqtt.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "MqttOwnerCheckError" {
		t.Fatalf("want MqttOwnerCheckError, got %v", err)
	}
	if n := e.Calls()["GetDeviceCertificate"]; n != 1 {
		t.Fatalf("a permanent error took %d checks to surface, want one", n)
	}
}
