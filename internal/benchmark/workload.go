package benchmark

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// Step is one engine command of a run, in the order they run.
type Step string

const (
	StepApply   Step = "apply"   // create N from empty state
	StepPlan    Step = "plan"    // no-change plan with refresh
	StepFlip    Step = "flip"    // apply a status change on 10%
	StepDestroy Step = "destroy" // destroy everything
)

// Steps lists the steps of a full run.
var Steps = []Step{StepApply, StepPlan, StepFlip, StepDestroy}

// serialBase makes device serials stable across runs (and so the DeviceSn
// keys, the for_each keys and the emulator's records).
const serialBase = 0x5e00000000000000

// Workload is N device certificates of the demo instance, signed by the demo
// CA. Every tenth one (i%10 == 0) is seeded inactive, so create must change
// it; every tenth one shifted by five (i%10 == 5) is flipped to inactive by
// the flip step. Both subsets are 10% of N.
type Workload struct {
	Devices []emulator.DeviceCertificate
}

// NewWorkload issues n device certificates with the demo CA.
func NewWorkload(n int) (*Workload, error) {
	if n < 1 {
		return nil, fmt.Errorf("workload size must be at least 1, got %d", n)
	}
	ca, err := emulator.DemoCA()
	if err != nil {
		return nil, fmt.Errorf("demo CA: %w", err)
	}
	w := &Workload{Devices: make([]emulator.DeviceCertificate, 0, n)}
	for i := range n {
		serial := new(big.Int).SetUint64(serialBase + uint64(i))
		c, err := ca.IssueDeviceWithSerial(fmt.Sprintf("bench-device-%05d", i), serial)
		if err != nil {
			return nil, fmt.Errorf("issuing device certificate %d: %w", i, err)
		}
		status := "1"
		if seededInactive(i) {
			status = "0"
		}
		w.Devices = append(w.Devices, emulator.DeviceCertificate{
			InstanceID: emulator.DemoInstanceID, CaSn: emulator.DemoCASn, DeviceSn: c.Sn,
			DeviceName: c.Cert.Subject.CommonName, Status: status, Content: string(c.CertPEM),
			ValidBegin: c.Cert.NotBefore.UTC(), ValidEnd: c.Cert.NotAfter.UTC(),
		})
	}
	return w, nil
}

func seededInactive(i int) bool { return i%10 == 0 }
func flipped(i int) bool        { return i%10 == 5 }

// N is the number of certificates.
func (w *Workload) N() int { return len(w.Devices) }

// Seed is the demo seed plus the workload's certificates.
func (w *Workload) Seed() emulator.Seed {
	s := emulator.DemoSeed()
	s.Devices = append(s.Devices, w.Devices...)
	return s
}

// Desired is the configured status of every certificate (DeviceSn -> status)
// for the config that step applies: all active, except the flipped tenth
// from the flip step on.
func (w *Workload) Desired(step Step) map[string]string {
	out := make(map[string]string, len(w.Devices))
	for i, d := range w.Devices {
		out[d.DeviceSn] = "active"
		if (step == StepFlip || step == StepDestroy) && flipped(i) {
			out[d.DeviceSn] = "inactive"
		}
	}
	return out
}

// API action names the runs touch.
const (
	ActionGet        = "GetDeviceCertificate"
	ActionActivate   = "ActiveDeviceCertificate"
	ActionInactivate = "InactivateDeviceCertificate"
)

// Expected is the call budget of a step: exactly these calls per action and
// nothing else, with no retry.
func (w *Workload) Expected(step Step) map[string]int64 {
	n := int64(w.N())
	var seeded, flips int64
	for i := range w.Devices {
		if seededInactive(i) {
			seeded++
		}
		if flipped(i) {
			flips++
		}
	}
	switch step {
	case StepApply: // one read each, one activation for the seeded-inactive tenth
		return nonZero(map[string]int64{ActionGet: n, ActionActivate: seeded})
	case StepPlan: // refresh: one read each
		return map[string]int64{ActionGet: n}
	case StepFlip: // refresh, then one status call per changed certificate
		return nonZero(map[string]int64{ActionGet: n, ActionInactivate: flips})
	case StepDestroy: // refresh, then one inactivation each
		return map[string]int64{ActionGet: n, ActionInactivate: n}
	}
	return nil
}

func nonZero(m map[string]int64) map[string]int64 {
	for k, v := range m {
		if v == 0 {
			delete(m, k)
		}
	}
	return m
}

// WantStatus is the emulator status ("1"/"0") every certificate must have
// after step, used to check that the run did what it claims.
func (w *Workload) WantStatus(step Step) map[string]string {
	out := make(map[string]string, len(w.Devices))
	for sn, s := range w.Desired(step) {
		out[sn] = map[string]string{"active": "1", "inactive": "0"}[s]
		if step == StepDestroy {
			out[sn] = "0"
		}
	}
	return out
}

// Kind says which configuration a run applies.
type Kind string

const (
	KindProvider Kind = "apsaramq"       // apsaramq_mqtt_device_certificate_state
	KindBaseline Kind = "terraform_data" // the engine's own cost
)

// ProviderSettings go into the generated provider block.
type ProviderSettings struct {
	EmulatorURL string
	RateLimit   float64 // 0: the provider's default
}

// WriteConfig writes main.tf for kind into dir.
func WriteConfig(dir string, kind Kind, p ProviderSettings) error {
	var b strings.Builder
	b.WriteString("variable \"certs\" {\n  type = map(string)\n}\n\n")
	switch kind {
	case KindProvider:
		b.WriteString("terraform {\n  required_providers {\n    apsaramq = { source = \"apsaramq/apsaramq\" }\n  }\n}\n\n")
		fmt.Fprintf(&b, "provider \"apsaramq\" {\n  region     = %q\n  access_key = %q\n  secret_key = %q\n",
			emulator.DemoRegion, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret)
		if p.RateLimit > 0 {
			fmt.Fprintf(&b, "  rate_limit = %g\n", p.RateLimit)
		}
		fmt.Fprintf(&b, "  endpoints {\n    onsmqtt = %q\n    sts     = %q\n  }\n}\n\n", p.EmulatorURL, p.EmulatorURL)
		fmt.Fprintf(&b, "resource \"apsaramq_mqtt_device_certificate_state\" \"fleet\" {\n  for_each    = var.certs\n"+
			"  instance_id = %q\n  ca_sn       = %q\n  device_sn   = each.key\n  status      = each.value\n}\n",
			emulator.DemoInstanceID, emulator.DemoCASn)
	case KindBaseline:
		fmt.Fprintf(&b, "resource \"terraform_data\" \"fleet\" {\n  for_each = var.certs\n  input = {\n"+
			"    instance_id = %q\n    ca_sn       = %q\n    device_sn   = each.key\n    status      = each.value\n  }\n}\n",
			emulator.DemoInstanceID, emulator.DemoCASn)
	default:
		return fmt.Errorf("unknown kind %q", kind)
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o644)
}

// WriteVars writes terraform.tfvars.json with the step's desired statuses;
// JSON needs no HCL quoting and both engines load it automatically.
func WriteVars(dir string, certs map[string]string) error {
	b, err := json.Marshal(map[string]any{"certs": certs})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "terraform.tfvars.json"), b, 0o644)
}
