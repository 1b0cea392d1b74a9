package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ReadSeedFile loads a Seed from a JSON file (the -seed and -state format).
// A missing file yields an error wrapping os.ErrNotExist.
func ReadSeedFile(path string) (Seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Seed{}, err
	}
	var s Seed
	if err := json.Unmarshal(b, &s); err != nil {
		return Seed{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// WriteSeedFile writes s as indented JSON atomically: to a temp file in the
// same directory, synced, then renamed over path, so a crash never leaves a
// half-written state file behind.
func WriteSeedFile(path string, s Seed) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
