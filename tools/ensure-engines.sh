#!/usr/bin/env bash
# Prints "terraform=<abs path or empty>", "tofu=<abs path>" and
# "terraform114=<abs path or empty>". Engines named by -build (default:
# tofu; tools/run-tests.sh asks for "-build tofu,terraform114") are built
# from the Go module proxy the first time and cached outside the work tree;
# Terraform is only found on PATH. The rules live in internal/engine.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./internal/engine/cmd/engines locate "$@"
