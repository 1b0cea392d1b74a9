package release

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A release in dir, as make release-snapshot leaves it, for version v.
func writeDist(t *testing.T, dir, v string) {
	t.Helper()
	var sums strings.Builder
	add := func(name string, content []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(content)
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	for _, platform := range []string{"linux_amd64", "windows_arm64"} {
		binary := Project + "_v" + v
		if strings.HasPrefix(platform, "windows") {
			binary += ".exe"
		}
		add(Project+"_"+v+"_"+platform+".zip", zipped(t, binary))
	}
	add(Project+"_"+v+"_manifest.json", []byte(`{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}`))
	sumsPath := filepath.Join(dir, Project+"_"+v+"_SHA256SUMS")
	if err := os.WriteFile(sumsPath, []byte(sums.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sign(t, dir, sumsPath)
}

// testKey is one key pair for the whole test binary: RSA generation takes
// seconds on a busy machine.
var testKey struct{ private, public string }

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "release-test-key-")
	if err != nil {
		panic(err)
	}
	testKey.private, testKey.public = filepath.Join(dir, "private.asc"), filepath.Join(dir, "public.asc")
	if _, err := NewSigningKey(testKey.private, testKey.public); err != nil {
		panic(err)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// sign signs the SHA256SUMS file with the test key and leaves its public
// half in dir, as a snapshot does.
func sign(t *testing.T, dir, sumsPath string) {
	t.Helper()
	pub, err := os.ReadFile(testKey.public)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, PublicKeyFile), pub, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SignDetached(testKey.private, sumsPath, sumsPath+".sig"); err != nil {
		t.Fatal(err)
	}
}

func zipped(t *testing.T, names ...string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(f)
	for _, name := range names {
		fw, _ := w.Create(name)
		_, _ = fw.Write([]byte("binary " + name))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, _ := os.ReadFile(path)
	return b
}

func TestReadDistAcceptsAWholeRelease(t *testing.T) {
	dir := t.TempDir()
	writeDist(t, dir, "0.1.0-snapshot.g1a2b3c4")
	d, err := ReadDist(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != "0.1.0-snapshot.g1a2b3c4" || len(d.Packages) != 2 || d.Packages[0].Platform() != "linux_amd64" ||
		d.Packages[1].Platform() != "windows_arm64" || len(d.Protocols) != 1 || len(d.KeyID) != 16 {
		t.Fatalf("read %+v", d)
	}
}

// Each way a release can be broken is named.
func TestReadDistRefusesABrokenRelease(t *testing.T) {
	const v = "0.1.0-snapshot.g1a2b3c4"
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   string
	}{
		{"a zip changed after SHA256SUMS", func(t *testing.T, dir string) {
			appendTo(t, filepath.Join(dir, Project+"_"+v+"_linux_amd64.zip"), "x")
		}, "SHA256SUMS says"},
		{"a signature that does not match SHA256SUMS", func(t *testing.T, dir string) {
			path := filepath.Join(dir, Project+"_"+v+"_SHA256SUMS.sig")
			b, _ := os.ReadFile(path)
			b[len(b)-1] ^= 0xff
			_ = os.WriteFile(path, b, 0o644)
		}, "signature does not verify"},
		{"no signature", func(t *testing.T, dir string) {
			_ = os.Remove(filepath.Join(dir, Project+"_"+v+"_SHA256SUMS.sig"))
		}, "no signature"},
		{"a zip without the binary", func(t *testing.T, dir string) {
			replaceAndResign(t, dir, v, Project+"_"+v+"_linux_amd64.zip", zipped(t, "README.md"))
		}, "not " + Project + "_v" + v},
		{"a package named for another version", func(t *testing.T, dir string) {
			replaceAndResign(t, dir, v, Project+"_0.0.9_linux_amd64.zip", zipped(t, Project+"_v0.0.9"))
		}, "not " + Project + "_" + v + "_<os>_<arch>.zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeDist(t, dir, v)
			tc.damage(t, dir)
			if _, err := ReadDist(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ReadDist = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// replaceAndResign writes content as name, lists it in SHA256SUMS in place
// of the linux_amd64 zip, and signs again, so only the named flaw remains.
func replaceAndResign(t *testing.T, dir, v, name string, content []byte) {
	t.Helper()
	old := Project + "_" + v + "_linux_amd64.zip"
	_ = os.Remove(filepath.Join(dir, old))
	if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
		t.Fatal(err)
	}
	sumsPath := filepath.Join(dir, Project+"_"+v+"_SHA256SUMS")
	b, _ := os.ReadFile(sumsPath)
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasSuffix(line, "  "+old) {
			lines = append(lines, line)
		}
	}
	sum := sha256.Sum256(content)
	lines = append(lines, hex.EncodeToString(sum[:])+"  "+name)
	if err := os.WriteFile(sumsPath, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sign(t, dir, sumsPath)
}

// The signature is a binary (not armored) detached one, made by the key
// whose public half is written, and it fails on other data.
func TestSignDetachedVerifiesOnlyWithItsData(t *testing.T) {
	dir := t.TempDir()
	private, public := testKey.private, testKey.public
	data := filepath.Join(dir, "SHA256SUMS")
	_ = os.WriteFile(data, []byte("abc  file.zip\n"), 0o644)
	if err := SignDetached(private, data, data+".sig"); err != nil {
		t.Fatal(err)
	}
	pub, _ := os.ReadFile(public)
	sig, _ := os.ReadFile(data + ".sig")
	if strings.HasPrefix(string(sig), "-----BEGIN") {
		t.Fatal("the signature is armored; the registry serves a binary one")
	}
	if err := VerifyDetached(pub, []byte("abc  file.zip\n"), sig); err != nil {
		t.Fatal(err)
	}
	if err := VerifyDetached(pub, []byte("abd  file.zip\n"), sig); err == nil {
		t.Fatal("a signature verified for other data")
	}
	if st, _ := os.Stat(private); st.Mode().Perm() != 0o600 {
		t.Errorf("the private key is readable by others: %v", st.Mode())
	}
}

// Platforms is what .goreleaser.yml builds: its goos and goarch lists
// crossed, less its ignore pairs, as far as Go supports them.
func TestPlatformsAreTheConfigs(t *testing.T) {
	b, err := os.ReadFile("../../.goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	list := func(re *regexp.Regexp) []string {
		m := re.FindStringSubmatch(text)
		if m == nil {
			t.Fatalf(".goreleaser.yml has no %s", re)
		}
		var items []string
		for _, item := range strings.Split(m[1], ",") {
			items = append(items, strings.Trim(strings.TrimSpace(item), `"`))
		}
		return items
	}
	ignored := map[string]bool{}
	for _, m := range regexp.MustCompile(`- goos: (\w+)\s+goarch: "?(\w+)"?`).FindAllStringSubmatch(text, -1) {
		ignored[m[1]+"_"+m[2]] = true
	}
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	supported := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		supported[strings.Replace(p, "/", "_", 1)] = true
	}
	var want []string
	for _, goos := range list(regexp.MustCompile(`(?m)^\s+goos: \[(.*)\]$`)) {
		for _, goarch := range list(regexp.MustCompile(`(?m)^\s+goarch: \[(.*)\]$`)) {
			if p := goos + "_" + goarch; supported[p] && !ignored[p] {
				want = append(want, p)
			}
		}
	}
	slices.Sort(want)
	if len(ignored) != 2 || !slices.Equal(Platforms, want) {
		t.Fatalf("Platforms = %v, .goreleaser.yml builds %v (ignoring %v)", Platforms, want, ignored)
	}
}
