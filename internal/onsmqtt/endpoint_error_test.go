package onsmqtt

import (
	"net"
	"strings"
	"testing"
)

func TestUnknownDefaultHostPointsAtTheRegion(t *testing.T) {
	c, err := New(Config{Region: "cn-nowhere", Credentials: Credentials{AccessKeyID: "a", AccessKeySecret: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	dns := wrapped(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "onsmqtt.cn-nowhere.aliyuncs.com", IsNotFound: true}})
	msg := c.endpointError(c.onsmqtt(), "GetDeviceCertificate", EndpointUnknownHost, dns).Error()
	for _, want := range []string{"onsmqtt.cn-nowhere.aliyuncs.com", `default endpoint of region "cn-nowhere"`, "check region", "endpoints.onsmqtt"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	sts := service{product: "Sts", endpoint: Endpoint{Scheme: "https", Host: "sts.cn-nowhere.aliyuncs.com"}}
	if msg := c.endpointError(sts, "AssumeRole", EndpointUnknownHost, dns).Error(); !strings.Contains(msg, "endpoints.sts or APSARAMQ_STS_ENDPOINT") || !strings.Contains(msg, "region") {
		t.Errorf("STS message: %s", msg)
	}
}
