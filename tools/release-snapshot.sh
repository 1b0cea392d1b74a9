#!/usr/bin/env bash
# make release-snapshot: the release as the registry would receive it, built
# into dist/ by GoReleaser (installed from the Go module proxy and cached on
# first use) from .goreleaser.yml, signed with a key made for the run, then
# checked. A machine with only Go can run it.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./internal/release/cmd/release snapshot
