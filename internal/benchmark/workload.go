package benchmark

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// serialBase makes device serials stable across runs (and so the DeviceSn
// keys, the for_each keys and the emulator's records).
const serialBase = 0x5e00000000000000

// Mix says which certificates of a workload are seeded inactive (create
// must change them) and which the flip step inactivates.
type Mix string

const (
	// MixTenths: every tenth certificate (i%10 == 0) is seeded inactive and
	// every tenth shifted by five (i%10 == 5) is flipped, 10% of N each.
	MixTenths Mix = "tenths"
	// MixAllWanted: nothing is seeded inactive, so create adopts a fleet
	// already in the wanted state; the flip inactivates every certificate.
	MixAllWanted Mix = "all-wanted"
	// MixAllInactive: every certificate is seeded inactive and wanted
	// active, so create makes N changes.
	MixAllInactive Mix = "all-inactive"
	// MixAdoptFlipTenth: nothing is seeded inactive, so create adopts a
	// fleet already in the wanted state; the flip inactivates every tenth
	// (i%10 == 5).
	MixAdoptFlipTenth Mix = "adopt-flip-tenth"
)

func (m Mix) seededInactive(i int) bool {
	switch m {
	case MixAllWanted, MixAdoptFlipTenth:
		return false
	case MixAllInactive:
		return true
	}
	return i%10 == 0
}

func (m Mix) flipped(i int) bool {
	if m == MixTenths || m == MixAdoptFlipTenth {
		return i%10 == 5
	}
	return true
}

// Workload is N device certificates of the demo instance, signed by the demo
// CA and registered under CASn (the demo CA's, unless a workspace of several
// takes its own). Its Mix says which start inactive and which the flip step
// inactivates.
type Workload struct {
	Devices []emulator.DeviceCertificate
	CASn    string
	seeded  []bool // seeded inactive
	flips   []bool // inactivated by the flip step
}

// NewWorkload issues n device certificates with the demo CA, on every CPU
// and with one device key for the whole fleet (the benchmark never uses the
// devices' keys), so that 100,000 certificates take seconds, not minutes.
func NewWorkload(n int, mix Mix) (*Workload, error) {
	if n < 1 {
		return nil, fmt.Errorf("workload size must be at least 1, got %d", n)
	}
	ca, err := emulator.DemoCA()
	if err != nil {
		return nil, fmt.Errorf("demo CA: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	w := &Workload{Devices: make([]emulator.DeviceCertificate, n), CASn: emulator.DemoCASn, seeded: make([]bool, n), flips: make([]bool, n)}
	var (
		next atomic.Int64
		errs = make([]error, runtime.NumCPU())
		wg   sync.WaitGroup
	)
	for worker := range errs {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n && errs[worker] == nil; i = int(next.Add(1)) - 1 {
				errs[worker] = w.issue(ca, key, i, mix)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return w, nil
}

// issue fills certificate i of the workload.
func (w *Workload) issue(ca *emulator.TestCA, key *ecdsa.PrivateKey, i int, mix Mix) error {
	serial := new(big.Int).SetUint64(serialBase + uint64(i))
	c, err := ca.IssueDeviceWithKey(fmt.Sprintf("bench-device-%05d", i), serial, key)
	if err != nil {
		return fmt.Errorf("issuing device certificate %d: %w", i, err)
	}
	status := "1"
	if mix.seededInactive(i) {
		status = "0"
	}
	w.Devices[i] = emulator.DeviceCertificate{
		InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: c.Sn,
		DeviceName: c.Cert.Subject.CommonName, Status: status, Content: string(c.CertPEM),
		ValidBegin: c.Cert.NotBefore.UTC(), ValidEnd: c.Cert.NotAfter.UTC(),
	}
	w.seeded[i], w.flips[i] = mix.seededInactive(i), mix.flipped(i)
	return nil
}

// Split cuts the workload into k workloads of equal size, each registered
// under a CA of its own, as k workspaces holding k fleets would see them.
func (w *Workload) Split(k int) ([]*Workload, error) {
	if k < 1 || w.N()%k != 0 {
		return nil, fmt.Errorf("cannot split %d certificates into %d equal parts", w.N(), k)
	}
	size := w.N() / k
	parts := make([]*Workload, k)
	for p := range k {
		part := &Workload{CASn: fmt.Sprintf("5eca%012x", p+1), seeded: w.seeded[p*size : (p+1)*size], flips: w.flips[p*size : (p+1)*size]}
		for _, d := range w.Devices[p*size : (p+1)*size] {
			d.CASn = part.CASn
			part.Devices = append(part.Devices, d)
		}
		parts[p] = part
	}
	return parts, nil
}

// N is the number of certificates.
func (w *Workload) N() int { return len(w.Devices) }

// Seed is the demo seed plus the workload's certificates.
func (w *Workload) Seed() emulator.Seed {
	s := emulator.DemoSeed()
	s.Devices = append(s.Devices, w.Devices...)
	return s
}

// underCA is how many certificates a list of the workload's CA returns:
// the workload's, plus the demo seed's own under the demo CA.
func (w *Workload) underCA() int {
	n := w.N()
	if w.CASn == emulator.DemoCASn {
		for _, d := range emulator.DemoSeed().Devices {
			if d.CASn == emulator.DemoCASn {
				n++
			}
		}
	}
	return n
}

// Desired is the configured status of every certificate (DeviceSn -> status)
// for the config that step applies: all active, except the flipped ones
// from the flip step on.
func (w *Workload) Desired(step Step) map[string]string {
	out := make(map[string]string, len(w.Devices))
	for i, d := range w.Devices {
		out[d.DeviceSn] = "active"
		if (step == StepFlip || step == StepDestroy) && w.flips[i] {
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
	ActionList       = "ListDeviceCertificateByCaSn"
)

// ExpectedFor is the call budget of a step of r (ResourceClient does what
// the per-certificate resource's create does): exactly these calls per
// action and nothing else, with no retry.
func (w *Workload) ExpectedFor(r Resource, step Step) map[string]int64 {
	n := int64(w.N())
	var seeded, flips int64
	for i := range w.Devices {
		if w.seeded[i] {
			seeded++
		}
		if w.flips[i] {
			flips++
		}
	}
	if r == ResourceAccess {
		// One list is floor(certificates/100)+1 calls (the page past a
		// multiple of 100 shows the end); create lists once, a refresh
		// once, and an apply after its refresh once more.
		pages := int64(w.underCA()/100 + 1)
		switch step {
		case StepApply:
			return nonZero(map[string]int64{ActionList: pages, ActionActivate: seeded})
		case StepPlan:
			return map[string]int64{ActionList: pages}
		case StepFlip:
			return nonZero(map[string]int64{ActionList: 2 * pages, ActionInactivate: flips})
		case StepDestroy: // the listed certificates still active
			return nonZero(map[string]int64{ActionList: 2 * pages, ActionInactivate: n - flips})
		}
		return nil
	}
	switch step {
	case StepApply: // one read each, one activation for each seeded inactive
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

// ProviderSettings go into the generated provider block.
type ProviderSettings struct {
	EmulatorURL string
	RateLimit   float64 // 0: the provider's default
	// AccessKeyID and AccessKeySecret sign the calls; empty: the demo key.
	AccessKeyID, AccessKeySecret string
	// CASn is the CA of the workload; empty: the demo CA.
	CASn string
}

// WriteConfig writes main.tf applying r into dir.
func WriteConfig(dir string, r Resource, p ProviderSettings) error {
	if p.AccessKeyID == "" {
		p.AccessKeyID, p.AccessKeySecret = emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret
	}
	if p.CASn == "" {
		p.CASn = emulator.DemoCASn
	}
	var b strings.Builder
	b.WriteString("variable \"certs\" {\n  type = map(string)\n}\n\n")
	if r.runsProvider() {
		b.WriteString("terraform {\n  required_providers {\n    apsaramq = { source = \"apsaramq/apsaramq\" }\n  }\n}\n\n")
		fmt.Fprintf(&b, "provider \"apsaramq\" {\n  region     = %q\n  access_key = %q\n  secret_key = %q\n",
			emulator.DemoRegion, p.AccessKeyID, p.AccessKeySecret)
		if p.RateLimit > 0 {
			fmt.Fprintf(&b, "  rate_limit = %g\n", p.RateLimit)
		}
		fmt.Fprintf(&b, "  endpoints {\n    onsmqtt = %q\n    sts     = %q\n  }\n}\n\n", p.EmulatorURL, p.EmulatorURL)
	}
	switch r {
	case ResourcePerCertificate:
		fmt.Fprintf(&b, "resource \"apsaramq_mqtt_device_certificate_state\" \"fleet\" {\n  for_each    = var.certs\n"+
			"  instance_id = %q\n  ca_sn       = %q\n  device_sn   = each.key\n  status      = each.value\n}\n",
			emulator.DemoInstanceID, p.CASn)
	case ResourceAccess, ResourceFrameworkFloor, ResourceProtocolFloor:
		// "ignore": the demo seed's own certificates under the demo CA stay
		// out of the measurement.
		fmt.Fprintf(&b, "resource \"apsaramq_mqtt_device_access\" \"fleet\" {\n  instance_id      = %q\n  ca_sn            = %q\n"+
			"  devices          = var.certs\n  unlisted_devices = \"ignore\"\n}\n", emulator.DemoInstanceID, p.CASn)
	case ResourceBaselineMap:
		// The same map as device_access's devices, in one resource.
		b.WriteString("resource \"terraform_data\" \"fleet\" {\n  input = var.certs\n}\n")
	case ResourceBaseline:
		fmt.Fprintf(&b, "resource \"terraform_data\" \"fleet\" {\n  for_each = var.certs\n  input = {\n"+
			"    instance_id = %q\n    ca_sn       = %q\n    device_sn   = each.key\n    status      = each.value\n  }\n}\n",
			emulator.DemoInstanceID, p.CASn)
	default:
		return fmt.Errorf("no configuration for %q", r)
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
