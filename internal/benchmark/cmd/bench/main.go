// Command bench is the fleet-scale benchmark behind `make bench`: see
// internal/benchmark/README.md for what it measures and how.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/benchmark"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	provider, terraform, tofu, engines, sizes, throughput string
	parallelism, tpN, tpParallelism                       int
	tpLatency, stepTimeout, timeout                       time.Duration
	baseline, quick                                       bool
	work, out, profile                                    string
	env                                                   []string
	steps                                                 string
	client, engineTP                                      bool
	compare, accessTP, workspaces                         string
	accessTPN                                             int
}

func run(args []string) error {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.provider, "provider", "", "path of the built terraform-provider-apsaramq binary (required)")
	fs.StringVar(&o.terraform, "terraform", "", "path of the Terraform binary (empty: skip Terraform)")
	fs.StringVar(&o.tofu, "tofu", "", "path of the OpenTofu binary (empty: skip OpenTofu)")
	fs.StringVar(&o.engines, "engines", "terraform,tofu", "engines to run, among those with a path")
	fs.StringVar(&o.sizes, "n", "100,1000,5000", "fleet sizes N for the four-step runs (empty: none)")
	fs.StringVar(&o.steps, "steps", "apply,plan,flip,destroy", "steps of the fleet runs, in this order; apply is required")
	fs.IntVar(&o.parallelism, "parallelism", 10, "engine -parallelism of the four-step runs (10 is the engines' default)")
	fs.BoolVar(&o.baseline, "baseline", true, "also run every step on N terraform_data resources")
	fs.StringVar(&o.throughput, "throughput", "500:500,100", "throttled applies: EMULATOR_LIMIT[:PROVIDER_RATE_LIMIT],... (empty: none)")
	fs.IntVar(&o.tpN, "throughput-n", 5000, "N of the throttled applies")
	fs.IntVar(&o.tpParallelism, "throughput-parallelism", 64, "engine -parallelism of the throttled applies")
	fs.DurationVar(&o.tpLatency, "throughput-latency", 20*time.Millisecond, "emulator latency per call in the throttled applies")
	fs.BoolVar(&o.engineTP, "engine-throughput", true, "run the throttled applies on the engines")
	fs.BoolVar(&o.client, "client-throughput", true, "also run each throttled case through the provider's API client alone (no engine)")
	fs.StringVar(&o.compare, "compare", "1000,5000", "fleet sizes at which apsaramq_mqtt_device_access runs beside the per-certificate resource on a fleet already in the wanted state (empty: none)")
	fs.StringVar(&o.accessTP, "access-throughput", "500:500,100", "throttled flips of a whole fleet held by apsaramq_mqtt_device_access: EMULATOR_LIMIT[:PROVIDER_RATE_LIMIT],... (empty: none)")
	fs.IntVar(&o.accessTPN, "access-throughput-n", 5000, "N of the device_access throttled flips")
	fs.StringVar(&o.workspaces, "workspaces", "apsaramq:4x200@100,apsaramq_access:4x1000@500",
		"several workspaces at once against one throttled account: KIND:KxN@LIMIT,... with KIND apsaramq (per certificate) or apsaramq_access (empty: none)")
	fs.BoolVar(&o.quick, "quick", false, "smoke run: -n 100,1000 -throughput-n 1000 -compare 1000 -access-throughput-n 1000 unless those are set explicitly")
	fs.DurationVar(&o.stepTimeout, "step-timeout", time.Hour, "bound of one engine command (Terraform 1.11 needs 25 minutes to destroy 5000 instances of terraform_data here)")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Hour, "bound of the whole benchmark")
	fs.StringVar(&o.work, "work", "bench-results/work", "scratch directory for configs, state and engine logs")
	fs.StringVar(&o.out, "out", "bench-results", "directory for the JSON and Markdown results")
	fs.StringVar(&o.profile, "profile-dir", "", "with a provider built from ./internal/benchmark/cmd/profprovider: write its CPU and heap profiles here")
	fs.Func("env", "KEY=VALUE added to the engine's (and so the provider's) environment; repeatable", func(v string) error {
		if !strings.Contains(v, "=") {
			return fmt.Errorf("%q is not KEY=VALUE", v)
		}
		o.env = append(o.env, v)
		return nil
	})
	report := fs.String("report", "", "only judge and print existing results: a JSON file, or several comma-separated (merged, e.g. one run per engine); runs nothing")
	merged := fs.String("merged-out", "", "with -report: also write the merged results here (JSON, and Markdown beside it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *report != "" {
		r, err := benchmark.MergeReports(strings.Split(*report, ","))
		if err != nil {
			return err
		}
		r.Evaluate()
		md := r.Markdown()
		fmt.Print(md)
		if *merged != "" {
			if err := r.WriteJSON(*merged); err != nil {
				return err
			}
			return os.WriteFile(strings.TrimSuffix(*merged, ".json")+".md", []byte(md), 0o644)
		}
		return nil
	}
	if o.quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["n"] {
			o.sizes = "100,1000"
		}
		if !set["throughput-n"] {
			o.tpN = 1000
		}
		if !set["compare"] {
			o.compare = "1000"
		}
		if !set["access-throughput-n"] {
			o.accessTPN = 1000
		}
	}
	return bench(o)
}

func bench(o options) error {
	if o.provider == "" {
		return errors.New("-provider is required")
	}
	providerBin, err := filepath.Abs(o.provider)
	if err != nil {
		return err
	}
	if filepath.Base(providerBin) != "terraform-provider-apsaramq" {
		return fmt.Errorf("-provider must be named terraform-provider-apsaramq for dev_overrides, got %s", providerBin)
	}
	sizes, err := benchmark.ParseSizes(o.sizes)
	if err != nil {
		return err
	}
	cases, err := benchmark.ParseThroughput(o.throughput)
	if err != nil {
		return err
	}
	steps, err := benchmark.ParseSteps(o.steps)
	if err != nil {
		return err
	}
	compareSizes, err := benchmark.ParseSizes(o.compare)
	if err != nil {
		return err
	}
	accessCases, err := benchmark.ParseThroughput(o.accessTP)
	if err != nil {
		return err
	}
	workspaceCases, err := benchmark.ParseWorkspaces(o.workspaces)
	if err != nil {
		return err
	}
	names, err := benchmark.ParseEngines(o.engines)
	if err != nil {
		return err
	}
	paths := map[string]string{"terraform": o.terraform, "tofu": o.tofu}
	work, err := filepath.Abs(o.work)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	var engines []benchmark.Engine
	for _, name := range names {
		if paths[name] == "" {
			fmt.Fprintf(os.Stderr, "bench: no %s binary given; skipping it\n", name)
			continue
		}
		e, err := engine.Detect(ctx, paths[name])
		if err != nil {
			return err
		}
		engines = append(engines, benchmark.EngineOf(e))
	}
	if len(engines) == 0 {
		return errors.New("no engine to run")
	}

	report := &benchmark.Report{
		StartedAt:   time.Now().UTC().Format(time.RFC3339),
		Host:        benchmark.Host{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH},
		ProviderBin: providerBin,
	}
	rn := &benchmark.Runner{ProviderBin: providerBin, WorkDir: work, StepTimeout: o.stepTimeout, Progress: os.Stdout, ExtraEnv: o.env}
	if o.profile != "" {
		if rn.ProfileDir, err = filepath.Abs(o.profile); err != nil {
			return err
		}
	}
	type workloadKey struct {
		n   int
		mix benchmark.Mix
	}
	workloads := map[workloadKey]*benchmark.Workload{}
	workloadMix := func(n int, mix benchmark.Mix) (*benchmark.Workload, error) {
		if w, ok := workloads[workloadKey{n, mix}]; ok {
			return w, nil
		}
		w, err := benchmark.NewWorkloadMix(n, mix)
		workloads[workloadKey{n, mix}] = w
		return w, err
	}
	workload := func(n int) (*benchmark.Workload, error) { return workloadMix(n, benchmark.MixTenths) }

	var specs []benchmark.Spec
	for _, e := range engines {
		for _, n := range sizes {
			w, err := workload(n)
			if err != nil {
				return err
			}
			specs = append(specs, benchmark.Spec{Scenario: benchmark.ScenarioFleet, Engine: e, Workload: w,
				Parallelism: o.parallelism, Baseline: o.baseline, Steps: steps})
		}
		for _, c := range cases {
			if !o.engineTP {
				break
			}
			w, err := workload(o.tpN)
			if err != nil {
				return err
			}
			specs = append(specs, benchmark.Spec{Scenario: benchmark.ScenarioThroughput, Engine: e, Workload: w,
				Parallelism: o.tpParallelism, Steps: []benchmark.Step{benchmark.StepApply},
				EmulatorRateLimit: c.EmulatorLimit, EmulatorLatency: o.tpLatency, ProviderRateLimit: c.RateLimit})
		}
		for _, n := range compareSizes {
			w, err := workloadMix(n, benchmark.MixAllWanted)
			if err != nil {
				return err
			}
			// The per-certificate side runs what the targets compare (adopt
			// and the no-change plan); its flip and destroy would only add
			// the engine's own cost at length.
			specs = append(specs, benchmark.Spec{Scenario: benchmark.ScenarioCompare, Engine: e, Workload: w, Parallelism: o.parallelism,
				Kinds: []benchmark.Kind{benchmark.KindProvider, benchmark.KindAccess}, Steps: benchmark.Steps,
				StepsOf: map[benchmark.Kind][]benchmark.Step{benchmark.KindProvider: {benchmark.StepApply, benchmark.StepPlan}}})
		}
		for _, c := range accessCases {
			w, err := workloadMix(o.accessTPN, benchmark.MixAllWanted)
			if err != nil {
				return err
			}
			specs = append(specs, benchmark.Spec{Scenario: benchmark.ScenarioAccessThroughput, Engine: e, Workload: w,
				Parallelism: o.parallelism, Kinds: []benchmark.Kind{benchmark.KindAccess}, Steps: []benchmark.Step{benchmark.StepApply, benchmark.StepFlip},
				EmulatorRateLimit: c.EmulatorLimit, EmulatorLatency: o.tpLatency, ProviderRateLimit: c.RateLimit})
		}
		for _, c := range workspaceCases {
			mix := benchmark.MixTenths
			if c.Kind == benchmark.KindAccess {
				mix = benchmark.MixAllInactive // every process has a change to make for each certificate
			}
			w, err := workloadMix(c.K*c.N, mix)
			if err != nil {
				return err
			}
			specs = append(specs, benchmark.Spec{Scenario: benchmark.ScenarioWorkspaces, Engine: e, Workload: w, Workspaces: c.K,
				Parallelism: o.parallelism, Kinds: []benchmark.Kind{c.Kind}, EmulatorRateLimit: c.Limit, EmulatorLatency: o.tpLatency})
		}
	}

	if o.client {
		for _, c := range cases {
			w, err := workload(o.tpN)
			if err != nil {
				return err
			}
			specs = append(specs, benchmark.Spec{Scenario: benchmark.ScenarioClient, Workload: w,
				Engine:      benchmark.Engine{Name: benchmark.ClientEngine, Version: "(no engine)"},
				Parallelism: o.tpParallelism, EmulatorRateLimit: c.EmulatorLimit, EmulatorLatency: o.tpLatency, ProviderRateLimit: c.RateLimit})
		}
	}

	failed := false
	started := time.Now()
	for _, spec := range specs {
		fmt.Printf("== %s on %s %s, N=%d (%s elapsed)\n", spec.Scenario, spec.Engine.Name, spec.Engine.Version,
			spec.Workload.N(), time.Since(started).Round(time.Second))
		run := rn.Execute
		switch spec.Scenario {
		case benchmark.ScenarioClient:
			run = rn.Client
		case benchmark.ScenarioWorkspaces:
			run = rn.Workspaces
		}
		r, err := run(ctx, spec)
		report.Runs = append(report.Runs, r)
		for _, s := range r.Steps {
			failed = failed || !s.OK
		}
		for _, w := range r.Workspaces {
			failed = failed || !w.OK
		}
		if err != nil {
			failed = true
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			if ctx.Err() != nil {
				break
			}
		}
	}
	report.Finished = time.Now().UTC().Format(time.RFC3339)
	report.Evaluate()

	md := report.Markdown()
	fmt.Printf("\n%s", md)
	stamp := time.Now().UTC().Format("20060102T150405Z")
	for _, p := range []string{filepath.Join(o.out, "bench-"+stamp+".json"), filepath.Join(o.out, "latest.json")} {
		if err := report.WriteJSON(p); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(o.out, "latest.md"), []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Printf("results: %s (and bench-%s.json), tables: %s; engine logs under %s\n",
		filepath.Join(o.out, "latest.json"), stamp, filepath.Join(o.out, "latest.md"), work)
	if failed {
		return benchmark.ErrFailedSteps
	}
	return nil
}
