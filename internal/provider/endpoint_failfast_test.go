package provider_test

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// failFastBound is half a resource's 5-minute default create timeout: a
// failure retried until that timeout cannot end before it, while a correct
// run ends in seconds (printed) even on a busy machine.
const failFastBound = 150 * time.Second

// A wrong endpoints.onsmqtt must end apply with the endpoint and the fix at
// the first attempt (a refused port after the refusal budget), not after the
// resource's 5-minute create timeout (the resource below keeps its default
// timeouts). Every message below is an *onsmqtt.EndpointError's, the class
// that is never retried; where the endpoint is a server of the test's, it
// counts the connections, one per attempt; and the whole engine run (init,
// plan, the failing apply and the destroy after it) must end well before
// the timeout.
func TestAccEndpointFailFast(t *testing.T) {
	plain, tlsSrv := startCountingEmulator(t, false), startCountingEmulator(t, true)
	closed, _ := onsmqtttest.ClosedPort(t)

	cases := []struct {
		name     string
		endpoint string
		planOnly bool
		server   *countingEmulator // nil: no server of the test's answers
		conns    int64             // connections it must see
		want     []string          // phrases, in order, that the error must show
	}{
		{"pasted banner host:port", plain.addr, false, plain, 1, []string{
			"https://" + plain.addr + " speaks plain HTTP, not HTTPS",
			"use http://" + plain.addr + " in endpoints.onsmqtt or APSARAMQ_ONSMQTT_ENDPOINT",
		}},
		{"https to the plain emulator", "https://" + plain.addr, false, plain, 1, []string{
			"https://" + plain.addr + " speaks plain HTTP, not HTTPS",
			"use http://" + plain.addr + " in endpoints.onsmqtt",
		}},
		// The failed call, then the handshake that tells a TLS port.
		{"http to a TLS server", "http://" + tlsSrv.addr, false, tlsSrv, 2, []string{
			"http://" + tlsSrv.addr + " speaks HTTPS (TLS), not plain HTTP",
			"Use https://" + tlsSrv.addr + " in endpoints.onsmqtt",
		}},
		{"untrusted certificate", "https://" + tlsSrv.addr, false, tlsSrv, 1, []string{
			"certificate of the endpoint https://" + tlsSrv.addr + " is signed by an authority this machine does not trust",
			"corporate proxy", "SSL_CERT_FILE",
		}},
		{"unknown host", "https://onsmqtt.nowhere.invalid", false, nil, 0, []string{
			"the host onsmqtt.nowhere.invalid of the endpoint https://onsmqtt.nowhere.invalid does not exist",
			"Check the host in endpoints.onsmqtt",
		}},
		// Retried for the refusal budget (8 s), whatever the timeout.
		{"closed port", "http://" + closed, false, nil, 0, []string{
			"nothing answers at http://" + closed, "connection refused",
			"Start the emulator if it is one, check the port, or check endpoints.onsmqtt",
		}},
		// Refused by ParseEndpoint when the engine configures the provider
		// for the plan: no API call is ever made.
		{"malformed endpoint", "http://" + plain.addr + "/onsmqtt", true, plain, 0, []string{
			"Invalid Endpoint", "must be only scheme://host[:port], without user info, path or query",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before int64
			if tc.server != nil {
				before = tc.server.conns.Load()
			}
			started := time.Now()
			// Deferred, so the checks run even when resource.Test stops the
			// test on an unexpected error.
			defer func() {
				if t.Skipped() {
					return
				}
				elapsed := time.Since(started)
				t.Logf("%s: the engine run ended in %v", tc.name, elapsed.Round(10*time.Millisecond))
				if tc.server != nil {
					got := tc.server.conns.Load() - before
					t.Logf("%s: %d connections to the endpoint", tc.name, got)
					if got != tc.conns {
						t.Errorf("%s: %d connections to the endpoint, want %d: the failure was retried", tc.name, got, tc.conns)
					}
				}
				if elapsed > failFastBound {
					t.Errorf("%s took %v, want well under the 5-minute create timeout (at most %v): the failure was retried", tc.name, elapsed, failFastBound)
				}
			}()
			resource.Test(t, acctest.TestCase(t, resource.TestStep{
				Config:      providerWithEndpoint(tc.endpoint) + resourceBlock("ff01"),
				PlanOnly:    tc.planOnly,
				ExpectError: regexp.MustCompile(phrases(tc.want...)),
			}))
		})
	}
	for _, srv := range []*countingEmulator{plain, tlsSrv} {
		if calls := srv.emu.Calls(); len(calls) != 0 {
			t.Errorf("the emulator at %s served API calls %v: no call can succeed at a wrong endpoint", srv.addr, calls)
		}
	}
}

func providerWithEndpoint(endpoint string) string {
	return acctest.ProviderBlockAt(endpoint, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, "")
}

// phrases matches each phrase in order; Terraform wraps long diagnostics,
// so any run of white space matches a space.
func phrases(ps ...string) string {
	quoted := make([]string, len(ps))
	for i, p := range ps {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return `(?s)` + strings.Join(quoted, ".*")
}

// countingEmulator is an emulator holding the certificate ff01, served by
// httptest, that counts the connections made to it: one per attempt.
type countingEmulator struct {
	emu   *emulator.Emulator
	addr  string
	conns atomic.Int64
}

// startCountingEmulator serves it over plain HTTP, or over TLS with
// httptest's certificate, which this machine does not trust.
func startCountingEmulator(t *testing.T, overTLS bool) *countingEmulator {
	t.Helper()
	e, err := emulator.New(emulator.DemoSeed(), emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.PutDevice(acctest.Device("ca01", "ff01", "1")); err != nil {
		t.Fatal(err)
	}
	c := &countingEmulator{emu: e}
	srv := httptest.NewUnstartedServer(e)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed exchanges are the point
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			c.conns.Add(1)
		}
	}
	if overTLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	c.addr = srv.Listener.Addr().String()
	return c
}
