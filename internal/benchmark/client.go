package benchmark

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// client runs spec's workload through onsmqtt.Client, with no engine: per
// certificate what Create does, from spec.Parallelism goroutines.
func (rn *Runner) client(ctx context.Context, spec Spec) (Run, error) {
	spec.Engine = clientAlone
	w, run := spec.Workload, newRun(spec)
	live, err := startEmulator(w.Seed(), spec.emulatorOptions())
	if err != nil {
		return run, err
	}
	defer live.close()
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

	live.reset()
	start := time.Now()
	failures := adoptAll(ctx, client, w.Devices, spec.Parallelism)
	res := StepResult{Step: StepApply, Resource: ResourceClient}
	res.WallSeconds = time.Since(start).Seconds()
	res.measure(live, spec)
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

// adoptAll adopts every device from parallelism goroutines and returns the
// failures.
func adoptAll(ctx context.Context, c *onsmqtt.Client, devices []emulator.DeviceCertificate, parallelism int) []string {
	jobs := make(chan emulator.DeviceCertificate)
	var (
		mu       sync.Mutex
		failures []string
		wg       sync.WaitGroup
	)
	for range max(1, parallelism) {
		wg.Go(func() {
			for d := range jobs {
				if err := adopt(ctx, c, d); err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
				}
			}
		})
	}
	for _, d := range devices {
		jobs <- d
	}
	close(jobs)
	wg.Wait()
	return failures
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
