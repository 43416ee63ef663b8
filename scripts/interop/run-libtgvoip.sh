#!/usr/bin/env bash
# Builds the real libtgvoip and the libtgvoip peer, then runs the opt-in interop test
# (packages/calls-native/test/interop/libtgvoip.test.ts) against it.
#
#   bash scripts/interop/run-libtgvoip.sh <libtgvoip source dir> [work dir]
#
# <libtgvoip source dir>: a checkout of https://github.com/grishka/libtgvoip (2.4.4, the
# version Telegram's apps ship). Nothing is changed in it: libtgvoip is configured and
# built out of tree in [work dir] (default: build/libtgvoip-interop in this repository,
# which git ignores). The proxy scenarios need root (network namespaces, dante).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 <libtgvoip source dir> [work dir]" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
src=$(cd "$1" && pwd)
work=${2:-$repo/build/libtgvoip-interop}
[ -x "$src/configure" ] && [ -f "$src/VoIPController.h" ] || { echo "$src is not a libtgvoip source tree (no configure / VoIPController.h)" >&2; exit 1; }

# libtgvoip needs OpenSSL and libopus. Its audio sources include the ALSA headers even
# when audio goes through callbacks, so those must be present too (nothing links ALSA).
missing=()
for header in openssl/sha.h opus/opus.h alsa/asoundlib.h; do
  echo "#include <$header>" | "${CXX:-g++}" -E -x c++ - >/dev/null 2>&1 || missing+=("$header")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing headers: ${missing[*]}; install them with: apt-get install libssl-dev libopus-dev libasound2-dev" >&2
  exit 1
fi

mkdir -p "$work/libtgvoip"
cd "$work/libtgvoip"
if [ ! -f Makefile ]; then
  # --enable-audio-callback: audio through SetAudioDataCallbacks(), no sound card. The
  # configure script does not define WITHOUT_PULSE in that mode, and its sources would then
  # include PulseAudio headers that are not needed.
  nice -n 15 "$src/configure" --enable-audio-callback --disable-shared --enable-static CPPFLAGS="-DWITHOUT_PULSE" >configure.log 2>&1 \
    || { tail -20 configure.log >&2; exit 1; }
fi
echo "building libtgvoip in $work/libtgvoip (log: make.log)"
nice -n 15 make -j"$(nproc)" >make.log 2>&1 || { grep -m 20 -E 'error|Error' make.log >&2; exit 1; }

peer="$work/libtgvoip-peer"
bash "$repo/scripts/interop/libtgvoip-peer/build.sh" "$src" "$work/libtgvoip" "$peer"

cd "$repo/packages/calls-native"
TGVOIP_LIBTGVOIP_PEER="$peer" nice -n 15 pnpm exec vitest run test/interop/libtgvoip.test.ts
