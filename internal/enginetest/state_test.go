package enginetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// stateInstance is what the local state file says about one device state
// resource instance.
type stateInstance struct {
	Address  string
	Instance string
	CASn     string
	DeviceSn string
	Status   string
}

// readState parses terraform.tfstate; a missing file is an empty state.
func readState(t *testing.T, dir string) []stateInstance {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 {
		return nil
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				IndexKey   any            `json:"index_key"`
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("state file is not JSON (a torn write?): %v\n%s", err, b)
	}
	var out []stateInstance
	for _, r := range st.Resources {
		if r.Type != "apsaramq_mqtt_device_certificate_state" {
			continue
		}
		for _, in := range r.Instances {
			s := func(k string) string { v, _ := in.Attributes[k].(string); return v }
			out = append(out, stateInstance{
				Address:  fmt.Sprintf("%s.%s[%v]", r.Type, r.Name, in.IndexKey),
				Instance: s("instance_id"), CASn: s("ca_sn"), DeviceSn: s("device_sn"), Status: s("status"),
			})
		}
	}
	return out
}

// stateFileComplete reports whether terraform.tfstate in dir is whole JSON
// (not empty, not torn by a kill during the engine's write).
func stateFileComplete(dir string) ([]byte, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	return b, err == nil && len(b) > 0 && json.Valid(b)
}

// checkStateHonest fails when state claims a status the emulator does not
// hold for any instance.
func checkStateHonest(t *testing.T, srv *emulator.Server, st []stateInstance) {
	t.Helper()
	for in, d := range apiDevices(t, srv, st) {
		want := map[string]string{"1": "active", "0": "inactive"}[d.Status]
		if in.Status != want {
			t.Errorf("%s: state claims status %q, the API holds %q", in.Address, in.Status, want)
		}
	}
}

// checkNoUnmadeChange is the honesty rule for a state left by an
// interrupted apply: an instance may still show its status from before the
// apply (the next refresh corrects it), but it must never claim the new
// status while the API does not hold it, and never name a certificate the
// API does not have.
func checkNoUnmadeChange(t *testing.T, srv *emulator.Server, st []stateInstance) {
	t.Helper()
	for in, d := range apiDevices(t, srv, st) {
		if in.Status == "inactive" && d.Status != "0" {
			t.Errorf("%s: state claims the inactivation, the API still holds it active", in.Address)
		}
	}
}

// apiDevices yields each instance of st with the emulator's record of its
// certificate; an instance whose certificate the API does not have fails
// the test instead.
func apiDevices(t *testing.T, srv *emulator.Server, st []stateInstance) iter.Seq2[stateInstance, emulator.DeviceCertificate] {
	return func(yield func(stateInstance, emulator.DeviceCertificate) bool) {
		t.Helper()
		for _, in := range st {
			d, ok := srv.Device(in.Instance, in.CASn, in.DeviceSn)
			if !ok {
				t.Errorf("%s: state holds a certificate the API does not have", in.Address)
				continue
			}
			if !yield(in, d) {
				return
			}
		}
	}
}
