package emulator_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func TestGetDeviceCertificate(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	out := c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))

	d, _ := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn)
	want := map[string]string{
		"CaSn":          emulator.DemoCASn,
		"DeviceSn":      emulator.DemoDeviceSn,
		"DeviceName":    "sensor-001",
		"Status":        "1",
		"DeviceContent": d.Content,
		"ValidBegin":    strconv.FormatInt(d.ValidBegin.UnixMilli(), 10),
		"ValidEnd":      strconv.FormatInt(d.ValidEnd.UnixMilli(), 10),
	}
	for k, v := range want {
		if got := digStr(out, "Data", k); got != v {
			t.Errorf("Data.%s = %q, want %q", k, got, v)
		}
	}
	if !strings.HasPrefix(d.Content, "-----BEGIN CERTIFICATE-----") {
		t.Errorf("demo device content is not PEM: %q", d.Content)
	}
	if len(dig(out, "Data").(map[string]any)) != 7 {
		t.Errorf("Data has extra fields: %v", dig(out, "Data"))
	}
	inactive := c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoInactiveDeviceSn))
	if s := digStr(inactive, "Data", "Status"); s != "0" {
		t.Errorf("inactive demo device Status = %q", s)
	}
}

func TestDeviceStatusLifecycle(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	status := func() string {
		return digStr(c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn)), "Data", "Status")
	}
	for _, step := range []struct {
		action, want string
	}{
		{"InactivateDeviceCertificate", "0"},
		{"InactivateDeviceCertificate", "0"}, // idempotent
		{"ActiveDeviceCertificate", "1"},
		{"ActiveDeviceCertificate", "1"}, // idempotent
	} {
		out := c.mustCall(step.action, demoDevice(emulator.DemoDeviceSn))
		if got := digStr(out, "DeviceSn"); got != emulator.DemoDeviceSn {
			t.Fatalf("%s: DeviceSn = %q", step.action, got)
		}
		if got := status(); got != step.want {
			t.Fatalf("after %s: Status = %q, want %q", step.action, got, step.want)
		}
	}
	out := c.mustCall("DeleteDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	if digStr(out, "DeviceSn") != emulator.DemoDeviceSn {
		t.Fatalf("Delete answered %v", out)
	}
	if _, ok := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn); ok {
		t.Fatal("device still stored after delete")
	}
	for _, action := range []string{"GetDeviceCertificate", "DeleteDeviceCertificate", "ActiveDeviceCertificate", "InactivateDeviceCertificate"} {
		_, err := c.call(action, demoDevice(emulator.DemoDeviceSn))
		expectCode(t, err, "FindDeviceBySnError", 400)
	}
}

func TestDeviceNotFoundAndInstanceErrors(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	// Right SN, wrong CA: the triple identifies the record.
	_, err := c.call("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": emulator.OtherCASn, "DeviceSn": emulator.DemoDeviceSn})
	expectCode(t, err, "FindDeviceBySnError", 400)

	_, err = c.call("GetDeviceCertificate", map[string]string{"MqttInstanceId": "post-cn-nope", "CaSn": emulator.DemoCASn, "DeviceSn": emulator.DemoDeviceSn})
	expectCode(t, err, "MqttInstanceNotFound", 400)

	// Every device operation on another account's instance is refused and changes nothing.
	other := map[string]string{"MqttInstanceId": emulator.OtherInstanceID, "CaSn": emulator.OtherCASn, "DeviceSn": emulator.OtherDeviceSn}
	for _, action := range []string{"GetDeviceCertificate", "InactivateDeviceCertificate", "ActiveDeviceCertificate", "DeleteDeviceCertificate"} {
		_, err := c.call(action, other)
		expectCode(t, err, "MqttOwnerCheckError", 403)
	}
	_, err = c.call("ListDeviceCertificate", map[string]string{"MqttInstanceId": emulator.OtherInstanceID, "PageNo": "1", "PageSize": "10"})
	expectCode(t, err, "MqttOwnerCheckError", 403)
	d, ok := srv.Device(emulator.OtherInstanceID, emulator.OtherCASn, emulator.OtherDeviceSn)
	if !ok || d.Status != "1" {
		t.Fatalf("other account's device changed: %+v %v", d, ok)
	}
	// The owner can use it.
	oc := otherClient(t, srv)
	if s := digStr(oc.mustCall("GetDeviceCertificate", other), "Data", "Status"); s != "1" {
		t.Fatalf("owner sees Status %q", s)
	}
}

func TestDeviceParameterChecks(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	sn128 := strings.Repeat("€", 42) + "ab" // 126 + 2 = 128 bytes
	sn129 := strings.Repeat("€", 43)        // 129 bytes, 43 characters
	if len(sn128) != 128 || len(sn129) != 129 {
		t.Fatalf("test SN lengths %d/%d", len(sn128), len(sn129))
	}
	cases := []struct {
		name   string
		params map[string]string
		code   string
		status int
	}{
		{"missing DeviceSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": emulator.DemoCASn}, "ParameterFieldCheckFailed", 400},
		{"empty CaSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": "", "DeviceSn": "x"}, "ParameterFieldCheckFailed", 400},
		{"missing instance", map[string]string{"CaSn": emulator.DemoCASn, "DeviceSn": "x"}, "ParameterFieldCheckFailed", 400},
		{"129-byte CaSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": sn129, "DeviceSn": "x"}, "ParameterFieldCheckFailed", 400},
		{"129-byte DeviceSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": emulator.DemoCASn, "DeviceSn": sn129}, "ParameterFieldCheckFailed", 400},
		// 128 bytes passes the check and reaches the lookup.
		{"128-byte CaSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": sn128, "DeviceSn": "x"}, "FindDeviceBySnError", 400},
		{"128-byte DeviceSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": emulator.DemoCASn, "DeviceSn": sn128}, "FindDeviceBySnError", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.call("GetDeviceCertificate", tc.params)
			expectCode(t, err, tc.code, tc.status)
		})
	}
	// A 128-byte multi-byte SN round-trips through a stored record.
	if err := srv.PutDevice(emulator.DeviceCertificate{InstanceID: emulator.DemoInstanceID, CASn: sn128, DeviceSn: sn128, DeviceName: "utf8", Status: "1"}); err != nil {
		t.Fatal(err)
	}
	out := c.mustCall("InactivateDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": sn128, "DeviceSn": sn128})
	if digStr(out, "DeviceSn") != sn128 {
		t.Fatalf("DeviceSn = %q", digStr(out, "DeviceSn"))
	}
	if d, _ := srv.Device(emulator.DemoInstanceID, sn128, sn128); d.Status != "0" {
		t.Fatalf("status = %q", d.Status)
	}
	if err := srv.PutDevice(emulator.DeviceCertificate{InstanceID: emulator.DemoInstanceID, CASn: sn129, DeviceSn: "x", Status: "1"}); err == nil {
		t.Fatal("PutDevice accepted a 129-byte CaSn")
	}
}

// seedDevices adds n plain devices under two CAs to the demo instance.
func seedDevices(t *testing.T, srv *emulator.Server, n int) {
	t.Helper()
	for i := range n {
		ca := "ca-a"
		if i%2 == 1 {
			ca = "ca-b"
		}
		err := srv.PutDevice(emulator.DeviceCertificate{
			InstanceID: emulator.DemoInstanceID, CASn: ca, DeviceSn: fmt.Sprintf("dev-%03d", i),
			DeviceName: fmt.Sprintf("d%d", i), Status: "1",
			ValidBegin: time.Unix(1700000000, 0), ValidEnd: time.Unix(1800000000, 0),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func listSns(out map[string]any) []string {
	var sns []string
	vos, _ := dig(out, "Data", "DeviceCertificateVOS").([]any)
	for _, v := range vos {
		m := v.(map[string]any)
		sns = append(sns, m["CaSn"].(string)+"/"+m["DeviceSn"].(string))
	}
	return sns
}

func TestListDeviceCertificatePaging(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	seedDevices(t, srv, 205) // + 3 demo devices = 208
	list := func(no, size string) map[string]any {
		return c.mustCall("ListDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "PageNo": no, "PageSize": size})
	}
	var all []string
	for no := 1; ; no++ {
		out := list(strconv.Itoa(no), "100")
		if dig(out, "Data", "Total") != float64(208) || dig(out, "Data", "PageNo") != float64(no) || dig(out, "Data", "PageSize") != float64(100) {
			t.Fatalf("page %d header: %v", no, dig(out, "Data"))
		}
		sns := listSns(out)
		if len(sns) == 0 {
			if no != 4 {
				t.Fatalf("empty page %d", no)
			}
			if vos := dig(out, "Data", "DeviceCertificateVOS"); vos == nil {
				t.Fatal("empty page must carry [] not null")
			}
			break
		}
		all = append(all, sns...)
	}
	if len(all) != 208 {
		t.Fatalf("paged %d items", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1] >= all[i] {
			t.Fatalf("not ordered by (CaSn, DeviceSn): %q before %q", all[i-1], all[i])
		}
	}
	if all[0] != emulator.DemoCASn+"/"+emulator.DemoDeviceSn || all[3] != "ca-a/dev-000" {
		t.Fatalf("order starts %v", all[:4])
	}
	if n := len(listSns(list("3", "100"))); n != 8 {
		t.Fatalf("last page has %d items, want 8", n)
	}
	if n := len(listSns(list("1", "1"))); n != 1 {
		t.Fatalf("PageSize 1 gave %d", n)
	}
	for _, bad := range [][2]string{{"0", "10"}, {"-1", "10"}, {"x", "10"}, {"1", "0"}, {"1", "101"}, {"1", "ten"}, {"", "10"}, {"1", ""}, {"1.5", "10"}} {
		_, err := c.call("ListDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "PageNo": bad[0], "PageSize": bad[1]})
		expectCode(t, err, "ParameterFieldCheckFailed", 400)
	}
}

func TestListDeviceCertificateByCASn(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	seedDevices(t, srv, 7) // ca-a: 0,2,4,6; ca-b: 1,3,5
	out := c.mustCall("ListDeviceCertificateByCaSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": "ca-b", "PageNo": "1", "PageSize": "2"})
	if got := fmt.Sprint(listSns(out)); got != "[ca-b/dev-001 ca-b/dev-003]" {
		t.Fatalf("page 1 = %s", got)
	}
	if dig(out, "Data", "Total") != float64(3) {
		t.Fatalf("Total = %v", dig(out, "Data", "Total"))
	}
	out = c.mustCall("ListDeviceCertificateByCaSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": "ca-b", "PageNo": "2", "PageSize": "2"})
	if got := fmt.Sprint(listSns(out)); got != "[ca-b/dev-005]" {
		t.Fatalf("page 2 = %s", got)
	}
	out = c.mustCall("ListDeviceCertificateByCaSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": "unknown", "PageNo": "1", "PageSize": "10"})
	if dig(out, "Data", "Total") != float64(0) || len(listSns(out)) != 0 {
		t.Fatalf("unknown CA list: %v", out)
	}
	_, err := c.call("ListDeviceCertificateByCaSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "PageNo": "1", "PageSize": "10"})
	expectCode(t, err, "ParameterFieldCheckFailed", 400)
	_, err = c.call("ListDeviceCertificateByCaSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": strings.Repeat("€", 43), "PageNo": "1", "PageSize": "10"})
	expectCode(t, err, "ParameterFieldCheckFailed", 400)
	_, err = c.call("ListDeviceCertificateByCaSn", map[string]string{"MqttInstanceId": "post-cn-missing", "CaSn": "ca-b", "PageNo": "1", "PageSize": "10"})
	expectCode(t, err, "MqttInstanceNotFound", 400)
	// The list item has the same 7 fields as Get.Data, validity as ms strings.
	first := c.mustCall("ListDeviceCertificateByCaSn", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": "ca-a", "PageNo": "1", "PageSize": "1"})
	vo := dig(first, "Data", "DeviceCertificateVOS").([]any)[0].(map[string]any)
	if vo["ValidBegin"] != "1700000000000" || vo["ValidEnd"] != "1800000000000" || vo["Status"] != "1" || vo["DeviceName"] != "d0" || len(vo) != 7 {
		t.Fatalf("list item = %v", vo)
	}
}
