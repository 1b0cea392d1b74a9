package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
)

// The engine releases the project builds from the Go module proxy and
// tests with, beside the Terraform found on PATH.
const (
	TofuVersion         = "v1.12.6"
	Terraform114Version = "v1.14.3"
)

// Locations are the engines found on this machine; an empty path means none.
type Locations struct {
	Terraform    string // on PATH
	Tofu         string // OpenTofu TofuVersion
	Terraform114 string // Terraform Terraform114Version, the first with list resources and query
}

// Build names the engines Locate builds when they are missing.
type Build struct {
	Tofu         bool // about 4 minutes on 2 cores, once
	Terraform114 bool // about 8 minutes on 2 cores, once
}

// Locate finds Terraform on PATH (it is never downloaded: the project must
// not depend on a binary it cannot fetch), and OpenTofu and Terraform 1.14
// in their path variables (TF_ACC_TOFU_PATH, TF_ACC_TERRAFORM114_PATH) or
// the engine cache. What build names and is missing is built from the Go
// module proxy into the cache, with progress on log.
func Locate(ctx context.Context, build Build, log io.Writer) (Locations, error) {
	var loc Locations
	if p, err := exec.LookPath("terraform"); err == nil {
		if loc.Terraform, err = filepath.Abs(p); err != nil {
			return loc, err
		}
	}
	var err error
	if loc.Tofu, err = tofu.locate(ctx, build.Tofu, log); err != nil {
		return loc, err
	}
	if loc.Terraform114, err = terraform114.locate(ctx, build.Terraform114, log); err != nil {
		return loc, err
	}
	return loc, nil
}

// ErrNoEngine says no engine is available.
var ErrNoEngine = errors.New("no Terraform on PATH and no OpenTofu build")

// Preferred picks the engine named by want: "terraform", "tofu",
// "terraform114", or "" for Terraform on PATH when present, else OpenTofu.
func (l Locations) Preferred(want string) (string, error) {
	switch want {
	case "terraform":
		if l.Terraform == "" {
			return "", errors.New("terraform is not on PATH")
		}
		return l.Terraform, nil
	case "tofu":
		if l.Tofu == "" {
			return "", errors.New("no OpenTofu build (run tools/ensure-engines.sh)")
		}
		return l.Tofu, nil
	case "terraform114":
		if l.Terraform114 == "" {
			return "", errors.New("no Terraform 1.14 build (run tools/ensure-engines.sh tofu,terraform114)")
		}
		return l.Terraform114, nil
	case "":
		if l.Terraform != "" {
			return l.Terraform, nil
		}
		if l.Tofu != "" {
			return l.Tofu, nil
		}
		return "", ErrNoEngine
	}
	return "", fmt.Errorf("unknown engine %q (terraform, tofu or terraform114)", want)
}
