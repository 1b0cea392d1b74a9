package mqtt

import "github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"

// caIDFormat is shown in every import error.
const caIDFormat = "instance_id:sn"

func formatCaID(k onsmqtt.CaKey) string { return k.InstanceID + ":" + k.Sn }

// parseCaID parses an import ID (without its @region suffix).
func parseCaID(id string) (onsmqtt.CaKey, error) {
	instanceID, sn, err := parseInstanceSerialID(id, caIDFormat, "sn")
	return onsmqtt.CaKey{InstanceID: instanceID, Sn: sn}, err
}
