package provider_test

import (
	"io"
	"log"
	"net"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// A wrong endpoints.onsmqtt must end apply with the endpoint and the fix in
// seconds, not after every resource's 5-minute create timeout (the
// resource below keeps its default timeouts). Each case measures the whole
// engine run: init, plan, the failing apply and the destroy after it.
func TestAccEndpointFailFast(t *testing.T) {
	plain := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, plain, acctest.Device("ca01", "ff01", "1"))
	tlsAddr := startTLSEmulator(t)
	closed := closedPort(t)

	cases := []struct {
		name     string
		endpoint string
		bound    time.Duration
		planOnly bool
		want     []string // phrases, in order, that the error must show
	}{
		{"pasted banner host:port", plain.Endpoint, 30 * time.Second, false, []string{
			"https://" + plain.Endpoint + " speaks plain HTTP, not HTTPS",
			"use " + plain.URL + " in endpoints.onsmqtt or APSARAMQ_ONSMQTT_ENDPOINT",
		}},
		{"https to the plain emulator", "https://" + plain.Endpoint, 30 * time.Second, false, []string{
			"https://" + plain.Endpoint + " speaks plain HTTP, not HTTPS",
			"use " + plain.URL + " in endpoints.onsmqtt",
		}},
		{"http to a TLS server", "http://" + tlsAddr, 30 * time.Second, false, []string{
			"http://" + tlsAddr + " speaks HTTPS (TLS), not plain HTTP",
			"Use https://" + tlsAddr + " in endpoints.onsmqtt",
		}},
		{"untrusted certificate", "https://" + tlsAddr, 30 * time.Second, false, []string{
			"certificate of the endpoint https://" + tlsAddr + " is signed by an authority this machine does not trust",
			"corporate proxy", "SSL_CERT_FILE",
		}},
		{"unknown host", "https://onsmqtt.nowhere.invalid", 30 * time.Second, false, []string{
			"the host onsmqtt.nowhere.invalid of the endpoint https://onsmqtt.nowhere.invalid does not exist",
			"Check the host in endpoints.onsmqtt",
		}},
		{"closed port", "http://" + closed, 90 * time.Second, false, []string{
			"nothing answers at http://" + closed, "connection refused",
			"Start the emulator if it is one, check the port, or check endpoints.onsmqtt",
		}},
		// Refused by ParseEndpoint when the engine configures the provider
		// for the plan: no API call is ever made.
		{"malformed endpoint", "http://" + plain.Endpoint + "/onsmqtt", 30 * time.Second, true, []string{
			"Invalid Endpoint", "must be only scheme://host[:port], without user info, path or query",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			started := time.Now()
			// Deferred, so the bound is checked even when resource.Test
			// stops the test on an unexpected error.
			defer func() {
				elapsed := time.Since(started)
				t.Logf("%s: the engine run ended in %v", tc.name, elapsed.Round(10*time.Millisecond))
				if elapsed > tc.bound {
					t.Errorf("%s took %v, want at most %v: the failure was retried", tc.name, elapsed, tc.bound)
				}
			}()
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
				Steps: []resource.TestStep{{
					Config:      providerWithEndpoint(tc.endpoint) + resourceBlock("ff01"),
					PlanOnly:    tc.planOnly,
					ExpectError: regexp.MustCompile(phrases(tc.want...)),
				}},
			})
		})
	}
	if n := plain.Calls()["GetDeviceCertificate"]; n != 0 {
		t.Errorf("the plain emulator served %d GetDeviceCertificate calls", n)
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

// startTLSEmulator serves the emulator over TLS with httptest's certificate,
// which this machine does not trust.
func startTLSEmulator(t *testing.T) string {
	t.Helper()
	e, err := emulator.New(emulator.DemoSeed(), emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(e)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}
