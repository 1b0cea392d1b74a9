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
	fs.BoolVar(&o.quick, "quick", false, "smoke run: -n 100,1000 -throughput-n 1000 unless those are set explicitly")
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
	workloads := map[int]*benchmark.Workload{}
	workload := func(n int) (*benchmark.Workload, error) {
		if w, ok := workloads[n]; ok {
			return w, nil
		}
		w, err := benchmark.NewWorkload(n)
		workloads[n] = w
		return w, err
	}

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
		if spec.Scenario == benchmark.ScenarioClient {
			run = rn.Client
		}
		r, err := run(ctx, spec)
		report.Runs = append(report.Runs, r)
		for _, s := range r.Steps {
			failed = failed || !s.OK
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
