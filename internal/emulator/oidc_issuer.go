package emulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // RAM's certificate fingerprints are SHA-1
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"time"
)

// OIDCIssuer is a minimal OpenID Connect identity provider for tests and
// demos, like the token service of GitHub Actions or an ACK cluster: an
// HTTPS server with a discovery document and a JWKS, and a key that signs
// RS256 ID tokens. Its certificate chain's fingerprint is what RAM
// registers for it.
type OIDCIssuer struct {
	// URL is the issuer URL ("iss"), https://127.0.0.1:PORT.
	URL string
	// Fingerprint is the SHA-1 fingerprint of the CA of its HTTPS chain.
	Fingerprint string

	key *rsa.PrivateKey
	kid string
	srv *http.Server
}

// StartOIDCIssuer serves an issuer on host:0 (e.g. "127.0.0.1").
func StartOIDCIssuer(host string) (*OIDCIssuer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	ca, err := NewTestCA("OIDC issuer CA")
	if err != nil {
		return nil, err
	}
	cert, err := ca.IssueServer(append([]string{host}, loopbackHosts...)...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, err
	}
	sum := sha1.Sum(ca.Cert.Raw) //nolint:gosec // fingerprint, as RAM defines it
	i := &OIDCIssuer{URL: "https://" + ln.Addr().String(), Fingerprint: hex.EncodeToString(sum[:]), key: key, kid: "k1"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+oidcDiscoveryPath, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer": i.URL, "jwks_uri": i.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "use": "sig", "alg": "RS256", "kid": i.kid,
			"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
		}}})
	})
	i.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		// A client that does not trust the CA is its own error; no log noise.
		ErrorLog:  log.New(io.Discard, "", 0),
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}}
	go func() { _ = i.srv.ServeTLS(ln, "", "") }()
	return i, nil
}

// Close stops the issuer.
func (i *OIDCIssuer) Close() error {
	if err := i.srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Provider is the RAM registration of this issuer under name, accepting
// clientIDs as audiences.
func (i *OIDCIssuer) Provider(name string, clientIDs ...string) OIDCProvider {
	return OIDCProvider{Name: name, IssuerURL: i.URL, ClientIDs: clientIDs, Fingerprints: []string{i.Fingerprint}}
}

// TokenClaims are the claims of a token to mint. Zero times mean "issued
// now, valid for ten minutes"; an empty Issuer means the issuer's URL.
type TokenClaims struct {
	Issuer    string
	Subject   string
	Audience  []string
	IssuedAt  time.Time
	ExpiresAt time.Time
	// SignWith signs with another key (a forged token); nil uses the issuer's.
	SignWith *rsa.PrivateKey
}

// Token mints a signed RS256 ID token.
func (i *OIDCIssuer) Token(c TokenClaims) (string, error) {
	now := time.Now()
	if c.IssuedAt.IsZero() {
		c.IssuedAt = now
	}
	if c.ExpiresAt.IsZero() {
		c.ExpiresAt = c.IssuedAt.Add(10 * time.Minute)
	}
	if c.Issuer == "" {
		c.Issuer = i.URL
	}
	key := i.key
	if c.SignWith != nil {
		key = c.SignWith
	}
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": i.kid})
	payload, err := json.Marshal(map[string]any{
		"iss": c.Issuer, "sub": c.Subject, "aud": c.Audience,
		"iat": c.IssuedAt.Unix(), "exp": c.ExpiresAt.Unix(), "jti": randomToken(16),
	})
	if err != nil {
		return "", err
	}
	signed := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}
