package mqtt

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// deviceAccessModel is the configuration, plan and state of
// apsaramq_mqtt_device_access. It is read and written with getAccessModel
// and setAccessModel (device_access_values.go), not with the framework's
// Get and Set: the per-device attributes are stringMap and stringSet.
type deviceAccessModel struct {
	ID                       types.String
	InstanceID               types.String
	CASn                     types.String
	Region                   types.String
	Devices                  stringMap
	UnlistedDevices          types.String
	AllowUnregisteredDevices types.Bool
	UnlistedDeviceStatuses   stringMap
	UnregisteredDevices      stringSet
	RegisteredCount          types.Int64
	ActiveCount              types.Int64
	InactiveCount            types.Int64
	UnlistedCount            types.Int64
	Timeouts                 timeouts.Value
}

// deviceAccessIdentityModel is the resource identity of apsaramq_mqtt_device_access.
type deviceAccessIdentityModel struct {
	InstanceID types.String `tfsdk:"instance_id"`
	CASn       types.String `tfsdk:"ca_sn"`
	Region     types.String `tfsdk:"region"`
}

// deviceAccessIDFormat is shown in every import error and in the id
// attribute's description.
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
	return m.Devices.elementsKnown() && !m.UnlistedDevices.IsUnknown() && !m.AllowUnregisteredDevices.IsUnknown()
}

// data converts the per-device attributes of a state or plan whose values are known.
func (m *deviceAccessModel) data(context.Context) (accessData, diag.Diagnostics) {
	var (
		d     accessData
		diags diag.Diagnostics
		err   error
	)
	fail := func(name string, err error) {
		diags.AddError("Unexpected Resource Value", fmt.Sprintf("Reading %s of apsaramq_mqtt_device_access: %v. "+
			"Please report this issue to the provider developers.", name, err))
	}
	if !m.Devices.IsNull() {
		if d.Devices, err = m.Devices.elements(); err != nil {
			fail("devices", err)
		}
	}
	if !m.UnlistedDeviceStatuses.IsNull() && !m.UnlistedDeviceStatuses.IsUnknown() {
		if d.Unlisted, err = m.UnlistedDeviceStatuses.elements(); err != nil {
			fail("unlisted_device_statuses", err)
		}
	}
	if !m.UnregisteredDevices.IsNull() && !m.UnregisteredDevices.IsUnknown() {
		if d.Unregistered, err = m.UnregisteredDevices.elements(); err != nil {
			fail("unregistered_devices", err)
		}
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
	m.Devices = m.Devices.with(d.Devices)
	m.setComputed(d)
	s := m.settings()
	m.UnlistedDevices = types.StringValue(s.Unlisted)
	m.AllowUnregisteredDevices = types.BoolValue(s.AllowUnregistered)
}

// setComputed sets the computed per-device attributes and counts from d.
func (m *deviceAccessModel) setComputed(d accessData) {
	m.UnlistedDeviceStatuses = m.UnlistedDeviceStatuses.with(d.Unlisted)
	m.UnregisteredDevices = knownStringSet(d.Unregistered)
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
		m.UnlistedDeviceStatuses = unknownStringMap()
	}
	m.UnregisteredDevices = unknownStringSet()
	for _, v := range []*types.Int64{&m.RegisteredCount, &m.ActiveCount, &m.InactiveCount, &m.UnlistedCount} {
		*v = types.Int64Unknown()
	}
}
