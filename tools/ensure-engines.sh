#!/usr/bin/env bash
# Prints "terraform=<abs path or empty>" and "tofu=<abs path>". OpenTofu is
# built from the Go module proxy the first time and cached outside the work
# tree; Terraform is only found on PATH. The rules live in internal/engine.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./internal/engine/cmd/engines locate
