#!/usr/bin/env bash
# Regenerates docs/ from templates/, examples/ and the provider's schema.
# The schema comes from OpenTofu (built once and cached), which reports
# resource identity schemas; Terraform 1.11 on the image predates identity
# and would drop the identity import docs. tfplugindocs then only renders
# (--providers-schema); it does not call an engine itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The image points TF_CLI_CONFIG_FILE at a missing file; engines then warn.
: > "$work/empty.tfrc"
export TF_CLI_CONFIG_FILE="$work/empty.tfrc"

engines="$(bash tools/ensure-engines.sh)"
engine="$(sed -n 's/^tofu=//p' <<<"$engines")"
host="registry.opentofu.org"
if [ -z "$engine" ]; then
  engine="$(sed -n 's/^terraform=//p' <<<"$engines")"
  host="registry.terraform.io"
fi

go build -o "$work/plugins/terraform-provider-apsaramq" .
cat > "$work/cli.tfrc" <<RC
provider_installation {
  dev_overrides {
    "$host/apsaramq/apsaramq" = "$work/plugins"
  }
  direct {}
}
RC
mkdir "$work/cfg"
cat > "$work/cfg/main.tf" <<'TF'
terraform {
  required_providers {
    apsaramq = { source = "apsaramq/apsaramq" }
  }
}
TF
(cd "$work/cfg" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 "$engine" providers schema -json) \
  | sed "s#\"$host/apsaramq/apsaramq\"#\"apsaramq\"#" > "$work/schema.json"

(cd tools/docs && go build -o "$work/tfplugindocs" github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs)
"$work/tfplugindocs" generate --provider-dir "$root" --provider-name apsaramq \
  --providers-schema "$work/schema.json" --rendered-provider-name "ApsaraMQ for MQTT"
"$engine" fmt -recursive examples/
echo "docs regenerated with $("$engine" version | head -1)"
