package mqtt

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// The list resources' API calls, counted by the emulator, without an
// engine: what each listing costs for N = 0, 100 and 250 objects, with and
// without include_resource, and how the engine's limit bounds it. The
// engine-driven tests (*_list_resource_test.go) run the same lists through
// terraform query.

const listTestInstance = "post-cn-listtest01"

// listSeed is the demo seed plus listTestInstance holding cas CAs (ca000,
// ca001, …) and, under each CA i, devices[i] certificates.
func listSeed(cas int, devices map[int]int) emulator.Seed {
	seed := emulator.DemoSeed()
	seed.Instances = append(seed.Instances, emulator.Instance{ID: listTestInstance, AccountID: emulator.DemoAccountID, Region: emulator.DemoRegion})
	for i := range cas {
		seed.CAs = append(seed.CAs, emulator.CACertificate{
			InstanceID: listTestInstance, Sn: fmt.Sprintf("ca%03d", i), Name: fmt.Sprintf("ca-%d", i), Status: "1",
			Content: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
		})
	}
	for ca, n := range devices {
		for d := range n {
			status := "1"
			if d%3 == 0 {
				status = "0"
			}
			seed.Devices = append(seed.Devices, emulator.DeviceCertificate{
				InstanceID: listTestInstance, CASn: fmt.Sprintf("ca%03d", ca), DeviceSn: fmt.Sprintf("d%05d", d),
				DeviceName: fmt.Sprintf("device-%d", d), Status: status,
			})
		}
	}
	return seed
}

func startListEmulator(t *testing.T, seed emulator.Seed) (*emulator.Server, *onsmqtt.Client) {
	t.Helper()
	srv, err := emulator.Start(seed, emulator.Options{}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv, onsmqtttest.Client(t, srv.URL)
}

// listCall is one List call as the framework makes it for the engine.
type listCall struct {
	lister      list.ListResource
	managed     resource.Resource
	config      map[string]string // list config; unset attributes are null
	include     bool
	limit       int64
	stopAfter   int // the engine stops reading after this many results (0: never)
	wantResults int
}

func (c listCall) run(t *testing.T, client *onsmqtt.Client) []list.ListResult {
	t.Helper()
	ctx := context.Background()
	var configResp resource.ConfigureResponse
	c.lister.(list.ListResourceWithConfigure).Configure(ctx, resource.ConfigureRequest{ProviderData: client}, &configResp)
	var schemaResp list.ListResourceSchemaResponse
	c.lister.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &schemaResp)
	var rs resource.SchemaResponse
	c.managed.Schema(ctx, resource.SchemaRequest{}, &rs)
	var ids resource.IdentitySchemaResponse
	c.managed.(resource.ResourceWithIdentity).IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &ids)

	typ := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range c.config {
		values[name] = tftypes.NewValue(tftypes.String, v)
	}
	req := list.ListRequest{
		Config:                 tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, values)},
		IncludeResource:        c.include,
		Limit:                  c.limit,
		ResourceSchema:         rs.Schema,
		ResourceIdentitySchema: ids.IdentitySchema,
	}
	var stream list.ListResultsStream
	c.lister.List(ctx, req, &stream)
	var out []list.ListResult
	for r := range stream.Results {
		out = append(out, r)
		if r.Diagnostics.HasError() {
			t.Fatalf("list result with an error: %v", r.Diagnostics)
		}
		if c.stopAfter > 0 && len(out) == c.stopAfter {
			break
		}
	}
	return out
}

// identified are the results that name an object (not warnings).
func identified(results []list.ListResult) []list.ListResult {
	var out []list.ListResult
	for _, r := range results {
		if r.Identity != nil {
			out = append(out, r)
		}
	}
	return out
}

func TestListResources_callsByFleetSize(t *testing.T) {
	for _, n := range []int{0, 100, 250} {
		pages := int64(n/100 + 1) // the pager reads until a short page: one more when n is a multiple of 100
		cases := []struct {
			name  string
			seed  emulator.Seed
			call  listCall
			calls map[string]int64
		}{
			{"device_certificate_state", listSeed(1, map[int]int{0: n}),
				listCall{lister: NewDeviceCertificateStateListResource(), managed: NewDeviceCertificateStateResource(),
					config: map[string]string{"instance_id": listTestInstance, "ca_sn": "ca000"}, limit: 1000, wantResults: n},
				map[string]int64{"ListDeviceCertificateByCaSn": pages}},
			{"device_certificate_state_instance_wide", listSeed(1, map[int]int{0: n}),
				listCall{lister: NewDeviceCertificateStateListResource(), managed: NewDeviceCertificateStateResource(),
					config: map[string]string{"instance_id": listTestInstance}, limit: 1000, wantResults: n},
				map[string]int64{"ListDeviceCertificate": pages}},
			{"ca_certificate", listSeed(n, nil),
				listCall{lister: NewCACertificateListResource(), managed: NewCACertificateResource(),
					config: map[string]string{"instance_id": listTestInstance}, limit: 1000, wantResults: n},
				map[string]int64{"ListCaCertificate": pages}},
			{"device_access_identities", listSeed(n, map[int]int{0: 250}),
				listCall{lister: NewDeviceAccessListResource(), managed: NewDeviceAccessResource(),
					config: map[string]string{"instance_id": listTestInstance}, limit: 1000, wantResults: n},
				map[string]int64{"ListCaCertificate": pages}},
		}
		for _, tc := range cases {
			for _, include := range []bool{false, true} {
				if tc.name == "device_access_identities" && include {
					continue // below: include_resource reads each CA's certificates
				}
				t.Run(fmt.Sprintf("%s/n=%d/include_resource=%v", tc.name, n, include), func(t *testing.T) {
					srv, client := startListEmulator(t, tc.seed)
					tc.call.include = include
					results := tc.call.run(t, client)
					if got := len(identified(results)); got != tc.call.wantResults || len(results) != got {
						t.Fatalf("%d results (%d with an identity), want %d", len(results), got, tc.call.wantResults)
					}
					checkCalls(t, srv, tc.calls)
					for _, r := range results {
						if include == r.Resource.Raw.IsNull() {
							t.Fatalf("include_resource=%v, but the result's resource is null=%v", include, r.Resource.Raw.IsNull())
						}
					}
				})
			}
		}
	}
}

// With include_resource, device access reads each CA's certificates, one
// paged read per CA: CAs of 0, 100 and 250 certificates cost 1+2+3 device
// list calls beside the CA list.
func TestListResources_deviceAccessReadsEachCAOnce(t *testing.T) {
	srv, client := startListEmulator(t, listSeed(3, map[int]int{0: 0, 1: 100, 2: 250}))
	results := listCall{lister: NewDeviceAccessListResource(), managed: NewDeviceAccessResource(),
		config: map[string]string{"instance_id": listTestInstance}, include: true, limit: 100}.run(t, client)
	checkCalls(t, srv, map[string]int64{"ListCaCertificate": 1, "ListDeviceCertificateByCaSn": 1 + 2 + 3})
	if len(results) != 3 {
		t.Fatalf("%d results, want 3", len(results))
	}
	var m deviceAccessModel
	if diags := getAccessModel(context.Background(), results[2].Resource.Raw, &m); diags.HasError() {
		t.Fatal(diags)
	}
	devices, err := m.Devices.elements()
	if err != nil {
		t.Fatal(err)
	}
	if len(devices) != 250 || m.CASn.ValueString() != "ca002" || m.UnlistedDevices.ValueString() != unlistedIgnore ||
		m.InactiveCount.ValueInt64() != 84 || m.UnlistedCount.ValueInt64() != 0 {
		t.Fatalf("result 3 holds %d devices of %s, unlisted_devices %s, %d inactive, %d unlisted; want 250 devices of ca002, ignore, 84 inactive, 0 unlisted",
			len(devices), m.CASn, m.UnlistedDevices, m.InactiveCount.ValueInt64(), m.UnlistedCount.ValueInt64())
	}
	if got := devices["d00003"]; got != "inactive" {
		t.Fatalf("devices[d00003] = %s, want \"inactive\" (the API holds 0)", got)
	}
}

// The engine's limit cuts a listing: a warning first, naming how many there
// are and the limit to set, then the first results by serial number.
func TestListResources_limitIsNamedInAWarning(t *testing.T) {
	_, client := startListEmulator(t, listSeed(1, map[int]int{0: 250}))
	results := listCall{lister: NewDeviceCertificateStateListResource(), managed: NewDeviceCertificateStateResource(),
		config: map[string]string{"instance_id": listTestInstance, "ca_sn": "ca000", "status": "active"}, limit: 100}.run(t, client)
	if len(results) != 101 || results[0].Identity != nil {
		t.Fatalf("%d results, the first with identity %v; want a warning and 100 results", len(results), results[0].Identity)
	}
	warning := results[0].Diagnostics
	if warning.WarningsCount() != 1 || !strings.Contains(warning[0].Detail(), "listed 166 device certificates") ||
		!strings.Contains(warning[0].Detail(), "set limit = 166") {
		t.Fatalf("warning: %v", warning)
	}
	var first deviceCertificateIdentityModel
	if diags := results[1].Identity.Get(context.Background(), &first); diags.HasError() {
		t.Fatal(diags)
	}
	if first.DeviceSn.ValueString() != "d00001" || results[1].DisplayName != "device-1 (d00001, active)" {
		t.Fatalf("first result %s %q, want d00001 (the first active one) displayed as device-1 (d00001, active)", first.DeviceSn, results[1].DisplayName)
	}
}

// A CA the API answers without its verification certificate is listed with
// a warning saying what the generated configuration then lacks; with a
// verification certificate, or without include_resource, there is none.
func TestListResources_caWithoutVerificationCertificateIsNamed(t *testing.T) {
	seed := listSeed(2, nil)
	seed.CAs[len(seed.CAs)-1].VerificationContent = "-----BEGIN CERTIFICATE-----\nV\n-----END CERTIFICATE-----\n"
	_, client := startListEmulator(t, seed)
	for _, include := range []bool{false, true} {
		results := listCall{lister: NewCACertificateListResource(), managed: NewCACertificateResource(),
			config: map[string]string{"instance_id": listTestInstance}, include: include, limit: 100}.run(t, client)
		if len(results) != 2 {
			t.Fatalf("%d results, want 2", len(results))
		}
		if got := results[0].Diagnostics.WarningsCount(); got != map[bool]int{false: 0, true: 1}[include] {
			t.Fatalf("include_resource=%v: ca000 (no verification certificate) has %d warnings: %v", include, got, results[0].Diagnostics)
		}
		if include && !strings.Contains(results[0].Diagnostics[0].Detail(), "CA ca000 on instance "+listTestInstance) {
			t.Fatalf("warning: %v", results[0].Diagnostics)
		}
		if got := results[1].Diagnostics.WarningsCount(); got != 0 {
			t.Fatalf("ca001 (with a verification certificate) has warnings: %v", results[1].Diagnostics)
		}
	}
}

// When the engine stops reading (its limit reached), device access reads no
// further CA's certificates.
func TestListResources_deviceAccessStopsWithTheEngine(t *testing.T) {
	srv, client := startListEmulator(t, listSeed(3, map[int]int{0: 5, 1: 5, 2: 5}))
	results := listCall{lister: NewDeviceAccessListResource(), managed: NewDeviceAccessResource(),
		config: map[string]string{"instance_id": listTestInstance}, include: true, limit: 100, stopAfter: 1}.run(t, client)
	if len(results) != 1 {
		t.Fatalf("%d results", len(results))
	}
	checkCalls(t, srv, map[string]int64{"ListCaCertificate": 1, "ListDeviceCertificateByCaSn": 1})
}

func checkCalls(t *testing.T, srv *emulator.Server, want map[string]int64) {
	t.Helper()
	got := srv.Calls()
	for action, n := range got {
		if n != want[action] {
			t.Fatalf("API calls %v, want %v", got, want)
		}
	}
	for action, n := range want {
		if got[action] != n {
			t.Fatalf("API calls %v, want %v", got, want)
		}
	}
}
