#!/usr/bin/env bash
# The packages as a user gets them: pack them as they would be published, `npm install` the
# tarballs into empty folders outside the workspace, on a machine with no compiler and no
# libopus (hidden in a private mount namespace), with the lowest and the highest supported
# @mtcute/core; then run a plain .mjs bot that makes offline 13.0.0 and 2.4.4 calls with a tone and checks
# the recording, and type-check a strict TypeScript consumer against the installed types.
# Last, a prebuilt addon that cannot load: the install says why, then builds from source, or
# names what to install when it cannot.
# Needs root (mount namespaces) and the npm registry. Run: pnpm test:package
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d /tmp/tgvoip-package-smoke.XXXXXX)"
trap 'rm -rf "$work"' EXIT
MTCUTE_VERSIONS=(0.30.0 0.30.3)

passed=0
fail() { echo "package-smoke: FAIL: $*" >&2; echo "package-smoke: $passed passed, 1 failed"; exit 1; }
pass() { passed=$((passed + 1)); echo "package-smoke: ok: $*"; }
step() { echo; echo "== package-smoke: $*"; }

[ "$(id -u)" -eq 0 ] || fail "needs root, to hide the compiler and libopus in a mount namespace"

step "packing the packages"
(cd "$repo" && pnpm -r --filter './packages/*' pack --pack-destination "$work/packs" >/dev/null)
ls -l "$work/packs"
tarball() { ls "$work/packs"/tgvoip-"$1"-[0-9]*.tgz; }
PACKAGES=(calls calls-audio calls-native calls-webrtc)
for pkg in "${PACKAGES[@]}"; do
  tar tzf "$(tarball "$pkg")" >"$work/$pkg.files"
  grep -q '^package/dist/index.js$' "$work/$pkg.files" || fail "$pkg tarball has no dist/"
  if grep -qE '^package/(src|test|native/test)/' "$work/$pkg.files"; then fail "$pkg tarball ships sources or tests"; fi
done
grep -q '^package/prebuilds/linux-x64/.*\.node$' "$work/calls-native.files" || fail "calls-native tarball has no prebuild"
pass "tarballs carry dist/ and the linux-x64 prebuild, and no sources or tests"

# Runs a command where g++/gcc/cc/make/pkg-config, the opus headers and libopus.so are gone,
# as on a machine that never installed a toolchain or libopus-dev.
without_toolchain() {
  local hide="" target
  mkdir -p "$work/empty"
  for tool in g++ gcc c++ cc make pkg-config; do
    target="$(command -v "$tool" || true)"
    [ -z "$target" ] || hide+="mount --bind /dev/null '$(readlink -f "$target")'; "
  done
  for lib in /usr/lib/*/libopus.so* /usr/lib/libopus.so*; do
    [ -e "$lib" ] && hide+="mount --bind /dev/null '$(readlink -f "$lib")'; "
  done
  [ ! -d /usr/include/opus ] || hide+="mount --bind '$work/empty' /usr/include/opus; "
  unshare --mount --propagation private bash -c "set -e; $hide
    if g++ --version >/dev/null 2>&1 || pkg-config --exists opus 2>/dev/null; then echo 'toolchain still visible' >&2; exit 99; fi
    $1"
}

for mtcute in "${MTCUTE_VERSIONS[@]}"; do
  app="$work/app-mtcute-$mtcute"
  step "npm install of the tarballs with @mtcute/core $mtcute into $app"
  mkdir -p "$app"
  cp "$here/bot.mjs" "$here/consumer.ts" "$here/tsconfig.json" "$app/"
  cat >"$app/package.json" <<EOF
{
  "name": "tgvoip-consumer", "private": true, "type": "module",
  "dependencies": {
$(for pkg in "${PACKAGES[@]}"; do printf '    "@tgvoip/%s": "file:%s",\n' "$pkg" "$(tarball "$pkg")"; done)
    "@mtcute/core": "$mtcute",
    "@mtcute/node": "$mtcute"
  },
  "devDependencies": { "typescript": "~5.9.3", "@types/node": "^22.19.0" }
}
EOF
  # Without scripts: @mtcute/node's better-sqlite3 would need a compiler (FakeTelegram keeps
  # its sessions in memory and never loads it). Ours runs next, with no toolchain.
  (cd "$app" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
  without_toolchain "cd '$app' && npm rebuild @tgvoip/calls-native --foreground-scripts && node bot.mjs"
  [ ! -e "$app/node_modules/@tgvoip/calls-native/build" ] || fail "the install built from source although the prebuild loads"
  pass "mtcute $mtcute: a plain JS bot made 13.0.0 and 2.4.4 calls with audio, on the prebuild, with no toolchain"
  (cd "$app" && npx tsc -p tsconfig.json)
  pass "mtcute $mtcute: a strict TypeScript consumer type-checks against the installed types"
done

# The prebuild is Node-API: the same file must load and work on every maintained Node line.
for line in 22 26; do
  step "the same app on Node $line"
  npm install --prefix "$work/node-$line" --no-audit --no-fund --loglevel=error "node@$line" >/dev/null
  without_toolchain "cd '$app' && '$work/node-$line/node_modules/.bin/node' --version && '$work/node-$line/node_modules/.bin/node' bot.mjs"
  pass "Node $line: the bot made 13.0.0 and 2.4.4 calls with audio on the same prebuild"
done

step "a prebuild that cannot load, with no toolchain: the install says why and what to install"
native="$app/node_modules/@tgvoip/calls-native"
printf 'not a shared object' >"$native"/prebuilds/linux-x64/*.node
if without_toolchain "cd '$app' && npm rebuild @tgvoip/calls-native --foreground-scripts" >"$work/no-toolchain.log" 2>&1; then
  fail "install succeeded with a broken prebuild and no compiler"
fi
cat "$work/no-toolchain.log"
grep -q 'does not load on this machine' "$work/no-toolchain.log" || fail "the load error was not reported"
grep -q 'cannot build @tgvoip/calls-native from source: missing a C++17 compiler' "$work/no-toolchain.log" || fail "missing tools not named"
grep -q 'apt-get install' "$work/no-toolchain.log" || fail "no install hint"
pass "a prebuild that cannot load, and no toolchain: the load error, then what to install"

step "the same broken prebuild with a toolchain: the install falls back to a source build"
(cd "$app" && npm rebuild @tgvoip/calls-native --foreground-scripts) >"$work/fallback.log" 2>&1 || { cat "$work/fallback.log"; fail "source build failed"; }
grep -q 'does not load on this machine' "$work/fallback.log" || fail "the load error was not reported before the build"
[ -e "$native/build/Release/tgvoip_native.node" ] || fail "no source build"
(cd "$app" && node bot.mjs) | tee "$work/bot.log"
grep -q 'addon: .*build/Release' "$work/bot.log" || fail "the source-built addon was not used"
pass "a prebuild that cannot load: the load error, then a source build that works"

echo
echo "package-smoke: $passed passed, 0 failed"
