// Command demo runs the provider's main job end to end against the embedded
// emulator: adopt a fleet's device certificates, catch an out-of-band change
// with plan, repair it, and destroy. It narrates each step and fails loudly
// when the API does not hold what the step promises. Run it with `make demo`.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func main() {
	engine := flag.String("engine", "", "absolute path of terraform or tofu")
	keep := flag.Bool("keep", false, "keep the working directory for inspection")
	flag.Parse()
	if err := run(*engine, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "\ndemo FAILED:", err)
		os.Exit(1)
	}
	fmt.Println("\ndemo passed: apply, drift detection, repair and destroy all behaved as promised.")
}

// fleet is what the demo configuration asks for, by device serial number.
var fleet = map[string]string{
	emulator.DemoDeviceSn:         "active",
	emulator.DemoDevice2Sn:        "inactive", // a lost device: revoke it
	emulator.DemoInactiveDeviceSn: "active",   // a repaired device: let it back in
}

func run(engine string, keep bool) error {
	if engine == "" {
		return errors.New("-engine is required (tools/demo.sh finds or builds one)")
	}
	work, err := os.MkdirTemp("", "apsaramq-demo-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("working directory:", work)
	} else {
		defer os.RemoveAll(work)
	}

	step("Build the provider")
	pluginDir := filepath.Join(work, "plugins")
	if err := command("", nil, "go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-apsaramq"), ".").Run(); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}

	step("Start the OnsMqtt emulator with a demo account, instance, CA and three device certificates")
	srv, err := emulator.Start(emulator.DemoSeed(), emulator.Options{}, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Printf("emulator at %s, instance %s, CA %s\n", srv.URL, emulator.DemoInstanceID, emulator.DemoCASn)
	printStatuses(srv)

	cli := filepath.Base(engine)
	tf, err := newEngine(engine, work, pluginDir, srv)
	if err != nil {
		return err
	}

	step(cli + " apply: adopt the three certificates; revoke the lost device, readmit the repaired one")
	if err := tf.run(0, "apply", "-auto-approve"); err != nil {
		return err
	}
	if err := expectFleet(srv, nil); err != nil {
		return err
	}
	reportCalls(srv)

	step("Out of band: someone inactivates " + emulator.DemoDeviceSn + " in the console")
	if err := srv.SetDeviceStatus(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn, "0"); err != nil {
		return err
	}
	printStatuses(srv)

	step(cli + " plan: the drift shows as an in-place update (exit code 2)")
	if err := tf.run(2, "plan", "-detailed-exitcode"); err != nil {
		return err
	}
	reportCalls(srv)

	step(cli + " apply: repair the drift")
	if err := tf.run(0, "apply", "-auto-approve"); err != nil {
		return err
	}
	if err := expectFleet(srv, nil); err != nil {
		return err
	}

	step(cli + " plan: nothing left to do (exit code 0)")
	if err := tf.run(0, "plan", "-detailed-exitcode"); err != nil {
		return err
	}
	srv.ResetCounters()

	step(cli + " destroy: every certificate is inactivated (the registrations stay)")
	if err := tf.run(0, "destroy", "-auto-approve"); err != nil {
		return err
	}
	inactive := map[string]string{}
	for sn := range fleet {
		inactive[sn] = "inactive"
	}
	if err := expectFleet(srv, inactive); err != nil {
		return err
	}
	reportCalls(srv)
	return nil
}

func step(title string) {
	fmt.Printf("\n==> %s\n", title)
}

func printStatuses(srv *emulator.Server) {
	for _, sn := range sortedKeys(fleet) {
		d, ok := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, sn)
		if !ok {
			fmt.Printf("    %s: not registered\n", sn)
			continue
		}
		fmt.Printf("    %s (%s): %s\n", sn, d.DeviceName, apiStatus(d.Status))
	}
}

// expectFleet checks what the API holds (not what state claims).
func expectFleet(srv *emulator.Server, want map[string]string) error {
	if want == nil {
		want = fleet
	}
	fmt.Println("what the API holds now:")
	printStatuses(srv)
	for sn, status := range want {
		d, ok := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, sn)
		if !ok || apiStatus(d.Status) != status {
			return fmt.Errorf("device %s: the API holds %q, the configuration says %q", sn, apiStatus(d.Status), status)
		}
	}
	return nil
}

func reportCalls(srv *emulator.Server) {
	calls := srv.Calls()
	var parts []string
	for _, action := range sortedKeys(calls) {
		parts = append(parts, fmt.Sprintf("%s=%d", action, calls[action]))
	}
	fmt.Printf("API calls in this step: %s\n", strings.Join(parts, ", "))
	srv.ResetCounters()
}

func apiStatus(s string) string {
	if s == "1" {
		return "active"
	}
	return "inactive"
}
