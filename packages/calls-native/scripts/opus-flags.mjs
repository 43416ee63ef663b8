#!/usr/bin/env node
// Prints the compiler or linker flags for libopus, for binding.gyp:
//   node scripts/opus-flags.mjs cflags|libs
// A source build links the system libopus found by pkg-config; on macOS, where pkg-config
// is often missing, Homebrew's opus is used without it. The prebuilt addon (linux-x64) sets
// TGVOIP_OPUS_STATIC to a libopus built with -fPIC (scripts/prebuild.mjs) and links it, and
// libstdc++, statically, so the binary needs nothing from the system but glibc and libgcc_s.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const which = process.argv[2]
if (which !== 'cflags' && which !== 'libs') {
  console.error('usage: opus-flags.mjs cflags|libs')
  process.exit(2)
}

const staticPrefix = process.env.TGVOIP_OPUS_STATIC
if (staticPrefix) {
  console.log(
    which === 'cflags'
      ? `-I${join(staticPrefix, 'include', 'opus')} -DTGVOIP_PORTABLE_PREBUILD`
      : // Hide libopus's and libstdc++'s symbols so they cannot clash with other addons.
        `${join(staticPrefix, 'lib', 'libopus.a')} -static-libstdc++ -Wl,--exclude-libs,ALL`,
  )
} else {
  const flags = pkgConfigFlags() ?? homebrewFlags()
  if (flags === undefined) {
    console.error(
      process.platform === 'darwin'
        ? 'tgvoip: libopus not found by pkg-config or Homebrew (brew install opus pkg-config)'
        : 'tgvoip: libopus development files not found by pkg-config (apt-get install libopus-dev pkg-config)',
    )
    process.exit(1)
  }
  console.log(flags)
}

function pkgConfigFlags() {
  try {
    return execFileSync('pkg-config', [`--${which}`, 'opus'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

/** Homebrew's keg: `brew --prefix opus`, else its usual place on Apple silicon or Intel. */
function homebrewFlags() {
  if (process.platform !== 'darwin') return undefined
  let prefixes = ['/opt/homebrew/opt/opus', '/usr/local/opt/opus']
  try {
    prefixes = [execFileSync('brew', ['--prefix', 'opus'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(), ...prefixes]
  } catch {
    // no brew on the PATH: try the usual places
  }
  const prefix = prefixes.find((dir) => existsSync(join(dir, 'include', 'opus', 'opus.h')))
  if (!prefix) return undefined
  return which === 'cflags' ? `-I${join(prefix, 'include', 'opus')}` : `-L${join(prefix, 'lib')} -lopus`
}
