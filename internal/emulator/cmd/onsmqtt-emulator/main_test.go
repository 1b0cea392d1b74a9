package main

import (
	"path/filepath"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func TestWriteSeedProducesALoadableSeed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.json")
	if err := run([]string{"-write-seed", path}); err != nil {
		t.Fatal(err)
	}
	s, err := emulator.ReadSeedFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Accounts) != 2 || s.Accounts[0].AccessKeys[0].ID != emulator.DemoAccessKeyID || len(s.Devices) != 4 {
		t.Fatalf("seed %+v", s)
	}
	if _, err := emulator.New(s, emulator.Options{}); err != nil {
		t.Fatalf("written seed does not load: %v", err)
	}
}

func TestBadFlagsAreErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"-throttle-code", "Nope", "-listen", "127.0.0.1:0"},
		{"-fault-kinds", "bogus", "-fault-rate", "1", "-listen", "127.0.0.1:0"},
		{"-seed", filepath.Join(t.TempDir(), "missing.json")},
	} {
		if err := run(args); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
