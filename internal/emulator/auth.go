package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// authenticate checks the request's signature fields, timestamp, access key,
// signature and nonce, in that order, and returns the calling identity.
// Requests carrying an "Authorization: ACS3-HMAC-SHA256 ..." header are
// verified as V3 (the Tea SDK default); all others as RPC HMAC-SHA1.
func (e *Emulator) authenticate(r *http.Request, params url.Values, body []byte) (*call, *apiError) {
	v3, isV3, aerr := parseACS3Authorization(r.Header.Get("Authorization"))
	if aerr != nil {
		return nil, aerr
	}
	if isV3 {
		return e.authenticateACS3(r, params, body, v3)
	}
	return e.authenticateRPC(r, params)
}

// rpcRequiredFields are checked for presence in this order.
var rpcRequiredFields = []string{"AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"}

func (e *Emulator) authenticateRPC(r *http.Request, params url.Values) (*call, *apiError) {
	for _, f := range rpcRequiredFields {
		if params.Get(f) == "" {
			return nil, errMissing(f)
		}
	}
	if m := params.Get("SignatureMethod"); m != rpcSignatureMethod {
		return nil, newErr(CodeIncompleteSignature, "The request signature does not conform to Aliyun standards: SignatureMethod %q is not supported, use HMAC-SHA1.", m)
	}
	if v := params.Get("SignatureVersion"); v != rpcSignatureVersion {
		return nil, newErr(CodeIncompleteSignature, "The request signature does not conform to Aliyun standards: SignatureVersion %q is not supported, use 1.0.", v)
	}
	now := e.now()
	if aerr := checkTimestamp(params.Get("Timestamp"), now); aerr != nil {
		return nil, aerr
	}
	keyID := params.Get("AccessKeyId")
	c, secret, aerr := e.lookupKey(keyID, params.Get("SecurityToken"), now)
	if aerr != nil {
		return nil, aerr
	}
	sts := rpcStringToSign(r.Method, params)
	if !hmac.Equal([]byte(rpcSignature(secret, sts)), []byte(params.Get("Signature"))) {
		return nil, newErr(CodeSignatureDoesNotMatch, "Specified signature is not matched with our calculation. server string to sign is:%s", sts)
	}
	if !e.nonces.use(keyID, params.Get("SignatureNonce"), now) {
		return nil, newErr(CodeSignatureNonceUsed, "Specified signature nonce was used already.")
	}
	c.params, c.nonce = params, params.Get("SignatureNonce")
	return c, nil
}

// acs3RequiredSigned are headers a V3 signature must cover, so that a
// captured request cannot be replayed with a fresh nonce or date.
var acs3RequiredSigned = []string{"host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce"}

func (e *Emulator) authenticateACS3(r *http.Request, params url.Values, body []byte, a acs3Auth) (*call, *apiError) {
	for _, h := range []string{"x-acs-signature-nonce", "x-acs-date", "x-acs-content-sha256"} {
		if r.Header.Get(h) == "" {
			return nil, errMissing(h)
		}
	}
	for _, h := range acs3RequiredSigned {
		if !slices.Contains(a.signedHeaders, h) {
			return nil, newErr(CodeIncompleteSignature, "The request signature does not conform to Aliyun standards: header %q must be signed.", h)
		}
	}
	now := e.now()
	if aerr := checkTimestamp(r.Header.Get("x-acs-date"), now); aerr != nil {
		return nil, aerr
	}
	c, secret, aerr := e.lookupKey(a.credential, r.Header.Get("x-acs-security-token"), now)
	if aerr != nil {
		return nil, aerr
	}
	sum := sha256.Sum256(body)
	if got := r.Header.Get("x-acs-content-sha256"); !strings.EqualFold(got, hex.EncodeToString(sum[:])) {
		return nil, newErr(CodeSignatureDoesNotMatch, "Specified signature is not matched with our calculation: x-acs-content-sha256 %s does not match the request body.", got)
	}
	header := func(name string) string {
		if name == "host" {
			return r.Host
		}
		return strings.Join(r.Header.Values(name), ",")
	}
	query, _ := url.ParseQuery(r.URL.RawQuery) // already validated by readParams
	creq := acs3CanonicalRequest(r.Method, "/", query, header, a.signedHeaders, r.Header.Get("x-acs-content-sha256"))
	sts := acs3StringToSign(creq)
	if !hmac.Equal([]byte(acs3Signature(secret, sts)), []byte(strings.ToLower(a.signature))) {
		return nil, newErr(CodeSignatureDoesNotMatch, "Specified signature is not matched with our calculation. server string to sign is:%s canonical request is:%s", sts, creq)
	}
	if !e.nonces.use(a.credential, r.Header.Get("x-acs-signature-nonce"), now) {
		return nil, newErr(CodeSignatureNonceUsed, "Specified signature nonce was used already.")
	}
	c.params, c.nonce = params, r.Header.Get("x-acs-signature-nonce")
	return c, nil
}

// checkTimestamp enforces the ISO 8601 UTC format and the 15-minute window.
func checkTimestamp(ts string, now time.Time) *apiError {
	t, err := time.Parse(timestampLayout, ts)
	if err != nil {
		return newErr(CodeInvalidTimeStampFormat, "Specified time stamp %q does not conform to the ISO8601 format yyyy-MM-ddTHH:mm:ssZ.", ts)
	}
	if d := now.Sub(t); d > maxClockSkew || d < -maxClockSkew {
		return newErr(CodeInvalidTimeStampExpired, "Specified time stamp or date header is expired: %s is more than 15 minutes from the server time %s.", ts, now.UTC().Format(timestampLayout))
	}
	return nil
}

// lookupKey resolves an AccessKeyId to its account and secret. Temporary STS
// keys additionally need their SecurityToken and must not be expired.
// A SecurityToken sent with a permanent key is ignored.
func (e *Emulator) lookupKey(keyID, token string, now time.Time) (*call, string, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if strings.HasPrefix(keyID, stsKeyPrefix) {
		tc, ok := e.tempKeys[keyID]
		if !ok {
			return nil, "", newErr(CodeInvalidAccessKeyIDNotFound, "Specified access key is not found.")
		}
		if token == "" {
			return nil, "", newErr(CodeMissingSecurityToken, "SecurityToken is mandatory for temporary access key %s.", keyID)
		}
		if token != tc.token {
			return nil, "", newErr(CodeSecurityTokenMismatch, "Specified SecurityToken does not match the access key %s.", keyID)
		}
		if !now.Before(tc.expiration) {
			return nil, "", newErr(CodeSecurityTokenExpired, "Specified SecurityToken is expired.")
		}
		return &call{accountID: tc.accountID, keyID: keyID, temporary: true, actions: tc.actions}, tc.secret, nil
	}
	k, ok := e.st.keys[keyID]
	if !ok {
		return nil, "", newErr(CodeInvalidAccessKeyIDNotFound, "Specified access key is not found.")
	}
	return &call{accountID: k.accountID, keyID: keyID, actions: k.actions}, k.secret, nil
}
