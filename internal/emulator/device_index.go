package emulator

import (
	"cmp"
	"slices"
)

// The device records of each instance in the List operations' order
// (CaSn, DeviceSn), kept sorted as records come and go, so that a page of a
// list costs a binary search and the page itself, not a sort of every
// record of the instance: a CA with 100,000 certificates is paged a
// thousand times per read.

func compareDeviceKeys(a, b deviceKey) int {
	return cmp.Or(cmp.Compare(a.caSn, b.caSn), cmp.Compare(a.deviceSn, b.deviceSn))
}

// putDevice creates or replaces a device record.
func (s *store) putDevice(d DeviceCertificate) {
	k := deviceKey{d.InstanceID, d.CASn, d.DeviceSn}
	if _, exists := s.devices[k]; !exists {
		keys := s.deviceOrder[k.instance]
		i, _ := slices.BinarySearchFunc(keys, k, compareDeviceKeys)
		s.deviceOrder[k.instance] = slices.Insert(keys, i, k)
	}
	s.devices[k] = d
}

// removeDevice deletes a device record; it reports whether there was one.
func (s *store) removeDevice(k deviceKey) bool {
	if _, ok := s.devices[k]; !ok {
		return false
	}
	delete(s.devices, k)
	keys := s.deviceOrder[k.instance]
	if i, found := slices.BinarySearchFunc(keys, k, compareDeviceKeys); found {
		s.deviceOrder[k.instance] = slices.Delete(keys, i, i+1)
	}
	return true
}

// indexDevices rebuilds the order of every instance's records at once
// (loading a seed: one sort instead of an insertion per record).
func (s *store) indexDevices() {
	s.deviceOrder = map[string][]deviceKey{}
	for k := range s.devices {
		s.deviceOrder[k.instance] = append(s.deviceOrder[k.instance], k)
	}
	for _, keys := range s.deviceOrder {
		slices.SortFunc(keys, compareDeviceKeys)
	}
}

// deviceKeysOf returns the keys of one instance's records (of one CA when
// caSn is set) in list order. The slice is the index's own: read it under
// the emulator's lock and do not keep it.
func (s *store) deviceKeysOf(instance string, caSn *string) []deviceKey {
	keys := s.deviceOrder[instance]
	if caSn == nil {
		return keys
	}
	// Every CaSn that sorts after this one sorts at or after caSn+"\x00".
	byCA := func(k deviceKey, sn string) int { return cmp.Compare(k.caSn, sn) }
	from, _ := slices.BinarySearchFunc(keys, *caSn, byCA)
	n, _ := slices.BinarySearchFunc(keys[from:], *caSn+"\x00", byCA)
	return keys[from : from+n]
}
