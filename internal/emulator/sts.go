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

// tempCredential is a temporary key issued by STS or the metadata service.
// Temporary keys live in memory only (not in Seed/-state): a restarted
// emulator has none, like an STS whose tokens all expired.
type tempCredential struct {
	accountID  string
	roleArn    string // the role whose session this is (role chaining)
	secret     string
	token      string
	expiration time.Time
	actions    []string // the role's RAM restriction; nil = full rights
}

// maxChainedDuration bounds a session assumed with another role's session
// (role chaining), as the AssumeRole reference does.
const maxChainedDuration = 3600

var (
	roleArnRE     = regexp.MustCompile(`^acs:ram::(\d+):role/(.+)$`)
	sessionNameRE = regexp.MustCompile(`^[\w.@-]{2,64}$`)
)

// assumeRole issues temporary credentials for a role whose trust policy
// names the caller: its account (any identity of it) or, for a caller that
// is itself a role session, that role (role chaining, at most an hour). The
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
	m := roleArnRE.FindStringSubmatch(arn)
	if m == nil {
		return nil, newErr(CodeInvalidRoleArn, "The parameter RoleArn %q is wrongly formed.", arn)
	}
	duration, aerr := sessionParams(c, session)
	if aerr != nil {
		return nil, aerr
	}
	accountID, roleName := m[1], m[2]
	role, ok := e.role(accountID, roleName)
	if !ok {
		return nil, newErr(CodeEntityNotExistRole, "The role not exists: %s.", arn)
	}
	caller := identity{accountID: c.accountID}
	if c.temporary {
		caller.roleArn = e.sessionRole(c.keyID)
	}
	if !role.trusts(accountID, caller) {
		return nil, newErr(CodeNoPermission, "You are not authorized to assume role %s.", arn)
	}
	if c.temporary && duration > maxChainedDuration {
		return nil, newErr(CodeInvalidDurationSeconds, "The DurationSeconds of a role chain must be %d..%d.", minSTSDuration, maxChainedDuration)
	}
	if aerr := checkMaxSession(role, duration); aerr != nil {
		return nil, aerr
	}
	return e.issue(accountID, role, session, duration), nil
}

// sessionParams checks what both STS actions take for the session: its
// name, DurationSeconds (returned) and Policy.
func sessionParams(c *call, session string) (int, *apiError) {
	if !sessionNameRE.MatchString(session) {
		return 0, newErr(CodeInvalidRoleSessionName, "The parameter RoleSessionName must be 2-64 characters of letters, digits and . @ - _.")
	}
	duration, aerr := durationParam(c)
	if aerr != nil {
		return 0, aerr
	}
	if pol := c.get("Policy"); pol != "" && !json.Valid([]byte(pol)) {
		return 0, newErr(CodeInvalidPolicyGrammar, "The policy is not valid JSON.")
	}
	return duration, nil
}

// durationParam reads DurationSeconds (default 3600, 900..43200).
func durationParam(c *call) (int, *apiError) {
	d := c.get("DurationSeconds")
	if d == "" {
		return defaultSTSDuration, nil
	}
	n, err := strconv.Atoi(d)
	if err != nil || n < minSTSDuration || n > maxSTSDuration {
		return 0, newErr(CodeInvalidDurationSeconds, "The DurationSeconds must be an integer in %d..%d.", minSTSDuration, maxSTSDuration)
	}
	return n, nil
}

func checkMaxSession(r Role, duration int) *apiError {
	if r.MaxSessionDuration != 0 && duration > r.MaxSessionDuration {
		return newErr(CodeInvalidDurationSeconds, "The DurationSeconds exceeds the MaxSessionDuration %d of role %s.", r.MaxSessionDuration, r.Name)
	}
	return nil
}

// role finds a role by its case-insensitive name.
func (e *Emulator) role(accountID, name string) (Role, bool) {
	var found Role
	ok := false
	e.read(func(s *store) {
		for _, r := range s.accounts[accountID].Roles {
			if strings.EqualFold(r.Name, name) { // RAM role names are case-insensitive
				found, ok = r, true
				found.Actions = slices.Clone(r.Actions)
			}
		}
	})
	return found, ok
}

func (e *Emulator) sessionRole(keyID string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if tc, ok := e.tempKeys[keyID]; ok {
		return tc.roleArn
	}
	return ""
}

// issue creates a role session and answers it as STS does.
func (e *Emulator) issue(accountID string, role Role, session string, duration int) map[string]any {
	keyID, tc := e.newSession(accountID, role, duration)
	return map[string]any{
		"AssumedRoleUser": map[string]any{
			"Arn":           fmt.Sprintf("acs:ram::%s:assumed-role/%s/%s", accountID, strings.ToLower(role.Name), session),
			"AssumedRoleId": roleIDOf(accountID, role.Name) + ":" + session,
		},
		"Credentials": credentialsOf(keyID, tc),
	}
}

// newSession stores a temporary key of the role, valid for duration seconds
// (or Options.TemporaryCredentialLifetime).
func (e *Emulator) newSession(accountID string, role Role, duration int) (string, *tempCredential) {
	e.countMu.Lock()
	e.issued++
	e.countMu.Unlock()
	lifetime := time.Duration(duration) * time.Second
	if e.tempLifetime > 0 {
		lifetime = e.tempLifetime
	}
	tc := &tempCredential{
		accountID:  accountID,
		roleArn:    fmt.Sprintf("acs:ram::%s:role/%s", accountID, strings.ToLower(role.Name)),
		secret:     randomToken(30),
		token:      "CAIS" + randomToken(180),
		expiration: e.now().UTC().Add(lifetime).Truncate(time.Second),
		actions:    role.Actions,
	}
	keyID := stsKeyPrefix + strings.ToUpper(randomToken(20))
	e.mu.Lock()
	e.pruneTempKeys()
	e.tempKeys[keyID] = tc
	e.mu.Unlock()
	return keyID, tc
}

// credentialsOf is the Credentials object of an answer.
func credentialsOf(keyID string, tc *tempCredential) map[string]any {
	return map[string]any{
		"AccessKeyId":     keyID,
		"AccessKeySecret": tc.secret,
		"SecurityToken":   tc.token,
		"Expiration":      tc.expiration.Format(timestampLayout),
	}
}

// beginIssue marks a request for temporary credentials in flight, from its
// arrival to its answer (latency included), so tests can see that a client
// refreshes one at a time. The returned func ends it.
func (e *Emulator) beginIssue() func() {
	e.countMu.Lock()
	e.issuing++
	e.issuePeak = max(e.issuePeak, e.issuing)
	e.countMu.Unlock()
	return func() {
		e.countMu.Lock()
		e.issuing--
		e.countMu.Unlock()
	}
}

// IssueStats counts the temporary credentials issued since the start (or
// ResetCounters) and the most requests for them in flight at once.
type IssueStats struct {
	Issued int
	Peak   int
}

// CredentialIssues reports IssueStats.
func (e *Emulator) CredentialIssues() IssueStats {
	e.countMu.Lock()
	defer e.countMu.Unlock()
	return IssueStats{Issued: e.issued, Peak: e.issuePeak}
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
