package mqtt

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// deviceAccessModel is the configuration, plan and state of apsaramq_mqtt_device_access.
type deviceAccessModel struct {
	ID                       types.String   `tfsdk:"id"`
	InstanceID               types.String   `tfsdk:"instance_id"`
	CASn                     types.String   `tfsdk:"ca_sn"`
	Region                   types.String   `tfsdk:"region"`
	Devices                  types.Map      `tfsdk:"devices"`
	UnlistedDevices          types.String   `tfsdk:"unlisted_devices"`
	AllowUnregisteredDevices types.Bool     `tfsdk:"allow_unregistered_devices"`
	UnlistedDeviceStatuses   types.Map      `tfsdk:"unlisted_device_statuses"`
	UnregisteredDevices      types.Set      `tfsdk:"unregistered_devices"`
	RegisteredCount          types.Int64    `tfsdk:"registered_count"`
	ActiveCount              types.Int64    `tfsdk:"active_count"`
	InactiveCount            types.Int64    `tfsdk:"inactive_count"`
	UnlistedCount            types.Int64    `tfsdk:"unlisted_count"`
	Timeouts                 timeouts.Value `tfsdk:"timeouts"`
}

// deviceAccessIdentityModel is the resource identity of apsaramq_mqtt_device_access.
type deviceAccessIdentityModel struct {
	InstanceID types.String `tfsdk:"instance_id"`
	CASn       types.String `tfsdk:"ca_sn"`
	Region     types.String `tfsdk:"region"`
}

// deviceAccessIDFormat is shown in every import error.
const deviceAccessIDFormat = "instance_id:ca_sn"

func formatDeviceAccessID(k deviceAccessKey) string { return k.InstanceID + ":" + k.CASn }

// parseDeviceAccessID parses an import ID (without its @region suffix); it
// has the CA resource's shape and checks.
func parseDeviceAccessID(id string) (deviceAccessKey, error) {
	instanceID, caSn, err := parseInstanceSerialID(id, deviceAccessIDFormat, "ca_sn")
	return deviceAccessKey{InstanceID: instanceID, CASn: caSn}, err
}

func (m *deviceAccessModel) key() deviceAccessKey {
	return deviceAccessKey{InstanceID: m.InstanceID.ValueString(), CASn: m.CASn.ValueString()}
}

func deviceAccessIdentity(k deviceAccessKey, region string) deviceAccessIdentityModel {
	return deviceAccessIdentityModel{
		InstanceID: types.StringValue(k.InstanceID),
		CASn:       types.StringValue(k.CASn),
		Region:     types.StringValue(region),
	}
}

func (m deviceAccessIdentityModel) importID() string {
	return formatDeviceAccessID(deviceAccessKey{InstanceID: m.InstanceID.ValueString(), CASn: m.CASn.ValueString()})
}

func (m deviceAccessIdentityModel) importRegion() string { return m.Region.ValueString() }

// settings reads unlisted_devices and allow_unregistered_devices; null (an
// import before its first read) means their defaults.
func (m *deviceAccessModel) settings() accessSettings {
	s := accessSettings{Unlisted: m.UnlistedDevices.ValueString(), AllowUnregistered: m.AllowUnregisteredDevices.ValueBool()}
	if s.Unlisted == "" {
		s.Unlisted = unlistedIgnore
	}
	return s
}

// configKnown reports whether everything the plan depends on is known.
func (m *deviceAccessModel) configKnown() bool {
	if m.Devices.IsUnknown() || m.UnlistedDevices.IsUnknown() || m.AllowUnregisteredDevices.IsUnknown() {
		return false
	}
	for _, v := range m.Devices.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// data converts the per-device attributes of a state or plan whose values are known.
func (m *deviceAccessModel) data(ctx context.Context) (accessData, diag.Diagnostics) {
	var (
		d     accessData
		diags diag.Diagnostics
	)
	if !m.Devices.IsNull() {
		diags.Append(m.Devices.ElementsAs(ctx, &d.Devices, false)...)
	}
	if !m.UnlistedDeviceStatuses.IsNull() && !m.UnlistedDeviceStatuses.IsUnknown() {
		diags.Append(m.UnlistedDeviceStatuses.ElementsAs(ctx, &d.Unlisted, false)...)
	}
	if !m.UnregisteredDevices.IsNull() && !m.UnregisteredDevices.IsUnknown() {
		diags.Append(m.UnregisteredDevices.ElementsAs(ctx, &d.Unregistered, false)...)
	}
	return d, diags
}

// plan is the planned data as the plan holds it (open parts unknown).
func (m *deviceAccessModel) plan(ctx context.Context) (accessPlan, diag.Diagnostics) {
	d, diags := m.data(ctx)
	return accessPlan{
		accessData:        d,
		Settings:          m.settings(),
		UnlistedKnown:     !m.UnlistedDeviceStatuses.IsUnknown(),
		UnregisteredKnown: !m.UnregisteredDevices.IsUnknown(),
	}, diags
}

// setData records d, its counts, and the resource's key and region.
func (m *deviceAccessModel) setData(d accessData, region string) {
	m.ID = types.StringValue(formatDeviceAccessID(m.key()))
	m.Region = types.StringValue(region)
	m.Devices = stringMap(d.Devices)
	m.setComputed(d)
	s := m.settings()
	m.UnlistedDevices = types.StringValue(s.Unlisted)
	m.AllowUnregisteredDevices = types.BoolValue(s.AllowUnregistered)
}

// setComputed sets the computed per-device attributes and counts from d.
func (m *deviceAccessModel) setComputed(d accessData) {
	m.UnlistedDeviceStatuses = stringMap(d.Unlisted)
	unregistered := make([]attr.Value, 0, len(d.Unregistered))
	for _, sn := range slices.Sorted(slices.Values(d.Unregistered)) {
		unregistered = append(unregistered, types.StringValue(sn))
	}
	m.UnregisteredDevices = types.SetValueMust(types.StringType, unregistered)
	c := d.counts()
	m.RegisteredCount = types.Int64Value(c.Registered)
	m.ActiveCount = types.Int64Value(c.Active)
	m.InactiveCount = types.Int64Value(c.Inactive)
	m.UnlistedCount = types.Int64Value(c.Unlisted)
}

// setUnknown leaves what only apply can tell open: with unregistered false
// only the unregistered devices and the counts, otherwise every computed
// per-device attribute.
func (m *deviceAccessModel) setUnknown(all bool) {
	if all {
		m.UnlistedDeviceStatuses = types.MapUnknown(types.StringType)
	}
	m.UnregisteredDevices = types.SetUnknown(types.StringType)
	for _, v := range []*types.Int64{&m.RegisteredCount, &m.ActiveCount, &m.InactiveCount, &m.UnlistedCount} {
		*v = types.Int64Unknown()
	}
}

func stringMap(m map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(m))
	for k, v := range m {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}
