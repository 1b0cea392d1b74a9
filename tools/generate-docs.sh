#!/usr/bin/env bash
# Regenerates docs/ from templates/, examples/ and the provider's schema.
# internal/engine reads the schema from an engine (OpenTofu preferred: it
# reports resource identity schemas); tfplugindocs then only renders
# (--providers-schema) and never calls an engine itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

go build -o "$work/plugins/terraform-provider-apsaramq" .
go run ./internal/engine/cmd/engines schema -provider-dir "$work/plugins" -out "$work/schema.json"

(cd tools/docs && go build -o "$work/tfplugindocs" github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs)
"$work/tfplugindocs" generate --provider-dir "$root" --provider-name apsaramq \
  --providers-schema "$work/schema.json" --rendered-provider-name "ApsaraMQ for MQTT"

# Any engine formats HCL the same way; fmt reads no CLI configuration that matters.
engines="$(go run ./internal/engine/cmd/engines locate)"
engine="$(sed -n 's/^tofu=//p' <<<"$engines")"
[ -n "$engine" ] || engine="$(sed -n 's/^terraform=//p' <<<"$engines")"
TF_CLI_CONFIG_FILE=/dev/null "$engine" fmt -recursive examples/
