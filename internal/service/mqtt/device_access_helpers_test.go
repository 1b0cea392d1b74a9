package mqtt_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

const accessAddr = "apsaramq_mqtt_device_access.test"

// accessConfig is a device access resource for caSn of the demo instance;
// extra goes inside the resource block.
func accessConfig(provider, caSn string, devices map[string]string, extra string) string {
	return accessConfigAt(provider, emulator.DemoInstanceID, caSn, devicesHCL(devices), extra)
}

// accessConfigAt is a device access resource after provider; devices is
// the map's HCL and extra goes inside the resource block. Any string may
// be given (the validation tests give invalid ones).
func accessConfigAt(provider, instanceID, caSn, devices, extra string) string {
	return provider + fmt.Sprintf(`
resource "apsaramq_mqtt_device_access" "test" {
  instance_id = %s
  ca_sn       = %s
  devices     = %s
  %s
}
`, acctest.HCLString(instanceID), acctest.HCLString(caSn), devices, extra)
}

// devicesHCL writes devices (serial → status) as an HCL map, in key order.
func devicesHCL(devices map[string]string) string {
	var b strings.Builder
	b.WriteString("{\n")
	for _, k := range slices.Sorted(maps.Keys(devices)) {
		fmt.Fprintf(&b, "    %s = %q\n", acctest.HCLString(k), devices[k])
	}
	b.WriteString("  }")
	return b.String()
}

var apiStatus = map[string]string{"active": "1", "inactive": "0"}

// checkAPI checks what the emulator holds for devices of caSn ("active" or
// "inactive"), not what state claims.
func checkAPI(e *emulator.Emulator, caSn string, want map[string]string) error {
	for _, sn := range slices.Sorted(maps.Keys(want)) {
		d, ok := e.Device(emulator.DemoInstanceID, caSn, sn)
		if !ok || d.Status != apiStatus[want[sn]] {
			return fmt.Errorf("certificate %s: the API holds %q (registered %v), want %s (%s)", sn, d.Status, ok, want[sn], apiStatus[want[sn]])
		}
	}
	return nil
}

func apiCheck(e *emulator.Emulator, caSn string, want map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error { return checkAPI(e, caSn, want) }
}

// registered is every certificate the emulator holds under caSn: serial → "active"/"inactive".
func registered(e *emulator.Emulator, caSn string) map[string]string {
	out := map[string]string{}
	for _, d := range e.Snapshot().Devices {
		if d.InstanceID == emulator.DemoInstanceID && d.CASn == caSn {
			out[d.DeviceSn] = map[string]string{"1": "active", "0": "inactive"}[d.Status]
		}
	}
	return out
}

// checkStateMatchesAPI compares the resource's state with the emulator:
// every registered certificate is in devices (by lower-case spelling) or in
// unlisted_device_statuses with the status the API holds, and the counts
// add up.
func checkStateMatchesAPI(e *emulator.Emulator, caSn string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[accessAddr]
		if !ok {
			return fmt.Errorf("%s is not in state", accessAddr)
		}
		inState := map[string]string{}
		for k, v := range rs.Primary.Attributes {
			for _, prefix := range []string{"devices.", "unlisted_device_statuses."} {
				if sn, ok := strings.CutPrefix(k, prefix); ok && sn != "%" {
					inState[strings.ToLower(sn)] = v
				}
			}
		}
		api := registered(e, caSn)
		if !maps.Equal(inState, api) {
			return fmt.Errorf("state says %v, the API holds %v", inState, api)
		}
		active := 0
		for _, st := range api {
			if st == "active" {
				active++
			}
		}
		if got, want := rs.Primary.Attributes["active_count"], fmt.Sprint(active); got != want {
			return fmt.Errorf("active_count %s, the API has %s active", got, want)
		}
		return nil
	}
}

// callsCheck is a plan check on the emulator's counters (and resets them):
// the calls the plan's refresh made.
type callsCheck struct {
	srv  *emulator.Emulator
	want map[string]int64
}

func (c callsCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = acctest.CheckCalls(&emulator.Server{Emulator: c.srv}, c.want)(nil)
}

// expectChange checks one element of a map attribute in the plan: its value
// before (state after refresh) and after (planned), as `plan` prints it.
type expectChange struct {
	attr, key, before, after string
}

func (c expectChange) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != accessAddr {
			continue
		}
		before, after := mapElement(rc.Change.Before, c.attr, c.key), mapElement(rc.Change.After, c.attr, c.key)
		if before != c.before || after != c.after {
			resp.Error = fmt.Errorf("%s[%q]: plan shows %q -> %q, want %q -> %q", c.attr, c.key, before, after, c.before, c.after)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", accessAddr)
}

func mapElement(object any, attr, key string) string {
	o, _ := object.(map[string]any)
	m, _ := o[attr].(map[string]any)
	v, _ := m[key].(string)
	return v
}

// refusingServer serves an emulator behind a handler that answers
// Forbidden.RAM for status changes of the serial numbers in refuse, as a RAM
// policy denying some certificates would.
type refusingServer struct {
	*faultServer
	mu     sync.Mutex
	refuse map[string]bool
}

func startRefusingServer(t *testing.T) *refusingServer {
	t.Helper()
	rs := &refusingServer{}
	rs.faultServer = startWrappedServer(t, func(e *emulator.Emulator) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			action := q.Get("Action")
			if (action == "InactivateDeviceCertificate" || action == "ActiveDeviceCertificate") && rs.refused(q.Get("DeviceSn")) {
				writeAPIError(w, http.StatusForbidden, "Forbidden.RAM", "User not authorized to operate on the specified resource.")
				return
			}
			e.ServeHTTP(w, r)
		})
	})
	return rs
}

// startWrappedServer serves a demo-seeded emulator behind the handler wrap
// makes of it.
func startWrappedServer(t *testing.T, wrap func(*emulator.Emulator) http.Handler) *faultServer {
	t.Helper()
	e, err := emulator.New(emulator.DemoSeed(), emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wrap(e))
	t.Cleanup(srv.Close)
	return &faultServer{Emulator: e, URL: srv.URL}
}

// writeAPIError answers like the gateway: the documented error body.
func writeAPIError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"RequestId":"0A5C7E2B-1111-4222-8333-444455556666","HostId":"onsmqtt.cn-hangzhou.aliyuncs.com","Code":%q,"Message":%q}`, code, message)
}

func (rs *refusingServer) refused(sn string) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.refuse[sn]
}

func (rs *refusingServer) setRefused(sns ...string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.refuse = map[string]bool{}
	for _, sn := range sns {
		rs.refuse[sn] = true
	}
}

// seed puts devices (serial → "active"/"inactive") under caSn of the demo instance.
func seed(t *testing.T, e *emulator.Emulator, caSn string, devices map[string]string) {
	t.Helper()
	for _, sn := range slices.Sorted(maps.Keys(devices)) {
		if err := e.PutDevice(acctest.Device(caSn, sn, apiStatus[devices[sn]])); err != nil {
			t.Fatal(err)
		}
	}
}
