package onsmqtt

import "testing"

func TestRequestIDOf(t *testing.T) {
	for body, want := range map[string]string{
		`{"RequestId":"5F2C1A3B-0000-4000-8000-000000000001","Data":{}}`: "5F2C1A3B-0000-4000-8000-000000000001",
		`{"Data":{"DeviceCertificateVOS":[]},"RequestId" : "AB-12"}`:     "AB-12",
		"{\n  \"RequestId\":\n  \"x\\u0041y\"\n}":                        "xAy",
		`{"Data":{}}`:                         "",
		`{"RequestId":17}`:                    "",
		`{"RequestId"`:                        "",
		`not json "RequestId": "kept anyway"`: "kept anyway",
		`{"Code":"InternalError","RequestId":"E-1","Message":"a \"RequestId\" b"}`: "E-1",
	} {
		if got := requestIDOf([]byte(body)); got != want {
			t.Errorf("requestIDOf(%s) = %q, want %q", body, got, want)
		}
	}
}
