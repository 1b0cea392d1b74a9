package onsmqtt_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// The client's RAM table and the emulator's were written separately from
// Alibaba's reference; they must agree on every action the client calls.
func TestRAMActionsAgreeWithTheEmulator(t *testing.T) {
	for _, action := range emulator.RAMActionNames() {
		client, emu := onsmqtt.RAMActions(action), emulator.RAMActions(action)
		slices.Sort(client)
		slices.Sort(emu)
		if !slices.Equal(client, emu) {
			t.Errorf("%s: the client says %v, the emulator %v", action, client, emu)
		}
	}
}

// A RAM user without the action gets PermissionCheckFailed once, not
// retried, with the actions to grant in the message.
func TestPermissionCheckFailedNamesTheActionsToGrant(t *testing.T) {
	const keyID, secret = "LTAI5tRestrictedKey00001", "restricted-secret"
	seed := emulator.DemoSeed()
	seed.Accounts[0].AccessKeys = append(seed.Accounts[0].AccessKeys,
		emulator.AccessKey{ID: keyID, Secret: secret, Actions: []string{"mq:ListDeviceCertificate", "mq:MqttInstanceAccess"}})
	if seed.Accounts[0].ID != emulator.DemoAccountID {
		t.Fatal("the demo account is not the seed's first account")
	}
	srv, err := emulator.Start(seed, emulator.Options{}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c := onsmqtttest.Client(t, srv.URL, func(cfg *onsmqtt.Config) {
		cfg.Credentials = onsmqtt.Credentials{AccessKeyID: keyID, AccessKeySecret: secret}
	})
	_, err = c.GetDeviceCertificate(context.Background(), onsmqtt.DeviceKey{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: emulator.DemoDeviceSn})
	var apiErr *onsmqtt.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "PermissionCheckFailed" || apiErr.HTTPStatus != 403 {
		t.Fatalf("err = %v, want PermissionCheckFailed (403)", err)
	}
	if onsmqtt.Classify(err).Retryable() || srv.Calls()["GetDeviceCertificate"] != 1 {
		t.Fatalf("a permission failure was retried (%d calls)", srv.Calls()["GetDeviceCertificate"])
	}
	for _, want := range []string{"mq:GetDeviceCertificate", "mq:MqttInstanceAccess", "GetDeviceCertificate"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message does not name %s: %v", want, err)
		}
	}
	// The same key may list: the restriction is per action.
	if _, err := c.ListDeviceCertificates(context.Background(), emulator.DemoInstanceID, ""); err != nil {
		t.Fatalf("an allowed action was refused: %v", err)
	}
}
