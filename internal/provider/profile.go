package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Profiles of the aliyun CLI's config.json. The modes a pipeline can use
// without a person are supported; mode names are read case-insensitively,
// as the CLI reads them.

type cliConfig struct {
	Current  string       `json:"current"`
	Profiles []cliProfile `json:"profiles"`
}

type cliProfile struct {
	Name            string `json:"name"`
	Mode            string `json:"mode"`
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
	StsToken        string `json:"sts_token"`
	RegionID        string `json:"region_id"`
	RAMRoleArn      string `json:"ram_role_arn"`
	RAMSessionName  string `json:"ram_session_name"`
	ExpiredSeconds  int    `json:"expired_seconds"`
	ExternalID      string `json:"external_id"`
	Policy          string `json:"policy"`
	StsRegion       string `json:"sts_region"`
	SourceProfile   string `json:"source_profile"`
	RAMRoleName     string `json:"ram_role_name"`
	OIDCProviderArn string `json:"oidc_provider_arn"`
	OIDCTokenFile   string `json:"oidc_token_file"`
	CredentialsURI  string `json:"credentials_uri"`
	ProcessCommand  string `json:"process_command"`
}

// profileSource builds the credentials of a profile (name, or the file's
// current one). mustExist makes a missing file an error.
func profileSource(path, name string, mustExist bool, s credentialSettings, opts libraryOptions) (link, string, error) {
	cfg, err := readCLIConfig(path, mustExist)
	if err != nil {
		return link{}, "", err
	}
	if name == "" {
		name = cfg.Current
	}
	if name == "" {
		name = "default"
	}
	p, err := cfg.profile(name, path)
	if err != nil {
		return link{}, "", err
	}
	l, err := cfg.link(p, s, opts, map[string]bool{})
	return l, p.RegionID, err
}

func readCLIConfig(path string, mustExist bool) (cliConfig, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !mustExist {
		return cliConfig{}, errNoCredentials
	}
	if err != nil {
		return cliConfig{}, fmt.Errorf("reading the shared credentials file: %w", err)
	}
	var cfg cliConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return cliConfig{}, fmt.Errorf("the shared credentials file %s is not aliyun CLI JSON: %w", path, err)
	}
	return cfg, nil
}

func (c cliConfig) profile(name, path string) (cliProfile, error) {
	var names []string
	for _, p := range c.Profiles {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return cliProfile{}, fmt.Errorf("profile %q is not in %s (profiles there: %s)", name, path, strings.Join(names, ", "))
}

// link builds the credentials of profile p. seen guards source_profile
// cycles.
func (c cliConfig) link(p cliProfile, s credentialSettings, opts libraryOptions, seen map[string]bool) (link, error) {
	if seen[p.Name] {
		return link{}, fmt.Errorf("profile %q: source_profile loops back to itself", p.Name)
	}
	seen[p.Name] = true
	mode := strings.ToLower(p.Mode)
	label := fmt.Sprintf("profile %s (%s)", p.Name, p.Mode)
	need := func(fields ...string) error {
		values := map[string]string{"access_key_id": p.AccessKeyID, "access_key_secret": p.AccessKeySecret, "sts_token": p.StsToken,
			"ram_role_arn": p.RAMRoleArn, "ram_role_name": p.RAMRoleName, "oidc_provider_arn": p.OIDCProviderArn,
			"oidc_token_file": p.OIDCTokenFile, "credentials_uri": p.CredentialsURI, "process_command": p.ProcessCommand, "source_profile": p.SourceProfile}
		var missing []string
		for _, f := range fields {
			if values[f] == "" {
				missing = append(missing, f)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("profile %q (mode %s) has no %s", p.Name, p.Mode, strings.Join(missing, ", "))
		}
		return nil
	}
	sts := opts.stsHost
	if p.StsRegion != "" && opts.profileSTS != nil {
		sts = opts.profileSTS(p.StsRegion)
	}
	role := assumeRoleSettings{RoleArn: p.RAMRoleArn, SessionName: p.RAMSessionName, Duration: p.ExpiredSeconds, Policy: p.Policy, ExternalID: p.ExternalID}
	switch mode {
	case "", "ak":
		if err := need("access_key_id", "access_key_secret"); err != nil {
			return link{}, err
		}
		return staticLink(label, p.AccessKeyID, p.AccessKeySecret, ""), nil
	case "ststoken":
		if err := need("access_key_id", "access_key_secret", "sts_token"); err != nil {
			return link{}, err
		}
		return staticLink(label, p.AccessKeyID, p.AccessKeySecret, p.StsToken), nil
	case "ramrolearn":
		if err := need("access_key_id", "access_key_secret", "ram_role_arn"); err != nil {
			return link{}, err
		}
		keys := staticLink(label, p.AccessKeyID, p.AccessKeySecret, "")
		if s.AssumeRole != nil {
			// As in the alicloud provider, an assume_role block replaces the
			// profile's role: the profile's keys assume the block's role.
			return keys, nil
		}
		return assumeRoleLink(keys, role, opts, sts)
	case "chainableramrolearn":
		if err := need("source_profile", "ram_role_arn"); err != nil {
			return link{}, err
		}
		src, err := c.profile(p.SourceProfile, "the shared credentials file")
		if err != nil {
			return link{}, fmt.Errorf("profile %q: source_profile: %w", p.Name, err)
		}
		prev, err := c.link(src, credentialSettings{}, opts, seen)
		if err != nil {
			return link{}, err
		}
		return assumeRoleLink(prev, role, opts, sts)
	case "ecsramrole":
		if err := need("ram_role_name"); err != nil {
			return link{}, err
		}
		return ecsLink(label, p.RAMRoleName, opts)
	case "oidc":
		if err := need("oidc_provider_arn", "oidc_token_file", "ram_role_arn"); err != nil {
			return link{}, err
		}
		return oidcLink(label, oidcSettings{ProviderArn: p.OIDCProviderArn, RoleArn: p.RAMRoleArn, TokenFile: p.OIDCTokenFile,
			SessionName: p.RAMSessionName, Policy: p.Policy, Duration: p.ExpiredSeconds}, opts, sts)
	case "credentialsuri":
		if err := need("credentials_uri"); err != nil {
			return link{}, err
		}
		return uriLink(label, p.CredentialsURI, opts)
	case "external":
		if err := need("process_command"); err != nil {
			return link{}, err
		}
		return externalLink(label, p.ProcessCommand), nil
	case "cloudsso", "oauth":
		return link{}, fmt.Errorf("profile %q uses mode %s, which needs a person to sign in in a browser; "+
			"a pipeline needs one of AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC, CredentialsURI or External", p.Name, p.Mode)
	}
	return link{}, fmt.Errorf("profile %q uses mode %q; this provider supports the modes AK, StsToken, RamRoleArn, "+
		"ChainableRamRoleArn, EcsRamRole, OIDC, CredentialsURI and External", p.Name, p.Mode)
}
