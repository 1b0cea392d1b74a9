// Command onsmqtt-emulator serves the local OnsMqtt (2020-04-20) certificate
// API and STS emulator on a TCP port, for demos, manual testing and
// acceptance tests of the Terraform provider.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "onsmqtt-emulator:", err)
		os.Exit(1)
	}
}

// usageHeader comes before the flags in -h. The emulator speaks plain HTTP,
// and the provider takes an endpoint without a scheme as HTTPS, so the
// endpoint is always shown with http://.
const usageHeader = `Usage: onsmqtt-emulator [flags]

Serves the OnsMqtt 2020-04-20 certificate API and STS AssumeRole over plain
HTTP. Point the provider at http:// and the listen address, e.g.
  endpoints { onsmqtt = "http://127.0.0.1:8787" }   or   APSARAMQ_ONSMQTT_ENDPOINT=http://127.0.0.1:8787
(without http:// the provider speaks HTTPS, which the emulator does not).

Flags:
`

// run serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("onsmqtt-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHeader)
		fs.PrintDefaults()
	}
	listen := fs.String("listen", "127.0.0.1:8787", "`host:port` to listen on; the provider's endpoint is then http://host:port")
	seedFile := fs.String("seed", "", "JSON seed file (default: the built-in demo seed)")
	stateFile := fs.String("state", "", "JSON state file: loaded if it exists, rewritten atomically after every mutation")
	rateLimit := fs.Float64("rate-limit", 0, "calls per second per account (0 = unlimited)")
	throttleCode := fs.String("throttle-code", emulator.CodeThrottlingUser, "code answered when throttled: Throttling.User (HTTP 400) or SystemOverFlow (HTTP 403)")
	legacy := fs.Bool("legacy-statuses", false, "answer MQTT error codes with HTTP 500 like the pre-change docs")
	latency := fs.Duration("latency", 0, "latency added to every API call")
	faultRate := fs.Float64("fault-rate", 0, "probability 0..1 that a signed, valid API call fails")
	faultKinds := fs.String("fault-kinds", "", "comma-separated subset of InternalError,ServiceUnavailable,reset,stall (default all)")
	faultStall := fs.Duration("fault-stall", 30*time.Second, "how long a stall fault hangs before answering InternalError")
	maxCAs := fs.Int("max-cas", 10, "CA certificates per instance before CaNumExceed")
	caFile := fs.String("https-ca-file", "", "also serve HTTPS on another port, with a certificate signed by a new CA written to this `file` (trust it with SSL_CERT_FILE); the provider fetches temporary credentials from STS over HTTPS only")
	writeSeed := fs.String("write-seed", "", "write the demo seed as JSON to this file ('-' = stdout) and exit")
	issueDevice := fs.String("issue-device", "", "mint a device certificate with this `common-name`, signed by the demo CA, write the body "+
		"for POST /_emulator/devices/register (a device connecting to the demo instance) to stdout, its serial number to stderr, and exit")
	// Readings of the points the API reference leaves open (README: "Guesses to confirm").
	pastEnd := fs.String("past-end-page", emulator.PastEndEmpty, "what a list page past the end answers: empty or error")
	totalCounts := fs.String("total-counts", emulator.TotalItems, "what a list's Total counts: items or pages")
	strict := fs.Bool("strict-status-changes", false, "refuse Active* on an active and Inactivate* on an inactive certificate")
	unknownCA := fs.Bool("unknown-ca-list-error", false, "answer FindCaBySnError when listing the devices of an unknown CA")
	keepDevices := fs.Bool("keep-devices-on-ca-delete", false, "keep a deleted CA's device records")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}

	if *issueDevice != "" {
		return issueDemoDevice(*issueDevice, stdout, stderr)
	}
	if *writeSeed != "" {
		if *writeSeed == "-" {
			return writeJSON(stdout, emulator.DemoSeed())
		}
		return emulator.WriteSeedFile(*writeSeed, emulator.DemoSeed())
	}

	seed := emulator.DemoSeed()
	if *seedFile != "" {
		s, err := emulator.ReadSeedFile(*seedFile)
		if err != nil {
			return err
		}
		seed = s
	}
	var kinds []string
	if *faultKinds != "" {
		for k := range strings.SplitSeq(*faultKinds, ",") {
			kinds = append(kinds, strings.TrimSpace(k))
		}
	}
	opts := emulator.Options{
		RateLimit:         *rateLimit,
		ThrottleCode:      *throttleCode,
		LegacyStatuses:    *legacy,
		Latency:           *latency,
		Faults:            emulator.FaultConfig{Rate: *faultRate, Kinds: kinds, Stall: *faultStall},
		MaxCAsPerInstance: *maxCAs,
		StateFile:         *stateFile,
		Behaviour: emulator.Behaviour{PastEndPage: *pastEnd, TotalCounts: *totalCounts, StrictStatusChanges: *strict,
			UnknownCAListError: *unknownCA, KeepDevicesOnCADelete: *keepDevices},
	}
	if *caFile != "" {
		ca, err := emulator.NewTestCA("onsmqtt-emulator HTTPS CA")
		if err != nil {
			return err
		}
		if err := ca.WriteCertFile(*caFile); err != nil {
			return err
		}
		opts.TLSCA = ca
	}
	srv, err := emulator.Start(seed, opts, *listen)
	if err != nil {
		return err
	}
	printBanner(stdout, srv, *seedFile == "")
	if srv.HTTPSURL != "" {
		fmt.Fprintf(stdout, "  HTTPS (endpoints.sts for temporary credentials): %s\n", srv.HTTPSURL)
		fmt.Fprintf(stdout, "  its CA (SSL_CERT_FILE): %s\n", *caFile)
	}

	<-ctx.Done()
	fmt.Fprintln(stderr, "onsmqtt-emulator: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.HTTPServer().Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = srv.Close() // stalled requests: cut them off
	}
	return nil
}

// printBanner prints every address as a URL with its scheme, so each can be
// pasted into a provider setting as it stands.
func printBanner(w io.Writer, srv *emulator.Server, demo bool) {
	endpoint := endpointURL(srv.Endpoint)
	fmt.Fprintf(w, "onsmqtt-emulator listening on %s (plain HTTP)\n", srv.URL)
	fmt.Fprintf(w, "  endpoint (provider endpoints.onsmqtt / APSARAMQ_ONSMQTT_ENDPOINT): %s\n", endpoint)
	fmt.Fprintf(w, "  STS endpoint for assume_role (endpoints.sts / APSARAMQ_STS_ENDPOINT): %s\n", endpoint)
	fmt.Fprintf(w, "  admin API: %s/_emulator/state\n", endpoint)
	if demo {
		fmt.Fprintf(w, "  demo account:   %s\n", emulator.DemoAccountID)
		fmt.Fprintf(w, "  access key:     %s\n", emulator.DemoAccessKeyID)
		fmt.Fprintf(w, "  access secret:  %s\n", emulator.DemoAccessKeySecret)
		fmt.Fprintf(w, "  region:         %s\n", emulator.DemoRegion)
		fmt.Fprintf(w, "  instance:       %s\n", emulator.DemoInstanceID)
		fmt.Fprintf(w, "  role ARN:       %s\n", emulator.DemoRoleArn)
		fmt.Fprintf(w, "  CA Sn:          %s\n", emulator.DemoCASn)
		fmt.Fprintf(w, "  devices:        %s (active), %s (active), %s (inactive)\n",
			emulator.DemoDeviceSn, emulator.DemoDevice2Sn, emulator.DemoInactiveDeviceSn)
	}
}

// endpointURL is the URL a client on this machine uses for the listen
// address: http://, and loopback in place of an unspecified address
// (0.0.0.0 or ::), which is not an address to connect to.
func endpointURL(listenAddr string) string {
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return "http://" + listenAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

func writeJSON(w io.Writer, s emulator.Seed) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// issueDemoDevice mints a device certificate signed by the demo CA (whose
// key is the same in every emulator process) and writes the admin API's
// register body, so that a user can make a new device "connect":
//
//	onsmqtt-emulator -issue-device sensor-004 > device.json
//	curl --data @device.json http://127.0.0.1:8787/_emulator/devices/register
func issueDemoDevice(commonName string, stdout, stderr io.Writer) error {
	ca, err := emulator.DemoCA()
	if err != nil {
		return err
	}
	cert, err := ca.IssueDevice(commonName)
	if err != nil {
		return fmt.Errorf("issuing the device certificate: %w", err)
	}
	body, err := json.MarshalIndent(map[string]string{"instance_id": emulator.DemoInstanceID, "certificate_pem": string(cert.CertPEM)}, "", "  ")
	if err != nil {
		return err
	}
	if _, err := stdout.Write(append(body, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "device certificate %s (CN %s) signed by the demo CA %s; POST it to /_emulator/devices/register of a running emulator "+
		"to register it on %s, as the device's first connection would\n", cert.Sn, commonName, emulator.DemoCASn, emulator.DemoInstanceID)
	return nil
}
