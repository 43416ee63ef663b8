#!/usr/bin/env bash
# Installs everything tgvoip.ts needs on a fresh Debian/Ubuntu machine: a maintained Node.js
# (22 or newer), system packages (libopus for the engine, ffmpeg for file sources/sinks, a
# compiler for the addon), pnpm, and the workspace's npm packages (which builds the addon).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

# Global npm installs go to /usr/local, which comes before /usr/bin on a standard PATH, so
# they win over a distribution's node without overwriting it.
global_prefix=/usr/local

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  echo "install.sh: Node.js $(node --version 2>/dev/null || echo '(none)') is older than 22;" \
    "installing the current LTS (node@24) from the npm registry into $global_prefix"
  $sudo_cmd npm install -g --prefix "$global_prefix" node@24
  hash -r
  if [ "$(node_major)" -lt 22 ]; then
    echo "install.sh: node@24 is in $global_prefix/bin, but 'node' on your PATH is still" \
      "$(command -v node) ($(node --version)). Put $global_prefix/bin first in PATH." >&2
    exit 1
  fi
fi
echo "install.sh: using Node.js $(node --version) at $(command -v node)"

export DEBIAN_FRONTEND=noninteractive
need_apt=()
dpkg -s libopus-dev >/dev/null 2>&1 || need_apt+=(libopus-dev)
# libssl-dev only for the standalone C++ protocol tests (ASan); the addon uses Node's OpenSSL.
dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++ make python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

# npm's own global prefix follows the node binary it runs under (for node@24 from npm that is
# inside node's package folder), so name the prefix to get pnpm onto the PATH.
if ! command -v pnpm >/dev/null 2>&1; then
  $sudo_cmd npm install -g --prefix "$global_prefix" pnpm@10.34.9
  hash -r
fi
# Native dependencies must build against this Node's headers; an npm config may name
# another Node's (a distribution's nodedir), which builds addons that fail to load.
nodedir="$(node packages/calls-native/scripts/node-headers.mjs)"
[ -z "$nodedir" ] || export npm_config_nodedir="$nodedir"
if [ -n "${CI:-}" ]; then
  pnpm install --frozen-lockfile
else
  pnpm install
fi
