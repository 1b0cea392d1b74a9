package emulator

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// maxSnBytes is the documented bound on CaSn, DeviceSn and Sn (bytes, not runes).
const maxSnBytes = 128

type caKey struct{ instance, sn string }

type deviceKey struct{ instance, caSn, deviceSn string }

// regionSn names a CA serial within one region: a CA certificate can be
// registered with only one instance per region.
type regionSn struct{ region, sn string }

type keyOwner struct {
	accountID string
	secret    string
	actions   []string // RAM restriction; nil = the account's full rights
}

// store is the emulator's state. It is not safe for concurrent use: the
// Emulator guards it with its mutex.
type store struct {
	accounts      map[string]Account
	keys          map[string]keyOwner // permanent AccessKeyId -> owner
	instances     map[string]Instance
	cas           map[caKey]CACertificate
	caSerials     map[regionSn]string // (region, CA Sn) -> instance; unique per region
	devices       map[deviceKey]DeviceCertificate
	deviceOrder   map[string][]deviceKey // instance -> keys of devices in list order (device_index.go)
	registerCodes map[string]string      // instance -> current registration code
	usedCodes     map[string]string      // consumed registration code -> instance
}

// newStore validates seed and builds the indexes. defaultValidity fills
// missing device/CA validity so responses always carry epoch milliseconds.
func newStore(seed Seed, now time.Time) (*store, error) {
	s := &store{
		accounts:      map[string]Account{},
		keys:          map[string]keyOwner{},
		instances:     map[string]Instance{},
		cas:           map[caKey]CACertificate{},
		caSerials:     map[regionSn]string{},
		devices:       map[deviceKey]DeviceCertificate{},
		deviceOrder:   map[string][]deviceKey{},
		registerCodes: map[string]string{},
		usedCodes:     map[string]string{},
	}
	for _, a := range seed.Accounts {
		if err := s.addAccount(a); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
	}
	for _, in := range seed.Instances {
		if in.ID == "" || in.Region == "" {
			return nil, fmt.Errorf("seed: instance %q needs an id and a region", in.ID)
		}
		if _, ok := s.accounts[in.AccountID]; !ok {
			return nil, fmt.Errorf("seed: instance %q: unknown account %q", in.ID, in.AccountID)
		}
		if _, dup := s.instances[in.ID]; dup {
			return nil, fmt.Errorf("seed: duplicate instance %q", in.ID)
		}
		s.instances[in.ID] = in
	}
	for _, c := range seed.CAs {
		if err := s.checkCA(c); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		fillValidity(&c.ValidBegin, &c.ValidEnd, now)
		s.putCA(c)
	}
	for _, d := range seed.Devices {
		if err := s.checkDevice(d); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		k := deviceKey{d.InstanceID, d.CASn, d.DeviceSn}
		if _, dup := s.devices[k]; dup {
			return nil, fmt.Errorf("seed: duplicate device certificate %s/%s/%s", d.InstanceID, d.CASn, d.DeviceSn)
		}
		fillValidity(&d.ValidBegin, &d.ValidEnd, now)
		s.devices[k] = d
	}
	s.indexDevices()
	for inst, code := range seed.RegisterCodes {
		if _, ok := s.instances[inst]; !ok {
			return nil, fmt.Errorf("seed: register code for unknown instance %q", inst)
		}
		s.registerCodes[inst] = code
	}
	maps.Copy(s.usedCodes, seed.UsedRegisterCodes)
	for _, c := range s.cas {
		if c.RegistrationCode != "" {
			s.usedCodes[c.RegistrationCode] = c.InstanceID
		}
	}
	return s, nil
}

// addAccount validates an account with its keys and roles and indexes it.
func (s *store) addAccount(a Account) error {
	if a.ID == "" {
		return errors.New("account with empty id")
	}
	if _, dup := s.accounts[a.ID]; dup {
		return fmt.Errorf("duplicate account %q", a.ID)
	}
	for _, k := range a.AccessKeys {
		if k.ID == "" || k.Secret == "" {
			return fmt.Errorf("account %q has an access key with empty id or secret", a.ID)
		}
		if strings.HasPrefix(k.ID, stsKeyPrefix) {
			return fmt.Errorf("access key %q: the %q prefix is reserved for STS keys", k.ID, stsKeyPrefix)
		}
		if _, dup := s.keys[k.ID]; dup {
			return fmt.Errorf("duplicate access key %q", k.ID)
		}
		if err := checkRAMPatterns("access key "+k.ID, k.Actions); err != nil {
			return err
		}
		s.keys[k.ID] = keyOwner{accountID: a.ID, secret: k.Secret, actions: slices.Clone(k.Actions)}
	}
	seen := map[string]bool{}
	for _, r := range a.Roles {
		if r.Name == "" {
			return fmt.Errorf("account %q has an empty role name", a.ID)
		}
		if seen[strings.ToLower(r.Name)] { // RAM role names are case-insensitive
			return fmt.Errorf("account %q has role %q twice", a.ID, r.Name)
		}
		seen[strings.ToLower(r.Name)] = true
		if err := checkRAMPatterns("role "+r.Name, r.Actions); err != nil {
			return err
		}
		if err := checkTrust(r.Name, r.Trust); err != nil {
			return fmt.Errorf("account %q: %w", a.ID, err)
		}
		if d := r.MaxSessionDuration; d != 0 && (d < minSTSDuration || d > maxSTSDuration) {
			return fmt.Errorf("account %q: role %s: max_session_duration must be %d..%d", a.ID, r.Name, minSTSDuration, maxSTSDuration)
		}
	}
	if err := checkOIDCProviders(a); err != nil {
		return err
	}
	s.accounts[a.ID] = cloneAccount(a)
	return nil
}

// cloneAccount deep-copies an account so callers never share its slices.
func cloneAccount(a Account) Account {
	a.AccessKeys = slices.Clone(a.AccessKeys)
	for i := range a.AccessKeys {
		a.AccessKeys[i].Actions = slices.Clone(a.AccessKeys[i].Actions)
	}
	a.Roles = slices.Clone(a.Roles)
	for i := range a.Roles {
		a.Roles[i].Actions = slices.Clone(a.Roles[i].Actions)
		if t := a.Roles[i].Trust; t != nil {
			// Read-only after validation; a JSON round trip is the simplest deep copy.
			b, _ := json.Marshal(t)
			a.Roles[i].Trust = &TrustPolicy{}
			_ = json.Unmarshal(b, a.Roles[i].Trust)
		}
	}
	a.OIDCProviders = slices.Clone(a.OIDCProviders)
	for i := range a.OIDCProviders {
		a.OIDCProviders[i].ClientIDs = slices.Clone(a.OIDCProviders[i].ClientIDs)
		a.OIDCProviders[i].Fingerprints = slices.Clone(a.OIDCProviders[i].Fingerprints)
	}
	return a
}

// fillValidity gives records without validity a one-year window starting now,
// so ValidBegin/ValidEnd are always meaningful epoch milliseconds.
func fillValidity(begin, end *time.Time, now time.Time) {
	if begin.IsZero() {
		*begin = now.UTC().Truncate(time.Second)
	}
	if end.IsZero() {
		*end = begin.AddDate(1, 0, 0)
	}
}

func validStatus(s string) bool { return s == "0" || s == "1" }

func checkSn(what, sn string) error {
	if sn == "" || len(sn) > maxSnBytes {
		return fmt.Errorf("%s %q must be 1..%d bytes", what, sn, maxSnBytes)
	}
	return nil
}

func (s *store) checkCA(c CACertificate) error {
	if _, ok := s.instances[c.InstanceID]; !ok {
		return fmt.Errorf("CA %q: unknown instance %q", c.Sn, c.InstanceID)
	}
	if err := checkSn("CA sn", c.Sn); err != nil {
		return err
	}
	if !validStatus(c.Status) {
		return fmt.Errorf("CA %q: status must be \"0\" or \"1\", got %q", c.Sn, c.Status)
	}
	if owner, dup := s.caSerials[s.serialKey(c.InstanceID, c.Sn)]; dup {
		return fmt.Errorf("CA sn %q is already registered on instance %q in region %q (one instance per region)",
			c.Sn, owner, s.instances[c.InstanceID].Region)
	}
	return nil
}

// serialKey is the uniqueness key of a CA serial registered on an instance.
func (s *store) serialKey(instance, sn string) regionSn {
	return regionSn{s.instances[instance].Region, sn}
}

func (s *store) checkDevice(d DeviceCertificate) error {
	if _, ok := s.instances[d.InstanceID]; !ok {
		return fmt.Errorf("device %q: unknown instance %q", d.DeviceSn, d.InstanceID)
	}
	if err := checkSn("ca sn", d.CASn); err != nil {
		return err
	}
	if err := checkSn("device sn", d.DeviceSn); err != nil {
		return err
	}
	if !validStatus(d.Status) {
		return fmt.Errorf("device %q: status must be \"0\" or \"1\", got %q", d.DeviceSn, d.Status)
	}
	return nil
}

func (s *store) putCA(c CACertificate) {
	s.cas[caKey{c.InstanceID, c.Sn}] = c
	s.caSerials[s.serialKey(c.InstanceID, c.Sn)] = c.InstanceID
}

// deleteCA removes a CA and frees its serial in its region; with
// withDevices, the device records issued under it go too.
func (s *store) deleteCA(instance, sn string, withDevices bool) {
	delete(s.cas, caKey{instance, sn})
	delete(s.caSerials, s.serialKey(instance, sn))
	if withDevices {
		for _, k := range slices.Clone(s.deviceKeysOf(instance, &sn)) {
			s.removeDevice(k)
		}
	}
}

// casOf returns the CAs of one instance sorted by Sn.
func (s *store) casOf(instance string) []CACertificate {
	var out []CACertificate
	for k, c := range s.cas {
		if k.instance == instance {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b CACertificate) int { return cmp.Compare(a.Sn, b.Sn) })
	return out
}

func sortDevices(ds []DeviceCertificate) {
	slices.SortFunc(ds, func(a, b DeviceCertificate) int {
		return cmp.Or(cmp.Compare(a.InstanceID, b.InstanceID), cmp.Compare(a.CASn, b.CASn), cmp.Compare(a.DeviceSn, b.DeviceSn))
	})
}

// snapshot returns a deep, deterministically ordered copy of the state.
func (s *store) snapshot() Seed {
	var out Seed
	for _, a := range s.accounts {
		out.Accounts = append(out.Accounts, cloneAccount(a))
	}
	slices.SortFunc(out.Accounts, func(a, b Account) int { return cmp.Compare(a.ID, b.ID) })
	for _, in := range s.instances {
		out.Instances = append(out.Instances, in)
	}
	slices.SortFunc(out.Instances, func(a, b Instance) int { return cmp.Compare(a.ID, b.ID) })
	for _, c := range s.cas {
		out.CAs = append(out.CAs, c)
	}
	slices.SortFunc(out.CAs, func(a, b CACertificate) int {
		return cmp.Or(cmp.Compare(a.InstanceID, b.InstanceID), cmp.Compare(a.Sn, b.Sn))
	})
	for _, d := range s.devices {
		out.Devices = append(out.Devices, d)
	}
	sortDevices(out.Devices)
	if len(s.registerCodes) > 0 {
		out.RegisterCodes = maps.Clone(s.registerCodes)
	}
	if len(s.usedCodes) > 0 {
		out.UsedRegisterCodes = maps.Clone(s.usedCodes)
	}
	if out.Accounts == nil {
		out.Accounts = []Account{}
	}
	if out.Instances == nil {
		out.Instances = []Instance{}
	}
	if out.CAs == nil {
		out.CAs = []CACertificate{}
	}
	if out.Devices == nil {
		out.Devices = []DeviceCertificate{}
	}
	return out
}
