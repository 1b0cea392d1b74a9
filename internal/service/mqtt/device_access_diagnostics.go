package mqtt

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// accessOutcome is what an apply or destroy could not do.
type accessOutcome struct {
	key     deviceAccessKey
	changes int                          // status calls attempted
	failed  []onsmqtt.StatusChangeResult // failed ones
	missing []string                     // configured devices not registered (error behaviour only)
}

func (o accessOutcome) ok() bool { return len(o.failed) == 0 && len(o.missing) == 0 }

// addError reports an incomplete apply: which serial numbers failed and why,
// which are missing, what was done anyway, and what the state holds. saved
// says whether state records the outcome (update) or was left unsaved
// (create: an error with a state would taint the resource, and replacing it
// would inactivate every certificate before setting them again).
func (o accessOutcome) addError(diags *diag.Diagnostics, saved bool) {
	var b strings.Builder
	summary := "Device Access Partly Applied"
	if len(o.failed) > 0 {
		fmt.Fprintf(&b, "%d of %d status change(s) for %s failed; every other change was made.", len(o.failed), o.changes, o.key)
	} else {
		summary = "Listed Devices Not Registered"
		fmt.Fprintf(&b, "Every status change for %s was made (%d call(s)), but some listed devices are not registered.", o.key, o.changes)
	}
	if len(o.missing) > 0 {
		fmt.Fprintf(&b, "\n\n%d device(s) in devices have no registered certificate under %s: %s.\n"+
			"The broker registers a device certificate on the device's first connection with a certificate signed by the "+
			"CA. Connect these devices, remove them from devices, or set allow_unregistered_devices = true to list devices "+
			"before they connect.", len(o.missing), o.key, strings.Join(o.missing, ", "))
	}
	for _, g := range groupFailures(o.failed) {
		fmt.Fprintf(&b, "\n\n%s\n\nCertificates (%d): %s", g.detail, len(g.serials), strings.Join(g.serials, ", "))
	}
	if saved {
		b.WriteString("\n\nState records what the API now holds (each failed certificate keeps its current status); the next apply finishes the rest.")
	} else {
		b.WriteString("\n\nNothing was saved to state, so the resource is not tainted (replacing it would inactivate every " +
			"certificate first); the next apply adopts what the API holds and finishes the rest.")
	}
	diags.AddError(summary, b.String())
}

type failureGroup struct {
	detail  string
	serials []string
}

// groupFailures puts certificates that failed the same way together, in the
// order their first failure appears, so a fleet-wide refusal (a missing RAM
// permission) reads as one error with its serial numbers.
func groupFailures(failed []onsmqtt.StatusChangeResult) []failureGroup {
	var groups []failureGroup
	index := map[string]int{}
	for _, r := range failed {
		action := onsmqtt.DeviceStatusAction(r.Status)
		key := action + "\x00" + r.Err.Error()
		var (
			apiErr       *onsmqtt.APIError
			timeout      *onsmqtt.TimeoutError
			canceled     *onsmqtt.CanceledError
			notAttempted *onsmqtt.NotAttemptedError
		)
		switch {
		case errors.As(r.Err, &timeout):
			key = action + "\x00timeout"
		case errors.As(r.Err, &canceled):
			key = action + "\x00cancelled"
		case errors.As(r.Err, &notAttempted):
			key = action + "\x00not attempted"
		case errors.As(r.Err, &apiErr):
			key = action + "\x00" + apiErr.Code + "\x00" + apiErr.Message
		}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, failureGroup{detail: apiErrorDetail(action, r.Err)})
		}
		groups[i].serials = append(groups[i].serials, r.Key.DeviceSn)
	}
	return groups
}
