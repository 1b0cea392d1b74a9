package mqtt

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// The status of a CA or device certificate as configurations and state
// spell it; the API's own spelling is onsmqtt.Status.
const (
	statusActive   = "active"
	statusInactive = "inactive"
)

// statusValidator admits the two spellings above.
func statusValidator() validator.String {
	return stringvalidator.OneOf(statusActive, statusInactive)
}

// wantedStatus is the status a configured (validated, defaulted) status
// attribute asks for.
func wantedStatus(status types.String) onsmqtt.Status {
	if status.ValueString() == statusInactive {
		return onsmqtt.StatusInactive
	}
	return onsmqtt.StatusActive
}
