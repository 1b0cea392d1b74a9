// Package releasetest installs the built release (dist/, from make
// release-snapshot) the way init gets it from a registry, on the engine
// TF_ACC_TERRAFORM_PATH names: a provider registry served over HTTPS on
// loopback, with the release's signature, checksums and signing key, then
// the lock file, the version the engine and the API see, and the demo on the
// installed binary. It also follows the README's "use it locally" recipe.
package releasetest

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/release"
)

// providerPath is where the registry protocol serves apsaramq/apsaramq,
// below the providers.v1 base URL.
const providerPath = "/v1/providers/apsaramq/apsaramq/"

// Registry serves one release through the provider registry protocol
// (https://developer.hashicorp.com/terraform/internals/provider-registry-protocol)
// over HTTPS on 127.0.0.1: versions with the manifest's protocols,
// downloads with the SHA256SUMS and signature URLs and the release's
// public key, and the files themselves.
type Registry struct {
	Host         string // 127.0.0.1:PORT, a registry hostname found by service discovery
	ProvidersURL string // the providers.v1 base URL, for a host block
	CAFile       string // PEM of the server's self-signed certificate, for SSL_CERT_FILE

	dist     release.Dist
	tampered map[string]func([]byte) []byte
	srv      *httptest.Server
	mu       sync.Mutex
	requests []string
}

// ServeRegistry starts a registry of d. tampered maps a file name to a
// change made to it as it is served (the index still lists the true one),
// to show that the engine refuses it.
func ServeRegistry(d release.Dist, certDir string, tampered map[string]func([]byte) []byte) (*Registry, error) {
	if len(d.PublicKey) == 0 {
		return nil, fmt.Errorf("%s has no %s: only a snapshot carries its key", d.Dir, release.PublicKeyFile)
	}
	r := &Registry{dist: d, tampered: tampered}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(r.serve))
	r.Host = strings.TrimPrefix(r.srv.URL, "https://")
	r.ProvidersURL = r.srv.URL + "/v1/providers/"
	r.CAFile = certDir + "/registry-ca.pem"
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.srv.Certificate().Raw})
	if err := os.WriteFile(r.CAFile, cert, 0o644); err != nil {
		r.srv.Close()
		return nil, err
	}
	return r, nil
}

// Close stops the server.
func (r *Registry) Close() { r.srv.Close() }

// Requests are the paths asked for so far.
func (r *Registry) Requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.requests...)
}

func (r *Registry) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.requests = append(r.requests, req.URL.Path)
	r.mu.Unlock()
	if req.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch path := req.URL.Path; {
	case path == "/.well-known/terraform.json":
		writeJSON(w, map[string]string{"providers.v1": "/v1/providers/"})
	case path == providerPath+"versions":
		r.versions(w)
	case strings.HasPrefix(path, providerPath):
		r.download(w, strings.Split(strings.TrimPrefix(path, providerPath), "/"))
	case strings.HasPrefix(path, "/files/"):
		r.file(w, strings.TrimPrefix(path, "/files/"))
	default:
		http.NotFound(w, req)
	}
}

func (r *Registry) versions(w http.ResponseWriter) {
	var platforms []map[string]string
	for _, p := range r.dist.Packages {
		platforms = append(platforms, map[string]string{"os": p.OS, "arch": p.Arch})
	}
	writeJSON(w, map[string]any{"versions": []map[string]any{{
		"version": r.dist.Version, "protocols": r.dist.Protocols, "platforms": platforms,
	}}})
}

// download answers {version}/download/{os}/{arch}.
func (r *Registry) download(w http.ResponseWriter, parts []string) {
	if len(parts) != 4 || parts[0] != r.dist.Version || parts[1] != "download" {
		http.NotFound(w, nil)
		return
	}
	for _, p := range r.dist.Packages {
		if p.OS != parts[2] || p.Arch != parts[3] {
			continue
		}
		files := r.srv.URL + "/files/"
		writeJSON(w, map[string]any{
			"protocols":             r.dist.Protocols,
			"os":                    p.OS,
			"arch":                  p.Arch,
			"filename":              p.File,
			"download_url":          files + p.File,
			"shasums_url":           files + r.dist.Sums,
			"shasums_signature_url": files + r.dist.Signature,
			"shasum":                p.SHA256,
			"signing_keys": map[string]any{"gpg_public_keys": []map[string]string{{
				"key_id": r.dist.KeyID, "ascii_armor": string(r.dist.PublicKey),
			}}},
		})
		return
	}
	http.Error(w, `{"errors":["Not Found"]}`, http.StatusNotFound)
}

// file serves a release file, and nothing else from the directory.
func (r *Registry) file(w http.ResponseWriter, name string) {
	served := name == r.dist.Sums || name == r.dist.Signature
	for _, p := range r.dist.Packages {
		served = served || name == p.File
	}
	if !served {
		http.NotFound(w, nil)
		return
	}
	b, err := os.ReadFile(filepath.Join(r.dist.Dir, name))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if change := r.tampered[name]; change != nil {
		b = change(b)
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
