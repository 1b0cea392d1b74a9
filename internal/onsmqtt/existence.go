package onsmqtt

import (
	"context"
	"errors"
)

// Existence checks for plan time: before a plan replaces a resource (whose
// destroy inactivates certificates), the provider makes sure that what the
// new configuration names exists, with as few calls as the answers allow.

// Missing names what a not-found answer says does not exist.
type Missing string

const (
	MissingNothing  Missing = ""
	MissingInstance Missing = "instance"
	MissingCA       Missing = "CA certificate"
	MissingDevice   Missing = "device certificate"
)

// WhatIsMissing reads a not-found answer's code: MqttInstanceNotFound names
// the instance, FindCaBySnError the CA and FindDeviceBySnError a device
// certificate (or, on GetDeviceCertificate, possibly its CA: the service
// answers it for an unknown CA too). Any other error, and nil, is
// MissingNothing.
func WhatIsMissing(err error) Missing {
	var apiErr *APIError
	if Classify(err) != ClassNotFound || !errors.As(err, &apiErr) {
		return MissingNothing
	}
	switch apiErr.Code {
	case "MqttInstanceNotFound":
		return MissingInstance
	case "FindCaBySnError":
		return MissingCA
	case "FindDeviceBySnError":
		return MissingDevice
	}
	return MissingNothing
}

// CheckCA tells whether the instance and the CA exist, with one
// GetCaCertificate call. err is set only when the answer says neither (a
// refused or failed call).
func (c *Client) CheckCA(ctx context.Context, key CAKey) (Missing, error) {
	_, err := c.GetCACertificate(ctx, key)
	if err == nil {
		return MissingNothing, nil
	}
	if m := WhatIsMissing(err); m == MissingInstance || m == MissingCA {
		return m, nil
	}
	return MissingNothing, err
}

// CheckDevice tells whether the instance, the CA and the device certificate
// exist. A certificate that exists costs one GetDeviceCertificate call, which
// also proves its instance and CA; a missing one costs a GetCaCertificate
// more, only on that path, because FindDeviceBySnError does not say whether
// the device or its CA is unknown. When that second call is refused (a
// policy without mq:GetCaCertificate, say) the answer is MissingDevice: the
// certificate is missing either way.
func (c *Client) CheckDevice(ctx context.Context, key DeviceKey) (Missing, error) {
	_, err := c.GetDeviceCertificate(ctx, key)
	if err == nil {
		return MissingNothing, nil
	}
	switch WhatIsMissing(err) {
	case MissingInstance:
		return MissingInstance, nil
	case MissingCA:
		return MissingCA, nil
	case MissingDevice:
		if m, caErr := c.CheckCA(ctx, CAKey{InstanceID: key.InstanceID, Sn: key.CASn}); caErr == nil && m != MissingNothing {
			return m, nil
		}
		return MissingDevice, nil
	}
	return MissingNothing, err
}
