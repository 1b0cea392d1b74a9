#!/usr/bin/env bash
# Regenerates docs/ from templates/, examples/ and the provider's schema.
# internal/engine reads the schema from Terraform 1.14, the first engine that
# reports list resource schemas (and identity schemas), building it from the
# Go module proxy when missing; tfplugindocs then only renders
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

# Terraform 1.14 (built above) also formats the query files (.tfquery.hcl),
# which older engines skip; fmt reads no CLI configuration that matters.
engine="$(go run ./internal/engine/cmd/engines locate -build none | sed -n 's/^terraform114=//p')"
TF_CLI_CONFIG_FILE=/dev/null "$engine" fmt -recursive examples/
