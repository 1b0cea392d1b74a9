package benchmark

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// ClientEngine names runs of the provider's API client without an engine:
// what the client, its limiter and its retries sustain when nothing else
// costs CPU, to tell the provider's bound from the engine's.
const ClientEngine = "client"

// ScenarioClient is the throttled create workload done by the API client
// alone: per certificate what Create does (one read, one status call where
// the status differs), from Parallelism goroutines.
const ScenarioClient = "client-throughput"

// Client runs spec's workload through onsmqtt.Client against a throttled emulator.
func (rn *Runner) Client(ctx context.Context, spec Spec) (Run, error) {
	w := spec.Workload
	run := Run{
		Scenario: ScenarioClient, Engine: Engine{Name: ClientEngine, Version: "(onsmqtt client alone, no engine)"},
		N: w.N(), Parallelism: spec.Parallelism, EmulatorRateLimit: spec.EmulatorRateLimit,
		EmulatorLatencyMS: float64(spec.EmulatorLatency) / float64(time.Millisecond),
		ProviderRateLimit: spec.ProviderRateLimit, LoadAvg: loadAvg(),
	}
	live, err := startEmulator(w.Seed(), emulator.Options{RateLimit: spec.EmulatorRateLimit, Latency: spec.EmulatorLatency})
	if err != nil {
		return run, err
	}
	defer live.srv.Close()
	ep, err := onsmqtt.ParseEndpoint(live.url)
	if err != nil {
		return run, err
	}
	client, err := onsmqtt.New(onsmqtt.Config{
		Region: emulator.DemoRegion, Endpoint: ep, RateLimit: spec.ProviderRateLimit,
		Credentials: onsmqtt.Credentials{AccessKeyID: emulator.DemoAccessKeyID, AccessKeySecret: emulator.DemoAccessKeySecret},
	})
	if err != nil {
		return run, err
	}
	ctx, cancel := context.WithTimeout(ctx, rn.StepTimeout)
	defer cancel()

	live.emu.ResetCounters()
	live.meter.Reset()
	jobs := make(chan emulator.DeviceCertificate)
	var (
		mu       sync.Mutex
		failures []string
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range max(1, spec.Parallelism) {
		wg.Go(func() {
			for d := range jobs {
				if err := adopt(ctx, client, d); err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
				}
			}
		})
	}
	for _, d := range w.Devices {
		jobs <- d
	}
	close(jobs)
	wg.Wait()

	res := StepResult{Step: StepApply, Kind: Kind(ClientEngine)}
	res.WallSeconds = time.Since(start).Seconds()
	res.Calls, res.Errors, res.Rate = live.emu.Calls(), live.emu.Errors(), live.meter.Rate()
	res.Expected = w.Expected(StepApply)
	res.BudgetOK, res.Budget = CheckBudget(res.Calls, res.Errors, res.Expected, spec.EmulatorRateLimit > 0)
	res.StateOK, res.StateNote = checkState(live.emu, w, StepApply)
	switch {
	case len(failures) > 0:
		res.Failure = fmt.Sprintf("%d certificates failed (first: %s)", len(failures), failures[0])
	case !res.StateOK:
		res.Failure = res.StateNote
	}
	res.OK = res.Failure == ""
	run.Steps = append(run.Steps, res)
	rn.progress(run, res)
	return run, nil
}

// adopt is what the resource's Create does with the API.
func adopt(ctx context.Context, c *onsmqtt.Client, d emulator.DeviceCertificate) error {
	key := onsmqtt.DeviceKey{InstanceID: d.InstanceID, CASn: d.CASn, DeviceSn: d.DeviceSn}
	cert, err := c.GetDeviceCertificate(ctx, key)
	if err != nil {
		return err
	}
	if cert.Status != onsmqtt.StatusActive {
		return c.SetDeviceCertificateStatus(ctx, key, onsmqtt.StatusActive)
	}
	return nil
}
