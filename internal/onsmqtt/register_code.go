package onsmqtt

import (
	"context"
	"fmt"
	"net/http"
)

// GetRegisterCode returns the instance's current CA registration code: the
// subject CN a verification certificate must carry for RegisterCaCertificate.
func (c *Client) GetRegisterCode(ctx context.Context, instanceID string) (string, error) {
	const action = "GetRegisterCode"
	var out struct {
		RegisterCode string `json:"RegisterCode"`
	}
	if err := c.call(ctx, c.onsmqtt(), action, http.MethodGet, map[string]string{"MqttInstanceId": instanceID}, &out); err != nil {
		return "", err
	}
	if out.RegisterCode == "" {
		return "", fmt.Errorf("%s: the response has no RegisterCode", action)
	}
	return out.RegisterCode, nil
}
