package emulator_test

import (
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func listParams(action, no, size string, kv ...string) map[string]string {
	p := map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "PageNo": no, "PageSize": size}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return p
}

// The demo instance holds 3 devices and 1 CA; seedDevices adds 5 more
// devices (ca-a: 3, ca-b: 2). PageSize 3 puts page 4 past every list's end.
func TestPastEndPageSwitch(t *testing.T) {
	lists := []struct {
		action string
		kv     []string
		code   string
	}{
		{"ListDeviceCertificate", nil, "FindDeviceBySnError"},
		{"ListDeviceCertificateByCaSn", []string{"CaSn", "ca-a"}, "FindDeviceBySnError"},
		{"ListCaCertificate", nil, "FindCaBySnError"},
	}
	for _, mode := range []string{"", emulator.PastEndEmpty, emulator.PastEndError} {
		srv := startServer(t, emulator.Options{Behaviour: emulator.Behaviour{PastEndPage: mode}})
		c := demoClient(t, srv)
		seedDevices(t, srv, 5)
		for _, l := range lists {
			// The last page with items is fine in every mode.
			if out := c.mustCall(l.action, listParams(l.action, "1", "3", l.kv...)); dig(out, "Data", "Total") == nil {
				t.Fatalf("%s: no Total", l.action)
			}
			out, err := c.call(l.action, listParams(l.action, "4", "3", l.kv...))
			if mode == emulator.PastEndError {
				expectCode(t, err, l.code, 400)
				continue
			}
			if err != nil {
				t.Fatalf("mode %q %s page 4: %v", mode, l.action, err)
			}
			vos := dig(out, "Data", "DeviceCertificateVOS")
			if l.action == "ListCaCertificate" {
				vos = dig(out, "Data", "CaCertificateVOS")
			}
			if v, ok := vos.([]any); !ok || len(v) != 0 {
				t.Fatalf("mode %q %s page 4 = %v, want []", mode, l.action, vos)
			}
		}
		// Page 1 of an empty list is not "past the end".
		out := c.mustCall("ListDeviceCertificateByCaSn", listParams("", "1", "3", "CaSn", "no-devices"))
		if dig(out, "Data", "Total") != float64(0) {
			t.Fatalf("mode %q empty list Total %v", mode, dig(out, "Data", "Total"))
		}
	}
}

func TestTotalCountsSwitch(t *testing.T) {
	for _, tc := range []struct {
		mode               string
		devices, byCA, cas float64 // 8 devices, 3 under ca-a, 1 CA; PageSize 3
	}{
		{"", 8, 3, 1},
		{emulator.TotalItems, 8, 3, 1},
		{emulator.TotalPages, 3, 1, 1},
	} {
		srv := startServer(t, emulator.Options{Behaviour: emulator.Behaviour{TotalCounts: tc.mode}})
		c := demoClient(t, srv)
		seedDevices(t, srv, 5)
		for action, want := range map[string]float64{"ListDeviceCertificate": tc.devices, "ListCaCertificate": tc.cas} {
			for _, no := range []string{"1", "2"} {
				if got := dig(c.mustCall(action, listParams(action, no, "3")), "Data", "Total"); got != want {
					t.Errorf("mode %q %s page %s: Total %v, want %v", tc.mode, action, no, got, want)
				}
			}
		}
		if got := dig(c.mustCall("ListDeviceCertificateByCaSn", listParams("", "1", "3", "CaSn", "ca-a")), "Data", "Total"); got != tc.byCA {
			t.Errorf("mode %q by CaSn: Total %v, want %v", tc.mode, got, tc.byCA)
		}
		if got := dig(c.mustCall("ListDeviceCertificateByCaSn", listParams("", "1", "3", "CaSn", "none")), "Data", "Total"); got != float64(0) {
			t.Errorf("mode %q empty list: Total %v", tc.mode, got)
		}
	}
}

func TestStrictStatusChangesSwitch(t *testing.T) {
	caKey := map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": emulator.DemoCASn}
	for _, strict := range []bool{false, true} {
		srv := startServer(t, emulator.Options{Behaviour: emulator.Behaviour{StrictStatusChanges: strict}})
		c := demoClient(t, srv)
		noops := []struct {
			action string
			params map[string]string
		}{
			{"ActiveDeviceCertificate", demoDevice(emulator.DemoDeviceSn)},             // already active
			{"InactivateDeviceCertificate", demoDevice(emulator.DemoInactiveDeviceSn)}, // already inactive
			{"ActiveCaCertificate", caKey},                                             // already active
		}
		for _, n := range noops {
			_, err := c.call(n.action, n.params)
			if strict {
				expectCode(t, err, "ParameterFieldCheckFailed", 400)
			} else if err != nil {
				t.Fatalf("default: no-op %s failed: %v", n.action, err)
			}
		}
		// Real changes work in both modes, and the no-op after them is refused again.
		c.mustCall("InactivateCaCertificate", caKey)
		_, err := c.call("InactivateCaCertificate", caKey)
		if strict {
			expectCode(t, err, "ParameterFieldCheckFailed", 400)
		} else if err != nil {
			t.Fatal(err)
		}
		c.mustCall("ActiveDeviceCertificate", demoDevice(emulator.DemoInactiveDeviceSn))
		if d, _ := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoInactiveDeviceSn); d.Status != "1" {
			t.Fatalf("strict=%v: activation not applied", strict)
		}
	}
}

func TestUnknownCAListErrorSwitch(t *testing.T) {
	for _, strict := range []bool{false, true} {
		srv := startServer(t, emulator.Options{Behaviour: emulator.Behaviour{UnknownCAListError: strict}})
		c := demoClient(t, srv)
		seedDevices(t, srv, 2) // plain devices under "ca-a"/"ca-b", which are not registered CAs
		out, err := c.call("ListDeviceCertificateByCaSn", listParams("", "1", "10", "CaSn", "never-registered"))
		if strict {
			expectCode(t, err, "FindCaBySnError", 400)
		} else if err != nil || dig(out, "Data", "Total") != float64(0) {
			t.Fatalf("default: unknown CaSn answered %v, %v", out, err)
		}
		// A registered CA lists its devices in both modes.
		out = c.mustCall("ListDeviceCertificateByCaSn", listParams("", "1", "10", "CaSn", emulator.DemoCASn))
		if dig(out, "Data", "Total") != float64(3) {
			t.Fatalf("strict=%v: demo CA Total %v", strict, dig(out, "Data", "Total"))
		}
	}
}

func TestBehaviourAdminAPIAndValidation(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	var got emulator.Behaviour
	if st := adminDo(t, srv, "GET", "/_emulator/behaviour", nil, &got); st != 200 || got.PastEndPage != "empty" || got.TotalCounts != "items" || got.StrictStatusChanges {
		t.Fatalf("GET behaviour defaults: %d %+v", st, got)
	}
	want := emulator.Behaviour{PastEndPage: "error", TotalCounts: "pages", StrictStatusChanges: true, UnknownCAListError: true, KeepDevicesOnCADelete: true}
	if st := adminDo(t, srv, "PUT", "/_emulator/behaviour", want, &got); st != 200 || got != want {
		t.Fatalf("PUT behaviour: %d %+v", st, got)
	}
	_, err := c.call("ActiveDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "ParameterFieldCheckFailed", 400) // the switch is live
	var errBody map[string]string
	for _, bad := range []string{`{"past_end_page":"maybe"}`, `{"total_counts":"bytes"}`, `{"strict":true}`} {
		if st := adminDo(t, srv, "PUT", "/_emulator/behaviour", bad, &errBody); st != 400 || errBody["error"] == "" {
			t.Errorf("PUT %s: %d %v", bad, st, errBody)
		}
	}
	if cur := srv.CurrentBehaviour(); cur != want {
		t.Fatalf("a rejected PUT changed the behaviour: %+v", cur)
	}
	for _, b := range []emulator.Behaviour{{PastEndPage: "Error"}, {TotalCounts: "item"}} {
		if _, err := emulator.New(emulator.DemoSeed(), emulator.Options{Behaviour: b}); err == nil {
			t.Errorf("New accepted %+v", b)
		}
	}
}
