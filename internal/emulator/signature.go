package emulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Signature constants of the two schemes the emulator verifies.
const (
	rpcSignatureMethod  = "HMAC-SHA1"
	rpcSignatureVersion = "1.0"
	acs3Algorithm       = "ACS3-HMAC-SHA256"
	timestampLayout     = "2006-01-02T15:04:05Z"
	// maxClockSkew is how far a request's Timestamp may be from the server
	// clock, either way; it is also how long a nonce stays "used".
	maxClockSkew = 15 * time.Minute
)

// percentEncode is Alibaba's RFC 3986 flavour of URL encoding: QueryEscape
// with space as %20, '*' escaped and '~' left alone.
func percentEncode(s string) string {
	s = url.QueryEscape(s)
	s = strings.ReplaceAll(s, "+", "%20")
	s = strings.ReplaceAll(s, "*", "%2A")
	s = strings.ReplaceAll(s, "%7E", "~")
	return s
}

// canonicalQuery sorts params by raw key, like url.Values.Encode in the
// SDKs (values of one key keep their order), and joins the percent-encoded
// pairs with '&'. Sorting the encoded keys instead disagrees with the SDKs
// as soon as a key needs encoding (found by FuzzRPCSignature). Empty values
// stay in as "key=": the v1 SDK signs the always-empty SignatureType, so
// dropping it would break them.
func canonicalQuery(params url.Values, skip string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != skip {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range params[k] {
			parts = append(parts, percentEncode(k)+"="+percentEncode(v))
		}
	}
	return strings.Join(parts, "&")
}

// rpcStringToSign is the HMAC-SHA1 string-to-sign of an RPC request: every
// query and form parameter except Signature, canonicalised, then
// METHOD&%2F&percentEncode(canonical).
func rpcStringToSign(method string, params url.Values) string {
	return strings.ToUpper(method) + "&" + percentEncode("/") + "&" + percentEncode(canonicalQuery(params, "Signature"))
}

// rpcSignature is base64(HMAC-SHA1(secret + "&", stringToSign)).
func rpcSignature(secret, stringToSign string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// acs3Auth is a parsed "Authorization: ACS3-HMAC-SHA256 Credential=..,
// SignedHeaders=..,Signature=.." header.
type acs3Auth struct {
	credential    string
	signedHeaders []string
	signature     string
}

// parseACS3Authorization parses the header; ok is false when the header is
// not an ACS3 header at all, err describes a malformed one.
func parseACS3Authorization(h string) (a acs3Auth, ok bool, err *apiError) {
	rest, found := strings.CutPrefix(h, acs3Algorithm+" ")
	if !found {
		return a, false, nil
	}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			a.credential = v
		case "SignedHeaders":
			if v != "" {
				a.signedHeaders = strings.Split(v, ";")
			}
		case "Signature":
			a.signature = v
		}
	}
	if a.credential == "" || a.signature == "" || len(a.signedHeaders) == 0 {
		return a, true, newErr(CodeIncompleteSignature, "The request signature does not conform to Aliyun standards: the Authorization header needs Credential, SignedHeaders and Signature.")
	}
	return a, true, nil
}

// acs3CanonicalRequest builds the V3 canonical request:
// METHOD \n path \n canonicalQuery \n canonicalHeaders \n signedHeaders \n hashedPayload,
// where canonicalHeaders are "name:trimmed value\n" for each signed header
// (lower-case, sorted) and hashedPayload is the x-acs-content-sha256 value.
func acs3CanonicalRequest(method, path string, query url.Values, header func(string) string, signedHeaders []string, hashedPayload string) string {
	names := make([]string, len(signedHeaders))
	for i, h := range signedHeaders {
		names[i] = strings.ToLower(strings.TrimSpace(h))
	}
	sort.Strings(names)
	var ch strings.Builder
	for _, n := range names {
		ch.WriteString(n + ":" + strings.TrimSpace(header(n)) + "\n")
	}
	if path == "" {
		path = "/"
	}
	return strings.ToUpper(method) + "\n" + path + "\n" + canonicalQuery(query, "") + "\n" +
		ch.String() + "\n" + strings.Join(names, ";") + "\n" + hashedPayload
}

// acs3StringToSign is "ACS3-HMAC-SHA256\n" + hex(sha256(canonicalRequest)).
func acs3StringToSign(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return acs3Algorithm + "\n" + hex.EncodeToString(sum[:])
}

// acs3Signature is hex(HMAC-SHA256(secret, stringToSign)).
func acs3Signature(secret, stringToSign string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// nonceCache remembers SignatureNonces per AccessKeyId for maxClockSkew, the
// window in which a replayed request would still pass the timestamp check.
// Older entries are swept out so memory stays bounded by the request rate.
type nonceCache struct {
	mu        sync.Mutex
	seen      map[string]map[string]time.Time // key id -> nonce -> first use
	lastSweep time.Time
}

func newNonceCache() *nonceCache {
	return &nonceCache{seen: map[string]map[string]time.Time{}}
}

// use records nonce for keyID and reports whether it was fresh.
func (c *nonceCache) use(keyID, nonce string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.lastSweep) > time.Minute || now.Before(c.lastSweep) {
		c.sweep(now)
	}
	m := c.seen[keyID]
	if m == nil {
		m = map[string]time.Time{}
		c.seen[keyID] = m
	}
	if t, ok := m[nonce]; ok && now.Sub(t) < maxClockSkew {
		return false
	}
	m[nonce] = now
	return true
}

// release forgets a nonce recorded by use.
func (c *nonceCache) release(keyID, nonce string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.seen[keyID], nonce)
}

func (c *nonceCache) sweep(now time.Time) {
	for k, m := range c.seen {
		for n, t := range m {
			if now.Sub(t) >= maxClockSkew {
				delete(m, n)
			}
		}
		if len(m) == 0 {
			delete(c.seen, k)
		}
	}
	c.lastSweep = now
}

// size reports how many nonces are remembered (for tests of the sweep).
func (c *nonceCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.seen {
		n += len(m)
	}
	return n
}
