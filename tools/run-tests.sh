#!/usr/bin/env bash
# Runs the test suite. Mode: all (default), unit, acc.
# The unit phase starts with the docs check (internal/docscheck: every make
# target, repository path, command flag, provider argument and environment
# variable a document names must exist), reported on its own line.
# Acceptance tests run once per engine: Terraform on PATH, OpenTofu 1.12 and
# Terraform 1.14 (both built from the Go module proxy when missing and
# cached). Before them, a release snapshot is built for this platform only
# (into a scratch directory; seconds once the build cache is warm) unless
# APSARAMQ_RELEASE_DIR names one already built (.ci/run builds all 13
# platforms with make release-snapshot), and every engine installs it from
# a local registry (internal/releasetest).
#
# What cannot run on this machine (Terraform not on PATH, no Node.js for the
# pop-core cross-check, an engine build skipped with APSARAMQ_SKIP_TOFU_BUILD
# or APSARAMQ_SKIP_TERRAFORM114_BUILD) is skipped and named in the summary.
# With APSARAMQ_REQUIRE_ALL=1 (.ci/run sets it) a skip fails the run, unless
# the part is listed in APSARAMQ_ALLOW_SKIP, e.g. APSARAMQ_ALLOW_SKIP="terraform node".
set -uo pipefail
cd "$(dirname "$0")/.."
mode="${1:-all}"

# The image points TF_CLI_CONFIG_FILE at a missing file; OpenTofu then prints a
# warning into `version` output and terraform-plugin-testing cannot parse it.
cli_config="$(mktemp)"
scratch_release=""
trap 'rm -f "$cli_config"; [ -z "$scratch_release" ] || rm -rf "$scratch_release"' EXIT
export TF_CLI_CONFIG_FILE="$cli_config"
export CHECKPOINT_DISABLE=1

acc_pkgs=(./internal/provider/... ./internal/service/... ./internal/enginetest/... ./internal/releasetest/...)
summary=()
failed=0

record() { # part, outcome
  summary+=("$(printf '%-34s %s' "$1" "$2")")
}

# skip names a part that cannot run here; it fails the run when skips are not allowed.
skip() { # key, part, why
  if [ "${APSARAMQ_REQUIRE_ALL:-}" = "1" ] && [[ " ${APSARAMQ_ALLOW_SKIP:-} " != *" $1 "* ]]; then
    record "$2" "FAILED: not run ($3); set APSARAMQ_ALLOW_SKIP=\"$1\" to allow"
    failed=1
  else
    record "$2" "SKIPPED: $3"
  fi
}

run_unit() {
  local skip_node=""
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    skip_node=1
    skip node "pop-core cross-check" "Node.js and npm not found"
  fi
  echo "== docs name only what exists (internal/docscheck)"
  if env -u TF_ACC go test -count=1 ./internal/docscheck/; then
    record "docs check" "passed"
  else
    record "docs check" "FAILED: a document names something the code does not have (file:line above)"
    failed=1
  fi
  local pkgs
  if ! pkgs="$(go list ./... | grep -v '/internal/docscheck$')"; then
    record "unit and emulator tests (-race)" "FAILED: go list"
    failed=1
    return
  fi
  echo "== unit and emulator tests (race detector on)"
  # shellcheck disable=SC2086 # one package path per word
  if env -u TF_ACC ${skip_node:+APSARAMQ_SKIP_NODE=1} go test -race -count=1 $pkgs; then
    record "unit and emulator tests (-race)" "passed"
    [ -n "$skip_node" ] || record "pop-core cross-check" "passed (in the unit run)"
  else
    record "unit and emulator tests (-race)" "FAILED"
    failed=1
  fi
}

engines_run=0

run_acc_on() { # label, engine path, extra env...
  local label="$1" bin="$2"
  shift 2
  engines_run=$((engines_run + 1))
  local version start
  version="$("$bin" version | head -1)"
  echo "== acceptance tests on $version"
  start=$SECONDS
  if env TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" APSARAMQ_RELEASE_DIR="$release_dir" "$@" \
    go test -count=1 -timeout 30m -run "^TestAcc" "${acc_pkgs[@]}"; then
    record "acceptance, $label" "passed ($version, $((SECONDS - start)) s)"
  else
    record "acceptance, $label" "FAILED ($version, $((SECONDS - start)) s)"
    failed=1
  fi
}

release_dir=""

# build_release makes the snapshot the release tests install, or takes the
# one APSARAMQ_RELEASE_DIR names (.ci/run builds every platform once).
build_release() {
  if [ -n "${APSARAMQ_RELEASE_DIR:-}" ]; then
    release_dir="$(cd "$APSARAMQ_RELEASE_DIR" && pwd)"
    record "release snapshot" "given: $release_dir"
    return
  fi
  echo "== release snapshot, this platform only (make release-snapshot builds all 13)"
  local start=$SECONDS
  scratch_release="$(mktemp -d)"
  if go run ./internal/release/cmd/release snapshot -single-target -dist "$scratch_release"; then
    release_dir="$scratch_release"
    record "release snapshot" "built for this platform ($((SECONDS - start)) s)"
  else
    record "release snapshot" "FAILED: the release tests cannot run"
    failed=1
  fi
}

run_acc() {
  local engines terraform_bin tofu_bin terraform114_bin
  if ! engines="$(bash tools/ensure-engines.sh -build tofu,terraform114)"; then
    record "acceptance tests" "FAILED: could not find or build the engines"
    failed=1
    return
  fi
  terraform_bin="$(sed -n 's/^terraform=//p' <<<"$engines")"
  tofu_bin="$(sed -n 's/^tofu=//p' <<<"$engines")"
  terraform114_bin="$(sed -n 's/^terraform114=//p' <<<"$engines")"
  build_release
  if [ -n "$terraform_bin" ]; then
    run_acc_on "Terraform" "$terraform_bin"
  else
    skip terraform "acceptance, Terraform" "terraform is not on PATH (it is never downloaded)"
  fi
  if [ -n "$tofu_bin" ]; then
    run_acc_on "OpenTofu" "$tofu_bin" TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp
  else
    skip tofu "acceptance, OpenTofu" "no OpenTofu build (APSARAMQ_SKIP_TOFU_BUILD set?)"
  fi
  if [ -n "$terraform114_bin" ]; then
    run_acc_on "Terraform 1.14" "$terraform114_bin"
  else
    skip terraform114 "acceptance, Terraform 1.14" "no Terraform 1.14 build (APSARAMQ_SKIP_TERRAFORM114_BUILD set?)"
  fi
  if [ "$engines_run" -eq 0 ]; then
    record "acceptance tests" "FAILED: no engine to run them on"
    failed=1
  fi
}

case "$mode" in
  unit) run_unit ;;
  acc) run_acc ;;
  all) run_unit; run_acc ;;
  *) echo "usage: $0 [all|unit|acc]" >&2; exit 2 ;;
esac

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
