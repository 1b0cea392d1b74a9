package onsmqtt

import (
	"strings"
	"testing"
)

func TestAPIErrorMessageCarriesWhatTheUserNeeds(t *testing.T) {
	err := &APIError{Action: "GetDeviceCertificate", Code: "MqttOwnerCheckError", Message: "Failed to validate the instance permission",
		RequestID: "RID-1", HTTPStatus: 403, Class: ClassPermanent, Attempts: 1}
	msg := err.Error()
	for _, want := range []string{"GetDeviceCertificate", "MqttOwnerCheckError", "Failed to validate", "RID-1", "HTTP 403", "another Alibaba Cloud account"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

// Every permission code gets the one permission hint: the RAM actions of the
// failed action, or, for an action without a known table entry, the general
// advice; codeHint has no second wording for them.
func TestPermissionCodesNameTheRAMActions(t *testing.T) {
	for code := range permissionCodes {
		hint := (&APIError{Action: "DeleteCaCertificate", Code: code}).Hint()
		if !strings.Contains(hint, "mq:DeleteCaCertificate and mq:MqttInstanceAccess") {
			t.Errorf("%s: hint %q does not name the RAM actions", code, hint)
		}
		if general := (&APIError{Action: "SomeNewAction", Code: code}).Hint(); general != permissionHint("SomeNewAction") || !strings.Contains(general, "grant the matching mq:* action") {
			t.Errorf("%s for an unknown action: hint %q", code, general)
		}
		if h := codeHint(code); h != "" {
			t.Errorf("codeHint(%q) = %q: a second wording of the permission hint", code, h)
		}
	}
}
