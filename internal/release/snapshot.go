package release

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Signing a snapshot: .goreleaser.yml's signs.cmd (tools/sign-checksums.sh)
// signs with the key this variable names when GPG_FINGERPRINT is unset.
const snapshotKeyEnv = "APSARAMQ_SNAPSHOT_SIGNING_KEY"

// Platforms are the os_arch pairs .goreleaser.yml builds: every pair of its
// goos and goarch lists but the two it ignores (TestPlatformsAreTheConfigs
// reads the file).
var Platforms = []string{
	"darwin_amd64", "darwin_arm64",
	"freebsd_386", "freebsd_amd64", "freebsd_arm", "freebsd_arm64",
	"linux_386", "linux_amd64", "linux_arm", "linux_arm64",
	"windows_386", "windows_amd64", "windows_arm64",
}

// SnapshotOptions shape a snapshot build.
type SnapshotOptions struct {
	// Dist is where the release goes; default root/dist.
	Dist string
	// SingleTarget builds this machine's platform only (seconds instead of
	// minutes once the build cache is warm), from .goreleaser.yml with its
	// goos and goarch lists narrowed and nothing else changed.
	SingleTarget bool
}

// Snapshot builds a release snapshot of the module at root with
// .goreleaser.yml, signed with a key made for the run, and checks it
// (ReadDist, and the platforms). Beside the release files, the directory
// then holds the registry manifest under its release name (a release
// uploads it as an extra file) and the run's public key (PublicKeyFile).
func Snapshot(ctx context.Context, root string, o SnapshotOptions, log io.Writer) (Dist, error) {
	goreleaser, err := Goreleaser(ctx, log)
	if err != nil {
		return Dist{}, err
	}
	scratch, err := os.MkdirTemp("", "apsaramq-snapshot-")
	if err != nil {
		return Dist{}, err
	}
	defer os.RemoveAll(scratch) // the private key lives for this run only
	private, public := filepath.Join(scratch, "private.asc"), filepath.Join(scratch, "public.asc")
	keyID, err := NewSigningKey(private, public)
	if err != nil {
		return Dist{}, err
	}
	fmt.Fprintf(log, "signing key made for this run: RSA, key ID %s\n", keyID)

	dist, want := o.Dist, Platforms
	if dist == "" {
		dist = filepath.Join(root, "dist")
	}
	if dist, err = filepath.Abs(dist); err != nil {
		return Dist{}, err
	}
	config := filepath.Join(root, ".goreleaser.yml")
	if o.SingleTarget {
		want = []string{runtime.GOOS + "_" + runtime.GOARCH}
	}
	if o.SingleTarget || o.Dist != "" {
		if config, err = narrowConfig(config, scratch, dist, o.SingleTarget); err != nil {
			return Dist{}, err
		}
	}

	env := []string{snapshotKeyEnv + "=" + private}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GPG_FINGERPRINT=") && !strings.HasPrefix(kv, snapshotKeyEnv+"=") {
			env = append(env, kv)
		}
	}
	env = withRemote(ctx, root, env)
	if status, err := exec.CommandContext(ctx, "git", "-C", root, "status", "--porcelain").Output(); err != nil {
		return Dist{}, fmt.Errorf("git status: %w", err)
	} else if len(strings.TrimSpace(string(status))) > 0 {
		env = append(env, "APSARAMQ_SNAPSHOT_DIRTY=1") // .goreleaser.yml's snapshot version then ends in .dirty
	}
	for _, args := range [][]string{{"check", "--config", config}, {"release", "--snapshot", "--clean", "--config", config}} {
		cmd := exec.CommandContext(ctx, goreleaser, args...)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = root, env, log, log
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return Dist{}, fmt.Errorf("goreleaser %s: %w", args[0], err)
		}
		fmt.Fprintf(log, "goreleaser %s: %s\n", args[0], time.Since(start).Round(time.Second))
	}

	version, err := snapshotVersion(dist)
	if err != nil {
		return Dist{}, err
	}
	commit, err := exec.CommandContext(ctx, "git", "-C", root, "show", "-q", "--format=%h", "HEAD").Output()
	if err != nil {
		return Dist{}, fmt.Errorf("git show HEAD: %w", err)
	}
	if !strings.Contains(version, "-snapshot.g"+strings.TrimSpace(string(commit))) {
		return Dist{}, fmt.Errorf("the snapshot is version %s, which does not name commit %s: GoReleaser could not read git", version, commit)
	}
	manifest := filepath.Join(dist, Project+"_"+version+"_manifest.json")
	if err := copyFile(filepath.Join(root, "terraform-registry-manifest.json"), manifest); err != nil {
		return Dist{}, err
	}
	if err := copyFile(public, filepath.Join(dist, PublicKeyFile)); err != nil {
		return Dist{}, err
	}
	d, err := ReadDist(dist)
	if err != nil {
		return d, err
	}
	var got []string
	for _, p := range d.Packages {
		got = append(got, p.Platform())
	}
	if !slices.Equal(got, want) {
		return d, fmt.Errorf("the snapshot has packages for %v, want %v", got, want)
	}
	return d, nil
}

var (
	goosLine   = regexp.MustCompile(`(?m)^(\s+)goos: \[.*\]$`)
	goarchLine = regexp.MustCompile(`(?m)^(\s+)goarch: \[.*\]$`)
)

// narrowConfig writes a copy of the GoReleaser configuration into dir
// that builds into dist, and with single for this machine's platform only.
// Nothing else changes.
func narrowConfig(path, dir, dist string, single bool) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	text := string(b)
	if len(goosLine.FindAllString(text, -1)) != 1 || len(goarchLine.FindAllString(text, -1)) != 1 {
		return "", fmt.Errorf("%s: want one goos: [...] and one goarch: [...] line to narrow", path)
	}
	if single {
		text = goosLine.ReplaceAllString(text, "${1}goos: ["+runtime.GOOS+"]")
		text = goarchLine.ReplaceAllString(text, "${1}goarch: ["+strconv.Quote(runtime.GOARCH)+"]")
	}
	text += "dist: " + strconv.Quote(dist) + "\n"
	narrowed := filepath.Join(dir, "goreleaser.yml")
	return narrowed, os.WriteFile(narrowed, []byte(text), 0o644)
}

// releaseRemote is the repository .goreleaser.yml releases to.
const releaseRemote = "https://github.com/apsaramq/terraform-provider-apsaramq.git"

// withRemote lends a clone without a remote the release repository's URL,
// through git's environment configuration (no file changes): GoReleaser
// drops every git fact, the commit included, when it cannot read a remote
// URL, and the snapshot would be named for commit "none".
func withRemote(ctx context.Context, root string, env []string) []string {
	if exec.CommandContext(ctx, "git", "-C", root, "ls-remote", "--get-url").Run() == nil {
		return env
	}
	n, _ := strconv.Atoi(os.Getenv("GIT_CONFIG_COUNT"))
	return append(env, fmt.Sprintf("GIT_CONFIG_COUNT=%d", n+1),
		fmt.Sprintf("GIT_CONFIG_KEY_%d=remote.origin.url", n), fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", n, releaseRemote))
}

// snapshotVersion reads the version GoReleaser gave the snapshot
// (snapshot.version_template) from metadata.json.
func snapshotVersion(dist string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		return "", err
	}
	var m struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Version == "" {
		return "", fmt.Errorf("%s/metadata.json names no version (%v)", dist, err)
	}
	return m.Version, nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}
