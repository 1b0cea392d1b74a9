package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// credentialSettings are the provider's credential inputs after environment
// fallbacks were applied. Resolution order follows the alicloud provider:
// static keys (provider block, then environment) win; the shared credentials
// file's profile fills in only when no static key is set; an assume_role
// block, or a RamRoleArn profile, is then applied on top.
type credentialSettings struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	Region        string

	Profile               string
	ProfileExplicit       bool // named in the provider block or environment, so it must exist
	SharedCredentialsFile string
	FileExplicit          bool

	RoleArn     string
	SessionName string
}

// resolvedCredentials is what the API client signs with, before AssumeRole.
type resolvedCredentials struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	Region        string
	RoleArn       string // from a RamRoleArn profile; the assume_role block overrides it
	SessionName   string
	Source        string // for logs and errors: where the keys came from
}

// cliConfig is the aliyun CLI's ~/.aliyun/config.json.
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
}

func defaultCredentialsFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".aliyun", "config.json")
}

// errNoCredentials is returned when no source supplied an AccessKey.
var errNoCredentials = errors.New("no credentials found: set access_key and secret_key in the provider block, " +
	"the ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET environment variables, " +
	"or a profile in the shared credentials file (~/.aliyun/config.json)")

func resolveCredentials(s credentialSettings) (resolvedCredentials, error) {
	if s.AccessKey != "" || s.SecretKey != "" || s.SecurityToken != "" {
		if s.AccessKey == "" || s.SecretKey == "" {
			return resolvedCredentials{}, errors.New("access_key and secret_key must be set together (a security_token also needs both)")
		}
		if s.ProfileExplicit && s.Profile != "" {
			return resolvedCredentials{}, fmt.Errorf("conflicting credentials: static keys are set and so is profile %q; "+
				"remove one of them so it is clear which identity Terraform uses", s.Profile)
		}
		return resolvedCredentials{AccessKey: s.AccessKey, SecretKey: s.SecretKey, SecurityToken: s.SecurityToken,
			Region: s.Region, RoleArn: s.RoleArn, SessionName: s.SessionName, Source: "static"}, nil
	}

	path := s.SharedCredentialsFile
	if path == "" {
		path = defaultCredentialsFile()
	}
	profile, found, err := loadProfile(path, s.Profile, s.FileExplicit || s.ProfileExplicit)
	if err != nil {
		return resolvedCredentials{}, err
	}
	if !found {
		return resolvedCredentials{}, errNoCredentials
	}
	return profileCredentials(profile, s)
}

// loadProfile reads the named profile (or the file's current one). A missing
// file is only an error when the user pointed at it or named a profile.
func loadProfile(path, name string, mustExist bool) (cliProfile, bool, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !mustExist {
		return cliProfile{}, false, nil
	}
	if err != nil {
		return cliProfile{}, false, fmt.Errorf("reading the shared credentials file: %w", err)
	}
	var cfg cliConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return cliProfile{}, false, fmt.Errorf("the shared credentials file %s is not aliyun CLI JSON: %w", path, err)
	}
	if name == "" {
		name = cfg.Current
	}
	if name == "" {
		name = "default"
	}
	var names []string
	for _, p := range cfg.Profiles {
		if p.Name == name {
			return p, true, nil
		}
		names = append(names, p.Name)
	}
	return cliProfile{}, false, fmt.Errorf("profile %q is not in %s (profiles there: %s)", name, path, strings.Join(names, ", "))
}

func profileCredentials(p cliProfile, s credentialSettings) (resolvedCredentials, error) {
	out := resolvedCredentials{
		AccessKey: p.AccessKeyID, SecretKey: p.AccessKeySecret, Region: s.Region,
		RoleArn: s.RoleArn, SessionName: s.SessionName, Source: "profile " + p.Name,
	}
	if out.Region == "" {
		out.Region = p.RegionID
	}
	switch p.Mode {
	case "", "AK":
	case "StsToken":
		out.SecurityToken = p.StsToken
	case "RamRoleArn":
		if out.RoleArn == "" {
			out.RoleArn, out.SessionName = p.RAMRoleArn, p.RAMSessionName
		}
	default:
		return resolvedCredentials{}, fmt.Errorf("profile %q uses mode %q; this provider supports the AK, StsToken and RamRoleArn modes", p.Name, p.Mode)
	}
	if out.AccessKey == "" || out.SecretKey == "" {
		return resolvedCredentials{}, fmt.Errorf("profile %q has no access_key_id/access_key_secret", p.Name)
	}
	return out, nil
}

// firstEnv returns the first non-empty environment variable of names.
func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}
