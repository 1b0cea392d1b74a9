package emulator_test

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func regionClient(t *testing.T, srv *emulator.Server, region string) *client {
	t.Helper()
	c, err := sdk.NewClientWithOptions(region, sdk.NewConfig().WithScheme("HTTP"),
		credentials.NewAccessKeyCredential(emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret))
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, sdk: c, endpoint: srv.Endpoint}
}

// A regional endpoint only knows its region's instances: the SDK's RegionId
// must match the instance's region, whatever the account.
func TestInstanceRegionMustMatchRegionId(t *testing.T) {
	seed := emulator.DemoSeed()
	seed.Instances = append(seed.Instances, emulator.Instance{ID: "post-cn-sh0001", AccountID: emulator.DemoAccountID, Region: "cn-shanghai"})
	srv := startServerSeed(t, seed, emulator.Options{})

	hangzhou, shanghai := regionClient(t, srv, emulator.DemoRegion), regionClient(t, srv, "cn-shanghai")

	hangzhou.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	_, err := shanghai.call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "MqttInstanceNotFound", 400)
	_, err = shanghai.call("ListCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "PageNo": "1", "PageSize": "10"})
	expectCode(t, err, "MqttInstanceNotFound", 400)

	shanghai.mustCall("GetRegisterCode", map[string]string{"MqttInstanceId": "post-cn-sh0001"})
	_, err = hangzhou.call("GetRegisterCode", map[string]string{"MqttInstanceId": "post-cn-sh0001"})
	expectCode(t, err, "MqttInstanceNotFound", 400)

	// Another account's instance in the wrong region is not found either,
	// rather than revealing its owner.
	_, err = shanghai.call("GetCaCertificate", map[string]string{"MqttInstanceId": emulator.OtherInstanceID, "Sn": emulator.OtherCASn})
	expectCode(t, err, "MqttInstanceNotFound", 400)
}
