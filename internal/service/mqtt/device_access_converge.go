package mqtt

import (
	"maps"
	"slices"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// Apply and destroy of apsaramq_mqtt_device_access: matching the plan to the
// certificates listed at apply time, the status calls to make, and the data
// to record from their outcome.

// accessTarget is one registered certificate an apply holds at a status.
type accessTarget struct {
	cert        onsmqtt.DeviceCertificate // as listed at apply time
	listedKey   string                    // its devices key, or "" when unlisted
	unlistedKey string                    // its unlisted_device_statuses key, when unlisted
	want        string
}

// accessApply is one apply's work: the certificates it holds at a status and
// the configured devices that are missing.
type accessApply struct {
	plan    accessPlan
	targets []accessTarget
	missing []string // configured, not registered, and not planned as such
}

// planApply matches the plan to the certificates listed at apply time.
func planApply(p accessPlan, certs []onsmqtt.DeviceCertificate) (accessApply, error) {
	a := accessApply{plan: p}
	ix := indexCertificates(certs)
	skip := map[string]bool{}
	if p.UnregisteredKnown {
		// Planned as unregistered: left alone even if the device registered
		// meanwhile; the next refresh reads it and plans its status.
		for _, k := range p.Unregistered {
			skip[k] = true
		}
	}
	taken := map[string]bool{}
	for _, k := range slices.Sorted(maps.Keys(p.Devices)) {
		if skip[k] {
			continue
		}
		cert, ok, err := ix.match(k)
		if err != nil {
			return accessApply{}, err
		}
		if !ok {
			a.missing = append(a.missing, k)
			continue
		}
		taken[cert.DeviceSn] = true
		a.targets = append(a.targets, accessTarget{cert: cert, listedKey: k, want: p.Devices[k]})
	}
	if p.UnlistedKnown {
		for _, k := range slices.Sorted(maps.Keys(p.Unlisted)) {
			cert, ok, err := ix.match(k)
			if err != nil {
				return accessApply{}, err
			}
			if ok && !taken[cert.DeviceSn] { // one gone since the plan has nothing left to change
				taken[cert.DeviceSn] = true
				a.targets = append(a.targets, accessTarget{cert: cert, unlistedKey: k, want: p.Unlisted[k]})
			}
		}
		return a, nil
	}
	for _, cert := range certs {
		if !taken[cert.DeviceSn] {
			a.targets = append(a.targets, accessTarget{cert: cert, unlistedKey: cert.DeviceSn, want: p.Settings.unlistedStatus(string(cert.Status))})
		}
	}
	return a, nil
}

// changes are the status calls to make: one per certificate whose status
// differs, addressed with the API's spelling of its serial number.
func (a accessApply) changes(k deviceAccessKey) []onsmqtt.StatusChange {
	var out []onsmqtt.StatusChange
	for _, t := range a.targets {
		if string(t.cert.Status) != t.want {
			out = append(out, onsmqtt.StatusChange{Key: k.device(t.cert.DeviceSn), Status: onsmqtt.Status(t.want)})
		}
	}
	return out
}

// record is the data after the changes' results: planned values, except that
// a certificate whose change failed keeps the status the API still holds.
// With no failure and nothing missing it equals the plan.
func (a accessApply) record(results []onsmqtt.StatusChangeResult) (accessData, []onsmqtt.StatusChangeResult) {
	failedSn := map[string]bool{}
	var failed []onsmqtt.StatusChangeResult
	for _, r := range results {
		if r.Err != nil {
			failedSn[r.Key.DeviceSn] = true
			failed = append(failed, r)
		}
	}
	out := accessData{Devices: map[string]string{}, Unlisted: map[string]string{}, Unregistered: []string{}}
	for k, v := range a.plan.Devices {
		out.Devices[k] = v
	}
	if a.plan.UnlistedKnown {
		maps.Copy(out.Unlisted, a.plan.Unlisted)
	}
	for _, t := range a.targets {
		status := t.want
		if failedSn[t.cert.DeviceSn] {
			status = string(t.cert.Status)
		}
		if t.listedKey != "" {
			out.Devices[t.listedKey] = status
		} else {
			out.Unlisted[t.unlistedKey] = status
		}
	}
	if a.plan.UnregisteredKnown && a.plan.Settings.AllowUnregistered {
		out.Unregistered = append(out.Unregistered, a.plan.Unregistered...)
		// A device gone since the plan is not reported until the next
		// refresh: the apply must record what it planned.
		return out, failed
	}
	out.Unregistered = append(out.Unregistered, a.missing...)
	if !a.plan.Settings.AllowUnregistered {
		for _, k := range a.missing {
			delete(out.Devices, k)
		}
	}
	return out, failed
}

// destroyChanges inactivates what the resource manages: the listed
// certificates and, unless unlisted ones are ignored, every other one.
func destroyChanges(state accessData, s accessSettings, k deviceAccessKey, certs []onsmqtt.DeviceCertificate) ([]onsmqtt.StatusChange, error) {
	ix := indexCertificates(certs)
	managed := map[string]bool{}
	for sn := range state.Devices {
		cert, ok, err := ix.match(sn)
		if err != nil {
			return nil, err
		}
		if ok {
			managed[cert.DeviceSn] = true
		}
	}
	var out []onsmqtt.StatusChange
	for _, c := range certs {
		if (managed[c.DeviceSn] || s.Unlisted != unlistedIgnore) && c.Status != onsmqtt.StatusInactive {
			out = append(out, onsmqtt.StatusChange{Key: k.device(c.DeviceSn), Status: onsmqtt.StatusInactive})
		}
	}
	return out, nil
}
