package emulator

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors returned by the admin operations; the admin HTTP API maps them to
// 404, 409 and 400 respectively.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrInvalid  = errors.New("invalid")
)

// Snapshot returns a deep copy of the current state in Seed form.
func (e *Emulator) Snapshot() Seed {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.snapshot()
}

// Replace validates s and swaps it in as the whole state. Temporary STS keys
// and used nonces survive; keys of accounts that no longer exist stop
// working because their account has no instances any more.
func (e *Emulator) Replace(s Seed) error {
	st, err := newStore(s, e.now())
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return e.mutate(func(cur *store) error {
		*cur = *st
		return nil
	})
}

// PutDevice creates or replaces a device record in plain form, as if a
// device had connected. The instance must exist; the CA SN need not be
// registered and Content may be empty. Zero validity becomes [now, now+1y).
func (e *Emulator) PutDevice(d DeviceCertificate) error {
	if d.Status == "" {
		d.Status = "1"
	}
	fillValidity(&d.ValidBegin, &d.ValidEnd, e.now())
	return e.mutate(func(s *store) error {
		if err := s.checkDevice(d); err != nil {
			if _, ok := s.instances[d.InstanceID]; !ok {
				return fmt.Errorf("%w: %v", ErrNotFound, err)
			}
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		s.putDevice(d)
		return nil
	})
}

// RegisterDevicePEM emulates a device connecting with certPEM: the broker
// auto-registers the certificate when a registered, ACTIVE CA of the
// instance signed it and it is within its validity. The record gets
// DeviceSn = SerialSn of its serial, DeviceName = subject CN, the cert's
// validity and status "1". Reconnecting with an already registered active
// certificate returns the existing record; an inactive one is refused
// (ErrConflict), like the broker refusing the connection.
func (e *Emulator) RegisterDevicePEM(instanceID string, certPEM []byte) (DeviceCertificate, error) {
	cert, err := parseCertPEM(string(certPEM))
	if err != nil {
		return DeviceCertificate{}, fmt.Errorf("%w: device certificate: %v", ErrInvalid, err)
	}
	now := e.now()
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return DeviceCertificate{}, fmt.Errorf("%w: device certificate is not valid at %s", ErrInvalid, now.UTC().Format(time.RFC3339))
	}
	var out DeviceCertificate
	err = e.mutate(func(s *store) error {
		if _, ok := s.instances[instanceID]; !ok {
			return fmt.Errorf("%w: instance %q", ErrNotFound, instanceID)
		}
		var issuer *CACertificate
		inactive := false
		for _, ca := range s.casOf(instanceID) {
			caCert, err := parseCertPEM(ca.Content)
			if err != nil || cert.CheckSignatureFrom(caCert) != nil {
				continue
			}
			if ca.Status != "1" {
				inactive = true
				continue
			}
			issuer = &ca
			break
		}
		if issuer == nil {
			if inactive {
				return fmt.Errorf("%w: the issuing CA is inactive on instance %q", ErrConflict, instanceID)
			}
			return fmt.Errorf("%w: no registered CA of instance %q signed this certificate", ErrNotFound, instanceID)
		}
		k := deviceKey{instanceID, issuer.Sn, SerialSn(cert.SerialNumber)}
		if existing, ok := s.devices[k]; ok {
			if existing.Status != "1" {
				return fmt.Errorf("%w: device certificate %s is inactive", ErrConflict, k.deviceSn)
			}
			out = existing
			return nil
		}
		out = DeviceCertificate{
			InstanceID: instanceID,
			CASn:       issuer.Sn,
			DeviceSn:   k.deviceSn,
			DeviceName: cert.Subject.CommonName,
			Status:     "1",
			Content:    strings.TrimSpace(string(certPEM)) + "\n",
			ValidBegin: cert.NotBefore.UTC(),
			ValidEnd:   cert.NotAfter.UTC(),
		}
		s.putDevice(out)
		return nil
	})
	return out, err
}

// SetDeviceStatus changes a device's status out of band ("0" or "1"), as
// someone using the console would.
func (e *Emulator) SetDeviceStatus(instanceID, caSn, deviceSn, status string) error {
	if !validStatus(status) {
		return fmt.Errorf("%w: status must be \"0\" or \"1\", got %q", ErrInvalid, status)
	}
	return e.mutate(func(s *store) error {
		k := deviceKey{instanceID, caSn, deviceSn}
		d, ok := s.devices[k]
		if !ok {
			return fmt.Errorf("%w: device certificate %s/%s/%s", ErrNotFound, instanceID, caSn, deviceSn)
		}
		d.Status = status
		s.devices[k] = d
		return nil
	})
}

// DeleteDevice removes a device record out of band.
func (e *Emulator) DeleteDevice(instanceID, caSn, deviceSn string) error {
	return e.mutate(func(s *store) error {
		if !s.removeDevice(deviceKey{instanceID, caSn, deviceSn}) {
			return fmt.Errorf("%w: device certificate %s/%s/%s", ErrNotFound, instanceID, caSn, deviceSn)
		}
		return nil
	})
}

// Device returns one device record.
func (e *Emulator) Device(instanceID, caSn, deviceSn string) (DeviceCertificate, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d, ok := e.st.devices[deviceKey{instanceID, caSn, deviceSn}]
	return d, ok
}

// CA returns one CA record.
func (e *Emulator) CA(instanceID, sn string) (CACertificate, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, ok := e.st.cas[caKey{instanceID, sn}]
	return c, ok
}
