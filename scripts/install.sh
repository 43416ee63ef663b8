#!/usr/bin/env bash
# Installs everything tgvoip.ts needs on a fresh Debian/Ubuntu machine: system packages
# (libopus for the engine, ffmpeg for file sources/sinks, a compiler for the addon),
# pnpm, and the workspace's npm packages (which builds the native addon).
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
need_apt=()
dpkg -s libopus-dev >/dev/null 2>&1 || need_apt+=(libopus-dev)
# libssl-dev only for the standalone C++ protocol tests (ASan); the addon uses Node's OpenSSL.
dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++ make python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@10.34.9
if [ -n "${CI:-}" ]; then
  pnpm install --frozen-lockfile
else
  pnpm install
fi
