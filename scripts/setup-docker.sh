#!/usr/bin/env bash
# Makes a Docker engine reachable on this machine, for the deploy rehearsal, the locally built
# images (scripts/local-images/build.sh) and the container benchmarks.
#   - an engine already answers `docker info`: nothing to do (exit 0 at once);
#   - no dockerd installed: installs Debian's docker.io (needs root and apt);
#   - dockerd installed but not running: starts it in the background, log in .cache/dockerd.log,
#     and waits until `docker info` answers (DOCKER_WAIT_SECONDS, default 60).
# No image registry is reachable from here: every image is built locally (scripts/local-images/).
# Re-runnable; concurrent runs (two worktrees, CI) are serialized by a lock so only one dockerd starts.
# Usage: bash scripts/setup-docker.sh   (= npm run setup:docker)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
LOG="$CACHE/dockerd.log"
WAIT_SECONDS="${DOCKER_WAIT_SECONDS:-60}"
export DEBIAN_FRONTEND=noninteractive

log() { echo "[setup-docker] $*"; }
fail() { echo "[setup-docker] error: $*" >&2; exit 1; }
engine_up() { docker info >/dev/null 2>&1; }

# The common case (an engine runs) must stay a no-op, even without root.
if command -v docker >/dev/null 2>&1 && engine_up; then
  log "engine running: $(docker version --format 'server {{.Server.Version}}, client {{.Client.Version}}' 2>/dev/null)"
  exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/setup-docker.lock"
flock 9
# Another run may have started the engine while this one waited for the lock.
if command -v docker >/dev/null 2>&1 && engine_up; then
  log "engine running (started by a concurrent run)"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || fail "no Docker engine answers and this is not root: start dockerd, or re-run this script as root"

# dockerd lives in /usr/sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"
if ! command -v dockerd >/dev/null 2>&1; then
  log "dockerd missing: installing docker.io from Debian"
  apt-get update -q
  apt-get install -y -q --no-install-recommends docker.io
fi
# Debian's package ships a client too; a newer client already on PATH (/usr/local/bin) is kept, it talks to 20.10 fine.
command -v docker >/dev/null 2>&1 || fail "no docker client on PATH after installing docker.io"

if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd runs (pid $(pgrep -x dockerd | head -1)) but does not answer yet; waiting"
else
  log "starting dockerd in the background (log: $LOG)"
  # setsid: the engine must outlive this script and the shell that ran it (others use it after us).
  setsid dockerd >>"$LOG" 2>&1 </dev/null &
fi

for ((i = 0; i < WAIT_SECONDS; i++)); do
  if engine_up; then
    log "engine running: $(docker version --format 'server {{.Server.Version}}, client {{.Client.Version}}' 2>/dev/null)"
    exit 0
  fi
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    tail -n 20 "$LOG" >&2 || true
    fail "dockerd exited before it answered; its log (above) is in $LOG"
  fi
  sleep 1
done
tail -n 20 "$LOG" >&2 || true
fail "dockerd did not answer \`docker info\` within ${WAIT_SECONDS}s; its log (above) is in $LOG"
