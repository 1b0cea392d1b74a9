package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aliyun/credentials-go/credentials/providers"
)

// CredentialSource yields the credentials each request is signed with.
// Sources of temporary credentials renew them before they expire.
type CredentialSource interface {
	// Retrieve returns the credentials to sign one request with now.
	Retrieve(ctx context.Context) (Credentials, error)
	// Name says where the credentials come from, for logs and errors
	// ("static keys", "assume_role_with_oidc", ...). It never holds secrets.
	Name() string
}

// StaticCredentials is a source that never changes.
func StaticCredentials(name string, c Credentials) CredentialSource {
	return staticSource{name: name, creds: c}
}

type staticSource struct {
	name  string
	creds Credentials
}

func (s staticSource) Retrieve(context.Context) (Credentials, error) { return s.creds, nil }
func (s staticSource) Name() string                                  { return s.name }

// Diagnose turns a failure of a credential library into a *CredentialError
// that names the source and the fix. It sees the library's error as is.
type Diagnose func(err error) *CredentialError

// ProviderSource adapts a provider of github.com/aliyun/credentials-go
// (OIDC, RAM role, ECS metadata, credentials URI, external process). The
// library renews temporary credentials itself, 180 seconds before they
// expire, but is not safe for concurrent use and knows no context. So
// ProviderSource admits one caller at a time into the library: when many
// requests in flight need renewed credentials, the first renews them and
// the others then get those. A caller whose context ends stops waiting;
// the renewal it started finishes for the next caller, bounded by the
// library's own HTTP timeouts.
type ProviderSource struct {
	name     string
	provider providers.CredentialsProvider
	diagnose Diagnose
	log      Logger
	turn     chan struct{} // a one-slot semaphore: whose turn it is in the library

	mu       sync.Mutex
	lastKey  string
	renewals int
}

// NewProviderSource wraps provider, named name in logs and errors. diagnose
// may be nil (the error is then reported as the library gave it, without
// a fix); log may be nil.
func NewProviderSource(name string, provider providers.CredentialsProvider, diagnose Diagnose, log Logger) *ProviderSource {
	if log == nil {
		log = discardLogger{}
	}
	return &ProviderSource{name: name, provider: provider, diagnose: diagnose, log: log, turn: make(chan struct{}, 1)}
}

// Name implements CredentialSource.
func (s *ProviderSource) Name() string { return s.name }

// Renewals counts how often the credentials changed after the first ones.
func (s *ProviderSource) Renewals() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.renewals
}

// Retrieve implements CredentialSource.
func (s *ProviderSource) Retrieve(ctx context.Context) (Credentials, error) {
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return Credentials{}, fmt.Errorf("waiting for credentials from %s: %w", s.name, ctx.Err())
	}
	type result struct {
		creds *providers.Credentials
		err   error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-s.turn }()
		defer func() {
			// Some library versions dereference fields of an answer they did
			// not check; a malformed answer must not take the provider down.
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("the credential library failed on a malformed answer: %v", r)}
			}
		}()
		c, err := s.provider.GetCredentials()
		done <- result{c, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		return Credentials{}, fmt.Errorf("waiting for credentials from %s: %w", s.name, ctx.Err())
	}
	if r.err != nil {
		return Credentials{}, s.failure(r.err)
	}
	if r.creds == nil || r.creds.AccessKeyId == "" || r.creds.AccessKeySecret == "" {
		return Credentials{}, s.failure(errors.New("the source returned no AccessKey"))
	}
	creds := Credentials{AccessKeyID: r.creds.AccessKeyId, AccessKeySecret: r.creds.AccessKeySecret, SecurityToken: r.creds.SecurityToken}
	s.noteRenewal(ctx, creds.AccessKeyID)
	return creds, nil
}

func (s *ProviderSource) noteRenewal(ctx context.Context, keyID string) {
	s.mu.Lock()
	first, changed := s.lastKey == "", s.lastKey != keyID
	if changed {
		s.lastKey = keyID
		if !first {
			s.renewals++
		}
	}
	n := s.renewals
	s.mu.Unlock()
	switch {
	case first:
		s.log.Debug(ctx, "obtained temporary credentials", map[string]any{"credentials_source": s.name})
	case changed:
		s.log.Debug(ctx, "renewed temporary credentials before they expired", map[string]any{"credentials_source": s.name, "renewals": n})
	}
}

func (s *ProviderSource) failure(err error) error {
	if s.diagnose != nil {
		if d := s.diagnose(err); d != nil {
			if d.Source == "" {
				d.Source = s.name
			}
			return d
		}
	}
	return &CredentialError{Source: s.name, Problem: err.Error(), Class: ClassPermanent}
}

// FetchCredentials gets the credentials the next call will be signed with,
// retrying what may pass later (an STS outage, throttling) like any call and
// failing at once on what will not (a misconfigured source), so that a
// wrong source is reported before any resource is touched.
func (c *Client) FetchCredentials(ctx context.Context) error {
	_, err := c.retrying(ctx, "credentials", func(int) ([]byte, error) {
		_, err := c.credentials.Retrieve(ctx)
		return nil, err
	})
	return err
}
