package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The ECS instance metadata service (http://100.100.100.200) hands the
// instance's RAM role credentials to programs on the instance, and a
// credentials URI sidecar hands out keys the same way over HTTP. Both are
// http.Handlers here, to be served wherever a test can listen: the metadata
// address is never a real target, so tests serve it inside a network
// namespace of their own.

// MetadataAddress is the ECS metadata service's fixed address.
const MetadataAddress = "100.100.100.200"

// ECSService is the principal an instance RAM role's trust policy names.
const ECSService = "ecs.aliyuncs.com"

// Metadata credentials last six hours, as the metadata service documents.
const metadataCredentialSeconds = 21600

// MetadataOptions tune the metadata service.
type MetadataOptions struct {
	// RequireToken refuses GETs without an IMDSv2 session token (403), as
	// an instance in hardened mode does.
	RequireToken bool
}

// MetadataHandler serves an ECS instance's metadata for the RAM role
// roleName of accountID: PUT /latest/api/token (IMDSv2 session tokens),
// GET /latest/meta-data/ram/security-credentials/ (the role's name) and
// GET /latest/meta-data/ram/security-credentials/<role> (its temporary
// credentials, Code "Success"). The role must exist and trust
// ecs.aliyuncs.com, else it answers 404 as for an instance without it.
func (e *Emulator) MetadataHandler(accountID, roleName string, opts MetadataOptions) http.Handler {
	var (
		mu     sync.Mutex
		tokens = map[string]time.Time{}
	)
	const credPath = "/latest/meta-data/ram/security-credentials/"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer e.beginIssue()()
		if r.Method == http.MethodPut && r.URL.Path == "/latest/api/token" {
			ttl, err := strconv.Atoi(r.Header.Get("X-aliyun-ecs-metadata-token-ttl-seconds"))
			if err != nil || ttl < 1 || ttl > 21600 {
				http.Error(w, "X-aliyun-ecs-metadata-token-ttl-seconds must be 1..21600", http.StatusBadRequest)
				return
			}
			tok := randomToken(40)
			mu.Lock()
			tokens[tok] = e.now().Add(time.Duration(ttl) * time.Second)
			mu.Unlock()
			_, _ = w.Write([]byte(tok))
			return
		}
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, credPath) {
			http.NotFound(w, r)
			return
		}
		if tok := r.Header.Get("X-aliyun-ecs-metadata-token"); tok != "" {
			mu.Lock()
			exp, ok := tokens[tok]
			mu.Unlock()
			if !ok || !e.now().Before(exp) {
				http.Error(w, "invalid or expired metadata token", http.StatusUnauthorized)
				return
			}
		} else if opts.RequireToken {
			http.Error(w, "a metadata token is required", http.StatusForbidden)
			return
		}
		role, ok := e.role(accountID, roleName)
		if !ok || !role.trusts(accountID, identity{service: ECSService}) {
			http.NotFound(w, r)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, credPath)
		if name == "" {
			_, _ = w.Write([]byte(role.Name))
			return
		}
		if !strings.EqualFold(name, role.Name) {
			http.NotFound(w, r)
			return
		}
		creds := credentialsOf(e.newSession(accountID, role, metadataCredentialSeconds))
		creds["Code"] = "Success"
		creds["LastUpdated"] = e.now().UTC().Format(timestampLayout)
		writeJSON(w, http.StatusOK, creds)
	})
}

// CredentialsURIHandler serves temporary credentials of roleArn the way a
// credentials_uri sidecar does: GET answers {"Code": "Success",
// "AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}. An
// unknown role answers HTTP 500 with Code "RoleNotFound".
func (e *Emulator) CredentialsURIHandler(roleArn string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer e.beginIssue()()
		m := roleArnRE.FindStringSubmatch(roleArn)
		var role Role
		ok := m != nil
		if ok {
			role, ok = e.role(m[1], m[2])
		}
		if !ok {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"Code": "RoleNotFound", "Message": fmt.Sprintf("no role %s", roleArn)})
			return
		}
		creds := credentialsOf(e.newSession(m[1], role, defaultSTSDuration))
		creds["Code"] = "Success"
		writeJSON(w, http.StatusOK, creds)
	})
}
