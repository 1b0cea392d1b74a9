package onsmqtt_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// fleetEmulator serves onsmqtttest.FleetSeed over HTTP; wrap, when not nil,
// may put a handler in front of the emulator.
func fleetEmulator(t *testing.T, wrap func(http.Handler) http.Handler) (*emulator.Emulator, string) {
	t.Helper()
	e, err := emulator.New(onsmqtttest.FleetSeed(), emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = e
	if wrap != nil {
		h = wrap(e)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return e, srv.URL
}

// fleetClient is a demo-account client of url with fast retries.
func fleetClient(t *testing.T, url string, rateLimit float64) *onsmqtt.Client {
	t.Helper()
	return onsmqtttest.Client(t, url, func(cfg *onsmqtt.Config) {
		cfg.RateLimit = rateLimit
		cfg.Retry = onsmqtt.RetryPolicy{InitialInterval: 10 * time.Millisecond, MaxInterval: 50 * time.Millisecond}
	})
}

// newCA makes a CA and the verification certificate for code.
func newCA(t *testing.T, code string) (*emulator.TestCA, string) {
	t.Helper()
	ca, err := emulator.NewTestCA("fleet test CA")
	if err != nil {
		t.Fatal(err)
	}
	ver, err := ca.IssueVerification(code)
	if err != nil {
		t.Fatal(err)
	}
	return ca, string(ver.CertPEM)
}
