#!/usr/bin/env bash
# Builds OpenTofu and the Terraform providers this stack uses from the Go module proxy, and installs
# the providers into an offline filesystem mirror, so that `tofu init/validate/plan/apply` run with
# no Terraform registry and no GitHub (neither is reachable here).
#
# Why build from source: the Go module proxy is the only reachable source of these programs. Their
# go.mod files carry replace directives (and two declare a module path that differs from their
# repository), so `go install module@version` refuses them; instead each module is downloaded,
# copied out of the read-only module cache and built in place.
#
# Output (all under .cache/terraform/, re-used on the next run):
#   bin/tofu                 the OpenTofu CLI
#   mirror/<host>/<ns>/<type>/<version>/linux_amd64/terraform-provider-<type>_v<version>
#   tofurc                   CLI config: install providers from the mirror only
#   env.sh                   `source` it to get TF_CLI_CONFIG_FILE, PATH and TERRAFORM_BINARY_NAME
#   providers.json           source -> version of every provider in the mirror (read by the tests)
#
# Usage: bash scripts/setup-terraform.sh [--force]   (--force rebuilds everything)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/terraform"
BIN="$CACHE/bin"
MIRROR="$CACHE/mirror"
BUILD="$CACHE/build"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

# What to build. One line per program:
#   name | Go module | module version | mirror address (empty for the CLI) | version | main package
# The Go module proxy reachable here serves only some versions of each module, so the mirror versions
# are what it has, not always what the prebuilt CDKTF bindings were generated against:
#   - hashicorp/random: @cdktf/provider-random 12.0.1 pins 3.7.2; the proxy has a 3.9.0 commit
#     (version/VERSION of that commit says 3.9.0).
#   - kreuzwerker/docker: @cdktf/provider-docker 12.0.3 pins 3.6.2; the proxy has only a commit of
#     2026-09-16 whose README and CHANGELOG name 4.6.0 as the current release.
# Both are schema-compatible supersets for what the stack uses (docker 4 removed only
# docker_network.check_duplicate; see the provider's docs/v3_v4_migration.md).
BUILDS=(
  "tofu|github.com/opentofu/opentofu|v1.12.6||1.12.6|./cmd/tofu"
  "kafka|github.com/Mongey/terraform-provider-kafka|v0.13.1|Mongey/kafka|0.13.1|."
  "random|github.com/terraform-providers/terraform-provider-random|v1.3.2-0.20260513075824-f8d869dc98d9|hashicorp/random|3.9.0|."
  "docker|github.com/kreuzwerker/terraform-provider-docker|v0.0.0-20260916201441-96d331c98ff4|kreuzwerker/docker|4.6.0|."
)
# OpenTofu resolves bare sources ("Mongey/kafka") on registry.opentofu.org, Terraform on
# registry.terraform.io; the mirror answers for both.
MIRROR_HOSTS=(registry.opentofu.org registry.terraform.io)
PLATFORM="linux_amd64"

# The builds share 2 CPU cores with other work: trimmed, stripped, at low priority, one at a time,
# and never fetching a different Go toolchain behind our back.
export GOFLAGS="-buildvcs=false -trimpath -mod=mod"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

log() { printf '[setup-terraform] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null || die "Go is not installed; install Go >= 1.26 (the OpenTofu module requires it) and re-run."
[[ "$(go env GOOS)/$(go env GOARCH)" == "linux/amd64" ]] ||
  die "this script builds for linux_amd64 only, but Go targets $(go env GOOS)/$(go env GOARCH)."

# Prints the module cache directory of module@version, downloading it if needed.
module_dir() {
  local module="$1" version="$2" json dir
  # Run outside any Go module so the project's (absent) go.mod cannot interfere.
  if ! json="$(cd "$BUILD" && go mod download -json "$module@$version" 2>&1)"; then
    die "cannot download $module@$version from the Go module proxy ($(go env GOPROXY)): $json"
  fi
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$dir" && -d "$dir" ]] || die "go mod download gave no source directory for $module@$version: $json"
  printf '%s\n' "$dir"
}

# Builds one program into $2 (an absolute file path) unless the stamp says it is already there.
build_one() {
  local name="$1" module="$2" version="$3" package="$4" output="$5" ldflags="$6"
  # The stamp records module, version and link flags: changing any of them here rebuilds.
  local stamp="$output.built-from" want="$module@$version $ldflags"
  if [[ $FORCE -eq 0 && -x "$output" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    log "$name: up to date ($want)"
    return
  fi
  local src="$BUILD/src/$name" started elapsed
  started=$(date +%s)
  log "$name: downloading $module@$version"
  local dir
  dir="$(module_dir "$module" "$version")"
  # The module cache is read-only and `go build` may need to update go.sum: build in a copy.
  rm -rf "$src"
  mkdir -p "$(dirname "$src")" "$(dirname "$output")"
  cp -R "$dir" "$src"
  chmod -R u+w "$src"
  log "$name: building $package"
  # The list of modules fetched is long and says nothing useful once it works: leave it out.
  if ! (cd "$src" && nice -n 10 go build -ldflags "-s -w $ldflags" -o "$output.tmp" "$package" 2>&1 |
    { grep -v '^go: downloading ' || true; } >&2; exit "${PIPESTATUS[0]}"); then
    die "$name: go build of $want failed (source copy kept in $src; see the compiler output above)."
  fi
  mv -f "$output.tmp" "$output"
  printf '%s\n' "$want" >"$stamp"
  rm -rf "$src"
  elapsed=$(($(date +%s) - started))
  log "$name: built in ${elapsed}s -> ${output#"$ROOT"/}"
}

mkdir -p "$CACHE"
# Parallel test workers may each start this script on a fresh machine: one builds, the others wait
# and then find everything up to date.
if command -v flock >/dev/null; then
  exec 9>"$CACHE/.lock"
  flock 9
fi
mkdir -p "$BIN" "$MIRROR" "$BUILD"
providers_json="{"
separator=""
for entry in "${BUILDS[@]}"; do
  IFS='|' read -r name module version address mirror_version package <<<"$entry"
  if [[ -z "$address" ]]; then
    # version.dev=no: report "OpenTofu v1.12.6", not the "-dev" build it would otherwise claim to be.
    build_one "$name" "$module" "$version" "$package" "$BIN/$name" "-X github.com/opentofu/opentofu/version.dev=no"
    continue
  fi
  namespace="${address%%/*}"
  type="${address##*/}"
  primary="$MIRROR/${MIRROR_HOSTS[0]}/$namespace/$type/$mirror_version/$PLATFORM/terraform-provider-${type}_v$mirror_version"
  build_one "$name" "$module" "$version" "$package" "$primary" "-X main.version=$mirror_version"
  for host in "${MIRROR_HOSTS[@]:1}"; do
    copy="$MIRROR/$host/$namespace/$type/$mirror_version/$PLATFORM"
    mkdir -p "$copy"
    ln -sf "$primary" "$copy/"
  done
  providers_json+="$separator\"$address\":\"$mirror_version\""
  separator=","
done
printf '%s}\n' "$providers_json" >"$CACHE/providers.json"

# Providers come from the mirror and from nowhere else: there is no `direct {}` block, so a provider
# missing from the mirror fails `tofu init` at once instead of trying an unreachable registry.
cat >"$CACHE/tofurc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.opentofu.org/*/*", "registry.terraform.io/*/*"]
  }
}
EOF

cat >"$CACHE/env.sh" <<EOF
# Generated by scripts/setup-terraform.sh: source it before \`cdktf deploy/diff\` or \`tofu\`.
# With cdktf, add --skip-provider-lock: its extra \`tofu providers lock\` step asks the registry
# directly and ignores the mirror configured below.
export PATH="$BIN:\$PATH"
export TF_CLI_CONFIG_FILE="$CACHE/tofurc"
export TERRAFORM_BINARY_NAME=tofu
export CHECKPOINT_DISABLE=1
EOF

rm -rf "$BUILD"
log "ready: $(TF_CLI_CONFIG_FILE="$CACHE/tofurc" "$BIN/tofu" version | head -n 1); providers $(cat "$CACHE/providers.json")"
log "use it with: source .cache/terraform/env.sh"
