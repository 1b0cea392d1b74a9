package onsmqtt

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Status is a certificate's registration state. The API encodes it as the
// strings "1" (active) and "0" (inactive).
type Status string

const (
	StatusActive   Status = "active"
	StatusInactive Status = "inactive"
)

func statusFromAPI(s string) (Status, error) {
	switch s {
	case "1":
		return StatusActive, nil
	case "0":
		return StatusInactive, nil
	}
	return "", fmt.Errorf("unexpected certificate status %q from the API (expected \"0\" or \"1\")", s)
}

// DeviceKey addresses one device certificate.
type DeviceKey struct {
	InstanceID string
	CASn       string
	DeviceSn   string
}

func (k DeviceKey) params() map[string]string {
	return map[string]string{"MqttInstanceId": k.InstanceID, "CaSn": k.CASn, "DeviceSn": k.DeviceSn}
}

// DeviceCertificate is a device certificate as the broker registered it.
type DeviceCertificate struct {
	DeviceKey
	DeviceName string
	Status     Status
	Content    string
	ValidBegin time.Time
	ValidEnd   time.Time
}

type deviceCertificateVO struct {
	CASn          string `json:"CaSn"`
	DeviceContent string `json:"DeviceContent"`
	DeviceName    string `json:"DeviceName"`
	DeviceSn      string `json:"DeviceSn"`
	Status        string `json:"Status"`
	ValidBegin    string `json:"ValidBegin"`
	ValidEnd      string `json:"ValidEnd"`
}

func (v deviceCertificateVO) toModel(instanceID string) (DeviceCertificate, error) {
	status, begin, end, err := statusAndValidity(v.Status, v.ValidBegin, v.ValidEnd)
	if err != nil {
		return DeviceCertificate{}, err
	}
	return DeviceCertificate{
		DeviceKey:  DeviceKey{InstanceID: instanceID, CASn: v.CASn, DeviceSn: v.DeviceSn},
		DeviceName: v.DeviceName,
		Status:     status,
		Content:    v.DeviceContent,
		ValidBegin: begin,
		ValidEnd:   end,
	}, nil
}

// statusAndValidity reads the status and validity window every
// certificate the API reports carries.
func statusAndValidity(status, validBegin, validEnd string) (Status, time.Time, time.Time, error) {
	st, err := statusFromAPI(status)
	if err != nil {
		return "", time.Time{}, time.Time{}, err
	}
	begin, err := parseEpochMillis(validBegin)
	if err != nil {
		return "", time.Time{}, time.Time{}, fmt.Errorf("ValidBegin: %w", err)
	}
	end, err := parseEpochMillis(validEnd)
	if err != nil {
		return "", time.Time{}, time.Time{}, fmt.Errorf("ValidEnd: %w", err)
	}
	return st, begin, end, nil
}

// parseEpochMillis reads the API's validity strings (Unix epoch milliseconds).
func parseEpochMillis(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not epoch milliseconds", s)
	}
	return time.UnixMilli(ms).UTC(), nil
}

// GetDeviceCertificate reads one device certificate. A certificate or
// instance that does not exist gives an error for which IsNotFound is true.
func (c *Client) GetDeviceCertificate(ctx context.Context, key DeviceKey) (DeviceCertificate, error) {
	return getOne(ctx, c, "GetDeviceCertificate", key.params(), func(vo deviceCertificateVO) (DeviceCertificate, error) {
		return vo.toModel(key.InstanceID)
	})
}

// getOne calls a Get action, whose answer holds one record in Data, and
// converts the record.
func getOne[VO, T any](ctx context.Context, c *Client, action string, params map[string]string, convert func(VO) (T, error)) (T, error) {
	var out struct {
		Data *VO `json:"Data"`
	}
	var zero T
	if err := c.call(ctx, c.onsmqtt(), action, http.MethodGet, params, &out); err != nil {
		return zero, err
	}
	if out.Data == nil {
		return zero, fmt.Errorf("%s: the response has no Data", action)
	}
	item, err := convert(*out.Data)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", action, err)
	}
	return item, nil
}

// SetDeviceCertificateStatus calls ActiveDeviceCertificate or
// InactivateDeviceCertificate. It succeeds when the certificate ends in the
// wanted status, however the service answers a change to the status it
// already has (undocumented: see setStatus).
func (c *Client) SetDeviceCertificateStatus(ctx context.Context, key DeviceKey, status Status) error {
	return c.setStatus(ctx, DeviceStatusAction, key.params(), status, func() (Status, error) {
		cert, err := c.GetDeviceCertificate(ctx, key)
		return cert.Status, err
	})
}

// setStatus calls the action statusAction names for want, and keeps a
// refused status change from failing the operation when the certificate
// (read with read) already holds the wanted status. Whether Active* on an
// active and Inactivate* on an inactive certificate succeed is not
// documented; a refusal with a permanent code is checked with one read, so
// the client works either way at the cost of a call only on that path.
func (c *Client) setStatus(ctx context.Context, statusAction func(Status) string, params map[string]string, want Status, read func() (Status, error)) error {
	if want != StatusActive && want != StatusInactive {
		return fmt.Errorf("unknown certificate status %q", want)
	}
	err := c.call(ctx, c.onsmqtt(), statusAction(want), http.MethodPost, params, nil)
	if err == nil || Classify(err) != ClassPermanent {
		return err
	}
	if got, readErr := read(); readErr == nil && got == want {
		return nil
	}
	return err
}

// DeleteDeviceCertificate removes the broker's registration record.
func (c *Client) DeleteDeviceCertificate(ctx context.Context, key DeviceKey) error {
	return c.call(ctx, c.onsmqtt(), "DeleteDeviceCertificate", http.MethodPost, key.params(), nil)
}

// ListDeviceCertificates returns every device certificate of an instance, or
// of one CA when caSn is not empty, following every page (see allPages for
// how the end of the list is found).
func (c *Client) ListDeviceCertificates(ctx context.Context, instanceID, caSn string) ([]DeviceCertificate, error) {
	return listDevices(ctx, c, instanceID, caSn, func(vo deviceCertificateVO) (DeviceCertificate, error) { return vo.toModel(instanceID) },
		func(d DeviceCertificate) DeviceKey { return d.DeviceKey })
}

// DeviceStatus is a device certificate as a fleet operation needs it: its
// serial number and status.
type DeviceStatus struct {
	DeviceSn string
	Status   Status
}

// deviceStatusVO is the part of a list item ListDeviceStatuses keeps: the
// decoder skips the rest (the certificate's PEM, some 600 bytes an item)
// without allocating it.
type deviceStatusVO struct {
	DeviceSn string `json:"DeviceSn"`
	Status   string `json:"Status"`
}

// ListDeviceStatuses lists the serial number and status of every device
// certificate under one CA, as ListDeviceCertificates does (same calls) but
// keeping nothing else: for a CA of 100,000 certificates that is a few
// megabytes instead of a hundred.
func (c *Client) ListDeviceStatuses(ctx context.Context, instanceID, caSn string) ([]DeviceStatus, error) {
	if caSn == "" {
		return nil, fmt.Errorf("ListDeviceStatuses needs a CA serial number")
	}
	return listDevices(ctx, c, instanceID, caSn, func(vo deviceStatusVO) (DeviceStatus, error) {
		status, err := statusFromAPI(vo.Status)
		return DeviceStatus{DeviceSn: vo.DeviceSn, Status: status}, err
	}, func(d DeviceStatus) string { return d.DeviceSn })
}

// listDevices pages through ListDeviceCertificate, or
// ListDeviceCertificateByCaSn when caSn is not empty, decoding each item as
// a VO and converting it to T.
func listDevices[VO any, T any, K comparable](ctx context.Context, c *Client, instanceID, caSn string,
	convert func(VO) (T, error), key func(T) K) ([]T, error) {
	action, params := "ListDeviceCertificate", map[string]string{"MqttInstanceId": instanceID}
	if caSn != "" {
		action = "ListDeviceCertificateByCaSn"
		params["CaSn"] = caSn
	}
	fetch := func(pageNo int) ([]T, int, error) {
		var out struct {
			Data struct {
				DeviceCertificateVOS []VO `json:"DeviceCertificateVOS"`
				Total                int  `json:"Total"`
			} `json:"Data"`
		}
		if err := c.call(ctx, c.onsmqtt(), action, http.MethodGet, pageParams(params, pageNo), &out); err != nil {
			return nil, 0, err
		}
		items := make([]T, 0, len(out.Data.DeviceCertificateVOS))
		for _, vo := range out.Data.DeviceCertificateVOS {
			item, err := convert(vo)
			if err != nil {
				return nil, 0, fmt.Errorf("%s: %w", action, err)
			}
			items = append(items, item)
		}
		return items, out.Data.Total, nil
	}
	return allPages(ctx, c.log, action, fetch, key)
}
