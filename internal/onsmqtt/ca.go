package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// CAKey addresses one CA certificate of an instance.
type CAKey struct {
	InstanceID string
	Sn         string
}

func (k CAKey) params() map[string]string {
	return map[string]string{"MqttInstanceId": k.InstanceID, "Sn": k.Sn}
}

// CACertificate is a CA certificate registered on an instance.
type CACertificate struct {
	CAKey
	Name                string
	Status              Status
	Content             string
	VerificationContent string
	RegistrationCode    string
	ValidBegin          time.Time
	ValidEnd            time.Time
}

type caCertificateVO struct {
	CAContent           string `json:"CaContent"`
	CAName              string `json:"CaName"`
	RegistrationCode    string `json:"RegistrationCode"`
	Sn                  string `json:"Sn"`
	Status              string `json:"Status"`
	ValidBegin          string `json:"ValidBegin"`
	ValidEnd            string `json:"ValidEnd"`
	VerificationContent string `json:"VerificationContent"`
}

func (v caCertificateVO) toModel(instanceID string) (CACertificate, error) {
	status, begin, end, err := statusAndValidity(v.Status, v.ValidBegin, v.ValidEnd)
	if err != nil {
		return CACertificate{}, err
	}
	return CACertificate{
		CAKey:               CAKey{InstanceID: instanceID, Sn: v.Sn},
		Name:                v.CAName,
		Status:              status,
		Content:             v.CAContent,
		VerificationContent: v.VerificationContent,
		RegistrationCode:    v.RegistrationCode,
		ValidBegin:          begin,
		ValidEnd:            end,
	}, nil
}

// RegisterCAInput is a RegisterCaCertificate request.
type RegisterCAInput struct {
	InstanceID      string
	Name            string
	CAPEM           string
	VerificationPEM string // signed by the CA; its subject CN is the instance's registration code
}

// RegisterCACertificate registers a CA on an instance and returns its SN.
//
// The call is not idempotent: if an attempt registered the CA but its answer
// was lost, the retry fails with RegisterCodeUsed or SnNotUnique. In that
// case only (more than one attempt), the CA is looked up by content and its
// SN returned, so a flaky network does not orphan a registration.
func (c *Client) RegisterCACertificate(ctx context.Context, in RegisterCAInput) (string, error) {
	const action = "RegisterCaCertificate"
	params := map[string]string{
		"MqttInstanceId":      in.InstanceID,
		"CaName":              in.Name,
		"CaContent":           in.CAPEM,
		"VerificationContent": in.VerificationPEM,
	}
	var out struct {
		Sn string `json:"Sn"`
	}
	err := c.call(ctx, c.onsmqtt(), action, http.MethodPost, params, &out)
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.Attempts > 1 && (apiErr.Code == "RegisterCodeUsed" || apiErr.Code == "SnNotUnique") {
			if sn, ok := c.findCAByContent(ctx, in.InstanceID, in.CAPEM); ok {
				c.log.Warn(ctx, "RegisterCaCertificate: an earlier attempt had registered the CA; adopting it",
					map[string]any{"action": action, "sn": sn, "code": apiErr.Code})
				return sn, nil
			}
		}
		return "", err
	}
	if out.Sn == "" {
		return "", fmt.Errorf("%s: the response has no Sn", action)
	}
	return out.Sn, nil
}

// findCAByContent looks for a registered CA with the same PEM content.
func (c *Client) findCAByContent(ctx context.Context, instanceID, caPEM string) (string, bool) {
	cas, err := c.ListCACertificates(ctx, instanceID)
	if err != nil {
		return "", false
	}
	want := strings.TrimSpace(caPEM)
	for _, ca := range cas {
		if strings.TrimSpace(ca.Content) == want {
			return ca.Sn, true
		}
	}
	return "", false
}

// GetCACertificate reads one CA certificate. A CA or instance that does not
// exist gives an error for which IsNotFound is true.
func (c *Client) GetCACertificate(ctx context.Context, key CAKey) (CACertificate, error) {
	ca, err := getOne(ctx, c, "GetCaCertificate", key.params(), func(vo caCertificateVO) (CACertificate, error) {
		return vo.toModel(key.InstanceID)
	})
	if err != nil {
		return CACertificate{}, err
	}
	if ca.Sn == "" {
		ca.Sn = key.Sn
	}
	return ca, nil
}

// CAStatusAction is the action that puts a CA into status.
func CAStatusAction(status Status) string {
	if status == StatusInactive {
		return "InactivateCaCertificate"
	}
	return "ActiveCaCertificate"
}

// SetCACertificateStatus calls ActiveCaCertificate or
// InactivateCaCertificate; like SetDeviceCertificateStatus, it succeeds when
// the CA ends in the wanted status however the service answers a no-op.
func (c *Client) SetCACertificateStatus(ctx context.Context, key CAKey, status Status) error {
	return c.setStatus(ctx, CAStatusAction, key.params(), status, func() (Status, error) {
		ca, err := c.GetCACertificate(ctx, key)
		return ca.Status, err
	})
}

// DeleteCACertificate deregisters a CA.
func (c *Client) DeleteCACertificate(ctx context.Context, key CAKey) error {
	return c.call(ctx, c.onsmqtt(), "DeleteCaCertificate", http.MethodPost, key.params(), nil)
}

// ListCACertificates returns every CA certificate of an instance, following
// every page (see allPages for how the end of the list is found).
func (c *Client) ListCACertificates(ctx context.Context, instanceID string) ([]CACertificate, error) {
	const action = "ListCaCertificate"
	params := map[string]string{"MqttInstanceId": instanceID}
	fetch := func(pageNo int) ([]CACertificate, int, error) {
		var out struct {
			Data struct {
				CACertificateVOS []caCertificateVO `json:"CaCertificateVOS"`
				Total            int               `json:"Total"`
			} `json:"Data"`
		}
		if err := c.call(ctx, c.onsmqtt(), action, http.MethodGet, pageParams(params, pageNo), &out); err != nil {
			return nil, 0, err
		}
		cas := make([]CACertificate, 0, len(out.Data.CACertificateVOS))
		for _, vo := range out.Data.CACertificateVOS {
			ca, err := vo.toModel(instanceID)
			if err != nil {
				return nil, 0, fmt.Errorf("%s: %w", action, err)
			}
			cas = append(cas, ca)
		}
		return cas, out.Data.Total, nil
	}
	return allPages(ctx, c.log, action, fetch, func(ca CACertificate) string { return ca.Sn })
}
