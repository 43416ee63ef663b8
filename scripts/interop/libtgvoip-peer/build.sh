#!/usr/bin/env bash
# Builds the libtgvoip peer (peer.cc) against a libtgvoip build.
#
#   build.sh <libtgvoip source dir> <libtgvoip build dir> <output binary>
#
# The build dir is where libtgvoip's ./configure --enable-audio-callback ran and made
# .libs/libtgvoip.a (scripts/interop/run-libtgvoip.sh does both). The binary is written
# where asked, outside the repository or in an ignored build/ directory.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 <libtgvoip source dir> <libtgvoip build dir> <output binary>" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
out=$3
here=$(cd "$(dirname "$0")" && pwd)
library="$build/.libs/libtgvoip.a"

[ -f "$src/VoIPController.h" ] || { echo "$src has no VoIPController.h: not a libtgvoip source tree" >&2; exit 1; }
[ -f "$library" ] || { echo "$library is missing: build libtgvoip first" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
# libtgvoip 2.4.4's Makefile.am leaves out two sources that VoIPController.cpp and
# PacketReassembler.cpp call into (its gyp build has them): they are compiled here.
missing_sources=("$src/video/VideoPacketSender.cpp" "$src/video/VideoFEC.cpp")
# TGVOIP_USE_CALLBACK_AUDIO_IO changes VoIPController's layout: it must match the library's.
nice -n 15 "${CXX:-g++}" -std=gnu++14 -O2 -Wall \
  -DTGVOIP_USE_CALLBACK_AUDIO_IO -DWEBRTC_POSIX -DWEBRTC_LINUX -I"$src" -I"$src/webrtc_dsp" \
  "$here/peer.cc" "${missing_sources[@]}" "$library" \
  -lopus -lcrypto -lpthread -ldl -lm \
  -o "$out"
echo "built $out"
