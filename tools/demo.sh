#!/usr/bin/env bash
# make demo: the provider's main job end to end against the embedded emulator.
# Uses Terraform when it is on PATH, otherwise OpenTofu (built once from the Go
# module proxy and cached). DEMO_ENGINE=tofu or terraform forces one.
set -euo pipefail
cd "$(dirname "$0")/.."
# The image points TF_CLI_CONFIG_FILE at a missing file; the demo writes its own.
cli_config="$(mktemp)"
trap 'rm -f "$cli_config"' EXIT
export TF_CLI_CONFIG_FILE="$cli_config"

engines="$(bash tools/ensure-engines.sh)"
terraform_bin="$(sed -n 's/^terraform=//p' <<<"$engines")"
tofu_bin="$(sed -n 's/^tofu=//p' <<<"$engines")"
case "${DEMO_ENGINE:-}" in
  tofu) engine="$tofu_bin" ;;
  terraform) engine="$terraform_bin" ;;
  *) engine="${terraform_bin:-$tofu_bin}" ;;
esac
if [ -z "$engine" ]; then
  echo "no Terraform or OpenTofu engine available" >&2
  exit 1
fi
echo "engine: $("$engine" version | head -1)"
go run ./internal/demo -engine "$engine" "$@"
