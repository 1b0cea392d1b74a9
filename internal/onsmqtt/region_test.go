package onsmqtt_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

func TestForRegionKeepsAnEndpointOverrideOnly(t *testing.T) {
	plain, err := onsmqtt.New(onsmqtt.Config{Region: "cn-hangzhou", Credentials: onsmqtt.Credentials{AccessKeyID: "id", AccessKeySecret: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	if plain.HasEndpointOverride() {
		t.Fatal("a client on its region's default endpoint reports an override")
	}
	if same, _ := plain.ForRegion(""); same != plain {
		t.Fatal(`ForRegion("") must return the client itself`)
	}
	if same, _ := plain.ForRegion("cn-hangzhou"); same != plain {
		t.Fatal("ForRegion(own region) must return the client itself")
	}
	sh, err := plain.ForRegion("cn-shanghai")
	if err != nil {
		t.Fatal(err)
	}
	if sh.Region() != "cn-shanghai" || sh.Endpoint().String() != "https://onsmqtt.cn-shanghai.aliyuncs.com" || sh.HasEndpointOverride() {
		t.Fatalf("ForRegion(cn-shanghai) = region %s endpoint %s", sh.Region(), sh.Endpoint())
	}
	if _, err := plain.ForRegion("Shanghai"); err == nil {
		t.Fatal("an invalid region must be refused")
	}

	vpc, _ := onsmqtt.ParseEndpoint("https://onsmqtt-vpc.cn-hangzhou.aliyuncs.com")
	custom, err := onsmqtt.New(onsmqtt.Config{Region: "cn-hangzhou", Endpoint: vpc, Credentials: onsmqtt.Credentials{AccessKeyID: "id", AccessKeySecret: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	if !custom.HasEndpointOverride() {
		t.Fatal("a VPC endpoint is an override")
	}
	if sh, _ := custom.ForRegion("cn-shanghai"); sh.Endpoint() != vpc || sh.Region() != "cn-shanghai" {
		t.Fatalf("override not kept: %s %s", sh.Region(), sh.Endpoint())
	}
}

// Through one override endpoint (the emulator fronts every region), the
// regional client signs for its region: an instance is found only there.
func TestForRegionAddressesTheOtherRegion(t *testing.T) {
	_, url := fleetEmulator(t, nil)
	hz := fleetClient(t, url, 0)
	sh, err := hz.ForRegion(onsmqtttest.SecondRegion)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := hz.ForRegion(onsmqtttest.SecondRegion); again != sh {
		t.Fatal("ForRegion made a second client for the same region; each operation would build new SDK clients")
	}
	ctx := context.Background()
	if _, err := sh.GetRegisterCode(ctx, onsmqtttest.SecondInstanceID); err != nil {
		t.Fatalf("shanghai instance through the shanghai client: %v", err)
	}
	if _, err := hz.GetRegisterCode(ctx, onsmqtttest.SecondInstanceID); !onsmqtt.IsNotFound(err) {
		t.Fatalf("shanghai instance through the hangzhou client: want MqttInstanceNotFound, got %v", err)
	}
	if _, err := sh.ListDeviceCertificates(ctx, emulator.DemoInstanceID, ""); !onsmqtt.IsNotFound(err) {
		t.Fatalf("hangzhou instance through the shanghai client: want MqttInstanceNotFound, got %v", err)
	}
}

// The rate limit is per account, so regional clients share one limiter.
func TestForRegionSharesTheRateLimiter(t *testing.T) {
	_, url := fleetEmulator(t, nil)
	const limit, calls = 20.0, 24 // burst 2: 22 waits of 50ms, at least ~1.1s in all
	hz := fleetClient(t, url, limit)
	sh, _ := hz.ForRegion(onsmqtttest.SecondRegion)
	ctx := context.Background()
	started := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, inst := hz, emulator.DemoInstanceID
			if i%2 == 1 {
				c, inst = sh, onsmqtttest.SecondInstanceID
			}
			_, err := c.GetRegisterCode(ctx, inst)
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Separate limiters would let each half through in ~0.5s.
	if took := time.Since(started); took < 900*time.Millisecond {
		t.Fatalf("%d calls at %v/s shared took %v: the regions do not share the limiter", calls, limit, took)
	}
}

func TestValidateRegion(t *testing.T) {
	for _, r := range []string{"cn-hangzhou", "ap-southeast-1", "mq-internet-access", "us-west-1"} {
		if err := onsmqtt.ValidateRegion(r); err != nil {
			t.Errorf("ValidateRegion(%q): %v", r, err)
		}
	}
	for _, r := range []string{"", "cnhangzhou", "CN-HANGZHOU", "cn_hangzhou", "cn-hangzhou ", "cn-", "-cn"} {
		if err := onsmqtt.ValidateRegion(r); err == nil {
			t.Errorf("ValidateRegion(%q): expected an error", r)
		}
	}
}
