package acctest

import (
	"context"
	"fmt"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// CheckEmulatorDeviceStatus checks what the emulator (the API) holds, not
// what state claims: status is "1" (active) or "0" (inactive).
func CheckEmulatorDeviceStatus(srv *emulator.Server, caSn, deviceSn, status string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		d, ok := srv.Device(emulator.DemoInstanceID, caSn, deviceSn)
		if !ok {
			return fmt.Errorf("device %s/%s is not registered in the emulator", caSn, deviceSn)
		}
		if d.Status != status {
			return fmt.Errorf("device %s/%s: emulator holds status %q, want %q", caSn, deviceSn, d.Status, status)
		}
		return nil
	}
}

// CheckNoAPICalls checks that nothing reached the API, e.g. after a
// configuration that validation must refuse at plan time.
func CheckNoAPICalls(srv *emulator.Server) error {
	calls := srv.Calls()
	if len(calls) == 0 {
		return nil
	}
	return fmt.Errorf("expected no API calls, the emulator counted: %s", FormatCalls(calls))
}

// CheckCalls compares the emulator's per-action counters with want exactly
// (actions absent from want must not have been called) and resets them.
func CheckCalls(srv *emulator.Server, want map[string]int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := srv.Calls()
		srv.ResetCounters()
		for action, n := range want {
			if got[action] != n {
				return fmt.Errorf("API calls: want %s, got %s", FormatCalls(want), FormatCalls(got))
			}
		}
		for action, n := range got {
			if _, ok := want[action]; !ok && n > 0 {
				return fmt.Errorf("API calls: want %s, got %s", FormatCalls(want), FormatCalls(got))
			}
		}
		return nil
	}
}

// FormatCalls renders counters stably for messages.
func FormatCalls(calls map[string]int64) string {
	keys := make([]string, 0, len(calls))
	for k := range calls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, calls[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// CheckFunc is a state check that runs fn, for checks on the API side that
// must run where legacy Check functions cannot (for_each instances).
func CheckFunc(fn func() error) statecheck.StateCheck { return funcStateCheck(fn) }

type funcStateCheck func() error

func (f funcStateCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if err := f(); err != nil {
		resp.Error = err
	}
}

// CheckEmulatorCA checks the CA record the emulator holds: status "1"/"0",
// or "" for "must not exist".
func CheckEmulatorCA(srv *emulator.Server, instanceID, sn, status string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ca, ok := srv.CA(instanceID, sn)
		switch {
		case status == "" && ok:
			return fmt.Errorf("CA %s is still registered on %s", sn, instanceID)
		case status == "":
			return nil
		case !ok:
			return fmt.Errorf("CA %s is not registered on %s", sn, instanceID)
		case ca.Status != status:
			return fmt.Errorf("CA %s: emulator holds status %q, want %q", sn, ca.Status, status)
		}
		return nil
	}
}
