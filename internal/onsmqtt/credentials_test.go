package onsmqtt_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// Many requests in flight while temporary credentials come due: the
// credential library renews them once per due time, one request at a
// time, and no call fails. The credentials URI provider of credentials-go
// is the library under test (plain HTTP on loopback, so no CA is needed);
// credentials last 3 seconds and are due for renewal after 1 (the
// emulator's clock runs ahead, see acctest.ShortLivedCredentials).
func TestProviderSourceRenewsOnceForManyRequests(t *testing.T) {
	const validFor, renewAfter, workers = 3 * time.Second, time.Second, 16
	ahead := 180*time.Second + renewAfter - validFor
	srv, err := emulator.Start(emulator.DemoSeed(), emulator.Options{
		TemporaryCredentialLifetime: validFor,
		Now:                         func() time.Time { return time.Now().Add(ahead) },
		Latency:                     20 * time.Millisecond,
	}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	sidecar := httptest.NewServer(srv.CredentialsURIHandler(emulator.DemoRoleArn))
	t.Cleanup(sidecar.Close)
	lib, err := providers.NewURLCredentialsProviderBuilder().WithUrl(sidecar.URL).Build()
	if err != nil {
		t.Fatal(err)
	}
	source := onsmqtt.NewProviderSource("credentials_uri", lib, nil, nil)
	// No client-side pacing: the test is about credentials, not the rate.
	client := onsmqtttest.Client(t, srv.URL, func(c *onsmqtt.Config) { c.CredentialSource, c.RateLimit = source, 1e6 })

	ctx, cancel := context.WithTimeout(context.Background(), 4*validFor/3+renewAfter*2)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		calls int
		fails []error
	)
	started := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				_, err := client.GetDeviceCertificate(ctx, onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: emulator.DemoDeviceSn})
				mu.Lock()
				if err != nil && ctx.Err() == nil {
					fails = append(fails, err)
				} else if err == nil {
					calls++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(started)
	stats := srv.CredentialIssues()
	t.Logf("%d calls by %d goroutines over %s; %d credentials issued (valid %s, due after %s), %d renewals, at most %d requests for them at once",
		calls, workers, elapsed.Round(10*time.Millisecond), stats.Issued, validFor, renewAfter, source.Renewals(), stats.Peak)
	if len(fails) > 0 {
		t.Fatalf("%d calls failed, the first: %v", len(fails), fails[0])
	}
	if stats.Peak != 1 {
		t.Errorf("%d renewals under way at once, want one at a time", stats.Peak)
	}
	if limit := int(elapsed/renewAfter) + 2; stats.Issued < 3 || stats.Issued > limit {
		t.Errorf("%d credentials issued over %s, want between 3 and %d: one per due time, not one per request", stats.Issued, elapsed, limit)
	}
	if source.Renewals() != stats.Issued-1 {
		t.Errorf("the source saw %d renewals of %d credentials issued", source.Renewals(), stats.Issued)
	}
}

// A caller whose context ends stops waiting for a renewal under way.
func TestProviderSourceHonoursTheContext(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	source := onsmqtt.NewProviderSource("slow", blockingProvider{block}, nil, nil)
	go func() { _, _ = source.Retrieve(context.Background()) }() // holds the library
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := source.Retrieve(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
}

// blockingProvider stands for a credential library stuck in a request.
type blockingProvider struct{ block chan struct{} }

func (p blockingProvider) GetCredentials() (*providers.Credentials, error) {
	<-p.block
	return nil, errors.New("unblocked")
}

func (blockingProvider) GetProviderName() string { return "blocking" }
