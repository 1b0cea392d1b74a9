package mqtt

import (
	"fmt"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// deviceIDFormat is shown in every import error, so users see the exact
// shape, and in the id attribute's description.
const deviceIDFormat = "instance_id:ca_sn:device_sn"

// formatDeviceID builds the resource ID, following the alicloud provider's
// colon-separated composite IDs. Serial numbers never contain colons (the
// schema refuses them), so the ID splits back unambiguously.
func formatDeviceID(k onsmqtt.DeviceKey) string {
	return k.InstanceID + ":" + k.CASn + ":" + k.DeviceSn
}

// parseDeviceID parses an import ID, checking each part like the schema does.
func parseDeviceID(id string) (onsmqtt.DeviceKey, error) {
	parts := strings.Split(id, ":")
	if len(parts) != 3 {
		return onsmqtt.DeviceKey{}, fmt.Errorf("expected an import ID of the form %s with three parts, got %d part(s) in %q",
			deviceIDFormat, len(parts), id)
	}
	key := onsmqtt.DeviceKey{InstanceID: parts[0], CASn: parts[1], DeviceSn: parts[2]}
	if problem := instanceIDProblem(key.InstanceID); problem != "" {
		return onsmqtt.DeviceKey{}, fmt.Errorf("import ID %q: instance_id %s (expected %s)", id, problem, deviceIDFormat)
	}
	for _, part := range []struct{ name, value string }{{"ca_sn", key.CASn}, {"device_sn", key.DeviceSn}} {
		if problem := serialNumberProblem(part.value); problem != "" {
			return onsmqtt.DeviceKey{}, fmt.Errorf("import ID %q: %s %s (expected %s)", id, part.name, problem, deviceIDFormat)
		}
	}
	return key, nil
}
