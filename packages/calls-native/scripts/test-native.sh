#!/usr/bin/env bash
# Builds and runs the C++ unit tests and the mutation fuzzer under AddressSanitizer and
# UndefinedBehaviorSanitizer. The addon uses Node's own OpenSSL; this standalone binary
# cannot link Node, so it links the system libcrypto (libssl-dev, from scripts/install.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/native-tests
mkdir -p "$out"
sources=(native/protocol/*.cc native/opus/*.cc native/controller/audio-sender.cc native/engine/send-slots.cc native/test/*.cc)

if ! pkg-config --exists libcrypto; then
  echo "test-native: libcrypto headers missing (apt-get install libssl-dev)" >&2
  exit 1
fi

# Rebuild only when a source or header changed.
stamp="$out/protocol-tests"
if [ ! -x "$stamp" ] || [ -n "$(find native/protocol native/opus native/controller/audio-sender.* native/engine/spsc-ring.h native/engine/send-slots.* native/test -newer "$stamp" -print -quit)" ]; then
  "${CXX:-g++}" -std=c++17 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
    -fno-sanitize-recover=undefined -Wall -Wextra -Werror -Inative \
    $(pkg-config --cflags opus libcrypto) "${sources[@]}" \
    $(pkg-config --libs opus libcrypto) -o "$stamp"
fi

# LeakSanitizer exists on Linux only; elsewhere asking for it stops ASan at start-up.
leaks=0
[ "$(uname -s)" = Linux ] && leaks=1
ASAN_OPTIONS=detect_leaks=$leaks:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 "$stamp" "$@"
