#!/usr/bin/env node
// Prints the compiler or linker flags for libopus, for binding.gyp:
//   node scripts/opus-flags.mjs cflags|libs
// A source build links the system libopus found by pkg-config. The prebuilt addon sets
// TGVOIP_OPUS_STATIC to a libopus built with -fPIC (scripts/prebuild.mjs) and links it, and
// libstdc++, statically, so the binary needs nothing from the system but glibc and libgcc_s.
import { execFileSync } from 'node:child_process'
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
  try {
    console.log(execFileSync('pkg-config', [`--${which}`, 'opus'], { encoding: 'utf8' }).trim())
  } catch {
    console.error('tgvoip: libopus development files not found by pkg-config (apt-get install libopus-dev pkg-config)')
    process.exit(1)
  }
}
