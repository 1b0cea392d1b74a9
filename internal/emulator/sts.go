package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// stsKeyPrefix marks temporary AccessKeyIds handed out by AssumeRole.
const stsKeyPrefix = "STS."

// STS duration bounds and default, in seconds.
const (
	minSTSDuration     = 900
	maxSTSDuration     = 43200
	defaultSTSDuration = 3600
)

// tempCredential is a temporary key issued by AssumeRole. Temporary keys
// live in memory only (not in Seed/-state): a restarted emulator has none,
// like an STS whose tokens all expired.
type tempCredential struct {
	accountID  string
	secret     string
	token      string
	expiration time.Time
	actions    []string // the role's RAM restriction; nil = full rights
}

var (
	roleArnRE     = regexp.MustCompile(`^acs:ram::(\d+):role/(.+)$`)
	sessionNameRE = regexp.MustCompile(`^[\w.@-]{2,64}$`)
)

// assumeRole issues temporary credentials for a role of the caller's own
// account. Only permanent keys may call it here (no role chaining). The
// temporary keys carry the role's RAM restriction (Role.Actions); the
// optional Policy must be JSON but is not applied on top of it.
func (e *Emulator) assumeRole(c *call) (map[string]any, *apiError) {
	arn, session := c.get("RoleArn"), c.get("RoleSessionName")
	if arn == "" {
		return nil, errMissing("RoleArn")
	}
	if session == "" {
		return nil, errMissing("RoleSessionName")
	}
	if c.temporary {
		return nil, newErr(CodeInvalidSecurityTokenForRole, "AssumeRole must be called with a permanent access key in this emulator.")
	}
	m := roleArnRE.FindStringSubmatch(arn)
	if m == nil {
		return nil, newErr(CodeInvalidRoleArn, "The parameter RoleArn %q is wrongly formed.", arn)
	}
	if !sessionNameRE.MatchString(session) {
		return nil, newErr(CodeInvalidRoleSessionName, "The parameter RoleSessionName must be 2-64 characters of letters, digits and . @ - _.")
	}
	duration := defaultSTSDuration
	if d := c.get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < minSTSDuration || n > maxSTSDuration {
			return nil, newErr(CodeInvalidDurationSeconds, "The DurationSeconds must be an integer in %d..%d.", minSTSDuration, maxSTSDuration)
		}
		duration = n
	}
	if pol := c.get("Policy"); pol != "" && !json.Valid([]byte(pol)) {
		return nil, newErr(CodeInvalidPolicyGrammar, "The policy is not valid JSON.")
	}
	accountID, roleName := m[1], m[2]

	var found Role
	e.read(func(s *store) {
		if acct, ok := s.accounts[accountID]; ok {
			for _, r := range acct.Roles {
				if strings.EqualFold(r.Name, roleName) { // RAM role names are case-insensitive
					found = Role{Name: r.Name, Actions: slices.Clone(r.Actions)}
				}
			}
		}
	})
	if found.Name == "" {
		return nil, newErr(CodeEntityNotExistRole, "The role not exists: %s.", arn)
	}
	if accountID != c.accountID {
		// Trust policies are not modelled: only the owning account may assume.
		return nil, newErr(CodeNoPermission, "You are not authorized to assume role %s.", arn)
	}

	tc := &tempCredential{
		accountID:  accountID,
		secret:     randomToken(30),
		token:      "CAIS" + randomToken(180),
		expiration: e.now().UTC().Add(time.Duration(duration) * time.Second).Truncate(time.Second),
		actions:    found.Actions,
	}
	keyID := stsKeyPrefix + strings.ToUpper(randomToken(20))
	roleID := roleIDOf(accountID, found.Name)
	e.mu.Lock()
	e.pruneTempKeys()
	e.tempKeys[keyID] = tc
	e.mu.Unlock()

	return map[string]any{
		"AssumedRoleUser": map[string]any{
			"Arn":           fmt.Sprintf("acs:ram::%s:assumed-role/%s/%s", accountID, strings.ToLower(found.Name), session),
			"AssumedRoleId": roleID + ":" + session,
		},
		"Credentials": map[string]any{
			"AccessKeyId":     keyID,
			"AccessKeySecret": tc.secret,
			"SecurityToken":   tc.token,
			"Expiration":      tc.expiration.Format(timestampLayout),
		},
	}, nil
}

// pruneTempKeys forgets keys expired more than a day ago, so a long-running
// emulator does not grow without bound while recently expired keys still
// answer InvalidSecurityToken.Expired. Caller holds e.mu.
func (e *Emulator) pruneTempKeys() {
	cutoff := e.now().Add(-24 * time.Hour)
	for id, tc := range e.tempKeys {
		if tc.expiration.Before(cutoff) {
			delete(e.tempKeys, id)
		}
	}
}

// roleIDOf derives a stable 19-digit role ID from the role's identity.
func roleIDOf(accountID, role string) string {
	h := fnv.New64a()
	h.Write([]byte(accountID + "/" + strings.ToLower(role)))
	return fmt.Sprintf("3%018d", h.Sum64()%1_000_000_000_000_000_000)
}

// randomToken returns n URL-safe random characters.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

// TemporaryCredential is a key AssumeRole handed out, as the caller got it.
type TemporaryCredential struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

// IssuedCredentials lists the temporary keys AssumeRole has handed out and
// still remembers, so tests can look for their secrets where none may be
// (logs, state, plans).
func (e *Emulator) IssuedCredentials() []TemporaryCredential {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]TemporaryCredential, 0, len(e.tempKeys))
	for id, tc := range e.tempKeys {
		out = append(out, TemporaryCredential{AccessKeyID: id, AccessKeySecret: tc.secret, SecurityToken: tc.token})
	}
	return out
}
