package release

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Project is the provider's release name: every file of a release starts
// with it.
const Project = "terraform-provider-apsaramq"

// PublicKeyFile is where a snapshot leaves the public half of the key made
// for the run (the private half is thrown away). A registry lists it under
// signing_keys; it is not a release file.
const PublicKeyFile = "snapshot-signing-key.asc"

// Dist is a built release: the files a registry serves, by name, in Dir.
type Dist struct {
	Dir       string
	Version   string            // without a leading v
	Packages  []Package         // one zip per platform, sorted by platform
	Sums      string            // <Project>_<Version>_SHA256SUMS
	Listed    map[string]string // what Sums lists: file name => SHA-256
	Signature string            // Sums + ".sig", binary detached
	Manifest  string            // <Project>_<Version>_manifest.json
	Protocols []string          // the plugin protocol versions the manifest declares
	PublicKey []byte            // armored; only a snapshot carries it
	KeyID     string
}

// Package is one platform's zip.
type Package struct {
	File     string // <Project>_<Version>_<os>_<arch>.zip
	OS, Arch string
	SHA256   string // as SHA256SUMS lists it
}

// Platform is "os_arch".
func (p Package) Platform() string { return p.OS + "_" + p.Arch }

// Binary is the executable a package must hold.
func (d Dist) Binary() string { return Project + "_v" + d.Version }

// ReadDist reads the release in dir and checks it is whole: SHA256SUMS
// lists every package and the manifest with their true hashes, each zip
// holds the provider binary named for the version, the manifest declares
// protocols, and (for a snapshot) the signature verifies with the run's key.
func ReadDist(dir string) (Dist, error) {
	d := Dist{Dir: dir}
	sums, err := filepath.Glob(filepath.Join(dir, Project+"_*_SHA256SUMS"))
	if err != nil || len(sums) != 1 {
		return d, fmt.Errorf("%s: want one %s_<version>_SHA256SUMS, found %d (run make release-snapshot)", dir, Project, len(sums))
	}
	d.Sums = filepath.Base(sums[0])
	d.Version = strings.TrimSuffix(strings.TrimPrefix(d.Sums, Project+"_"), "_SHA256SUMS")
	d.Signature = d.Sums + ".sig"
	d.Manifest = Project + "_" + d.Version + "_manifest.json"

	listed, err := readSums(sums[0])
	if err != nil {
		return d, err
	}
	d.Listed = listed
	for name, sum := range listed {
		if err := checkSHA256(filepath.Join(dir, name), sum); err != nil {
			return d, err
		}
		if name == d.Manifest {
			continue
		}
		p, err := d.parsePackage(name, sum)
		if err != nil {
			return d, err
		}
		if err := checkZip(filepath.Join(dir, name), d.Binary()); err != nil {
			return d, err
		}
		d.Packages = append(d.Packages, p)
	}
	slices.SortFunc(d.Packages, func(a, b Package) int { return strings.Compare(a.Platform(), b.Platform()) })
	if len(d.Packages) == 0 {
		return d, fmt.Errorf("%s lists no packages", d.Sums)
	}
	if _, ok := listed[d.Manifest]; !ok {
		return d, fmt.Errorf("%s does not list %s", d.Sums, d.Manifest)
	}
	if d.Protocols, err = readManifest(filepath.Join(dir, d.Manifest)); err != nil {
		return d, err
	}
	if _, err := os.Stat(filepath.Join(dir, d.Signature)); err != nil {
		return d, fmt.Errorf("no signature of %s: %w", d.Sums, err)
	}
	if d.PublicKey, err = os.ReadFile(filepath.Join(dir, PublicKeyFile)); err == nil {
		data, _ := os.ReadFile(sums[0])
		sig, err := os.ReadFile(filepath.Join(dir, d.Signature))
		if err != nil {
			return d, err
		}
		if err := VerifyDetached(d.PublicKey, data, sig); err != nil {
			return d, fmt.Errorf("%s: %w", d.Signature, err)
		}
		if d.KeyID, err = keyID(d.PublicKey); err != nil {
			return d, err
		}
	}
	return d, nil
}

// parsePackage reads os and arch from a zip's name.
func (d Dist) parsePackage(name, sum string) (Package, error) {
	prefix := Project + "_" + d.Version + "_"
	platform, ok := strings.CutPrefix(name, prefix)
	platform, zipped := strings.CutSuffix(platform, ".zip")
	goos, arch, two := strings.Cut(platform, "_")
	if !ok || !zipped || !two || goos == "" || arch == "" || strings.Contains(arch, "_") {
		return Package{}, fmt.Errorf("%s lists %q, not %s<os>_<arch>.zip", d.Sums, name, prefix)
	}
	return Package{File: name, OS: goos, Arch: arch, SHA256: sum}, nil
}

func readSums(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	listed := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 64 || name == "" {
			return nil, fmt.Errorf("%s: %q is not \"<sha256>  <file>\"", filepath.Base(path), sc.Text())
		}
		listed[name] = sum
	}
	return listed, sc.Err()
}

func checkSHA256(path, want string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != want {
		return fmt.Errorf("%s: SHA-256 %x, SHA256SUMS says %s", filepath.Base(path), got, want)
	}
	return nil
}

func checkZip(path, binary string) error {
	r, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	defer r.Close()
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
		if f.Name == binary || f.Name == binary+".exe" {
			return nil
		}
	}
	return fmt.Errorf("%s holds %v, not %s", filepath.Base(path), names, binary)
}

func readManifest(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if m.Version != 1 || len(m.Metadata.ProtocolVersions) == 0 {
		return nil, fmt.Errorf("%s: want version 1 and protocol_versions, got %s", filepath.Base(path), b)
	}
	return m.Metadata.ProtocolVersions, nil
}
