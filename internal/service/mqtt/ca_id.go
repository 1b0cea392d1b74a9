package mqtt

import "github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"

// caIDFormat is shown in every import error and in the id attribute's description.
const caIDFormat = "instance_id:sn"

func formatCAID(k onsmqtt.CAKey) string { return k.InstanceID + ":" + k.Sn }

// parseCAID parses an import ID (without its @region suffix).
func parseCAID(id string) (onsmqtt.CAKey, error) {
	instanceID, sn, err := parseInstanceSerialID(id, caIDFormat, "sn")
	return onsmqtt.CAKey{InstanceID: instanceID, Sn: sn}, err
}
