package benchmark

import (
	"errors"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/benchmark/floor"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// Scenario names a kind of run in the results.
type Scenario string

const (
	// ScenarioFleet: the steps on N certificates, unthrottled, beside the
	// same steps on N terraform_data resources.
	ScenarioFleet Scenario = "fleet"
	// ScenarioThroughput: the create apply alone, with the emulator throttling.
	ScenarioThroughput Scenario = "throughput"
	// ScenarioClient: the throughput workload done by the API client alone,
	// per certificate what Create does, to tell the provider's bound from
	// the engine's.
	ScenarioClient Scenario = "client-throughput"
	// ScenarioCompare: the per-certificate resource and
	// apsaramq_mqtt_device_access on the same fleet (already in the wanted
	// state), step by step alternately.
	ScenarioCompare Scenario = "compare"
	// ScenarioAccessThroughput: apsaramq_mqtt_device_access flips a whole
	// fleet with the emulator throttling.
	ScenarioAccessThroughput Scenario = "access-throughput"
	// ScenarioWorkspaces: K engine processes, each with its own directory,
	// state, access key and fleet (under a CA of its own), apply at once
	// against one account limited to EmulatorRateLimit calls/s, as CI
	// runners and workspaces of one account do.
	ScenarioWorkspaces Scenario = "workspaces"
	// ScenarioScale: apsaramq_mqtt_device_access on one CA of N
	// certificates (tens of thousands), beside one terraform_data holding
	// the same map, step by step alternately, with the emulator throttling
	// at the account's limit.
	ScenarioScale Scenario = "scale"
)

// Resource is what a run's configuration manages; the results call it the
// run's "kind".
type Resource string

const (
	ResourcePerCertificate Resource = "apsaramq"        // apsaramq_mqtt_device_certificate_state, one per certificate
	ResourceAccess         Resource = "apsaramq_access" // apsaramq_mqtt_device_access, one for the whole CA
	ResourceBaseline       Resource = "terraform_data"  // the engine's own cost
	// ResourceBaselineMap is the engine's own cost for device_access's
	// data: one terraform_data whose input is the same devices map.
	ResourceBaselineMap Resource = "terraform_data_map"
	// ResourceFrameworkFloor and ResourceProtocolFloor hold the same map in
	// apsaramq_mqtt_device_access served by the benchmark's floors (package
	// floor): a do-nothing framework resource with the real schema, and the
	// same answered at the protocol level. No API calls.
	ResourceFrameworkFloor Resource = "framework_floor"
	ResourceProtocolFloor  Resource = "protocol_floor"
	ResourceClient         Resource = "client" // no configuration: the API client alone (ScenarioClient)
)

// callsAPI reports whether an engine applying r reaches the API.
func (r Resource) callsAPI() bool { return r == ResourcePerCertificate || r == ResourceAccess }

// runsProvider reports whether an engine applying r runs a provider binary
// (whose CPU and memory the results record).
func (r Resource) runsProvider() bool { return r.callsAPI() || r.floor() != "" }

// floor is the floor.ModeVariable value serving r, or "" for every resource
// that is not a floor.
func (r Resource) floor() string {
	switch r {
	case ResourceFrameworkFloor:
		return floor.ModeFramework
	case ResourceProtocolFloor:
		return floor.ModeProtocol
	}
	return ""
}

// ClientEngine stands for the engine in ScenarioClient runs, which have none.
const ClientEngine engine.Kind = "client"

var clientAlone = engine.Engine{Kind: ClientEngine, Version: "(onsmqtt client alone, no engine)"}

// Step is one engine command of a run, in the order they run.
type Step string

const (
	StepApply   Step = "apply"   // create N from empty state
	StepPlan    Step = "plan"    // no-change plan with refresh
	StepFlip    Step = "flip"    // apply a status change (Mix says on which)
	StepDestroy Step = "destroy" // destroy everything
)

// Steps lists the steps of a full run.
var Steps = []Step{StepApply, StepPlan, StepFlip, StepDestroy}

// Plan is what one bench invocation runs: its flags, parsed.
type Plan struct {
	Sizes       []int  // fleet runs
	Steps       []Step // of the fleet runs
	Parallelism int    // of every run but the throttled applies
	Baseline    bool   // fleet runs also on terraform_data

	Throughput            []ThroughputCase
	ThroughputN           int
	ThroughputParallelism int
	Latency               time.Duration // per call, in every throttled run
	EngineThroughput      bool          // the throttled applies on the engines
	ClientThroughput      bool          // the throttled applies by the API client alone

	Compare           []int
	AccessThroughput  []ThroughputCase
	AccessThroughputN int
	Workspaces        []WorkspacesCase

	Scale       []int          // fleet sizes of the scale runs
	ScaleRate   ThroughputCase // the emulator's limit and rate_limit of the scale runs
	ScaleFloors bool           // the scale runs also on the framework and protocol floors
}

// Specs lists the runs of p: per engine the fleet, throughput, compare,
// access-throughput, scale and workspaces runs, then the client's.
func (p Plan) Specs(engines []engine.Engine) ([]Spec, error) {
	var (
		specs []Spec
		errs  []error
		// Each workload is issued once: issuing N certificates takes a while.
		workloads = map[workloadKey]*Workload{}
	)
	add := func(n int, mix Mix, s Spec) {
		key := workloadKey{n, mix}
		if workloads[key] == nil {
			w, err := NewWorkload(n, mix)
			if err != nil {
				errs = append(errs, err)
				return
			}
			workloads[key] = w
		}
		s.Workload = workloads[key]
		specs = append(specs, s)
	}
	throttled := func(s Spec, c ThroughputCase) Spec {
		s.EmulatorRateLimit, s.EmulatorLatency, s.ProviderRateLimit = c.EmulatorLimit, p.Latency, c.RateLimit
		return s
	}
	fleet := []Resource{ResourcePerCertificate}
	if p.Baseline {
		fleet = []Resource{ResourceBaseline, ResourcePerCertificate} // baseline first, so both see the same machine load
	}
	for _, e := range engines {
		for _, n := range p.Sizes {
			add(n, MixTenths, Spec{Scenario: ScenarioFleet, Engine: e, Parallelism: p.Parallelism, Resources: fleet, Steps: p.Steps})
		}
		for _, c := range p.Throughput {
			if p.EngineThroughput {
				add(p.ThroughputN, MixTenths, throttled(Spec{Scenario: ScenarioThroughput, Engine: e, Parallelism: p.ThroughputParallelism,
					Resources: []Resource{ResourcePerCertificate}, Steps: []Step{StepApply}}, c))
			}
		}
		for _, n := range p.Compare {
			// The per-certificate side runs what the targets compare (adopt
			// and the no-change plan); its flip and destroy would only add
			// the engine's own cost at length.
			add(n, MixAllWanted, Spec{Scenario: ScenarioCompare, Engine: e, Parallelism: p.Parallelism,
				Resources: []Resource{ResourcePerCertificate, ResourceAccess}, Steps: Steps,
				StepsOf: map[Resource][]Step{ResourcePerCertificate: {StepApply, StepPlan}}})
		}
		for _, c := range p.AccessThroughput {
			add(p.AccessThroughputN, MixAllWanted, throttled(Spec{Scenario: ScenarioAccessThroughput, Engine: e, Parallelism: p.Parallelism,
				Resources: []Resource{ResourceAccess}, Steps: []Step{StepApply, StepFlip}}, c))
		}
		scale := []Resource{ResourceBaselineMap, ResourceAccess}
		if p.ScaleFloors {
			scale = []Resource{ResourceBaselineMap, ResourceProtocolFloor, ResourceFrameworkFloor, ResourceAccess}
		}
		for _, n := range p.Scale {
			add(n, MixAdoptFlipTenth, throttled(Spec{Scenario: ScenarioScale, Engine: e, Parallelism: p.Parallelism,
				Resources: scale, Steps: p.Steps}, p.ScaleRate))
		}
		for _, c := range p.Workspaces {
			mix := MixTenths
			if c.Resource == ResourceAccess {
				mix = MixAllInactive // every process has a change to make for each certificate
			}
			add(c.K*c.N, mix, Spec{Scenario: ScenarioWorkspaces, Engine: e, Workspaces: c.K, Parallelism: p.Parallelism,
				Resources: []Resource{c.Resource}, EmulatorRateLimit: c.Limit, EmulatorLatency: p.Latency})
		}
	}
	for _, c := range p.Throughput {
		if p.ClientThroughput {
			add(p.ThroughputN, MixTenths, throttled(Spec{Scenario: ScenarioClient, Engine: clientAlone, Parallelism: p.ThroughputParallelism}, c))
		}
	}
	return specs, errors.Join(errs...)
}

type workloadKey struct {
	n   int
	mix Mix
}
