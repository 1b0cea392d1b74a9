package onsmqtt_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// These tests drive the real SDK over HTTP against the emulator.

func startEmulator(t *testing.T, opts emulator.Options, devices ...emulator.DeviceCertificate) *emulator.Server {
	t.Helper()
	srv, err := emulator.Start(emulator.DemoSeed(), opts, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	for _, d := range devices {
		if err := srv.PutDevice(d); err != nil {
			t.Fatal(err)
		}
	}
	return srv
}

func device(sn, status string) emulator.DeviceCertificate {
	return emulator.DeviceCertificate{InstanceID: emulator.DemoInstanceID, CASn: "ca01", DeviceSn: sn, DeviceName: "name-" + sn, Status: status,
		ValidBegin: time.UnixMilli(1654137303000).UTC(), ValidEnd: time.UnixMilli(1969497303000).UTC()}
}

func key(sn string) onsmqtt.DeviceKey {
	return onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: "ca01", DeviceSn: sn}
}

type recordingLogger struct {
	mu    sync.Mutex
	lines []map[string]any
}

func (l *recordingLogger) Debug(_ context.Context, msg string, f map[string]any) { l.add(msg, f) }
func (l *recordingLogger) Warn(_ context.Context, msg string, f map[string]any)  { l.add(msg, f) }
func (l *recordingLogger) add(msg string, f map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := map[string]any{"msg": msg}
	for k, v := range f {
		c[k] = v
	}
	l.lines = append(l.lines, c)
}

func newClient(t *testing.T, srv *emulator.Server, mutate func(*onsmqtt.Config)) *onsmqtt.Client {
	t.Helper()
	return onsmqtttest.Client(t, srv.URL, func(cfg *onsmqtt.Config) {
		cfg.RateLimit = 500
		cfg.Retry = onsmqtt.RetryPolicy{InitialInterval: 10 * time.Millisecond, MaxInterval: 50 * time.Millisecond}
		if mutate != nil {
			mutate(cfg)
		}
	})
}

func TestGetAndSetStatus(t *testing.T) {
	srv := startEmulator(t, emulator.Options{}, device("d1", "1"))
	log := &recordingLogger{}
	c := newClient(t, srv, func(cfg *onsmqtt.Config) { cfg.Logger = log })
	ctx := context.Background()

	got, err := c.GetDeviceCertificate(ctx, key("d1"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != onsmqtt.StatusActive || got.DeviceName != "name-d1" || got.DeviceKey != key("d1") {
		t.Errorf("got %+v", got)
	}
	if !got.ValidEnd.Equal(time.UnixMilli(1969497303000)) {
		t.Errorf("ValidEnd = %v", got.ValidEnd)
	}
	if err := c.SetDeviceCertificateStatus(ctx, key("d1"), onsmqtt.StatusInactive); err != nil {
		t.Fatal(err)
	}
	if d, _ := srv.Device(emulator.DemoInstanceID, "ca01", "d1"); d.Status != "0" {
		t.Errorf("emulator holds status %q after inactivation", d.Status)
	}
	if err := c.SetDeviceCertificateStatus(ctx, key("d1"), onsmqtt.StatusActive); err != nil {
		t.Fatal(err)
	}
	if d, _ := srv.Device(emulator.DemoInstanceID, "ca01", "d1"); d.Status != "1" {
		t.Errorf("emulator holds status %q after activation", d.Status)
	}
	calls := srv.Calls()
	if calls["GetDeviceCertificate"] != 1 || calls["InactivateDeviceCertificate"] != 1 || calls["ActiveDeviceCertificate"] != 1 {
		t.Errorf("calls = %v", calls)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.lines) != 3 || log.lines[0]["action"] != "GetDeviceCertificate" || log.lines[0]["request_id"] == "" || log.lines[0]["attempt"] != 1 {
		t.Errorf("log lines = %v", log.lines)
	}
}

func TestNotFoundIsClassifiedByCodeWhateverTheStatus(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		srv := startEmulator(t, emulator.Options{LegacyStatuses: legacy})
		c := newClient(t, srv, nil)
		_, err := c.GetDeviceCertificate(context.Background(), key("missing"))
		var apiErr *onsmqtt.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "FindDeviceBySnError" || !onsmqtt.IsNotFound(err) {
			t.Fatalf("legacy=%v: err = %v", legacy, err)
		}
		wantStatus := 400
		if legacy {
			wantStatus = 500
		}
		if apiErr.HTTPStatus != wantStatus || apiErr.RequestID == "" || apiErr.Attempts != 1 {
			t.Errorf("legacy=%v: %+v", legacy, apiErr)
		}
		if n := srv.Calls()["GetDeviceCertificate"]; n != 1 {
			t.Errorf("legacy=%v: not-found was retried: %d calls", legacy, n)
		}
	}
}

func TestPermanentErrorsFailFastWithoutRetry(t *testing.T) {
	srv := startEmulator(t, emulator.Options{}, device("d1", "1"))
	cases := map[string]func(*onsmqtt.Config){
		"SignatureDoesNotMatch":       func(c *onsmqtt.Config) { c.Credentials.AccessKeySecret = "wrong" },
		"InvalidAccessKeyId.NotFound": func(c *onsmqtt.Config) { c.Credentials.AccessKeyID = "LTAI-nobody" },
	}
	for code, mutate := range cases {
		srv.ResetCounters()
		c := newClient(t, srv, mutate)
		_, err := c.GetDeviceCertificate(context.Background(), key("d1"))
		var apiErr *onsmqtt.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != code || apiErr.Class != onsmqtt.ClassPermanent {
			t.Errorf("%s: err = %v", code, err)
			continue
		}
		if n := srv.Calls()["GetDeviceCertificate"]; n != 1 {
			t.Errorf("%s: %d calls, want 1 (no retry)", code, n)
		}
	}
	// Another account's instance.
	var other string
	for _, in := range emulator.DemoSeed().Instances {
		if in.AccountID != emulator.DemoAccountID {
			other = in.ID
		}
	}
	srv.ResetCounters()
	_, err := newClient(t, srv, nil).GetDeviceCertificate(context.Background(), onsmqtt.DeviceKey{InstanceID: other, CASn: "ca01", DeviceSn: "d1"})
	var apiErr *onsmqtt.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "MqttOwnerCheckError" || apiErr.HTTPStatus != 403 || srv.Calls()["GetDeviceCertificate"] != 1 {
		t.Errorf("owner check: err = %v, calls %v", err, srv.Calls())
	}
}

func TestThrottlingAndTransientFaultsAreRetried(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts emulator.Options
		code string
	}{
		{"Throttling.User", emulator.Options{RateLimit: 5}, "Throttling.User"},
		{"SystemOverFlow", emulator.Options{RateLimit: 5, ThrottleCode: "SystemOverFlow"}, "SystemOverFlow"},
		{"InternalError", emulator.Options{Faults: emulator.FaultConfig{Rate: 0.5, Kinds: []string{"InternalError"}}, RandSeed: 7}, "InternalError"},
		{"ServiceUnavailable", emulator.Options{Faults: emulator.FaultConfig{Rate: 0.5, Kinds: []string{"ServiceUnavailable"}}, RandSeed: 7}, "ServiceUnavailable"},
		{"reset", emulator.Options{Faults: emulator.FaultConfig{Rate: 0.5, Kinds: []string{"reset"}}, RandSeed: 7}, "reset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startEmulator(t, tc.opts, device("d1", "1"))
			c := newClient(t, srv, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			const n = 20
			for i := 0; i < n; i++ {
				if _, err := c.GetDeviceCertificate(ctx, key("d1")); err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			if srv.Errors()[tc.code] == 0 {
				t.Fatalf("no %s was injected (errors %v): the test proves nothing", tc.code, srv.Errors())
			}
			if got := srv.Calls()["GetDeviceCertificate"]; got < n+1 {
				t.Errorf("%d calls for %d successes despite %v", got, n, srv.Errors())
			}
		})
	}
}

func TestStalledAttemptIsAbandonedAndRetried(t *testing.T) {
	srv := startEmulator(t, emulator.Options{
		Faults: emulator.FaultConfig{Rate: 0.5, Kinds: []string{"stall"}, Stall: 5 * time.Second}, RandSeed: 3,
	}, device("d1", "1"))
	c := newClient(t, srv, func(cfg *onsmqtt.Config) { cfg.AttemptTimeout = 300 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := 0; i < 6; i++ {
		if _, err := c.GetDeviceCertificate(ctx, key("d1")); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	// An abandoned stall never answers, so it shows as an extra call.
	if n := srv.Calls()["GetDeviceCertificate"]; n <= 6 {
		t.Fatalf("%d calls for 6 successes: no stalled attempt was abandoned and retried", n)
	}
}

func TestClientSideRateLimitKeepsUnderTheGatewayLimit(t *testing.T) {
	// The emulator allows 50 calls/s; the client is limited to 40/s and must
	// never be throttled even with 16 goroutines pushing.
	srv := startEmulator(t, emulator.Options{RateLimit: 50}, device("d1", "1"))
	c := newClient(t, srv, func(cfg *onsmqtt.Config) { cfg.RateLimit = 40 })
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 4; i++ {
				if _, err := c.GetDeviceCertificate(context.Background(), key("d1")); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := srv.Errors()["Throttling.User"]; n != 0 {
		t.Errorf("the gateway throttled %d calls: the client-side limit does not hold", n)
	}
	if n := srv.Calls()["GetDeviceCertificate"]; n != 64 {
		t.Errorf("%d calls, want exactly 64", n)
	}
}

func TestConcurrentCallsAreRaceFree(t *testing.T) {
	var devices []emulator.DeviceCertificate
	for i := 0; i < 64; i++ {
		devices = append(devices, device(fmt.Sprintf("c%02d", i), "1"))
	}
	srv := startEmulator(t, emulator.Options{}, devices...)
	c := newClient(t, srv, nil)
	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			k := key(fmt.Sprintf("c%02d", i))
			want := onsmqtt.StatusActive
			if i%2 == 0 {
				want = onsmqtt.StatusInactive
			}
			if err := c.SetDeviceCertificateStatus(context.Background(), k, want); err != nil {
				t.Error(err)
				return
			}
			got, err := c.GetDeviceCertificate(context.Background(), k)
			if err != nil || got.Status != want {
				t.Errorf("%s: %v %v", k.DeviceSn, got.Status, err)
			}
		}(i)
	}
	wg.Wait()
}

func TestListFollowsEveryPage(t *testing.T) {
	var devices []emulator.DeviceCertificate
	for i := 0; i < 250; i++ {
		d := device(fmt.Sprintf("l%03d", i), "1")
		if i >= 200 {
			d.CASn = "ca02"
		}
		devices = append(devices, d)
	}
	srv := startEmulator(t, emulator.Options{}, devices...)
	c := newClient(t, srv, nil)
	all, err := c.ListDeviceCertificates(context.Background(), emulator.DemoInstanceID, "")
	if err != nil {
		t.Fatal(err)
	}
	seeded := 0
	for _, d := range emulator.DemoSeed().Devices {
		if d.InstanceID == emulator.DemoInstanceID {
			seeded++
		}
	}
	if len(all) != 250+seeded {
		t.Errorf("listed %d certificates, want %d", len(all), 250+seeded)
	}
	byCA, err := c.ListDeviceCertificates(context.Background(), emulator.DemoInstanceID, "ca02")
	if err != nil {
		t.Fatal(err)
	}
	if len(byCA) != 50 || byCA[0].CASn != "ca02" {
		t.Errorf("by CA: %d certificates, first %+v", len(byCA), byCA[0])
	}
	if n := srv.Calls()["ListDeviceCertificate"]; n != 3 {
		t.Errorf("ListDeviceCertificate pages fetched: %d, want 3", n)
	}
}

func TestAssumeRoleThenCallWithTemporaryCredentials(t *testing.T) {
	srv := startEmulator(t, emulator.Options{}, device("d1", "1"))
	c := newClient(t, srv, nil)
	ep, _ := onsmqtt.ParseEndpoint(srv.URL)
	creds, expires, err := c.AssumeRole(context.Background(), ep, onsmqtt.AssumeRoleInput{RoleArn: emulator.DemoRoleArn, SessionName: "tests", DurationSeconds: 900})
	if err != nil {
		t.Fatal(err)
	}
	if creds.SecurityToken == "" || creds.AccessKeyID == emulator.DemoAccessKeyID || time.Until(expires) < 10*time.Minute {
		t.Fatalf("temporary credentials %v expire %v", creds, expires)
	}
	if _, err := c.WithCredentials(creds).GetDeviceCertificate(context.Background(), key("d1")); err != nil {
		t.Fatalf("call with temporary credentials: %v", err)
	}
	// Without the token the temporary key is refused.
	creds.SecurityToken = ""
	_, err = c.WithCredentials(creds).GetDeviceCertificate(context.Background(), key("d1"))
	var apiErr *onsmqtt.APIError
	if !errors.As(err, &apiErr) || apiErr.Class != onsmqtt.ClassPermanent {
		t.Errorf("temporary key without token: err = %v", err)
	}
	_, _, err = c.AssumeRole(context.Background(), ep, onsmqtt.AssumeRoleInput{RoleArn: "acs:ram::" + emulator.DemoAccountID + ":role/nope", SessionName: "tests"})
	if !errors.As(err, &apiErr) || apiErr.Code != "EntityNotExist.Role" {
		t.Errorf("unknown role: err = %v", err)
	}
}

func TestCredentialsNeverPrintSecrets(t *testing.T) {
	c := onsmqtt.Credentials{AccessKeyID: "AKID", AccessKeySecret: "s3cr3t-value", SecurityToken: "t0ken-value"}
	for _, s := range []string{c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprint(&c)} {
		if strings.Contains(s, "s3cr3t-value") || strings.Contains(s, "t0ken-value") {
			t.Errorf("credentials formatted as %q expose a secret", s)
		}
		if !strings.Contains(s, "AKID") {
			t.Errorf("credentials formatted as %q lose the key ID", s)
		}
	}
}
