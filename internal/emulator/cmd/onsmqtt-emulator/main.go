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
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "onsmqtt-emulator:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("onsmqtt-emulator", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8787", "address to listen on")
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
	writeSeed := fs.String("write-seed", "", "write the demo seed as JSON to this file ('-' = stdout) and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}

	if *writeSeed != "" {
		if *writeSeed == "-" {
			return writeJSON(os.Stdout, emulator.DemoSeed())
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
	}
	srv, err := emulator.Start(seed, opts, *listen)
	if err != nil {
		return err
	}
	printBanner(srv, *seedFile == "")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "onsmqtt-emulator: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.HTTPServer().Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = srv.Close() // stalled requests: cut them off
	}
	return nil
}

func printBanner(srv *emulator.Server, demo bool) {
	fmt.Printf("onsmqtt-emulator listening on %s\n", srv.URL)
	fmt.Printf("  endpoint (provider endpoints.onsmqtt / APSARAMQ_ONSMQTT_ENDPOINT): %s\n", srv.Endpoint)
	fmt.Printf("  admin API: %s/_emulator/state\n", srv.URL)
	if demo {
		fmt.Printf("  demo account:   %s\n", emulator.DemoAccountID)
		fmt.Printf("  access key:     %s\n", emulator.DemoAccessKeyID)
		fmt.Printf("  access secret:  %s\n", emulator.DemoAccessKeySecret)
		fmt.Printf("  region:         %s\n", emulator.DemoRegion)
		fmt.Printf("  instance:       %s\n", emulator.DemoInstanceID)
		fmt.Printf("  role ARN:       %s\n", emulator.DemoRoleArn)
		fmt.Printf("  CA Sn:          %s\n", emulator.DemoCASn)
		fmt.Printf("  devices:        %s (active), %s (active), %s (inactive)\n",
			emulator.DemoDeviceSn, emulator.DemoDevice2Sn, emulator.DemoInactiveDeviceSn)
	}
}

func writeJSON(f *os.File, s emulator.Seed) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	return err
}
