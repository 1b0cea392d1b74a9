package emulator

// Device-certificate operations. Records are keyed by
// (MqttInstanceId, CaSn, DeviceSn); all three are required everywhere.

func deviceVO(d DeviceCertificate) map[string]any {
	return map[string]any{
		"CaSn":          d.CASn,
		"DeviceContent": d.Content,
		"DeviceName":    d.DeviceName,
		"DeviceSn":      d.DeviceSn,
		"Status":        d.Status,
		"ValidBegin":    epochMillis(d.ValidBegin),
		"ValidEnd":      epochMillis(d.ValidEnd),
	}
}

var deviceKeyParams = []string{"MqttInstanceId", "CaSn", "DeviceSn"}

func keyOf(p map[string]string) deviceKey {
	return deviceKey{p["MqttInstanceId"], p["CaSn"], p["DeviceSn"]}
}

func (e *Emulator) getDeviceCertificate(c *call) (map[string]any, *apiError) {
	p, aerr := requireParams(c, deviceKeyParams...)
	if aerr != nil {
		return nil, aerr
	}
	var d DeviceCertificate
	aerr = e.readOwned(c, p["MqttInstanceId"], func(s *store) *apiError {
		var ok bool
		if d, ok = s.devices[keyOf(p)]; !ok {
			return errDeviceNotFound()
		}
		return nil
	})
	if aerr != nil {
		return nil, aerr
	}
	return map[string]any{"Data": deviceVO(d)}, nil
}

// setDeviceStatus backs Active/Inactivate. Activating an active certificate
// (or inactivating an inactive one) succeeds unless
// Behaviour.StrictStatusChanges: the docs do not say (our default).
func (e *Emulator) setDeviceStatus(c *call, status string) (map[string]any, *apiError) {
	p, aerr := requireParams(c, deviceKeyParams...)
	if aerr != nil {
		return nil, aerr
	}
	strict := e.CurrentBehaviour().StrictStatusChanges
	apiErr := e.mutateOwned(c, p["MqttInstanceId"], func(s *store) *apiError {
		d, ok := s.devices[keyOf(p)]
		if !ok {
			return errDeviceNotFound()
		}
		if strict && d.Status == status {
			return errUnchangedStatus("device", status)
		}
		d.Status = status
		s.devices[keyOf(p)] = d
		return nil
	})
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"DeviceSn": p["DeviceSn"]}, nil
}

func (e *Emulator) activeDeviceCertificate(c *call) (map[string]any, *apiError) {
	return e.setDeviceStatus(c, "1")
}

func (e *Emulator) inactivateDeviceCertificate(c *call) (map[string]any, *apiError) {
	return e.setDeviceStatus(c, "0")
}

// deleteDeviceCertificate removes the registration record; a later Get
// answers FindDeviceBySnError, and so does a second Delete.
func (e *Emulator) deleteDeviceCertificate(c *call) (map[string]any, *apiError) {
	p, aerr := requireParams(c, deviceKeyParams...)
	if aerr != nil {
		return nil, aerr
	}
	apiErr := e.mutateOwned(c, p["MqttInstanceId"], func(s *store) *apiError {
		if !s.removeDevice(keyOf(p)) {
			return errDeviceNotFound()
		}
		return nil
	})
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"DeviceSn": p["DeviceSn"]}, nil
}

func (e *Emulator) listDeviceCertificate(c *call) (map[string]any, *apiError) {
	return e.listDevices(c, false)
}

func (e *Emulator) listDeviceCertificateByCASn(c *call) (map[string]any, *apiError) {
	return e.listDevices(c, true)
}

// listDevices pages through an instance's devices ordered by (CaSn,
// DeviceSn). What Total counts, what a page past the end answers and whether
// an unknown CaSn is an error follow the Behaviour switches.
func (e *Emulator) listDevices(c *call, byCA bool) (map[string]any, *apiError) {
	names := []string{"MqttInstanceId"}
	if byCA {
		names = append(names, "CaSn")
	}
	p, aerr := requireParams(c, names...)
	if aerr != nil {
		return nil, aerr
	}
	pageNo, pageSize, aerr := paging(c)
	if aerr != nil {
		return nil, aerr
	}
	b := e.CurrentBehaviour()
	var (
		items []DeviceCertificate
		total int
	)
	aerr = e.readOwned(c, p["MqttInstanceId"], func(s *store) *apiError {
		var caSn *string
		if byCA {
			v := p["CaSn"]
			if _, known := s.cas[caKey{p["MqttInstanceId"], v}]; !known && b.UnknownCAListError {
				return errCANotFound()
			}
			caSn = &v
		}
		// The page is cut from the index under the lock: O(page), whatever
		// the number of certificates.
		keys, n, aerr := listPage(b, s.deviceKeysOf(p["MqttInstanceId"], caSn), pageNo, pageSize, errDeviceNotFound)
		if aerr != nil {
			return aerr
		}
		total = n
		items = make([]DeviceCertificate, 0, len(keys))
		for _, k := range keys {
			items = append(items, s.devices[k])
		}
		return nil
	})
	if aerr != nil {
		return nil, aerr
	}
	vos := []map[string]any{}
	for _, d := range items {
		vos = append(vos, deviceVO(d))
	}
	return map[string]any{"Data": map[string]any{
		"DeviceCertificateVOS": vos,
		"PageNo":               pageNo,
		"PageSize":             pageSize,
		"Total":                total,
	}}, nil
}
