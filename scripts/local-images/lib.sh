# Shared by build.sh, standins.sh and platform-images.sh (sourced, not run): logging, the
# `[--force] [target ...]` command line, the inputs-hash labels that let a re-run skip an image,
# and the check that an engine and the Debian base are there.
# The sourcing script sets LOG_PREFIX (e.g. "standins") and HERE (this folder) first.

log() { echo "[$LOG_PREFIX] $*"; }
fail() { echo "[$LOG_PREFIX] error: $*" >&2; exit 1; }

# parse_targets "a b c" "$@": sets FORCE (0/1) and WANTED (the targets asked for, all when none).
parse_targets() {
  local all="$1" arg
  shift
  FORCE=0
  WANTED=()
  for arg in "$@"; do
    if [[ $arg == --force ]]; then
      FORCE=1
    elif [[ " $all " == *" $arg "* ]]; then
      WANTED+=("$arg")
    else
      echo "usage: $0 [--force] [${all// /|} ...]" >&2
      exit 2
    fi
  done
  # shellcheck disable=SC2206 # the target list is space-separated on purpose
  [[ ${#WANTED[@]} -gt 0 ]] || WANTED=($all)
}
wants() { [[ " ${WANTED[*]} " == *" $1 "* ]]; }

# The value of label $2 on image $1, empty when the image or the label is missing.
image_label() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
sha() { sha256sum | cut -d' ' -f1; }

# sha256 of the given files' paths (relative to $ROOT) and contents, in the order given. Jars are
# versioned by name, so their names and sizes stand for them: hashing 100+ MB on every run would
# make a no-op run slow.
inputs_hash() {
  local file
  for file in "$@"; do
    if [[ $file == *.jar ]]; then
      printf '%s %s\n' "${file##*/}" "$(stat -c %s "$file")"
    else
      printf '%s ' "${file#"$ROOT"/}"
      sha <"$file"
    fi
  done | sha
}

# An engine answers and the Debian base image $BASE_IMAGE exists (built by build.sh if it is here).
require_engine_and_base() {
  docker info >/dev/null 2>&1 ||
    fail "no Docker engine answers (docker info failed): start it (scripts/setup-docker.sh, or dockerd as root) and run this again"
  if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    [[ -f "$HERE/build.sh" ]] && bash "$HERE/build.sh" base
    docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 ||
      fail "the base image $BASE_IMAGE is missing: build it (scripts/local-images/build.sh base: debootstrap --variant=minbase bookworm + docker import), or set LAB_DEBIAN_IMAGE to a Debian 12 image"
  fi
}
