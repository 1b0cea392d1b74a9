#!/usr/bin/env bash
# make install: builds the provider as VERSION (default 0.1.0-dev) and puts
# it in ~/.terraform.d/plugins (PLUGIN_DIR overrides), the filesystem mirror
# both `terraform init` and `tofu init` search without any CLI
# configuration, under both registries' addresses. README "Use it locally"
# says how to pin it.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${VERSION:-0.1.0-dev}"
plugins="${PLUGIN_DIR:-$HOME/.terraform.d/plugins}"
platform="$(go env GOOS)_$(go env GOARCH)"
binary="terraform-provider-apsaramq_v$version"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
go build -trimpath -ldflags "-X main.version=$version" -o "$build/$binary" .
for host in registry.terraform.io registry.opentofu.org; do
  dir="$plugins/$host/apsaramq/apsaramq/$version/$platform"
  mkdir -p "$dir"
  cp "$build/$binary" "$dir/$binary"
  echo "installed $dir/$binary"
done
cat <<MSG

Pin this version in required_providers (init offers a prerelease only to an exact constraint):
  apsaramq = { source = "apsaramq/apsaramq", version = "$version" }
After installing a new build, run init -upgrade: the lock file holds the old build's hash.
MSG
