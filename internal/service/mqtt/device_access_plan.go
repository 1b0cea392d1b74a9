package mqtt

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// The logic of apsaramq_mqtt_device_access, free of Terraform types so that
// plan, read, apply and destroy can be tested without an engine. The rule
// throughout: read is the source of truth; apply changes what the plan
// showed and records it, and whatever changed since the plan (a device that
// registered meanwhile) is picked up by the next refresh.

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

// certIndex finds registered certificates by canonical serial number.
type certIndex map[string][]onsmqtt.DeviceCertificate

func indexCertificates(certs []onsmqtt.DeviceCertificate) certIndex {
	ix := certIndex{}
	for _, c := range certs {
		k := canonicalSerial(c.DeviceSn)
		ix[k] = append(ix[k], c)
	}
	return ix
}

// match returns the certificate sn names. Two certificates whose serial
// numbers differ only in case or leading zeros cannot both be named by a
// non-exact spelling: that is an error rather than a guess.
func (ix certIndex) match(sn string) (onsmqtt.DeviceCertificate, bool, error) {
	candidates := ix[canonicalSerial(sn)]
	switch len(candidates) {
	case 0:
		return onsmqtt.DeviceCertificate{}, false, nil
	case 1:
		return candidates[0], true, nil
	}
	spellings := make([]string, 0, len(candidates))
	for _, c := range candidates {
		if c.DeviceSn == sn {
			return c, true, nil
		}
		spellings = append(spellings, c.DeviceSn)
	}
	return onsmqtt.DeviceCertificate{}, false, fmt.Errorf("devices key %q matches %d registered certificates (%s); "+
		"write the serial number exactly as the API lists it", sn, len(candidates), strings.Join(spellings, ", "))
}

// readAccess is refresh: what the API holds for the certificates prior
// knows. imported (no devices in state yet) takes every registered
// certificate into Devices with its status.
func readAccess(prior accessData, imported, allowUnregistered bool, certs []onsmqtt.DeviceCertificate) (accessData, error) {
	out := accessData{Devices: map[string]string{}, Unlisted: map[string]string{}, Unregistered: []string{}}
	if imported {
		for _, c := range certs {
			out.Devices[c.DeviceSn] = string(c.Status)
		}
		return out, nil
	}
	ix := indexCertificates(certs)
	listed := map[string]bool{}
	for _, k := range slices.Sorted(maps.Keys(prior.Devices)) {
		cert, ok, err := ix.match(k)
		switch {
		case err != nil:
			return accessData{}, err
		case ok:
			out.Devices[k] = string(cert.Status)
			listed[cert.DeviceSn] = true
		case allowUnregistered:
			out.Devices[k] = prior.Devices[k]
			out.Unregistered = append(out.Unregistered, k)
		default:
			// Dropped, so that the plan shows it as a device still to bring to
			// its status; unregistered_devices names it.
			out.Unregistered = append(out.Unregistered, k)
		}
	}
	for _, c := range certs {
		if !listed[c.DeviceSn] {
			out.Unlisted[c.DeviceSn] = string(c.Status)
		}
	}
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
	priorUnregistered := map[string]bool{}
	for _, k := range prior.Unregistered {
		priorUnregistered[k] = true
	}
	type known struct{ sn, status string }
	registered := map[string]known{}
	for k, status := range prior.Devices {
		if !priorUnregistered[k] {
			registered[canonicalSerial(k)] = known{k, status}
		}
	}
	for sn, status := range prior.Unlisted {
		registered[canonicalSerial(sn)] = known{sn, status}
	}
	p := accessPlan{
		accessData:    accessData{Devices: devices, Unlisted: map[string]string{}, Unregistered: []string{}},
		Settings:      s,
		UnlistedKnown: true,
	}
	listed := map[string]bool{}
	for _, k := range slices.Sorted(maps.Keys(devices)) {
		c := canonicalSerial(k)
		listed[c] = true
		if _, ok := registered[c]; !ok {
			p.Unregistered = append(p.Unregistered, k)
		}
	}
	for c, r := range registered {
		if !listed[c] {
			p.Unlisted[r.sn] = s.unlistedStatus(r.status)
		}
	}
	p.UnregisteredKnown = s.AllowUnregistered || len(p.Unregistered) == 0
	return p
}
