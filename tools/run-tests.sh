#!/usr/bin/env bash
# Runs the test suite. Mode: all (default), unit, acc.
# Acceptance tests run once per available engine; OpenTofu is built when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-all}"

# The image points TF_CLI_CONFIG_FILE at a missing file; OpenTofu then prints a
# warning into `version` output and terraform-plugin-testing cannot parse it.
cli_config="$(mktemp)"
trap 'rm -f "$cli_config"' EXIT
export TF_CLI_CONFIG_FILE="$cli_config"
export CHECKPOINT_DISABLE=1

acc_pkgs=(./internal/provider/... ./internal/service/... ./internal/enginetest/...)

run_unit() {
  echo "== unit and emulator tests (race detector on)"
  env -u TF_ACC go test -race -count=1 ./...
}

run_acc() {
  local engines terraform_bin tofu_bin ran=0
  engines="$(bash tools/ensure-engines.sh)"
  terraform_bin="$(sed -n 's/^terraform=//p' <<<"$engines")"
  tofu_bin="$(sed -n 's/^tofu=//p' <<<"$engines")"
  if [ -n "$terraform_bin" ]; then
    echo "== acceptance tests on $("$terraform_bin" version | head -1)"
    TF_ACC=1 TF_ACC_TERRAFORM_PATH="$terraform_bin" go test -count=1 -timeout 30m -run "^TestAcc" "${acc_pkgs[@]}"
    ran=$((ran + 1))
  else
    echo "== Terraform not on PATH: acceptance tests on Terraform skipped"
  fi
  if [ -n "$tofu_bin" ]; then
    echo "== acceptance tests on $("$tofu_bin" version | head -1)"
    TF_ACC=1 TF_ACC_TERRAFORM_PATH="$tofu_bin" TF_ACC_PROVIDER_HOST=registry.opentofu.org \
      TF_ACC_PROVIDER_NAMESPACE=hashicorp go test -count=1 -timeout 30m -run "^TestAcc" "${acc_pkgs[@]}"
    ran=$((ran + 1))
  fi
  if [ "$ran" -eq 0 ]; then
    echo "no engine available for acceptance tests" >&2
    return 1
  fi
}

case "$mode" in
  unit) run_unit ;;
  acc) run_acc ;;
  all) run_unit; run_acc ;;
  *) echo "usage: $0 [all|unit|acc]" >&2; exit 2 ;;
esac
