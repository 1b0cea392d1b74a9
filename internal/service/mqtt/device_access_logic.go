package mqtt

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// The logic of apsaramq_mqtt_device_access, free of Terraform types so that
// refresh, plan, apply and destroy can be tested without an engine. The rule
// throughout: read is the source of truth; apply changes what the plan
// showed and records it, and whatever changed since the plan (a device that
// registered meanwhile) is picked up by the next refresh.

// deviceAccessKey addresses one resource: the certificates of one CA on one instance.
type deviceAccessKey struct{ InstanceID, CASn string }

// device addresses a certificate of this resource's CA.
func (k deviceAccessKey) device(sn string) onsmqtt.DeviceKey {
	return onsmqtt.DeviceKey{InstanceID: k.InstanceID, CASn: k.CASn, DeviceSn: sn}
}

func (k deviceAccessKey) String() string {
	return fmt.Sprintf("CA %s on instance %s", k.CASn, k.InstanceID)
}

// accessData is the resource's per-device data.
type accessData struct {
	// Devices: configured serial number (the user's spelling) → status. For a
	// registered certificate the status as read or applied; for one in
	// Unregistered (allow_unregistered_devices) the configured status.
	Devices map[string]string
	// Unlisted: registered certificates Devices does not name, serial number
	// as the API spells it → status.
	Unlisted map[string]string
	// Unregistered: keys of Devices whose certificate is not registered, sorted.
	Unregistered []string
}

type accessCounts struct{ Registered, Active, Inactive, Unlisted int64 }

// counts are derived from the data alone, so plan and apply agree on them.
func (d accessData) counts() accessCounts {
	unregistered := map[string]bool{}
	for _, k := range d.Unregistered {
		unregistered[k] = true
	}
	var c accessCounts
	add := func(status string) {
		c.Registered++
		if status == statusActive {
			c.Active++
		} else {
			c.Inactive++
		}
	}
	for k, s := range d.Devices {
		if !unregistered[k] {
			add(s)
		}
	}
	for _, s := range d.Unlisted {
		add(s)
		c.Unlisted++
	}
	return c
}

// What unlisted_devices may say about registered certificates that devices
// does not name.
const (
	unlistedIgnore   = "ignore"
	unlistedInactive = statusInactive
	unlistedActive   = statusActive
)

// accessSettings is the configuration that is not per device.
type accessSettings struct {
	Unlisted          string // unlistedIgnore, unlistedInactive or unlistedActive
	AllowUnregistered bool
}

// unlistedStatus is the status apply holds an unlisted certificate at;
// under "ignore" its current status.
func (s accessSettings) unlistedStatus(current string) string {
	if s.Unlisted == unlistedIgnore {
		return current
	}
	return s.Unlisted
}

// canonicalSerial is the form in which configured serial numbers are matched
// to registered certificates. X.509 serial numbers are integers, printed in
// hexadecimal: the API keeps DER's leading zero bytes and lower case
// (00f26900ba87…), while openssl prints upper case without the padding byte
// (F26900BA87…). A certificate authority never issues the same integer twice,
// so for hexadecimal strings case and leading zeros are dropped; any other
// string is compared case-insensitively.
func canonicalSerial(sn string) string {
	lower := strings.ToLower(sn)
	if lower == "" || strings.Trim(lower, "0123456789abcdef") != "" {
		return lower
	}
	if trimmed := strings.TrimLeft(lower, "0"); trimmed != "" {
		return trimmed
	}
	return "0"
}

// certIndex finds registered certificates by canonical serial number. It
// holds positions in the listed certificates: most canonical forms name one
// certificate, and only those naming several (serial numbers that differ in
// case or leading zeros) need more than a map entry.
type certIndex struct {
	certs []onsmqtt.DeviceStatus
	one   map[string]int   // canonical serial number -> position of its first certificate
	more  map[string][]int // canonical serial number -> positions, where there are several
}

func indexCertificates(certs []onsmqtt.DeviceStatus) certIndex {
	ix := certIndex{certs: certs, one: make(map[string]int, len(certs)), more: map[string][]int{}}
	for i, c := range certs {
		k := canonicalSerial(c.DeviceSn)
		first, dup := ix.one[k]
		switch {
		case !dup:
			ix.one[k] = i
		case ix.more[k] == nil:
			ix.more[k] = []int{first, i}
		default:
			ix.more[k] = append(ix.more[k], i)
		}
	}
	return ix
}

// match returns the position of the certificate sn names, -1 for none. Two
// certificates whose serial numbers differ only in case or leading zeros
// cannot both be named by a non-exact spelling: that is an error rather
// than a guess.
func (ix certIndex) match(sn string) (int, error) {
	k := canonicalSerial(sn)
	first, ok := ix.one[k]
	switch {
	case !ok:
		return -1, nil
	case ix.more[k] == nil:
		return first, nil
	}
	candidates := ix.more[k]
	spellings := make([]string, 0, len(candidates))
	for _, i := range candidates {
		if ix.certs[i].DeviceSn == sn {
			return i, nil
		}
		spellings = append(spellings, ix.certs[i].DeviceSn)
	}
	return -1, fmt.Errorf("devices key %q matches %d registered certificates (%s); "+
		"write the serial number exactly as the API lists it", sn, len(candidates), strings.Join(spellings, ", "))
}

// firstError keeps, of the errors of several keys, the one of the first key
// in sorted order, so that maps walked in any order report the same one.
type firstError struct {
	key string
	err error
}

func (f *firstError) add(key string, err error) {
	if err != nil && (f.err == nil || key < f.key) {
		f.key, f.err = key, err
	}
}

// readAccess is refresh: what the API holds for the certificates prior
// knows. imported (no devices in state yet) takes every registered
// certificate into Devices with its status.
func readAccess(prior accessData, imported, allowUnregistered bool, certs []onsmqtt.DeviceStatus) (accessData, error) {
	out := accessData{Devices: make(map[string]string, len(prior.Devices)), Unlisted: map[string]string{}, Unregistered: []string{}}
	if imported {
		for _, c := range certs {
			out.Devices[c.DeviceSn] = string(c.Status)
		}
		return out, nil
	}
	ix := indexCertificates(certs)
	listed := make([]bool, len(certs))
	var ambiguous firstError
	for k, configured := range prior.Devices {
		i, err := ix.match(k)
		switch {
		case err != nil:
			ambiguous.add(k, err)
		case i >= 0:
			out.Devices[k] = string(certs[i].Status)
			listed[i] = true
		case allowUnregistered:
			out.Devices[k] = configured
			out.Unregistered = append(out.Unregistered, k)
		default:
			// Dropped, so that the plan shows it as a device still to bring to
			// its status; unregistered_devices names it.
			out.Unregistered = append(out.Unregistered, k)
		}
	}
	if ambiguous.err != nil {
		return accessData{}, ambiguous.err
	}
	for i, c := range certs {
		if !listed[i] {
			out.Unlisted[c.DeviceSn] = string(c.Status)
		}
	}
	slices.Sort(out.Unregistered)
	return out, nil
}

// accessPlan is the planned data, with what plan time cannot know left open.
type accessPlan struct {
	accessData
	Settings          accessSettings
	UnlistedKnown     bool // false: Unlisted is decided at apply (create, or an unknown configuration)
	UnregisteredKnown bool // false: Unregistered and the counts are decided at apply
}

// planAccess plans an update from the refreshed state and the configuration,
// with zero API calls. Registered certificates are those prior read; a
// configured device not among them is planned as unregistered. Under the
// default (error) behaviour such a device makes apply fail, and whether it
// registered meanwhile is only known then, so the plan leaves
// unregistered_devices and the counts open.
func planAccess(prior accessData, devices map[string]string, s accessSettings) accessPlan {
	priorUnregistered := make(map[string]bool, len(prior.Unregistered))
	for _, k := range prior.Unregistered {
		priorUnregistered[k] = true
	}
	type known struct{ sn, status string }
	// Every registered certificate by canonical serial number; the listed
	// ones are taken out as the configuration names them, and those left
	// are the unlisted ones. (Validation has refused two keys naming the
	// same certificate, but the API may hold two certificates whose serial
	// numbers match, "00ab" and "ab": both stay unlisted.)
	registered := make(map[string][]known, len(prior.Devices)+len(prior.Unlisted))
	for k, status := range prior.Devices {
		if !priorUnregistered[k] {
			c := canonicalSerial(k)
			registered[c] = append(registered[c], known{k, status})
		}
	}
	for sn, status := range prior.Unlisted {
		c := canonicalSerial(sn)
		registered[c] = append(registered[c], known{sn, status})
	}
	p := accessPlan{
		accessData:    accessData{Devices: devices, Unlisted: map[string]string{}, Unregistered: []string{}},
		Settings:      s,
		UnlistedKnown: true,
	}
	for k := range devices {
		c := canonicalSerial(k)
		if _, ok := registered[c]; !ok {
			p.Unregistered = append(p.Unregistered, k)
			continue
		}
		delete(registered, c)
	}
	for _, rs := range registered {
		for _, r := range rs {
			p.Unlisted[r.sn] = s.unlistedStatus(r.status)
		}
	}
	slices.Sort(p.Unregistered)
	p.UnregisteredKnown = s.AllowUnregistered || len(p.Unregistered) == 0
	return p
}

// Apply and destroy: matching the plan to the certificates listed at apply
// time, the status calls to make, and the data to record from their outcome.

// accessTarget is one registered certificate an apply holds at a status.
type accessTarget struct {
	cert        onsmqtt.DeviceStatus // as listed at apply time
	listedKey   string               // its devices key, or "" when unlisted
	unlistedKey string               // its unlisted_device_statuses key, when unlisted
	want        string
}

// accessApply is one apply's work: the certificates it holds at a status and
// the configured devices that are missing.
type accessApply struct {
	plan    accessPlan
	targets []accessTarget
	missing []string // configured, not registered, and not planned as such; sorted
}

// planApply matches the plan to the certificates listed at apply time.
func planApply(p accessPlan, certs []onsmqtt.DeviceStatus) (accessApply, error) {
	a := accessApply{plan: p, targets: make([]accessTarget, 0, len(certs))}
	ix := indexCertificates(certs)
	skip := map[string]bool{}
	if p.UnregisteredKnown {
		// Planned as unregistered: left alone even if the device registered
		// meanwhile; the next refresh reads it and plans its status.
		for _, k := range p.Unregistered {
			skip[k] = true
		}
	}
	taken := make([]bool, len(certs))
	var ambiguous firstError
	for k, want := range p.Devices {
		if skip[k] {
			continue
		}
		i, err := ix.match(k)
		switch {
		case err != nil:
			ambiguous.add(k, err)
		case i < 0:
			a.missing = append(a.missing, k)
		default:
			taken[i] = true
			a.targets = append(a.targets, accessTarget{cert: certs[i], listedKey: k, want: want})
		}
	}
	if ambiguous.err != nil {
		return accessApply{}, ambiguous.err
	}
	slices.Sort(a.missing)
	if p.UnlistedKnown {
		for k, want := range p.Unlisted {
			i, err := ix.match(k)
			ambiguous.add(k, err)
			if i >= 0 && !taken[i] { // one gone since the plan has nothing left to change
				taken[i] = true
				a.targets = append(a.targets, accessTarget{cert: certs[i], unlistedKey: k, want: want})
			}
		}
		if ambiguous.err != nil {
			return accessApply{}, ambiguous.err
		}
		return a, nil
	}
	for i, cert := range certs {
		if !taken[i] {
			a.targets = append(a.targets, accessTarget{cert: cert, unlistedKey: cert.DeviceSn, want: p.Settings.unlistedStatus(string(cert.Status))})
		}
	}
	return a, nil
}

// changes are the status calls to make: one per certificate whose status
// differs, addressed with the API's spelling of its serial number, in the
// order of serial numbers.
func (a accessApply) changes(k deviceAccessKey) []onsmqtt.StatusChange {
	var out []onsmqtt.StatusChange
	for _, t := range a.targets {
		if string(t.cert.Status) != t.want {
			out = append(out, onsmqtt.StatusChange{Key: k.device(t.cert.DeviceSn), Status: onsmqtt.Status(t.want)})
		}
	}
	slices.SortFunc(out, func(x, y onsmqtt.StatusChange) int { return strings.Compare(x.Key.DeviceSn, y.Key.DeviceSn) })
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
	out := accessData{Devices: maps.Clone(a.plan.Devices), Unlisted: map[string]string{}, Unregistered: []string{}}
	if out.Devices == nil {
		out.Devices = map[string]string{}
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
func destroyChanges(state accessData, s accessSettings, k deviceAccessKey, certs []onsmqtt.DeviceStatus) ([]onsmqtt.StatusChange, error) {
	managed := make([]bool, len(certs))
	if s.Unlisted == unlistedIgnore {
		ix := indexCertificates(certs)
		var ambiguous firstError
		for sn := range state.Devices {
			i, err := ix.match(sn)
			ambiguous.add(sn, err)
			if i >= 0 {
				managed[i] = true
			}
		}
		if ambiguous.err != nil {
			return nil, ambiguous.err
		}
	}
	var out []onsmqtt.StatusChange
	for i, c := range certs {
		if (managed[i] || s.Unlisted != unlistedIgnore) && c.Status != onsmqtt.StatusInactive {
			out = append(out, onsmqtt.StatusChange{Key: k.device(c.DeviceSn), Status: onsmqtt.StatusInactive})
		}
	}
	return out, nil
}
