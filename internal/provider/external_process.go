package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// externalProcess runs an External profile's process_command and reads the
// credentials it prints, as the aliyun CLI does: JSON with mode (AK or
// StsToken), access_key_id, access_key_secret, sts_token and expiration.
// credentials-go has such a provider, but it prints the command's output
// to standard output when that output is not JSON, and a Terraform
// provider's standard output ends up in the engine's logs: so this one is
// ours, and never shows what the command printed.
type externalProcess struct {
	name    string
	command []string
	timeout time.Duration

	mu      sync.Mutex
	creds   *providers.Credentials
	expires time.Time // zero: until the process ends (AK) or every call (StsToken without expiration)
}

// externalRefreshMargin is when credentials count as expiring, the same
// three minutes the credential libraries use.
const externalRefreshMargin = 180 * time.Second

func externalLink(name, command string) link {
	p := &externalProcess{name: name, command: strings.Fields(command), timeout: time.Minute}
	return link{name: name, provider: p, diagnose: diagnoseWith(name, name, "")}
}

func (p *externalProcess) GetProviderName() string { return "external" }

func (p *externalProcess) GetCredentials() (*providers.Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.creds != nil && (p.creds.SecurityToken == "" || (!p.expires.IsZero() && time.Until(p.expires) > externalRefreshMargin)) {
		return p.creds, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.command[0], p.command[1:]...) //nolint:gosec // the user's own process_command
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		problem := "process_command failed: " + err.Error()
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			problem = "process_command exited with status " + exitErr.String()
		}
		return nil, &onsmqtt.CredentialError{Source: p.name, Problem: problem, Class: onsmqtt.ClassPermanent,
			Fix: "Run the profile's process_command by hand; it must print the credentials as JSON and exit 0 (its output is not shown here because it may hold keys)"}
	}
	var out struct {
		Mode            string `json:"mode"`
		AccessKeyID     string `json:"access_key_id"`
		AccessKeySecret string `json:"access_key_secret"`
		StsToken        string `json:"sts_token"`
		Expiration      string `json:"expiration"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || out.AccessKeyID == "" || out.AccessKeySecret == "" ||
		(strings.EqualFold(out.Mode, "StsToken") && out.StsToken == "") {
		return nil, &onsmqtt.CredentialError{Source: p.name, Problem: "process_command did not print credentials", Class: onsmqtt.ClassPermanent,
			Fix: `It must print JSON like {"mode": "StsToken", "access_key_id": ..., "access_key_secret": ..., "sts_token": ..., "expiration": "2006-01-02T15:04:05Z"}`}
	}
	p.expires = time.Time{}
	if out.Expiration != "" {
		exp, err := time.Parse("2006-01-02T15:04:05Z", out.Expiration)
		if err != nil {
			return nil, &onsmqtt.CredentialError{Source: p.name, Problem: "process_command printed an expiration that is not 2006-01-02T15:04:05Z", Class: onsmqtt.ClassPermanent}
		}
		p.expires = exp
	}
	p.creds = &providers.Credentials{AccessKeyId: out.AccessKeyID, AccessKeySecret: out.AccessKeySecret, SecurityToken: out.StsToken, ProviderName: "external"}
	return p.creds, nil
}
