package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
)

// API versions the emulator answers. The OnsMqtt certificate operations and
// the tiny STS share one listener and are told apart by Version, exactly as a
// client pointed at one endpoint would send them.
const (
	MQTTVersion = "2020-04-20"
	STSVersion  = "2015-04-01"
)

// Seed is the initial state; also the JSON format of the -seed and -state files.
type Seed struct {
	Accounts  []Account           `json:"accounts"`
	Instances []Instance          `json:"instances"`
	CAs       []CACertificate     `json:"ca_certificates"`
	Devices   []DeviceCertificate `json:"device_certificates"`
	// RegisterCodes holds the current, not yet consumed registration code of
	// each instance (instance ID -> code) so that a code fetched with
	// GetRegisterCode survives a restart when -state is used. Optional.
	RegisterCodes map[string]string `json:"register_codes,omitempty"`
	// UsedRegisterCodes lists codes already consumed by a successful
	// RegisterCaCertificate (code -> instance ID), so RegisterCodeUsed keeps
	// working across restarts and after the CA that used it is deleted. Optional.
	UsedRegisterCodes map[string]string `json:"used_register_codes,omitempty"`
}

// Account is an Alibaba Cloud account: it owns instances, permanent access
// keys and RAM roles that STS AssumeRole can hand out temporary keys for.
type Account struct {
	ID         string      `json:"id"`
	AccessKeys []AccessKey `json:"access_keys"`
	// Roles are assumable by STS AssumeRole as acs:ram::<ID>:role/<name>.
	Roles []Role `json:"roles"`
	// OIDCProviders are the identity providers whose tokens STS
	// AssumeRoleWithOIDC accepts for roles that trust them.
	OIDCProviders []OIDCProvider `json:"oidc_providers,omitempty"`
}

// OIDCProvider is an OIDC identity provider registered in RAM, known as
// acs:ram::<account>:oidc-provider/<Name>.
type OIDCProvider struct {
	Name string `json:"name"`
	// IssuerURL is the https:// URL the tokens name in "iss"; its
	// /.well-known/openid-configuration names the JWKS.
	IssuerURL string `json:"issuer_url"`
	// ClientIDs are the audiences ("aud") accepted.
	ClientIDs []string `json:"client_ids"`
	// Fingerprints are SHA-1 fingerprints (hex, colons optional) of
	// certificates in the issuer's HTTPS chain: RAM trusts the issuer's
	// endpoint through them, not through a CA store.
	Fingerprints []string `json:"fingerprints"`
}

// AccessKey is a permanent AccessKey pair. Actions, when not nil, restricts
// it like a RAM user's policy: only these RAM actions ("mq:GetDeviceCertificate",
// "mq:*", "*"; see RAMActions) are allowed, an empty list allows nothing.
// nil (absent or null in JSON) gives the account's full rights.
type AccessKey struct {
	ID      string   `json:"id"`
	Secret  string   `json:"secret"`
	Actions []string `json:"actions,omitempty"`
}

// MarshalJSON writes Actions only when the key is restricted, keeping an
// empty (allow-nothing) list distinct from an absent (unrestricted) one.
func (k AccessKey) MarshalJSON() ([]byte, error) {
	type plain AccessKey
	if k.Actions != nil && len(k.Actions) == 0 {
		return json.Marshal(struct {
			plain
			Actions []string `json:"actions"`
		}{plain(k), k.Actions})
	}
	return json.Marshal(plain(k))
}

// Role is a RAM role. Actions restricts the temporary keys AssumeRole hands
// out for it, like AccessKey.Actions; nil gives the account's full rights.
// In JSON a role is either its name ("terraform", the older seed format) or
// {"name": "terraform", "actions": ["mq:*"]}.
type Role struct {
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
	// Trust is the role's trust policy; nil lets any identity of the role's
	// own account assume it.
	Trust *TrustPolicy `json:"trust,omitempty"`
	// MaxSessionDuration bounds DurationSeconds (900..43200); 0 allows 43200.
	MaxSessionDuration int `json:"max_session_duration,omitempty"`
}

// MarshalJSON writes an unrestricted role as its bare name.
func (r Role) MarshalJSON() ([]byte, error) {
	if r.Actions == nil && r.Trust == nil && r.MaxSessionDuration == 0 {
		return json.Marshal(r.Name)
	}
	type plain Role
	return json.Marshal(plain(r))
}

// UnmarshalJSON accepts a name or an object.
func (r *Role) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err == nil {
		*r = Role{Name: name}
		return nil
	}
	type plain Role
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return errors.New(`a role is a name or {"name": "...", "actions": [...]}: ` + err.Error())
	}
	*r = Role(p)
	return nil
}

// Instance is an ApsaraMQ for MQTT instance owned by one account.
type Instance struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
}

// CACertificate is a CA registration record of one instance.
type CACertificate struct {
	InstanceID          string    `json:"instance_id"`
	Sn                  string    `json:"sn"`
	Name                string    `json:"name"`
	Status              string    `json:"status"` // "1" active, "0" inactive
	Content             string    `json:"content"`
	VerificationContent string    `json:"verification_content"`
	RegistrationCode    string    `json:"registration_code"`
	ValidBegin          time.Time `json:"valid_begin"`
	ValidEnd            time.Time `json:"valid_end"`
}

// DeviceCertificate is a device certificate registration record, identified
// by (InstanceID, CaSn, DeviceSn) like the real API.
type DeviceCertificate struct {
	InstanceID string    `json:"instance_id"`
	CASn       string    `json:"ca_sn"`
	DeviceSn   string    `json:"device_sn"`
	DeviceName string    `json:"device_name"`
	Status     string    `json:"status"`  // "1" active, "0" inactive
	Content    string    `json:"content"` // PEM; may be empty in plain form
	ValidBegin time.Time `json:"valid_begin"`
	ValidEnd   time.Time `json:"valid_end"`
}

// Behaviour selects, for each point Alibaba's API reference leaves open,
// which reading the emulator answers. The zero value is the emulator's
// default reading; README.md ("Guesses to confirm against the real service")
// says what each alternative does and how to check it on a real account.
type Behaviour struct {
	// PastEndPage is what a list page past the last item answers (PageNo > 1
	// and no item on it): "empty" (default, an empty page) or "error"
	// (FindDeviceBySnError for device lists, FindCaBySnError for CA lists).
	PastEndPage string `json:"past_end_page"`
	// TotalCounts is what Data.Total of a list counts: "items" (default) or
	// "pages" (ceil(items / PageSize)).
	TotalCounts string `json:"total_counts"`
	// StrictStatusChanges makes Active* on an active and Inactivate* on an
	// inactive certificate answer ParameterFieldCheckFailed instead of
	// succeeding.
	StrictStatusChanges bool `json:"strict_status_changes"`
	// UnknownCAListError makes ListDeviceCertificateByCaSn with a CaSn that
	// is not a CA of the instance answer FindCaBySnError instead of an empty list.
	UnknownCAListError bool `json:"unknown_ca_list_error"`
	// KeepDevicesOnCADelete makes DeleteCaCertificate leave the device
	// records issued under the CA in place. By default they are deleted with
	// it, as the DeleteCaCertificate reference says.
	KeepDevicesOnCADelete bool `json:"keep_devices_on_ca_delete"`
}

// Values of Behaviour.PastEndPage and Behaviour.TotalCounts.
const (
	PastEndEmpty = "empty"
	PastEndError = "error"
	TotalItems   = "items"
	TotalPages   = "pages"
)

// Options tune the emulator's gateway behaviour. The zero value is a fast,
// fault-free, unthrottled emulator that uses the real clock.
type Options struct {
	// Behaviour selects the reading of points the API reference leaves open;
	// it can be changed at run time with SetBehaviour or PUT /_emulator/behaviour.
	Behaviour

	RateLimit      float64       // calls per second per account; 0 = unlimited
	ThrottleCode   string        // "Throttling.User" (default, HTTP 400) or "SystemOverFlow" (HTTP 403)
	LegacyStatuses bool          // MQTT codes answer HTTP 500 like the pre-change docs
	Latency        time.Duration // added to every API call
	Faults         FaultConfig
	Now            func() time.Time // clock for timestamps, nonces, STS expiry; default time.Now
	RandSeed       int64            // for fault selection; 0 = time-based
	// MaxCAsPerInstance bounds registered CAs per instance; default 10
	// (CaNumExceed beyond it).
	MaxCAsPerInstance int
	// StateFile, when set, makes the emulator durable: New loads the file
	// instead of the seed when it exists, and every mutation rewrites it
	// atomically (temp file + rename).
	StateFile string
	// TemporaryCredentialLifetime, when set, is how long every temporary
	// credential the emulator issues (AssumeRole, AssumeRoleWithOIDC, the
	// ECS metadata service) stays valid, whatever DurationSeconds asked:
	// seconds instead of STS's 15-minute minimum, so renewal can be tested
	// in a test's time.
	TemporaryCredentialLifetime time.Duration
	// TLSCA, when set, makes Start serve HTTPS too (Server.HTTPSURL), with a
	// certificate for the loopback names signed by this CA.
	TLSCA *TestCA
}

// FaultConfig injects transient failures into signed, valid API calls.
type FaultConfig struct {
	Rate    float64       `json:"rate"`    // probability 0..1 that a signed, valid API call fails
	Kinds   []string      `json:"kinds"`   // subset of FaultKinds; empty = all four
	Stall   time.Duration `json:"stall"`   // how long a "stall" hangs before answering InternalError; default 30s
	Actions []string      `json:"actions"` // if non-empty, only these actions get faults
}

// Fault kinds understood by FaultConfig.Kinds.
const (
	FaultInternalError      = "InternalError"
	FaultServiceUnavailable = "ServiceUnavailable"
	FaultReset              = "reset"
	FaultStall              = "stall"
)

// FaultKinds lists every fault kind, in the order used when Kinds is empty.
var FaultKinds = []string{FaultInternalError, FaultServiceUnavailable, FaultReset, FaultStall}
