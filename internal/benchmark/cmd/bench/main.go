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

// options are the flags: what to run (plan) and how.
type options struct {
	plan                      benchmark.Plan
	provider, terraform, tofu string
	floorProvider             string
	engines                   []engine.Kind
	stepTimeout, timeout      time.Duration
	quick                     bool
	work, out, profile        string
	env                       []string
	report, mergedOut         string
}

func run(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	if o.report != "" {
		return judge(o.report, o.mergedOut)
	}
	return bench(o)
}

func parseFlags(args []string) (options, error) {
	var o options
	p := &o.plan
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.provider, "provider", "", "path of the built terraform-provider-apsaramq binary (required)")
	fs.StringVar(&o.floorProvider, "floor-provider", "", "path of the built floors' provider (./internal/benchmark/cmd/floorprovider, named terraform-provider-apsaramq in a directory of its own); -scale-floors needs it")
	fs.StringVar(&o.terraform, "terraform", "", "path of the Terraform binary (empty: skip Terraform)")
	fs.StringVar(&o.tofu, "tofu", "", "path of the OpenTofu binary (empty: skip OpenTofu)")
	listVar(fs, &o.engines, "engines", "terraform,tofu", "`engines` to run, among those with a path", benchmark.ParseEngines)
	listVar(fs, &p.Sizes, "n", "100,1000,5000", "fleet `sizes` N for the four-step runs (empty: none)", benchmark.ParseSizes)
	listVar(fs, &p.Steps, "steps", "apply,plan,flip,destroy", "`steps` of the fleet and scale runs, in this order; apply is required", benchmark.ParseSteps)
	fs.IntVar(&p.Parallelism, "parallelism", 10, "engine -parallelism of the four-step runs (10 is the engines' default)")
	fs.BoolVar(&p.Baseline, "baseline", true, "also run every step on N terraform_data resources")
	listVar(fs, &p.Throughput, "throughput", "500:500,100", "throttled applies: `EMULATOR_LIMIT[:PROVIDER_RATE_LIMIT],...` (empty: none)", benchmark.ParseThroughput)
	fs.IntVar(&p.ThroughputN, "throughput-n", 5000, "N of the throttled applies")
	fs.IntVar(&p.ThroughputParallelism, "throughput-parallelism", 64, "engine -parallelism of the throttled applies")
	fs.DurationVar(&p.Latency, "throughput-latency", 20*time.Millisecond, "emulator latency per call in the throttled applies")
	fs.BoolVar(&p.EngineThroughput, "engine-throughput", true, "run the throttled applies on the engines")
	fs.BoolVar(&p.ClientThroughput, "client-throughput", true, "also run each throttled case through the provider's API client alone (no engine)")
	listVar(fs, &p.Compare, "compare", "1000,5000", "fleet `sizes` at which apsaramq_mqtt_device_access runs beside the per-certificate resource on a fleet already in the wanted state (empty: none)", benchmark.ParseSizes)
	listVar(fs, &p.AccessThroughput, "access-throughput", "500:500,100", "throttled flips of a whole fleet held by apsaramq_mqtt_device_access: `EMULATOR_LIMIT[:PROVIDER_RATE_LIMIT],...` (empty: none)", benchmark.ParseThroughput)
	fs.IntVar(&p.AccessThroughputN, "access-throughput-n", 5000, "N of the device_access throttled flips")
	listVar(fs, &p.Scale, "scale", "20000,50000,100000", "fleet `sizes` at which one apsaramq_mqtt_device_access holds a whole CA beside one terraform_data holding the same map, every step, throttled as -scale-rate (empty: none)", benchmark.ParseSizes)
	fs.Func("scale-rate", "`EMULATOR_LIMIT:PROVIDER_RATE_LIMIT` of the scale runs (default \"500:500\": the account's documented limit)", func(s string) error {
		cases, err := benchmark.ParseThroughput(s)
		if err == nil && len(cases) != 1 {
			err = fmt.Errorf("%q: one EMULATOR_LIMIT[:PROVIDER_RATE_LIMIT]", s)
		}
		if err == nil {
			p.ScaleRate = cases[0]
		}
		return err
	})
	p.ScaleRate = benchmark.ThroughputCase{EmulatorLimit: 500, RateLimit: 500}
	fs.BoolVar(&p.ScaleFloors, "scale-floors", true, "also run the scale steps on the framework and protocol floors of apsaramq_mqtt_device_access (same schema, no behaviour: the framework's and the engine's own cost)")
	listVar(fs, &p.Workspaces, "workspaces", "apsaramq:4x200@100,apsaramq_access:4x1000@500",
		"several workspaces at once against one throttled account: `RESOURCE:KxN@LIMIT,...` with RESOURCE apsaramq (per certificate) or apsaramq_access (empty: none)", benchmark.ParseWorkspaces)
	fs.BoolVar(&o.quick, "quick", false, "smoke run: -n 100,1000 -throughput-n 1000 -compare 1000 -access-throughput-n 1000 -scale 2000,5000,10000 unless those are set explicitly")
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
	fs.StringVar(&o.report, "report", "", "only judge and print existing results: a JSON file, or several comma-separated (merged, e.g. one run per engine); runs nothing")
	fs.StringVar(&o.mergedOut, "merged-out", "", "with -report: also write the merged results here (JSON, and Markdown beside it)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.quick {
		o.shrink(fs)
	}
	return o, nil
}

// listVar defines a flag holding a comma-separated list, read by parse.
func listVar[T any](fs *flag.FlagSet, dst *[]T, name, def, usage string, parse func(string) ([]T, error)) {
	*dst, _ = parse(def) // every default parses
	fs.Func(name, fmt.Sprintf("%s (default %q)", usage, def), func(s string) (err error) {
		*dst, err = parse(s)
		return err
	})
}

// shrink applies -quick to the sizes not set explicitly.
func (o *options) shrink(fs *flag.FlagSet) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["n"] {
		o.plan.Sizes = []int{100, 1000}
	}
	if !set["throughput-n"] {
		o.plan.ThroughputN = 1000
	}
	if !set["compare"] {
		o.plan.Compare = []int{1000}
	}
	if !set["access-throughput-n"] {
		o.plan.AccessThroughputN = 1000
	}
	if !set["scale"] {
		o.plan.Scale = []int{2000, 5000, 10000}
	}
}

// judge prints the tables of earlier results, merged, and writes the merged
// results to mergedOut when set.
func judge(paths, mergedOut string) error {
	r, err := benchmark.MergeReports(strings.Split(paths, ","))
	if err != nil {
		return err
	}
	r.Evaluate()
	md := r.Markdown()
	fmt.Print(md)
	if mergedOut == "" {
		return nil
	}
	if err := r.WriteJSON(mergedOut); err != nil {
		return err
	}
	return os.WriteFile(strings.TrimSuffix(mergedOut, ".json")+".md", []byte(md), 0o644)
}

func bench(o options) error {
	rn, err := o.runner()
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

	engines, err := o.detectEngines(ctx)
	if err != nil {
		return err
	}
	specs, err := o.plan.Specs(engines)
	if err != nil {
		return err
	}
	report, failed := runAll(ctx, rn, specs)
	if err := writeResults(report, o.out, rn.WorkDir); err != nil {
		return err
	}
	if failed {
		return benchmark.ErrFailedSteps
	}
	return nil
}

func (o options) runner() (*benchmark.Runner, error) {
	if o.provider == "" {
		return nil, errors.New("-provider is required")
	}
	bin, err := filepath.Abs(o.provider)
	if err != nil {
		return nil, err
	}
	if filepath.Base(bin) != "terraform-provider-apsaramq" {
		return nil, fmt.Errorf("-provider must be named terraform-provider-apsaramq for dev_overrides, got %s", bin)
	}
	rn := &benchmark.Runner{ProviderBin: bin, StepTimeout: o.stepTimeout, Progress: os.Stdout, ExtraEnv: o.env}
	if o.plan.ScaleFloors && len(o.plan.Scale) > 0 {
		if o.floorProvider == "" {
			return nil, errors.New("-scale-floors needs -floor-provider (or -scale-floors=false)")
		}
		if rn.FloorProviderBin, err = filepath.Abs(o.floorProvider); err != nil {
			return nil, err
		}
		if filepath.Base(rn.FloorProviderBin) != "terraform-provider-apsaramq" || filepath.Dir(rn.FloorProviderBin) == filepath.Dir(bin) {
			return nil, fmt.Errorf("-floor-provider must be named terraform-provider-apsaramq, in another directory than -provider, got %s", rn.FloorProviderBin)
		}
	}
	if rn.WorkDir, err = filepath.Abs(o.work); err != nil {
		return nil, err
	}
	if o.profile != "" {
		if rn.ProfileDir, err = filepath.Abs(o.profile); err != nil {
			return nil, err
		}
	}
	return rn, nil
}

// detectEngines asks each engine named by -engines that has a path for its
// version; there must be one at least.
func (o options) detectEngines(ctx context.Context) ([]engine.Engine, error) {
	paths := map[engine.Kind]string{engine.Terraform: o.terraform, engine.OpenTofu: o.tofu}
	var engines []engine.Engine
	for _, kind := range o.engines {
		if paths[kind] == "" {
			fmt.Fprintf(os.Stderr, "bench: no %s binary given; skipping it\n", kind)
			continue
		}
		e, err := engine.Detect(ctx, paths[kind])
		if err != nil {
			return nil, err
		}
		engines = append(engines, e)
	}
	if len(engines) == 0 {
		return nil, errors.New("no engine to run")
	}
	return engines, nil
}

// runAll runs specs in order, until ctx ends, and reports whether any run
// failed.
func runAll(ctx context.Context, rn *benchmark.Runner, specs []benchmark.Spec) (*benchmark.Report, bool) {
	report := &benchmark.Report{
		StartedAt:   time.Now().UTC().Format(time.RFC3339),
		Host:        benchmark.Host{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH},
		ProviderBin: rn.ProviderBin,
	}
	failed := false
	started := time.Now()
	for _, spec := range specs {
		fmt.Printf("== %s on %s %s, N=%d (%s elapsed)\n", spec.Scenario, spec.Engine.Kind, spec.Engine.Version,
			spec.Workload.N(), time.Since(started).Round(time.Second))
		r, err := rn.Execute(ctx, spec)
		report.Runs = append(report.Runs, r)
		failed = failed || r.Failed() || err != nil
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			if ctx.Err() != nil {
				break
			}
		}
	}
	report.Finished = time.Now().UTC().Format(time.RFC3339)
	report.Evaluate()
	return report, failed
}

// writeResults prints the tables and writes them and the JSON to out.
func writeResults(report *benchmark.Report, out, work string) error {
	md := report.Markdown()
	fmt.Printf("\n%s", md)
	stamp := time.Now().UTC().Format("20060102T150405Z")
	for _, p := range []string{filepath.Join(out, "bench-"+stamp+".json"), filepath.Join(out, "latest.json")} {
		if err := report.WriteJSON(p); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(out, "latest.md"), []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Printf("results: %s (and bench-%s.json), tables: %s; engine logs under %s\n",
		filepath.Join(out, "latest.json"), stamp, filepath.Join(out, "latest.md"), work)
	return nil
}
