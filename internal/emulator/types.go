package emulator

import "time"

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
	// Roles are role names assumable by STS AssumeRole as acs:ram::<ID>:role/<name>.
	Roles []string `json:"roles"`
}

// AccessKey is a permanent AccessKey pair.
type AccessKey struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
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
	CaSn       string    `json:"ca_sn"`
	DeviceSn   string    `json:"device_sn"`
	DeviceName string    `json:"device_name"`
	Status     string    `json:"status"`  // "1" active, "0" inactive
	Content    string    `json:"content"` // PEM; may be empty in plain form
	ValidBegin time.Time `json:"valid_begin"`
	ValidEnd   time.Time `json:"valid_end"`
}

// Options tune the emulator's gateway behaviour. The zero value is a fast,
// fault-free, unthrottled emulator that uses the real clock.
type Options struct {
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
