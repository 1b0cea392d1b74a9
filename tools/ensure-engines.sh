#!/usr/bin/env bash
# Prints "terraform=<abs path or empty>" and "tofu=<abs path>" after making sure an
# OpenTofu binary exists. OpenTofu is built from the Go module proxy the first time
# and cached outside the work tree, so later runs (and CI on the same machine) skip
# the four-minute build. Terraform is only discovered, never downloaded: the
# project must not depend on a binary it cannot fetch.
set -euo pipefail

TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
cache_root="${APSARAMQ_ENGINE_CACHE:-$(go env GOCACHE)/../apsaramq-engines}"
mkdir -p "$cache_root"
cache_root="$(cd "$cache_root" && pwd)"
tofu_bin="$cache_root/tofu-$TOFU_VERSION/tofu"

build_tofu() {
  local work src dir
  work="$(mktemp -d)"
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' RETURN
  echo "building OpenTofu $TOFU_VERSION from the Go module proxy (about 4 minutes, once)..." >&2
  dir="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION" \
        | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  if [ -z "$dir" ]; then echo "could not download OpenTofu $TOFU_VERSION" >&2; return 1; fi
  src="$work/src"
  cp -r "$dir" "$src" && chmod -R u+w "$src"
  mkdir -p "$(dirname "$tofu_bin")"
  (cd "$src" && CGO_ENABLED=0 go build -o "$tofu_bin.tmp" ./cmd/tofu)
  mv "$tofu_bin.tmp" "$tofu_bin"
}

if [ -n "${TF_ACC_TOFU_PATH:-}" ] && [ -x "${TF_ACC_TOFU_PATH}" ]; then
  tofu_bin="$TF_ACC_TOFU_PATH"
elif [ ! -x "$tofu_bin" ]; then
  if [ -z "${APSARAMQ_SKIP_TOFU_BUILD:-}" ]; then build_tofu; fi
fi

terraform_bin="$(command -v terraform || true)"
echo "terraform=${terraform_bin}"
if [ -x "$tofu_bin" ]; then echo "tofu=${tofu_bin}"; else echo "tofu="; fi
