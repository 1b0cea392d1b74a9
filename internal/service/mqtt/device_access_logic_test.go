package mqtt

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

func TestCanonicalSerial(t *testing.T) {
	same := [][]string{
		{"00f26900ba87", "F26900BA87", "f26900ba87", "0F26900BA87"},
		{"0", "00", "000"},
		{"Dev01", "dev01", "DEV01"},
	}
	for _, group := range same {
		for _, sn := range group[1:] {
			if canonicalSerial(sn) != canonicalSerial(group[0]) {
				t.Errorf("%q and %q should name the same certificate: %q vs %q", sn, group[0], canonicalSerial(sn), canonicalSerial(group[0]))
			}
		}
	}
	different := [][2]string{
		{"0dev1", "dev1"}, // not hexadecimal: leading zeros count
		{"ab", "abc"},
		{"a0", "a"},
	}
	for _, pair := range different {
		if canonicalSerial(pair[0]) == canonicalSerial(pair[1]) {
			t.Errorf("%q and %q must stay distinct", pair[0], pair[1])
		}
	}
}

// fakeCA is the API side of one CA for the pure logic: serial → status.
type fakeCA map[string]string

func (f fakeCA) list() []onsmqtt.DeviceStatus {
	var out []onsmqtt.DeviceStatus
	for _, sn := range slices.Sorted(maps.Keys(f)) {
		out = append(out, onsmqtt.DeviceStatus{DeviceSn: sn, Status: onsmqtt.Status(f[sn])})
	}
	return out
}

// apply sends changes; fail names serial numbers whose change fails.
func (f fakeCA) apply(changes []onsmqtt.StatusChange, fail map[string]bool) []onsmqtt.StatusChangeResult {
	var out []onsmqtt.StatusChangeResult
	for _, c := range changes {
		r := onsmqtt.StatusChangeResult{StatusChange: c}
		if _, ok := f[c.Key.DeviceSn]; !ok {
			r.Err = &onsmqtt.APIError{Code: "FindDeviceBySnError", Class: onsmqtt.ClassNotFound}
		} else if fail[c.Key.DeviceSn] {
			r.Err = errors.New("refused")
		} else {
			f[c.Key.DeviceSn] = string(c.Status)
		}
		out = append(out, r)
	}
	return out
}

var testAccessKey = deviceAccessKey{InstanceID: "post-cn-test01", CASn: "ca01"}

// cycle runs create (plan unknown), then refresh, then returns the
// refreshed state, checking on the way that a second apply changes nothing.
func cycle(t *testing.T, api fakeCA, devices map[string]string, s accessSettings) accessData {
	t.Helper()
	created := accessPlan{accessData: accessData{Devices: devices}, Settings: s}
	work, err := planApply(created, api.list())
	if err != nil {
		t.Fatal(err)
	}
	data, failed := work.record(api.apply(work.changes(testAccessKey), nil))
	if len(failed) > 0 {
		t.Fatalf("create failed: %v", failed)
	}
	refreshed, err := readAccess(data, false, s.AllowUnregistered, api.list())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(refreshed, data) {
		t.Fatalf("refresh after create differs from what create recorded:\n created   %+v\n refreshed %+v", data, refreshed)
	}
	p := planAccess(refreshed, devices, s)
	if !reflect.DeepEqual(p.accessData, refreshed) || !p.UnregisteredKnown {
		t.Fatalf("plan after create is not empty:\n state %+v\n plan  %+v (unregistered known %v)", refreshed, p.accessData, p.UnregisteredKnown)
	}
	return refreshed
}

func TestAccessModes(t *testing.T) {
	listed := map[string]string{"AA01": statusActive, "00bb02": statusInactive}
	for _, tc := range []struct {
		mode          string
		wantUnlisted  map[string]string
		wantInactives int64
	}{
		{unlistedIgnore, map[string]string{"cc03": statusActive, "dd04": statusInactive}, 2},
		{unlistedInactive, map[string]string{"cc03": statusInactive, "dd04": statusInactive}, 3},
		{unlistedActive, map[string]string{"cc03": statusActive, "dd04": statusActive}, 1},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			api := fakeCA{"aa01": statusInactive, "bb02": statusActive, "cc03": statusActive, "dd04": statusInactive}
			s := accessSettings{Unlisted: tc.mode}
			got := cycle(t, api, listed, s)
			// State keeps the user's spelling; the API was called with its own.
			if !reflect.DeepEqual(got.Devices, listed) || api["aa01"] != statusActive || api["bb02"] != statusInactive {
				t.Errorf("devices %v, API %v", got.Devices, api)
			}
			if !reflect.DeepEqual(got.Unlisted, tc.wantUnlisted) {
				t.Errorf("unlisted %v, want %v", got.Unlisted, tc.wantUnlisted)
			}
			if c := got.counts(); c != (accessCounts{Registered: 4, Active: 4 - tc.wantInactives, Inactive: tc.wantInactives, Unlisted: 2}) {
				t.Errorf("counts %+v", c)
			}

			// A device registers itself: refresh reads it, the plan holds it at
			// the mode's status, and apply changes exactly it.
			api["ee05"] = statusActive
			refreshed, _ := readAccess(got, false, false, api.list())
			p := planAccess(refreshed, listed, s)
			if want := s.unlistedStatus(statusActive); p.Unlisted["ee05"] != want {
				t.Fatalf("newcomer planned %q, want %q", p.Unlisted["ee05"], want)
			}
			work, _ := planApply(p, api.list())
			changes := work.changes(testAccessKey)
			if tc.mode == unlistedInactive && (len(changes) != 1 || changes[0].Key.DeviceSn != "ee05") {
				t.Fatalf("changes %+v, want only ee05 inactivated", changes)
			}
			if tc.mode != unlistedInactive && len(changes) != 0 {
				t.Fatalf("changes %+v, want none", changes)
			}
			data, _ := work.record(api.apply(changes, nil))
			if !reflect.DeepEqual(data, p.accessData) {
				t.Errorf("apply recorded %+v, plan said %+v", data, p.accessData)
			}
		})
	}
}

func TestAccessPlanMovesARemovedDeviceToUnlisted(t *testing.T) {
	api := fakeCA{"00aa01": statusActive, "bb02": statusActive}
	s := accessSettings{Unlisted: unlistedInactive}
	state := cycle(t, api, map[string]string{"AA01": statusActive, "bb02": statusActive}, s)

	p := planAccess(state, map[string]string{"bb02": statusActive}, s)
	if !reflect.DeepEqual(p.Unlisted, map[string]string{"AA01": statusInactive}) {
		t.Fatalf("planned unlisted %v", p.Unlisted)
	}
	work, _ := planApply(p, api.list())
	data, _ := work.record(api.apply(work.changes(testAccessKey), nil))
	if api["00aa01"] != statusInactive || !reflect.DeepEqual(data, p.accessData) {
		t.Fatalf("API %v, recorded %+v, planned %+v", api, data, p.accessData)
	}
	// The next refresh spells it as the API does; the plan stays empty.
	refreshed, _ := readAccess(data, false, false, api.list())
	if !reflect.DeepEqual(refreshed.Unlisted, map[string]string{"00aa01": statusInactive}) {
		t.Errorf("refreshed unlisted %v", refreshed.Unlisted)
	}
	if again := planAccess(refreshed, map[string]string{"bb02": statusActive}, s); !reflect.DeepEqual(again.accessData, refreshed) {
		t.Errorf("plan not empty after refresh: %+v", again.accessData)
	}
}

// Two certificates whose serial numbers match ("00ab" and "ab") are both
// unlisted when the configuration names neither: a no-change plan keeps
// both, whichever order the maps are walked in.
func TestAccessPlanKeepsUnlistedCertificatesWhoseSerialsMatch(t *testing.T) {
	api := fakeCA{"00ab": statusActive, "ab": statusInactive, "cc03": statusActive}
	s := accessSettings{Unlisted: unlistedIgnore}
	refreshed, err := readAccess(accessData{Devices: map[string]string{"cc03": statusActive}}, false, false, api.list())
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if p := planAccess(refreshed, map[string]string{"cc03": statusActive}, s); !reflect.DeepEqual(p.accessData, refreshed) {
			t.Fatalf("no-change plan %+v, refreshed %+v", p.accessData, refreshed)
		}
	}
}

func TestAccessUnregisteredDevices(t *testing.T) {
	devices := map[string]string{"aa01": statusInactive, "ff09": statusInactive}
	t.Run("allowed", func(t *testing.T) {
		api := fakeCA{"aa01": statusActive}
		s := accessSettings{Unlisted: unlistedIgnore, AllowUnregistered: true}
		state := cycle(t, api, devices, s)
		if !reflect.DeepEqual(state.Unregistered, []string{"ff09"}) || state.Devices["ff09"] != statusInactive {
			t.Fatalf("state %+v", state)
		}
		if c := state.counts(); c.Registered != 1 {
			t.Errorf("an unregistered device was counted: %+v", c)
		}
		// It registers, active: refresh reads it, and the plan shows it.
		api["ff09"] = statusActive
		refreshed, _ := readAccess(state, false, true, api.list())
		if refreshed.Devices["ff09"] != statusActive || len(refreshed.Unregistered) != 0 {
			t.Fatalf("refreshed %+v", refreshed)
		}
		p := planAccess(refreshed, devices, s)
		work, _ := planApply(p, api.list())
		if ch := work.changes(testAccessKey); len(ch) != 1 || ch[0].Key.DeviceSn != "ff09" || ch[0].Status != onsmqtt.StatusInactive {
			t.Fatalf("changes %+v", ch)
		}
	})
	t.Run("error", func(t *testing.T) {
		api := fakeCA{"aa01": statusActive}
		s := accessSettings{Unlisted: unlistedIgnore}
		work, _ := planApply(accessPlan{accessData: accessData{Devices: devices}, Settings: s}, api.list())
		data, _ := work.record(api.apply(work.changes(testAccessKey), nil))
		if !reflect.DeepEqual(work.missing, []string{"ff09"}) || api["aa01"] != statusInactive {
			t.Fatalf("missing %v, API %v: the other changes must be made", work.missing, api)
		}
		if _, kept := data.Devices["ff09"]; kept || !reflect.DeepEqual(data.Unregistered, []string{"ff09"}) {
			t.Errorf("recorded %+v: a missing device is left out of devices and named as unregistered", data)
		}
		if p := planAccess(data, devices, s); p.UnregisteredKnown {
			t.Errorf("the plan must leave unregistered_devices open while a listed device is missing")
		}
	})
}

func TestAccessPartialFailureRecordsWhatTheAPIHolds(t *testing.T) {
	api := fakeCA{}
	devices := map[string]string{}
	for i := range 10 {
		sn := fmt.Sprintf("a%02d", i)
		api[sn] = statusActive
		devices[sn] = statusInactive
	}
	work, _ := planApply(accessPlan{accessData: accessData{Devices: devices}, Settings: accessSettings{Unlisted: unlistedIgnore}}, api.list())
	data, failed := work.record(api.apply(work.changes(testAccessKey), map[string]bool{"a03": true, "a07": true}))
	if len(failed) != 2 {
		t.Fatalf("failed %v", failed)
	}
	refreshed, _ := readAccess(data, false, false, api.list())
	if !reflect.DeepEqual(data, refreshed) {
		t.Errorf("recorded %+v, but the API holds %+v", data, refreshed)
	}
	if data.Devices["a03"] != statusActive || data.Devices["a04"] != statusInactive {
		t.Errorf("recorded %v", data.Devices)
	}
}

func TestAccessImportTakesEveryCertificateIntoDevices(t *testing.T) {
	api := fakeCA{"aa01": statusActive, "bb02": statusInactive}
	got, _ := readAccess(accessData{}, true, false, api.list())
	if !reflect.DeepEqual(got.Devices, map[string]string(api)) || len(got.Unlisted) != 0 {
		t.Errorf("imported %+v", got)
	}
}

func TestAccessAmbiguousSerialIsAnError(t *testing.T) {
	api := fakeCA{"00ab": statusActive, "ab": statusActive}
	if _, err := planApply(accessPlan{accessData: accessData{Devices: map[string]string{"AB": statusActive}}}, api.list()); err == nil {
		t.Error("AB matches two certificates; want an error")
	}
	work, err := planApply(accessPlan{accessData: accessData{Devices: map[string]string{"ab": statusInactive}}, Settings: accessSettings{Unlisted: unlistedIgnore}}, api.list())
	if err != nil || len(work.targets) != 2 || work.targets[0].cert.DeviceSn != "ab" {
		t.Errorf("an exact spelling chooses its certificate: %+v, %v", work.targets, err)
	}
}

func TestDestroyChanges(t *testing.T) {
	api := fakeCA{"aa01": statusActive, "bb02": statusInactive, "cc03": statusActive, "dd04": statusActive}
	state := accessData{Devices: map[string]string{"AA01": statusActive, "bb02": statusInactive}}
	for mode, want := range map[string][]string{
		unlistedIgnore:   {"aa01"},
		unlistedInactive: {"aa01", "cc03", "dd04"}, // a newcomer since the last apply included
		unlistedActive:   {"aa01", "cc03", "dd04"},
	} {
		changes, err := destroyChanges(state, accessSettings{Unlisted: mode}, testAccessKey, api.list())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range changes {
			if c.Status != onsmqtt.StatusInactive || c.Key.CASn != "ca01" {
				t.Errorf("%s: change %+v", mode, c)
			}
			got = append(got, c.Key.DeviceSn)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: destroy inactivates %v, want %v", mode, got, want)
		}
	}
}
