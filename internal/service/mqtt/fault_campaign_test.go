package mqtt_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// faultServer serves an emulator behind a thin wrapper that counts the
// stalls the client abandoned: the emulator answers (and counts) a stall
// only when the client is still waiting, so Errors() alone would miss them.
// It also records when each call arrived.
type faultServer struct {
	*emulator.Emulator
	URL       string
	abandoned atomic.Int64
	changed   sync.Map // DeviceSn -> true, for every call that asked to change or delete a device certificate
	arrivals  arrivals
}

// arrivals records when each API call reached the server, by action: how
// long an operation kept calling, read from the calls themselves, so that
// neither the engine's start-up nor the time a parallel test waits for its
// turn is counted.
type arrivals struct {
	mu sync.Mutex
	at map[string][]time.Time
}

func (a *arrivals) record(action string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.at == nil {
		a.at = map[string][]time.Time{}
	}
	a.at[action] = append(a.at[action], time.Now())
}

// spread is how many calls of action arrived and the time from the first
// to the last.
func (a *arrivals) spread(action string) (int, time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	at := a.at[action]
	if len(at) == 0 {
		return 0, 0
	}
	return len(at), at[len(at)-1].Sub(at[0])
}

// changingActions may alter a device certificate.
var changingActions = map[string]bool{
	"ActiveDeviceCertificate": true, "InactivateDeviceCertificate": true, "DeleteDeviceCertificate": true,
}

// campaignConditions are the fault campaigns' emulator options: 20%
// transient faults of every kind, stalls of 3 s among them, and throttling
// (SystemOverFlow) above 30 calls/s, which the engine's 10 workers exceed;
// randSeed picks the calls that fail.
func campaignConditions(randSeed int64) emulator.Options {
	return emulator.Options{
		RateLimit:    30,
		ThrottleCode: emulator.CodeSystemOverFlow,
		Faults:       emulator.FaultConfig{Rate: 0.2, Stall: 3 * time.Second},
		RandSeed:     randSeed,
	}
}

func startFaultServer(t *testing.T, opts emulator.Options) *faultServer {
	t.Helper()
	e, err := emulator.New(emulator.DemoSeed(), opts)
	if err != nil {
		t.Fatal(err)
	}
	fs := &faultServer{Emulator: e}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if action := q.Get("Action"); action != "" {
			fs.arrivals.record(action)
		}
		if changingActions[q.Get("Action")] {
			fs.changed.Store(q.Get("DeviceSn"), true)
		}
		rw := &recordingWriter{ResponseWriter: w}
		e.ServeHTTP(rw, r)
		if r.URL.Path == "/" && !rw.wrote && !rw.hijacked && r.Context().Err() != nil {
			fs.abandoned.Add(1)
		}
	}))
	t.Cleanup(srv.Close)
	fs.URL = srv.URL
	return fs
}

type recordingWriter struct {
	http.ResponseWriter
	wrote, hijacked bool
}

func (w *recordingWriter) WriteHeader(code int) { w.wrote = true; w.ResponseWriter.WriteHeader(code) }
func (w *recordingWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}
func (w *recordingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	return w.ResponseWriter.(http.Hijacker).Hijack()
}

func (fs *faultServer) providerBlock(extra ...string) string {
	return fmt.Sprintf(`
provider "apsaramq" {
  region     = %q
  access_key = %q
  secret_key = %q
  `+strings.Join(extra, "\n  ")+`
  endpoints {
    onsmqtt = %q
  }
}
`, emulator.DemoRegion, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, fs.URL)
}

// checkUntouched fails when a certificate outside the configuration was the
// target of a status change or deletion, or no longer holds its status.
func (fs *faultServer) checkUntouched(outside map[string]string) error {
	for sn, status := range outside {
		if _, ok := fs.changed.Load(sn); ok {
			return fmt.Errorf("certificate %s is not in the configuration, yet a call asked to change it", sn)
		}
		if d, ok := fs.Device(emulator.DemoInstanceID, "ca01", sn); !ok || d.Status != status {
			return fmt.Errorf("certificate %s is not in the configuration, yet the API holds %q (registered %v) instead of %q", sn, d.Status, ok, status)
		}
	}
	return nil
}

// A fleet of 200 certificates under 20% transient faults of every kind
// (InternalError, ServiceUnavailable, connection resets, stalls past the
// client's attempt timeout, here client_read_timeout = 2 s) and throttling: apply, refresh and destroy
// succeed without a user-visible error, and the API ends up holding exactly
// what the configuration says.
func TestAccFaultCampaign_fleetOf200UnderTransientFaultsAndThrottling(t *testing.T) {
	const n = 200
	fs := startFaultServer(t, campaignConditions(20260601))
	// Every other certificate starts active and must become inactive, so the
	// apply mixes reads and status changes.
	want := map[string]string{}
	for i := 0; i < n; i++ {
		sn := fmt.Sprintf("f%03d", i)
		status := "1"
		if i%2 == 0 {
			want[sn] = "0"
		} else {
			want[sn] = "1"
			if i%4 == 1 {
				status = "0" // configured active, starts inactive
			}
		}
		if err := fs.PutDevice(acctest.Device("ca01", sn, status)); err != nil {
			t.Fatal(err)
		}
	}
	// Certificates under the same CA that the configuration does not name,
	// in both statuses: no call may target them, during apply or destroy.
	outside := map[string]string{}
	for i := 0; i < 20; i++ {
		sn, status := fmt.Sprintf("out%02d", i), []string{"0", "1"}[i%2]
		outside[sn] = status
		if err := fs.PutDevice(acctest.Device("ca01", sn, status)); err != nil {
			t.Fatal(err)
		}
	}
	cfg := fs.providerBlock("client_read_timeout = 2000") + fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "fleet" {
  count       = %d
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = format("f%%03d", count.index)
  status      = count.index %% 2 == 0 ? "inactive" : "active"
}
`, n, emulator.DemoInstanceID)

	// The clock starts with the step: ParallelTest first waits for the
	// sequential tests of the package.
	var started time.Time
	tc := acctest.TestCase(t,
		resource.TestStep{
			PreConfig: func() { started = time.Now() },
			Config:    cfg,
			ConfigStateChecks: []statecheck.StateCheck{acctest.CheckFunc(func() error {
				// The API holds exactly the configuration: every status, and no
				// certificate touched that the configuration does not name.
				for sn, status := range want {
					d, ok := fs.Device(emulator.DemoInstanceID, "ca01", sn)
					if !ok || d.Status != status {
						return fmt.Errorf("certificate %s: the API holds %q (registered %v), the configuration says %q", sn, d.Status, ok, status)
					}
				}
				return fs.checkUntouched(outside)
			})},
		},
	)
	// Destroy inactivates every configured certificate and still
	// touches nothing else.
	tc.CheckDestroy = func(*terraform.State) error {
		for sn := range want {
			if d, ok := fs.Device(emulator.DemoInstanceID, "ca01", sn); !ok || d.Status != "0" {
				return fmt.Errorf("certificate %s after destroy: the API holds %q (registered %v), want inactive", sn, d.Status, ok)
			}
		}
		return fs.checkUntouched(outside)
	}
	resource.ParallelTest(t, tc)
	errs := fs.Errors()
	injected := errs["InternalError"] + errs["ServiceUnavailable"] + errs["reset"] + fs.abandoned.Load()
	throttled := errs[emulator.CodeSystemOverFlow]
	t.Logf("fault campaign (%s): %d calls; faults injected and survived: %d (InternalError %d incl. stalls the client outwaited, ServiceUnavailable %d, reset %d, stalls abandoned after the attempt timeout %d); throttling answers %d; %s",
		time.Since(started).Round(time.Second), sum(fs.Calls()), injected, errs["InternalError"], errs["ServiceUnavailable"], errs["reset"], fs.abandoned.Load(), throttled, acctest.FormatCalls(errs))
	if errs["InternalError"] == 0 || errs["ServiceUnavailable"] == 0 || errs["reset"] == 0 || fs.abandoned.Load() == 0 {
		t.Errorf("not every fault kind was injected (%s, stalls abandoned %d): the campaign proves less than it claims", acctest.FormatCalls(errs), fs.abandoned.Load())
	}
	if throttled == 0 {
		t.Errorf("no throttling answer was sent: the campaign proves less than it claims")
	}
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// Permanent errors fail on the first attempt, with code, message, request
// ID and the fix.
func TestAccFaultCampaign_permanentErrorsFailFastWithoutRetries(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "perm01", "1"))
	var otherInstance string
	for _, in := range emulator.DemoSeed().Instances {
		if in.AccountID != emulator.DemoAccountID {
			otherInstance = in.ID
		}
	}
	res := func(instance string) string {
		return fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = "perm01"
}
`, instance)
	}
	cases := []struct{ name, config, want string }{
		{"MqttOwnerCheckError", acctest.ProviderBlock(srv, "") + res(otherInstance),
			`Code: MqttOwnerCheckError Message: \S.* Request ID: [0-9A-F-]{36} .*another Alibaba Cloud account; use credentials of the owning account`},
		{"InvalidAccessKeyId", strings.Replace(acctest.ProviderBlock(srv, ""), emulator.DemoAccessKeyID, "LTAI5tNoSuchKey000000001", 1) + res(emulator.DemoInstanceID),
			`Code: InvalidAccessKeyId.NotFound Message: \S.* Request ID: [0-9A-F-]{36} .*check access_key`},
		{"SignatureDoesNotMatch", strings.Replace(acctest.ProviderBlock(srv, ""), emulator.DemoAccessKeySecret, "not-the-secret", 1) + res(emulator.DemoInstanceID),
			// No security token was sent, so the message does not say the
			// string to sign held one.
			`Code: SignatureDoesNotMatch Message: \S.* string to sign is left out of this message\) Request ID: [0-9A-F-]{36} ` +
				`.*check that secret_key belongs to access_key`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.ResetCounters()
			var started time.Time
			resource.Test(t, acctest.TestCase(t, resource.TestStep{
				PreConfig:   func() { started = time.Now() },
				Config:      tc.config,
				ExpectError: wrapTolerant(tc.want),
			}))
			took := time.Since(started)
			calls := srv.Calls()
			if got := calls["GetDeviceCertificate"]; got != 1 {
				t.Errorf("%s: %d GetDeviceCertificate calls, want exactly 1 (no retries); all calls %s", tc.name, got, acctest.FormatCalls(calls))
			}
			if got := sum(calls); got != 1 {
				t.Errorf("%s: %d API calls in all, want the one GetDeviceCertificate: %s", tc.name, got, acctest.FormatCalls(calls))
			}
			if errs := srv.Errors(); errs[tc.name] == 0 && errs[tc.name+".NotFound"] == 0 {
				t.Errorf("the emulator answered no %s: %s", tc.name, acctest.FormatCalls(errs))
			}
			// Failing fast is the single call above: no retry, so no backoff.
			// The clock only catches a provider that waits without calling,
			// e.g. for its 5m create timeout; the bound is wide so that a busy
			// machine, where the step takes seconds, cannot reach it.
			if took > 2*time.Minute {
				t.Errorf("%s: the step took %s: not failing fast", tc.name, took)
			}
			t.Logf("%s: failed after %s with %d API call(s)", tc.name, took.Round(100*time.Millisecond), sum(calls))
		})
	}
}

// An operation timeout shorter than the fault window ends with a clear
// timeout error, well before the default timeouts.
func TestAccFaultCampaign_operationTimeoutShorterThanFaultWindow(t *testing.T) {
	const createTimeout = 4 * time.Second
	fs := startFaultServer(t, emulator.Options{
		Faults: emulator.FaultConfig{Rate: 1, Kinds: []string{emulator.FaultServiceUnavailable}},
	})
	if err := fs.PutDevice(acctest.Device("ca01", "slow01", "1")); err != nil {
		t.Fatal(err)
	}
	cfg := fs.providerBlock() + fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = "slow01"
  status      = "inactive"
  timeouts = {
    create = %q
  }
}
`, emulator.DemoInstanceID, createTimeout)
	// The step's clock starts in PreConfig: ParallelTest first waits for the
	// sequential tests of the package, which is no part of the operation.
	var started time.Time
	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		PreConfig:   func() { started = time.Now() },
		Config:      cfg,
		ExpectError: wrapTolerant(`GetDeviceCertificate timed out after \d+ attempt\(s\).*Raise the resource's timeouts.*Last error: .*Code: ServiceUnavailable.*Request ID: [0-9A-F-]{36}`),
	}))
	took := time.Since(started)
	attempts, spread := fs.arrivals.spread("GetDeviceCertificate")
	t.Logf("timed out after %d attempts, spread over %s; the step took %s", attempts, spread.Round(100*time.Millisecond), took.Round(100*time.Millisecond))
	if calls := fs.Calls()["GetDeviceCertificate"]; calls < 2 {
		t.Errorf("%d attempts before the timeout: the fault window was not retried", calls)
	}
	// Every attempt begins before the operation's deadline, so on any
	// machine the attempts arrive within the create timeout; the margin
	// absorbs a late delivery on a busy one. Had a default timeout (5m) or
	// the client's own retry budget bounded the operation instead, they would
	// spread over minutes.
	if limit := createTimeout + 6*time.Second; spread > limit {
		t.Errorf("the attempts spread over %s, beyond the %s create timeout (limit with margin %s): the configured timeout did not bound the operation",
			spread.Round(100*time.Millisecond), createTimeout, limit)
	}
	if d, _ := fs.Device(emulator.DemoInstanceID, "ca01", "slow01"); d.Status != "1" {
		t.Errorf("the certificate changed (%q) although every call failed", d.Status)
	}
}
