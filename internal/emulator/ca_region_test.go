package emulator_test

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// Instances added to the demo seed for the per-region tests.
const (
	shanghaiDemo  = "post-cn-sh0001" // demo account, cn-shanghai
	shanghaiOther = "post-cn-sh0002" // other account, cn-shanghai
	hangzhouDemo2 = "post-cn-hz0002" // demo account, cn-hangzhou (like DemoInstanceID)
)

func multiRegionSeed() emulator.Seed {
	seed := emulator.DemoSeed()
	seed.Instances = append(seed.Instances,
		emulator.Instance{ID: shanghaiDemo, AccountID: emulator.DemoAccountID, Region: "cn-shanghai"},
		emulator.Instance{ID: shanghaiOther, AccountID: emulator.OtherAccountID, Region: "cn-shanghai"},
		emulator.Instance{ID: hangzhouDemo2, AccountID: emulator.DemoAccountID, Region: emulator.DemoRegion},
	)
	return seed
}

// keyClient is a v1 SDK client for any key pair and region.
func keyClient(t *testing.T, srv *emulator.Server, region, keyID, secret string) *client {
	t.Helper()
	c, err := sdk.NewClientWithOptions(region, sdk.NewConfig().WithScheme("HTTP"), credentials.NewAccessKeyCredential(keyID, secret))
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, sdk: c, endpoint: srv.Endpoint}
}

// registerOn fetches the instance's code and registers ca with it.
func registerOn(t *testing.T, c *client, instance string, ca *emulator.TestCA) error {
	t.Helper()
	p := registerParams(ca, "ca-on-"+instance, verification(t, ca, registerCode(t, c, instance)))
	p["MqttInstanceId"] = instance
	out, err := c.call("RegisterCaCertificate", p)
	if err == nil && digStr(out, "Sn") != ca.Sn() {
		t.Fatalf("RegisterCaCertificate on %s answered Sn %q, want %q", instance, digStr(out, "Sn"), ca.Sn())
	}
	return err
}

// A CA certificate can be registered with only one instance per region,
// across accounts; other regions are independent, and deleting frees the
// serial in its own region only.
func TestCASerialIsUniquePerRegion(t *testing.T) {
	srv := startServerSeed(t, multiRegionSeed(), emulator.Options{})
	hz := keyClient(t, srv, emulator.DemoRegion, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret)
	sh := keyClient(t, srv, "cn-shanghai", emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret)
	shOther := keyClient(t, srv, "cn-shanghai", emulator.OtherAccessKeyID, emulator.OtherAccessKeySecret)
	demoCA, err := emulator.DemoCA() // registered on DemoInstanceID (cn-hangzhou) by the seed
	if err != nil {
		t.Fatal(err)
	}

	if err := registerOn(t, sh, shanghaiDemo, demoCA); err != nil {
		t.Fatalf("same CA in another region: %v", err)
	}
	expectCode(t, registerOn(t, hz, hangzhouDemo2, demoCA), "SnNotUnique", 401)      // second instance, same region
	expectCode(t, registerOn(t, shOther, shanghaiOther, demoCA), "SnNotUnique", 401) // other account, same region
	se := expectCode(t, registerOn(t, sh, shanghaiDemo, demoCA), "SnNotUnique", 401) // same instance twice
	if se.Message() != "Sn is not unique in global." {
		t.Fatalf("SnNotUnique message %q", se.Message())
	}

	sh.mustCall("DeleteCaCertificate", map[string]string{"MqttInstanceId": shanghaiDemo, "Sn": demoCA.Sn()})
	if err := registerOn(t, shOther, shanghaiOther, demoCA); err != nil {
		t.Fatalf("serial not freed in cn-shanghai by the delete: %v", err)
	}
	expectCode(t, registerOn(t, hz, hangzhouDemo2, demoCA), "SnNotUnique", 401) // cn-hangzhou still holds it

	hz.mustCall("DeleteCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": demoCA.Sn()})
	if err := registerOn(t, hz, hangzhouDemo2, demoCA); err != nil {
		t.Fatalf("serial not freed in cn-hangzhou by the delete: %v", err)
	}
}

// Seeds follow the same rule as RegisterCaCertificate.
func TestSeedCASerialUniquePerRegion(t *testing.T) {
	withCAOn := func(instance string) emulator.Seed {
		seed := multiRegionSeed()
		dup := seed.CAs[0] // the demo CA on DemoInstanceID
		dup.InstanceID = instance
		seed.CAs = append(seed.CAs, dup)
		return seed
	}
	if _, err := emulator.New(withCAOn(shanghaiOther), emulator.Options{}); err != nil {
		t.Fatalf("same CA serial in two regions refused: %v", err)
	}
	for _, inst := range []string{hangzhouDemo2, emulator.DemoInstanceID, emulator.OtherInstanceID} {
		if _, err := emulator.New(withCAOn(inst), emulator.Options{}); err == nil {
			t.Errorf("CA serial twice in cn-hangzhou (second copy on %s) accepted", inst)
		}
	}
}

// DeleteCaCertificate deletes the device certificates registered under the
// CA on that instance (the reference says so), unless KeepDevicesOnCADelete.
func TestDeleteCACertificateDeletesItsDevices(t *testing.T) {
	for _, keep := range []bool{false, true} {
		srv := startServer(t, emulator.Options{Behaviour: emulator.Behaviour{KeepDevicesOnCADelete: keep}})
		c := demoClient(t, srv)
		// Same CaSn on another instance, and another CaSn on this one: untouched either way.
		for _, d := range []emulator.DeviceCertificate{
			{InstanceID: emulator.OtherInstanceID, CASn: emulator.DemoCASn, DeviceSn: "elsewhere", Status: "1"},
			{InstanceID: emulator.DemoInstanceID, CASn: "another-ca", DeviceSn: "bystander", Status: "1"},
		} {
			if err := srv.PutDevice(d); err != nil {
				t.Fatal(err)
			}
		}
		c.mustCall("DeleteCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": emulator.DemoCASn})
		for _, sn := range []string{emulator.DemoDeviceSn, emulator.DemoDevice2Sn, emulator.DemoInactiveDeviceSn} {
			_, err := c.call("GetDeviceCertificate", demoDevice(sn))
			if keep && err != nil {
				t.Fatalf("keep=true: device %s: %v", sn, err)
			}
			if !keep {
				expectCode(t, err, "FindDeviceBySnError", 400)
			}
		}
		if _, ok := srv.Device(emulator.OtherInstanceID, emulator.DemoCASn, "elsewhere"); !ok {
			t.Fatalf("keep=%v: a device of another instance was deleted", keep)
		}
		if _, ok := srv.Device(emulator.DemoInstanceID, "another-ca", "bystander"); !ok {
			t.Fatalf("keep=%v: a device of another CA was deleted", keep)
		}
	}
}
