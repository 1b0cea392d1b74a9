#!/usr/bin/env bash
# make lint: golangci-lint v2, installed from the Go module proxy on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
version="v2.15.0"
bin="$(go env GOPATH)/bin/golangci-lint"
if ! "$bin" version 2>/dev/null | grep -q "${version#v}"; then
  echo "installing golangci-lint $version (about a minute, once)..." >&2
  go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$version"
fi
"$bin" run ./...
